//! What one call requires of an access token besides its validity: [`TokenRequirements`].

use crate::{AuthorizationCheck, TokenVerification};

/// What a call requires of an access token besides being valid: scopes, all of them granted; for B2B an
/// authorization check against the project's RBAC policy; and optionally where it is verified.
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
    authorization: Option<AuthorizationCheck>,
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

    /// Requires a B2B token to act in the check's organization and to have a scope that grants its action on its
    /// resource in the project's RBAC policy ([`AccessTokenError::TenancyMismatch`](crate::AccessTokenError::TenancyMismatch),
    /// [`AccessTokenError::PermissionDenied`](crate::AccessTokenError::PermissionDenied) otherwise). The policy is
    /// fetched once per client and cached.
    #[must_use]
    pub fn authorization(mut self, check: AuthorizationCheck) -> Self {
        self.authorization = Some(check);
        self
    }

    /// The authorization check this call asks for, if any.
    pub fn authorization_check(&self) -> Option<&AuthorizationCheck> {
        self.authorization.as_ref()
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
