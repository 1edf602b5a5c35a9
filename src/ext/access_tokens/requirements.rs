//! What one call requires of an access token besides its validity: [`TokenRequirements`].

use crate::TokenVerification;

/// What a call requires of an access token besides being valid: scopes, all of them granted; and optionally
/// where it is verified.
///
/// ```
/// use stytch_connected_apps::TokenRequirements;
/// let needs = TokenRequirements::new().scope("read:users").scope("write:users");
/// assert_eq!(needs.required_scopes().collect::<Vec<_>>(), ["read:users", "write:users"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenRequirements {
    scopes: Vec<String>,
    verification: Option<TokenVerification>,
}

impl TokenRequirements {
    /// Nothing beyond a valid token.
    pub fn new() -> Self {
        Self::default()
    }

    /// Requires `scope` as well.
    #[must_use]
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scopes.push(scope.into());
        self
    }

    /// Requires each of `scopes` as well.
    #[must_use]
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes.extend(scopes.into_iter().map(Into::into));
        self
    }

    /// Verifies this call's token this way, whatever the verifier's policy (a sensitive route asks for
    /// [`TokenVerification::LocalThenNetwork`]).
    #[must_use]
    pub fn verification(mut self, verification: TokenVerification) -> Self {
        self.verification = Some(verification);
        self
    }

    /// The policy this call asks for, if any.
    pub fn policy(&self) -> Option<TokenVerification> {
        self.verification
    }

    /// The required scopes, in the order given.
    pub fn required_scopes(&self) -> impl Iterator<Item = &str> {
        self.scopes.iter().map(String::as_str)
    }
}
