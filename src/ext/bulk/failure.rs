use serde::{Deserialize, Serialize};

use crate::Error;

/// A failed call, as a report keeps it: the [`Error`]'s predicates and message as plain data, so the report can be
/// stored, diffed and read back. Like the error, it never holds a secret or a session value.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CallFailure {
    /// The HTTP status, when a response arrived ([`Error::status`]).
    #[serde(default)]
    pub status: Option<u16>,
    /// Stytch's `error_type`, when the body carried one ([`Error::error_type`]).
    #[serde(default)]
    pub error_type: Option<String>,
    /// Stytch's `request_id`, when the body carried one ([`Error::request_id`]). Quote it to Stytch support.
    #[serde(default)]
    pub request_id: Option<String>,
    /// The error's `Display`: one line, secrets cut out, control characters escaped.
    pub message: String,
    /// Whether the same call may succeed later ([`Error::is_retryable`]): re-running the bulk call may finish it.
    pub retryable: bool,
}

impl From<&Error> for CallFailure {
    fn from(error: &Error) -> Self {
        Self {
            status: error.status().map(|status| status.as_u16()),
            error_type: error.error_type().map(|t| t.as_str().to_owned()),
            request_id: error.request_id().map(str::to_owned),
            message: error.to_string(),
            retryable: error.is_retryable(),
        }
    }
}
