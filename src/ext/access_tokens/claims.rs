//! What a verified access token says: [`AccessTokenClaims`], its [`Scopes`], and a B2B token's
//! [`TokenOrganization`].

use std::collections::BTreeSet;
use std::fmt;
use std::time::SystemTime;

use serde_json::{Map, Value};

/// The claims of an access token that was verified: locally (signature, issuer, audience, times, kind) or by
/// Stytch's introspection ([`VerifiedBy`] says which).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct AccessTokenClaims {
    /// The member (B2B) or user (consumer) the token acts for (`sub`).
    pub subject: String,
    /// The Connected App the token was issued to (`client_id`).
    pub client_id: String,
    /// What the token may do (`scope`).
    pub scopes: Scopes,
    /// The audiences the token names (`aud`).
    pub audience: Vec<String>,
    /// Who issued it (`iss`): `stytch.com/{project_id}` or the project's custom domain.
    pub issuer: String,
    /// When it was issued (`iat`), if it says.
    pub issued_at: Option<SystemTime>,
    /// When it becomes valid (`nbf`), if it says.
    pub not_before: Option<SystemTime>,
    /// When it expires (`exp`).
    pub expires_at: SystemTime,
    /// Its id (`jti`), if it has one.
    pub token_id: Option<String>,
    /// The member's organization (B2B tokens: `https://stytch.com/organization`).
    pub organization: Option<TokenOrganization>,
    /// Every other top-level claim: the project's custom claims.
    pub custom_claims: Map<String, Value>,
    /// How the token was verified.
    pub verified_by: VerifiedBy,
}

/// A B2B access token's organization.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenOrganization {
    /// The organization's id.
    pub organization_id: String,
    /// Its slug, when the claim carries it.
    pub slug: Option<String>,
}

/// How an access token was found valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifiedBy {
    /// Here, against the project's keys: no request per token. A consent revoked since the token was issued is
    /// not seen (the token stays valid until it expires).
    Locally,
    /// By Stytch's token introspection (RFC 7662): a revoked consent is seen at once.
    Introspection,
    /// Both: locally (so a forged token cost no request), then by introspection. The claims are the local ones.
    LocallyThenIntrospection,
}

/// The scopes a token grants: the space-delimited `scope` claim as a set.
///
/// ```
/// use stytch_connected_apps::Scopes;
/// let scopes = Scopes::parse("read:users  openid write:users");
/// assert!(scopes.has("read:users") && !scopes.has("read"));
/// assert_eq!(scopes.to_string(), "openid read:users write:users");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scopes(BTreeSet<String>);

impl Scopes {
    /// The scopes of a space-delimited `scope` value (runs of spaces, and leading or trailing ones, are ignored).
    pub fn parse(scope: &str) -> Self {
        Self(scope.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect())
    }

    /// Does the token grant `scope` (exactly, case-sensitively)?
    pub fn has(&self, scope: &str) -> bool {
        self.0.contains(scope)
    }

    /// The first of `required` the token lacks, if any.
    pub fn missing<'a>(&self, required: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
        required.into_iter().find(|scope| !self.has(scope))
    }

    /// The scopes, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// None at all?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Scopes {
    /// Space-delimited, in order (the claim's form).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, scope) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(scope)?;
        }
        Ok(())
    }
}

impl<'a> IntoIterator for &'a Scopes {
    type Item = &'a str;
    type IntoIter = std::iter::Map<std::collections::btree_set::Iter<'a, String>, fn(&String) -> &str>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(String::as_str)
    }
}
