//! The session JWT's profile over the JWT core: the session claim (`https://stytch.com/session`: its id, roles and
//! expiry) and, for a member session, the organization claim. A token without the session claim is not a session
//! JWT: an access token presented as one is refused as [`JwtErrorKind::WrongTokenType`].

use std::time::SystemTime;

use serde_json::{Map, Value};

use crate::ext::jwt::error::JwtErrorKind;
use crate::ext::jwt::verify::{self, ORGANIZATION_CLAIM, Profile, Registered, SESSION_CLAIM};

/// A member session JWT (`member: true`, the organization claim required) or a user session JWT.
pub(crate) struct SessionProfile {
    pub(crate) member: bool,
}

/// What the session profile reads.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SessionClaim {
    pub(crate) session_id: String,
    pub(crate) roles: Vec<String>,
    pub(crate) session_expires_at: SystemTime,
    /// `organization_id` and `slug` (member sessions).
    pub(crate) organization: Option<(String, Option<String>)>,
}

impl Profile for SessionProfile {
    type Claims = SessionClaim;

    fn read(
        &self,
        claims: &mut Map<String, Value>,
        _registered: &Registered,
        now: f64,
        leeway: f64,
    ) -> Result<SessionClaim, JwtErrorKind> {
        let Some(session) = claims.remove(SESSION_CLAIM) else {
            // Every session JWT has the session claim; a token with a `client_id` instead is an access token.
            return Err(match claims.contains_key("client_id") {
                true => JwtErrorKind::WrongTokenType,
                false => JwtErrorKind::MissingClaim(SESSION_CLAIM),
            });
        };
        let session = session.as_object().ok_or(JwtErrorKind::MissingClaim(SESSION_CLAIM))?;
        let session_id = session.get("id").and_then(Value::as_str).filter(|s| !s.is_empty());
        let session_id = session_id.ok_or(JwtErrorKind::MissingClaim("https://stytch.com/session.id"))?;
        let session_end = session.get("expires_at").and_then(Value::as_str);
        let session_end = session_end.ok_or(JwtErrorKind::MissingClaim("https://stytch.com/session.expires_at"))?;
        let session_end = humantime::parse_rfc3339_weak(session_end).map_err(|_| JwtErrorKind::Malformed)?;
        if now > verify::seconds(session_end) + leeway {
            return Err(JwtErrorKind::SessionExpired);
        }
        let roles = match session.get("roles") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(roles)) => roles.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            Some(_) => return Err(JwtErrorKind::Malformed),
        };
        let session_id = session_id.to_owned();
        let organization = match self.member {
            true => Some(verify::organization(claims)?),
            false => {
                // Not a custom claim of a user session either (it never was one).
                claims.remove(ORGANIZATION_CLAIM);
                None
            }
        };
        Ok(SessionClaim { session_id, roles, session_expires_at: session_end, organization })
    }

    fn ends_at(claims: &SessionClaim) -> Option<(SystemTime, JwtErrorKind)> {
        Some((claims.session_expires_at, JwtErrorKind::SessionExpired))
    }
}
