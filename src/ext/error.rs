use std::borrow::Cow;
use std::fmt;

use reqwest::StatusCode;
use serde_json::{Map, Value};

use crate::ErrorType;

/// Every failure of this crate. Match on the variant, or ask the predicates: [`Error::status`],
/// [`Error::request_id`], [`Error::error_type`], [`Error::is_retryable`].
///
/// `Display` and `Debug` never contain the project secret, a session token or JWT, or response headers.
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
    /// The request could not be completed: connection, timeout, or reading the body failed.
    #[error(transparent)]
    Transport(TransportError),
    /// An argument was rejected before anything was sent.
    #[error(transparent)]
    InvalidInput(InvalidInput),
    /// The client could not be configured (missing environment variable, bad base URL, TLS setup).
    #[error("invalid configuration: {0}")]
    Configuration(Cow<'static, str>),
}

impl Error {
    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::UnexpectedBody(e) => Some(e.status),
            _ => None,
        }
    }

    /// Stytch's `request_id` from the error body, when there was one. Quote it to Stytch support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id(),
            _ => None,
        }
    }

    /// Stytch's `error_type`, when the body carried one.
    pub fn error_type(&self) -> Option<&ErrorType> {
        match self {
            Error::Api(e) => e.error_type(),
            _ => None,
        }
    }

    /// `true` when the same call may succeed later: 429, 500, 502, 503, 504, and transport failures (connection
    /// refused or reset, timeouts) — what the client itself retries (see [`RetryPolicy`](crate::RetryPolicy)), so
    /// `true` on a returned error means the retries were spent or disabled. Never for other 4xx, invalid input or
    /// configuration.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => crate::ext::retry::retryable_status(e.status),
            Error::Transport(e) => e.kind != TransportErrorKind::Other,
            Error::UnexpectedBody(_) | Error::InvalidInput(_) | Error::Configuration(_) => false,
        }
    }

    /// The API error, when Stytch answered with an error status.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }
}

/// An error status from Stytch, with its decoded envelope (`error_type`, `error_message`, ...), or a bounded
/// excerpt of the body when it was not an envelope (an HTML page from a proxy, an empty 400, truncated JSON).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation that failed, e.g. `api_organization_v1_connected_apps`.
    pub operation: &'static str,
    /// The HTTP status of the response (not the body's `status_code`, which a proxy may not send).
    pub status: StatusCode,
    /// `request_id` from the body.
    pub request_id: Option<String>,
    /// `error_type` (or its OAuth-style alias `error`).
    pub error_type: Option<ErrorType>,
    /// `error_message` (or `error_description`).
    pub message: Option<String>,
    /// `error_url` (or `error_uri`): the documentation of this error.
    pub url: Option<String>,
    /// `error_details`, when present.
    pub details: Option<Map<String, Value>>,
    /// At most 1 KiB of the body, when it was not a Stytch error envelope.
    pub body_excerpt: Option<String>,
}

impl ApiError {
    /// The `request_id` field, borrowed.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The `error_type` field, borrowed.
    pub fn error_type(&self) -> Option<&ErrorType> {
        self.error_type.as_ref()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: Stytch answered HTTP {}", self.operation, self.status.as_u16())?;
        if let Some(error_type) = &self.error_type {
            write!(f, " {error_type}")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(excerpt) = &self.body_excerpt {
            write!(f, " (body is not a Stytch error: {:?})", excerpt)?;
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " [request_id {request_id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A success status whose body could not be decoded as the documented payload.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnexpectedBody {
    /// The operation that failed.
    pub operation: &'static str,
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// Why decoding failed.
    pub reason: String,
    /// At most 1 KiB of the body.
    pub body_excerpt: String,
}

impl fmt::Display for UnexpectedBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: HTTP {} with a body that is not the documented response: {}",
            self.operation,
            self.status.as_u16(),
            self.reason
        )
    }
}

impl std::error::Error for UnexpectedBody {}

/// What went wrong on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made: the request never reached the server.
    Connect,
    /// The connect or request timeout elapsed.
    Timeout,
    /// The connection failed while sending the request or reading the response.
    Io,
    /// Anything else (a request that could not be built, a redirect loop).
    Other,
}

/// The request could not be completed.
#[derive(Debug)]
#[non_exhaustive]
pub struct TransportError {
    /// The operation that failed.
    pub operation: &'static str,
    /// What went wrong.
    pub kind: TransportErrorKind,
    source: reqwest::Error,
}

impl TransportError {
    pub(crate) fn new(operation: &'static str, source: reqwest::Error) -> Self {
        let kind = if source.is_timeout() {
            TransportErrorKind::Timeout
        } else if source.is_connect() {
            TransportErrorKind::Connect
        } else if source.is_builder() || source.is_redirect() {
            TransportErrorKind::Other
        } else {
            TransportErrorKind::Io
        };
        // The URL holds ids, which may be external ids (often emails): keep it out of messages.
        Self { operation, kind, source: source.without_url() }
    }

    /// `false` only when the request certainly did not reach Stytch (the connection was never made). A revoke
    /// that failed with `true` may have taken effect.
    pub fn may_have_reached_server(&self) -> bool {
        match self.kind {
            TransportErrorKind::Connect | TransportErrorKind::Other => false,
            TransportErrorKind::Timeout => !self.source.is_connect(),
            TransportErrorKind::Io => true,
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Connect => "could not connect to Stytch",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::Io => "connection failed",
            TransportErrorKind::Other => "request failed",
        };
        write!(f, "{}: {what}: {}", self.operation, self.source)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
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
        write!(f, "invalid {}: {}", self.what, self.reason)
    }
}

impl std::error::Error for InvalidInput {}

impl From<InvalidInput> for Error {
    fn from(value: InvalidInput) -> Self {
        Error::InvalidInput(value)
    }
}
