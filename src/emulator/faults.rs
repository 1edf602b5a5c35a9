//! Fault injection and the request log.

use std::time::Duration;

use super::Endpoint;

/// What the emulator does instead of (or before) answering one request to an endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status and Stytch's envelope (`too_many_requests` for 429, `internal_server_error` for 5xx),
    /// with `Retry-After: seconds` when given.
    Status {
        /// The HTTP status.
        status: u16,
        /// `Retry-After`, in seconds.
        retry_after: Option<u64>,
    },
    /// Wait, then answer normally.
    Delay(Duration),
    /// Start a 200 response and break the connection in the middle of its body.
    Reset,
}

impl Fault {
    /// 429 with `Retry-After: seconds`.
    pub fn too_many_requests(retry_after: u64) -> Self {
        Fault::Status { status: 429, retry_after: Some(retry_after) }
    }

    /// 500.
    pub fn internal_error() -> Self {
        Fault::Status { status: 500, retry_after: None }
    }

    /// Any status, no `Retry-After`.
    pub fn status(status: u16) -> Self {
        Fault::Status { status, retry_after: None }
    }
}

/// One request the emulator received. Credentials are not kept: only whether a session came, and which kind.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoggedRequest {
    /// The endpoint, when the path matched one.
    pub endpoint: Option<Endpoint>,
    /// `GET` or `POST`.
    pub method: String,
    /// The path as received (still percent-encoded).
    pub path: String,
    /// The status answered (200 for a reset).
    pub status: u16,
    /// `Some("token")` or `Some("jwt")` when a member-session header came.
    pub session: Option<&'static str>,
    /// The fault applied, if any.
    pub fault: Option<Fault>,
}

/// What is wrong with a JWT issued by [`Emulator::issue_flawed_member_jwt`](super::Emulator::issue_flawed_member_jwt)
/// or [`Emulator::issue_flawed_user_jwt`](super::Emulator::issue_flawed_user_jwt): each is a JWT that local
/// verification must refuse, properly signed unless the flaw is the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwtFlaw {
    /// `exp` ten minutes ago.
    Expired,
    /// `nbf` ten minutes ahead.
    NotYetValid,
    /// `aud` names another project.
    WrongAudience,
    /// `iss` names another project.
    WrongIssuer,
    /// The session claim's `expires_at` has passed (the JWT itself has not).
    SessionExpired,
    /// Signed by a key the JWKS does not list (a `kid` the emulator never served).
    UnknownKey,
}
