//! Why an access token was refused. Like [`JwtError`], the reasons never repeat the token or any value taken from
//! it; a missing scope and an authorization check's resource and action are the caller's own words.

use std::fmt;

use crate::JwtError;
use crate::ext::hygiene::escape::Escaped;

/// An access token that verification refused ([`Error::AccessToken`](crate::Error::AccessToken)). The first two
/// say the token is not valid (HTTP 401 `invalid_token` for a resource server); the others that it is valid but
/// does not allow what was asked (403 `insufficient_scope`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AccessTokenError {
    /// Local verification refused it: signature, issuer, audience, times, or a token of another kind.
    Invalid(JwtError),
    /// Stytch's introspection answered `active: false`: revoked (its consent included), expired, or unknown.
    Inactive,
    /// It lacks a scope the call requires (the first missing one).
    InsufficientScope {
        /// The required scope it lacks.
        missing: String,
    },
    /// B2B authorization: the token's organization is not the one the check names.
    TenancyMismatch,
    /// B2B authorization: no scope of the token grants the action on the resource (in the project's RBAC policy).
    PermissionDenied {
        /// The resource the check named.
        resource_id: String,
        /// The action the check named.
        action: String,
    },
}

impl AccessTokenError {
    /// `true` when the token itself is not valid (invalid or inactive): HTTP 401 for a resource server. `false`
    /// when it is valid but does not allow the call: 403.
    pub fn is_invalid_token(&self) -> bool {
        matches!(self, AccessTokenError::Invalid(_) | AccessTokenError::Inactive)
    }
}

impl fmt::Display for AccessTokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccessTokenError::Invalid(jwt) => write!(f, "{jwt}"),
            AccessTokenError::Inactive => {
                f.write_str("access token rejected: it is not active (revoked, expired or unknown)")
            }
            AccessTokenError::InsufficientScope { missing } => {
                write!(f, "access token lacks the required scope {:?}", Escaped(missing))
            }
            AccessTokenError::TenancyMismatch => f.write_str("access token belongs to another organization"),
            AccessTokenError::PermissionDenied { resource_id, action } => write!(
                f,
                "access token grants no permission for action {:?} on resource {:?}",
                Escaped(action),
                Escaped(resource_id)
            ),
        }
    }
}

impl std::error::Error for AccessTokenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AccessTokenError::Invalid(jwt) => Some(jwt),
            _ => None,
        }
    }
}
