//! Who is behind a session, once verified: [`SessionMember`] (what the member calls route by), and the verified
//! claims of a member or user session JWT ([`MemberSessionClaims`], [`UserSessionClaims`]) that
//! [`Client::verify_member_jwt`](crate::Client::verify_member_jwt) and
//! [`Client::verify_user_jwt`](crate::Client::verify_user_jwt) return.

use std::time::SystemTime;

use serde_json::{Map, Value};

use crate::ext::jwt::verify::Verified;
use crate::ext::sessions::session_jwt::SessionClaim;

/// The organization and member behind a member session, verified: locally against the project's JWKS (a JWT,
/// by default) or by Stytch (`POST /v1/b2b/sessions/authenticate`: a session token, or
/// [`SessionVerification::Remote`](crate::SessionVerification::Remote)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionMember {
    /// The session's organization.
    pub organization_id: String,
    /// The session's member.
    pub member_id: String,
}

/// The claims of a member session JWT whose signature, issuer, audience and expiry were verified locally.
/// Fit to authorize with in your own code, within the JWT's lifetime (a session revoked since it was issued is
/// only noticed by Stytch: see [`SessionVerification`](crate::SessionVerification)).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct MemberSessionClaims {
    /// The member (`sub`).
    pub member_id: String,
    /// The organization (`https://stytch.com/organization` → `organization_id`).
    pub organization_id: String,
    /// The organization's slug, when the claim carries it.
    pub organization_slug: Option<String>,
    /// The member session (`https://stytch.com/session` → `id`).
    pub session_id: String,
    /// The session's roles (`https://stytch.com/session` → `roles`).
    pub roles: Vec<String>,
    /// When the JWT was issued (`iat`), if it says.
    pub issued_at: Option<SystemTime>,
    /// When the JWT expires (`exp`).
    pub expires_at: SystemTime,
    /// When the session itself expires (`https://stytch.com/session` → `expires_at`).
    pub session_expires_at: SystemTime,
    /// Every other top-level claim: the project's custom claims.
    pub custom_claims: Map<String, Value>,
}

/// The claims of a consumer session JWT whose signature, issuer, audience and expiry were verified locally.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct UserSessionClaims {
    /// The user (`sub`).
    pub user_id: String,
    /// The session (`https://stytch.com/session` → `id`).
    pub session_id: String,
    /// The session's roles.
    pub roles: Vec<String>,
    /// When the JWT was issued (`iat`), if it says.
    pub issued_at: Option<SystemTime>,
    /// When the JWT expires (`exp`).
    pub expires_at: SystemTime,
    /// When the session itself expires.
    pub session_expires_at: SystemTime,
    /// Every other top-level claim: the project's custom claims.
    pub custom_claims: Map<String, Value>,
}

impl MemberSessionClaims {
    /// The organization and member, for routing a call.
    pub fn member(&self) -> SessionMember {
        SessionMember { organization_id: self.organization_id.clone(), member_id: self.member_id.clone() }
    }
}

impl From<Verified<SessionClaim>> for MemberSessionClaims {
    fn from(verified: Verified<SessionClaim>) -> Self {
        let (organization_id, organization_slug) = verified.claims.organization.unwrap_or_default();
        Self {
            member_id: verified.registered.subject,
            organization_id,
            organization_slug,
            session_id: verified.claims.session_id,
            roles: verified.claims.roles,
            issued_at: verified.registered.issued_at,
            expires_at: verified.registered.expires_at,
            session_expires_at: verified.claims.session_expires_at,
            custom_claims: verified.custom_claims,
        }
    }
}

impl From<Verified<SessionClaim>> for UserSessionClaims {
    fn from(verified: Verified<SessionClaim>) -> Self {
        Self {
            user_id: verified.registered.subject,
            session_id: verified.claims.session_id,
            roles: verified.claims.roles,
            issued_at: verified.registered.issued_at,
            expires_at: verified.registered.expires_at,
            session_expires_at: verified.claims.session_expires_at,
            custom_claims: verified.custom_claims,
        }
    }
}
