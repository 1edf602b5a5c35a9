//! The organization and member behind a B2B session: verified by Stytch ([`SessionMember`]), or merely claimed by
//! a JWT read locally ([`UnverifiedSessionMember`]).
//!
//! Reading claims without verifying the signature is safe here, and only here, because the same JWT is forwarded
//! in `X-Stytch-Member-SessionJWT` on the call that uses them: Stytch verifies the JWT (signature, expiry,
//! revocation) and that its organization matches the `organization_id` in the path, and answers 401/403/404
//! otherwise. A forged or foreign JWT can therefore only produce a request that Stytch refuses. The claims must never
//! be used for anything Stytch does not check on that same request: to authorize in your own code, to pick data to
//! return, or with a call that does not forward the JWT (the consumer endpoints, which take no session header:
//! [`Client::as_user`](crate::Client::as_user) asks Stytch instead).

use base64::Engine as _;
use serde_json::Value;

use crate::{Error, InvalidInput};

const ORGANIZATION_CLAIM: &str = "https://stytch.com/organization";

/// The organization and member behind a member session, **as Stytch vouches for them**: from
/// `POST /v1/b2b/sessions/authenticate` ([`MemberSessionCalls::identity`](crate::MemberSessionCalls::identity)),
/// which checks the session's signature or token, expiry and revocation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionMember {
    /// The session's organization (`member_session.organization_id`).
    pub organization_id: String,
    /// The session's member (`member_session.member_id`).
    pub member_id: String,
}

/// The organization and member a session JWT **claims**, read locally without verifying anything
/// ([`MemberSessionCalls::unverified_identity`](crate::MemberSessionCalls::unverified_identity)).
///
/// Anyone can write a JWT that claims any organization and member. These values are fit only to route a request
/// that forwards the same JWT, on which Stytch verifies it; never to authorize, to pick data, or with a call that
/// does not forward the JWT. For an identity, use
/// [`MemberSessionCalls::identity`](crate::MemberSessionCalls::identity).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnverifiedSessionMember {
    organization_id: String,
    member_id: String,
}

impl UnverifiedSessionMember {
    /// The organization the JWT claims (`https://stytch.com/organization` → `organization_id`). Unverified.
    pub fn claimed_organization_id(&self) -> &str {
        &self.organization_id
    }

    /// The member the JWT claims (`sub`). Unverified.
    pub fn claimed_member_id(&self) -> &str {
        &self.member_id
    }

    /// The claims as a route for a request that forwards this same JWT (Stytch verifies it there).
    pub(crate) fn for_forwarding_only(self) -> SessionMember {
        SessionMember { organization_id: self.organization_id, member_id: self.member_id }
    }
}

/// Reads the organization and member from a session JWT's claims, without verifying it (see the module docs).
pub(crate) fn member_from_jwt(jwt: &str) -> Result<UnverifiedSessionMember, Error> {
    let invalid = |reason: &'static str| Error::from(InvalidInput::new("member session JWT", reason));
    let mut parts = jwt.split('.');
    let (Some(_header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid("is not a JWT (three dot-separated parts)"));
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| invalid("has a payload that is not base64url"))?;
    let claims: Value = serde_json::from_slice(&bytes).map_err(|_| invalid("has a payload that is not JSON"))?;
    let text = |value: &Value| value.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
    let member_id = text(&claims["sub"]).ok_or_else(|| invalid("has no `sub` claim (the member id)"))?;
    let organization_id = text(&claims[ORGANIZATION_CLAIM]["organization_id"])
        .ok_or_else(|| invalid("has no `https://stytch.com/organization` claim with an `organization_id`"))?;
    Ok(UnverifiedSessionMember { organization_id, member_id })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        let encode = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.{}", encode(r#"{"alg":"RS256"}"#), encode(claims), encode("sig"))
    }

    #[test]
    fn reads_sub_and_the_organization_claim() {
        let token = jwt(
            r#"{"sub":"member-test-1","https://stytch.com/organization":{"organization_id":"organization-test-2","slug":"acme"}}"#,
        );
        let claimed = member_from_jwt(&token).unwrap();
        assert_eq!(
            (claimed.claimed_organization_id(), claimed.claimed_member_id()),
            ("organization-test-2", "member-test-1")
        );
    }

    #[test]
    fn malformed_or_incomplete_jwts_are_clear_errors_that_never_echo_the_jwt() {
        let cases = [
            ("opaque-session-token".to_owned(), "three dot-separated parts"),
            ("a.b.c.d".to_owned(), "three dot-separated parts"),
            ("a.!!!.c".to_owned(), "not base64url"),
            (format!("a.{}.c", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("not json")), "not JSON"),
            (jwt(r#"{"https://stytch.com/organization":{"organization_id":"o"}}"#), "no `sub` claim"),
            (jwt(r#"{"sub":"m"}"#), "no `https://stytch.com/organization` claim"),
            (
                jwt(r#"{"sub":"m","https://stytch.com/organization":{"organization_id":""}}"#),
                "no `https://stytch.com/organization` claim",
            ),
            (jwt(r#"{"sub":7,"https://stytch.com/organization":{"organization_id":"o"}}"#), "no `sub` claim"),
        ];
        for (token, expected) in cases {
            let err = member_from_jwt(&token).unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(shown.contains(expected), "{token}: {shown}");
            assert!(!shown.contains(&token), "{shown}");
        }
    }
}
