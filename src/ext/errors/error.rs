use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use reqwest::StatusCode;

use crate::ext::calls::operations;
use crate::ext::hygiene::escape::Escaped;
use crate::{AccessTokenError, ApiError, ErrorType, JwtError, TransportError, UnexpectedBody};

/// Every failure of this crate. Match on the variant, or ask the predicates: [`Error::status`],
/// [`Error::request_id`], [`Error::error_type`], [`Error::is_retryable`].
///
/// `Display`, `Debug` and the `source()` chain never contain the project secret, a session token or JWT the call
/// sent, a value the server sent under a credential-shaped key, or response headers; `Display` escapes control
/// characters, so one error is one log line. See `SECURITY.md`.
///
/// ```no_run
/// # async fn run(client: stytch_connected_apps::Client) {
/// use stytch_connected_apps::ErrorType;
/// match client.b2b().connected_app("organization-test-1", "connected-app-test-2").await {
///     Ok(app) => println!("{} has {} members", app.name, app.active_members.len()),
///     Err(e) if e.error_type() == Some(&ErrorType::ConnectedAppNotFound) => println!("no such app"),
///     Err(e) if e.is_retryable() => println!("try again later: {e}"),
///     Err(e) => println!("failed: {e} (request id {:?})", e.request_id()),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Stytch (or a proxy in front of it) answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// A success status whose body is not the documented payload.
    #[error(transparent)]
    UnexpectedBody(Box<UnexpectedBody>),
    /// The request could not be completed: connection, timeout, an invalid response, or reading the body failed.
    #[error(transparent)]
    Transport(TransportError),
    /// An argument was rejected before anything was sent.
    #[error(transparent)]
    InvalidInput(InvalidInput),
    /// A session JWT was rejected by local verification (signature, issuer, audience, expiry, ...). Nothing was
    /// sent because of it.
    #[error(transparent)]
    SessionJwt(JwtError),
    /// An access token was refused: not valid (locally, or inactive by introspection), or valid but without a
    /// required scope or permission. [`AccessTokenError::is_invalid_token`] tells the two apart.
    #[error(transparent)]
    AccessToken(AccessTokenError),
    /// The project's signing keys (JWKS) could not be fetched, and no known key could verify the JWT. The
    /// fetch's own error is inside; one failed fetch is shared by every verification that waited for it.
    #[error("cannot fetch the project's session signing keys (JWKS): {0}")]
    Jwks(Arc<Error>),
    /// The project's RBAC policy (`GET /v1/b2b/rbac/policy`) could not be fetched, and none is cached, for an
    /// access token's authorization check. The fetch's own error is inside; one failed fetch is shared by every
    /// check that waited for it.
    #[error("cannot fetch the project's RBAC policy: {0}")]
    RbacPolicy(Arc<Error>),
    /// The client could not be configured (missing environment variable, bad or plain-HTTP base URL, TLS setup).
    #[error("invalid configuration: {}", Escaped(.0))]
    Configuration(Cow<'static, str>),
}

impl Error {
    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::UnexpectedBody(e) => Some(e.status),
            Error::Jwks(e) | Error::RbacPolicy(e) => e.status(),
            _ => None,
        }
    }

    /// Stytch's `request_id` from the error body, when there was one. Quote it to Stytch support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id(),
            Error::Jwks(e) | Error::RbacPolicy(e) => e.request_id(),
            _ => None,
        }
    }

    /// Stytch's `error_type`, when the body carried one.
    pub fn error_type(&self) -> Option<&ErrorType> {
        match self {
            Error::Api(e) => e.error_type(),
            Error::Jwks(e) | Error::RbacPolicy(e) => e.error_type(),
            _ => None,
        }
    }

    /// `true` when the same call may succeed later: 429, 500, 502, 503, 504, and transport failures (connection
    /// refused or reset, timeouts) — what the client itself retries (see [`RetryPolicy`](crate::RetryPolicy)), so
    /// `true` on a returned error means the retries were spent or disabled. Never for other 4xx, a response that
    /// is not valid HTTP ([`TransportErrorKind::Protocol`](crate::TransportErrorKind::Protocol)), invalid input
    /// or configuration. Never either for a call that must not run twice (creating, updating or deleting a
    /// Connected App, a secret rotation step, `authorize`) after a failure that may have come after it ran (a 5xx,
    /// a timeout, a connection lost mid-request): read the state back before trying again.
    pub fn is_retryable(&self) -> bool {
        match self {
            // A call that must not run twice (a create, a rotation step, a consent decision) may have run: only a
            // 429 or a connection never made say it did not.
            Error::Api(e) => {
                crate::ext::transport::retry::retryable_status(e.status)
                    && (e.status == StatusCode::TOO_MANY_REQUESTS || !operations::must_not_repeat(e.operation))
            }
            Error::Transport(e) => {
                e.is_retryable() && (!e.may_have_reached_server() || !operations::must_not_repeat(e.operation))
            }
            Error::Jwks(e) | Error::RbacPolicy(e) => e.is_retryable(),
            Error::UnexpectedBody(_)
            | Error::InvalidInput(_)
            | Error::SessionJwt(_)
            | Error::AccessToken(_)
            | Error::Configuration(_) => false,
        }
    }

    /// The API error, when Stytch answered with an error status (for a failed JWKS fetch too).
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            Error::Jwks(e) | Error::RbacPolicy(e) => e.as_api(),
            _ => None,
        }
    }

    /// Why an access token was refused, when it was.
    pub fn as_access_token(&self) -> Option<&AccessTokenError> {
        match self {
            Error::AccessToken(e) => Some(e),
            _ => None,
        }
    }

    /// Why local verification rejected a session JWT, when it did.
    pub fn as_jwt(&self) -> Option<&JwtError> {
        match self {
            Error::SessionJwt(e) => Some(e),
            _ => None,
        }
    }
}

/// An argument rejected before sending: an id that would change the request path, a session value that is not
/// a legal header, a project id that cannot be a Basic-auth user.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidInput {
    /// Which argument, e.g. `member_id`.
    pub what: &'static str,
    /// Why it was rejected. It never repeats a credential.
    pub reason: Cow<'static, str>,
}

impl InvalidInput {
    pub(crate) fn new(what: &'static str, reason: impl Into<Cow<'static, str>>) -> Self {
        Self { what, reason: reason.into() }
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.what, Escaped(&self.reason))
    }
}

impl std::error::Error for InvalidInput {}

impl From<InvalidInput> for Error {
    fn from(value: InvalidInput) -> Self {
        Error::InvalidInput(value)
    }
}

impl From<JwtError> for Error {
    fn from(value: JwtError) -> Self {
        Error::SessionJwt(value)
    }
}

impl From<AccessTokenError> for Error {
    fn from(value: AccessTokenError) -> Self {
        Error::AccessToken(value)
    }
}
