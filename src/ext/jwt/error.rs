//! Why a JWT (a session JWT or an access token) was rejected locally. The reasons never repeat the JWT or any value taken from it (a forged
//! JWT's `kid`, `iss` or `sub` is attacker-chosen text).

use std::fmt;

/// A JWT that local verification rejected: a session JWT ([`Error::SessionJwt`](crate::Error::SessionJwt)) or
/// an access token ([`AccessTokenError::Invalid`](crate::AccessTokenError::Invalid)). Nothing was sent to Stytch
/// because of it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct JwtError {
    /// `member session JWT`, `user session JWT` or `access token`.
    pub what: &'static str,
    /// Why.
    pub kind: JwtErrorKind,
}

/// Why a JWT was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwtErrorKind {
    /// Not three base64url parts of JSON, too long, or a claim of the wrong type.
    Malformed,
    /// The header's `alg` is not `RS256` (`none`, `HS256` and every other algorithm are refused).
    UnsupportedAlgorithm,
    /// No key of the project's key set has the JWT's `kid`, even after a refetch (or within the refetch cooldown).
    UnknownKey,
    /// The signature does not match the key named by `kid`.
    InvalidSignature,
    /// `iss` is not an accepted issuer (`stytch.com/{project_id}`, or for an access token the project's custom
    /// domain), compared exactly.
    WrongIssuer,
    /// `aud` names neither the project nor an accepted audience.
    WrongAudience,
    /// `exp` has passed (beyond the leeway).
    Expired,
    /// `nbf` is still ahead (beyond the leeway).
    NotYetValid,
    /// The session the JWT belongs to (`https://stytch.com/session` → `expires_at`) has ended.
    SessionExpired,
    /// Issued (`iat`) longer ago than the configured `max_token_age`. The session-inferred calls then ask Stytch
    /// instead; [`Client::verify_member_jwt`](crate::Client::verify_member_jwt) reports it.
    TooOld,
    /// A token of the other kind: an access token presented as a session JWT (it has a `client_id` and no session
    /// claim), or a session JWT presented as an access token (it has the session claim `https://stytch.com/session`),
    /// or a B2B access token presented to a consumer verifier (it has an organization claim).
    WrongTokenType,
    /// A claim Stytch always sets is missing (the name says which).
    MissingClaim(&'static str),
    /// This build has no crypto backend for RS256 (no TLS feature is enabled): turn on `rustls`, `rustls-ring`
    /// or `native-tls`, or verify remotely ([`SessionVerification::Remote`](crate::SessionVerification::Remote)).
    NoCryptoBackend,
}

impl JwtError {
    pub(crate) fn new(what: &'static str, kind: JwtErrorKind) -> Self {
        Self { what, kind }
    }
}

impl fmt::Display for JwtErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwtErrorKind::Malformed => f.write_str("it is not a well-formed JWT"),
            JwtErrorKind::UnsupportedAlgorithm => f.write_str("its algorithm is not RS256"),
            JwtErrorKind::UnknownKey => f.write_str("no key of the project's JWKS has its key id"),
            JwtErrorKind::InvalidSignature => f.write_str("its signature is invalid"),
            JwtErrorKind::WrongIssuer => f.write_str("its issuer is not this project's"),
            JwtErrorKind::WrongTokenType => f.write_str("it is another kind of token"),
            JwtErrorKind::WrongAudience => f.write_str("its audience is not this project"),
            JwtErrorKind::Expired => f.write_str("it has expired"),
            JwtErrorKind::NotYetValid => f.write_str("it is not valid yet"),
            JwtErrorKind::SessionExpired => f.write_str("its session has expired"),
            JwtErrorKind::TooOld => f.write_str("it is older than the configured max_token_age"),
            JwtErrorKind::MissingClaim(claim) => write!(f, "it has no `{claim}` claim"),
            JwtErrorKind::NoCryptoBackend => f.write_str("this build has no RS256 backend (enable a TLS feature)"),
        }
    }
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} rejected: {}", self.what, self.kind)
    }
}

impl std::error::Error for JwtError {}
