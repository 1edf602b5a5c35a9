//! The access token's profile over the JWT core: `client_id`, `scope`, and a B2B token's organization. A
//! Connected App's token acts for a member (`sub` is a `member-...` id, and the organization claim is there) or a
//! user (`sub` is a `user-...` id, no organization claim). Anything else signed by the project's keys is another
//! kind of token, [`JwtErrorKind::WrongTokenType`]: a session JWT (it has the session claim), an M2M token (its
//! `sub` is the `m2m-client-...` that asked for it, even when a custom-claim template adds a `client_id`), a B2B
//! token presented to a consumer verifier and the other way round.

use serde_json::{Map, Value};

use crate::Scopes;
use crate::ext::jwt::error::JwtErrorKind;
use crate::ext::jwt::verify::{self, ORGANIZATION_CLAIM, Profile, Registered, SESSION_CLAIM};

/// Stytch's member ids (`member-test-...`, `member-live-...`): a B2B token's subject.
const MEMBER_PREFIX: &str = "member-";
/// Stytch's user ids (`user-test-...`, `user-live-...`): a consumer token's subject.
const USER_PREFIX: &str = "user-";

/// A B2B access token (`b2b: true`: the organization claim required) or a consumer one (none allowed).
pub(crate) struct AccessTokenProfile {
    pub(crate) b2b: bool,
}

/// What the access token profile reads.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct AccessClaim {
    pub(crate) client_id: String,
    pub(crate) scopes: Scopes,
    /// `organization_id` and `slug` (B2B).
    pub(crate) organization: Option<(String, Option<String>)>,
}

impl Profile for AccessTokenProfile {
    type Claims = AccessClaim;

    fn read(
        &self,
        claims: &mut Map<String, Value>,
        registered: &Registered,
        _now: f64,
        _leeway: f64,
    ) -> Result<AccessClaim, JwtErrorKind> {
        if claims.contains_key(SESSION_CLAIM) {
            return Err(JwtErrorKind::WrongTokenType);
        }
        if !self.b2b && claims.contains_key(ORGANIZATION_CLAIM) {
            return Err(JwtErrorKind::WrongTokenType);
        }
        let subject_kind = if self.b2b { MEMBER_PREFIX } else { USER_PREFIX };
        if !registered.subject.starts_with(subject_kind) {
            return Err(JwtErrorKind::WrongTokenType);
        }
        let client_id = verify::text(claims, "client_id")?.filter(|id| !id.is_empty());
        let client_id = client_id.ok_or(JwtErrorKind::MissingClaim("client_id"))?.to_owned();
        // A token granted no scope may carry none; one of another type is malformed.
        let scopes = Scopes::parse(verify::text(claims, "scope")?.unwrap_or_default());
        claims.remove("client_id");
        claims.remove("scope");
        let organization = match self.b2b {
            true => Some(verify::organization(claims)?),
            false => None,
        };
        Ok(AccessClaim { client_id, scopes, organization })
    }
}
