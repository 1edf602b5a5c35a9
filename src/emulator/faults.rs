//! Fault injection and the request log.

use std::time::Duration;

use super::Endpoint;

/// What the emulator does instead of (or before) answering one request to an endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status and Stytch's envelope, with `Retry-After: seconds` when given. 429 and 5xx carry
    /// Stytch's own documented error types and messages (`too_many_requests`, "Too many requests have been made.";
    /// `internal_server_error`, "Oops, something seems to have gone wrong, ..."); see [`Fault::envelope`].
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

    /// The `error_type` and `error_message` an injected `status` answers with: Stytch's documented ones for 400,
    /// 401, 429 and 5xx (seed 001 and Stytch's error reference), `emulated_fault` for any other.
    pub fn envelope(status: u16) -> (&'static str, &'static str) {
        match status {
            400 => ("bad_request", "The submitted request is invalid."),
            401 => ("unauthorized_credentials", "Unauthorized credentials."),
            429 => ("too_many_requests", TOO_MANY_REQUESTS),
            500..=599 => ("internal_server_error", INTERNAL_SERVER_ERROR),
            _ => ("emulated_fault", "The emulator was scripted to answer with this status."),
        }
    }
}

/// Stytch's 429 message (seed 001).
const TOO_MANY_REQUESTS: &str = "Too many requests have been made.";
/// Stytch's 500 message (seed 001).
const INTERNAL_SERVER_ERROR: &str =
    "Oops, something seems to have gone wrong, please reach out to support@stytch.com to let us know what went wrong.";

/// One request the emulator received. Credentials are not kept: only whether a session came, and which kind.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoggedRequest {
    /// The endpoint, when the path matched one.
    pub endpoint: Option<Endpoint>,
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: String,
    /// The path as received (still percent-encoded).
    pub path: String,
    /// The status answered (200 for a reset).
    pub status: u16,
    /// `Some("token")` or `Some("jwt")` when a member-session header came.
    pub session: Option<&'static str>,
    /// The fault applied, if any.
    pub fault: Option<Fault>,
    /// Answered 429 by the rate limit ([`Emulator::set_rate_limit`](super::Emulator::set_rate_limit)).
    pub rate_limited: bool,
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
