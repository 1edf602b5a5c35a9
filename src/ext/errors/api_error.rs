//! The errors of a response that arrived: an error status ([`ApiError`]) or a success status whose body is not the
//! documented payload ([`UnexpectedBody`]). Every string in them came from the server, so each was scrubbed of
//! credentials when the error was built (see `redact.rs`) and is escaped when displayed (see `escape.rs`).

use std::fmt;

use reqwest::StatusCode;
use serde_json::{Map, Value};

use crate::ErrorType;
use crate::ext::hygiene::escape::Escaped;

/// An error status from Stytch, with its decoded envelope (`error_type`, `error_message`, ...), or a bounded
/// excerpt of the body when it was not an envelope (an HTML page from a proxy, an empty 400, truncated JSON).
///
/// Every string here came from the server: credentials in it (what the call sent, values of credential-shaped
/// keys such as `session_token`, JWTs) are replaced by `<redacted>`, each is at most 1 KiB, and `Display` escapes
/// control characters so that a log line stays one line.
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
    /// `error_details`, when present and not empty: the object, or why it was dropped.
    pub details: Option<ErrorDetails>,
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
            write!(f, ": {}", Escaped(message))?;
        }
        if let Some(excerpt) = &self.body_excerpt {
            write!(f, " (body is not a Stytch error: {:?})", Escaped(excerpt))?;
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " [request_id {}]", Escaped(request_id))?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The `error_details` of a Stytch error envelope.
///
/// ```
/// # fn show(api: &stytch_connected_apps::ApiError) {
/// use stytch_connected_apps::ErrorDetails;
/// match &api.details {
///     Some(ErrorDetails::Object(details)) => println!("details: {details:?}"),
///     Some(ErrorDetails::Dropped(why)) => println!("{why}"), // the envelope's other fields are still there
///     Some(_) | None => {}
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ErrorDetails {
    /// The object Stytch sent (values of credential-shaped keys redacted).
    Object(Map<String, Value>),
    /// The envelope carried `error_details`, but it could not be kept: nested deeper than the JSON decoder
    /// allows, not an object, or larger than 16 KiB. Says which; the envelope's other fields were kept.
    Dropped(&'static str),
}

impl ErrorDetails {
    /// The object, when it was decoded.
    pub fn as_object(&self) -> Option<&Map<String, Value>> {
        match self {
            ErrorDetails::Object(map) => Some(map),
            ErrorDetails::Dropped(_) => None,
        }
    }

    /// `true` when the details could not be decoded and were dropped.
    pub fn is_dropped(&self) -> bool {
        matches!(self, ErrorDetails::Dropped(_))
    }
}

/// A success status whose body could not be decoded as the documented payload.
///
/// `reason` and `body_excerpt` come from the server: scrubbed of credentials and bounded like [`ApiError`]'s
/// strings (a `sessions/authenticate` answer that fails to decode keeps no token).
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
            Escaped(&self.reason)
        )
    }
}

impl std::error::Error for UnexpectedBody {}
