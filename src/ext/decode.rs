//! Turning response bodies into values or [`Error`]s. Nothing here panics on any input, and no body is read
//! past a limit.

use bytes::{Bytes, BytesMut};
use progenitor_client::Error as GeneratedError;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::generated::types::StytchErrorEnvelope;
use crate::{ApiError, Error, ErrorType, InvalidInput, TransportError, UnexpectedBody};

/// The most bytes of a body that an error message keeps.
pub(crate) const EXCERPT_LIMIT: usize = 1024;

/// Decodes a success body as `T`.
pub(crate) fn success<T: DeserializeOwned>(
    operation: &'static str,
    status: StatusCode,
    body: &[u8],
) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| unexpected_body(operation, status, &e, body))
}

/// The error for a success status whose body is not `T`.
pub(crate) fn unexpected_body(
    operation: &'static str,
    status: StatusCode,
    reason: &dyn std::fmt::Display,
    body: &[u8],
) -> Error {
    Error::UnexpectedBody(Box::new(UnexpectedBody {
        operation,
        status,
        reason: reason.to_string(),
        body_excerpt: excerpt(body),
    }))
}

/// The error for a success body longer than the client's limit (nothing of it was decoded).
pub(crate) fn body_over_limit(operation: &'static str, status: Option<StatusCode>, limit: usize) -> Error {
    // The transport only flags bodies of success statuses, so a status is always there; 200 is a fallback.
    let status = status.unwrap_or(StatusCode::OK);
    unexpected_body(operation, status, &format_args!("the body is larger than the {limit}-byte limit"), b"")
}

/// The error for an error status: the decoded envelope, or the status with an excerpt of whatever came.
pub(crate) fn api_error(operation: &'static str, status: StatusCode, body: &[u8]) -> Error {
    match serde_json::from_slice::<StytchErrorEnvelope>(body) {
        Ok(envelope) if is_envelope(&envelope) => from_envelope(operation, status, envelope),
        _ => Error::Api(Box::new(ApiError {
            operation,
            status,
            request_id: None,
            error_type: None,
            message: None,
            url: None,
            details: None,
            body_excerpt: Some(excerpt(body)),
        })),
    }
}

/// Does the decoded object say anything a Stytch error says? (`{}` or `{"foo":1}` decode too, as all-`None`.)
fn is_envelope(envelope: &StytchErrorEnvelope) -> bool {
    envelope.error_type.is_some()
        || envelope.error.is_some()
        || envelope.error_message.is_some()
        || envelope.error_description.is_some()
        || envelope.request_id.is_some()
}

fn from_envelope(operation: &'static str, status: StatusCode, envelope: StytchErrorEnvelope) -> Error {
    let StytchErrorEnvelope {
        error,
        error_description,
        error_details,
        error_message,
        error_type,
        error_uri,
        error_url,
        request_id,
        status_code: _, // the HTTP status is authoritative
    } = envelope;
    Error::Api(Box::new(ApiError {
        operation,
        status,
        request_id,
        error_type: error_type.or(error).map(|t| ErrorType::from(t.as_str())),
        message: error_message.or(error_description),
        url: error_url.or(error_uri),
        details: (!error_details.is_empty()).then_some(error_details),
        body_excerpt: None,
    }))
}

/// At most [`EXCERPT_LIMIT`] bytes of `body` as text (invalid UTF-8 replaced), cut on a character boundary.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let head = &body[..body.len().min(EXCERPT_LIMIT)];
    let mut text = String::from_utf8_lossy(head).into_owned();
    let mut end = text.len().min(EXCERPT_LIMIT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text
}

/// Reads at most `limit` bytes of a response body; the rest is left unread (and the connection dropped).
/// Returns the bytes and whether the body was longer.
pub(crate) async fn read_bounded(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<(Bytes, bool), reqwest::Error> {
    let mut buffer = BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        let room = limit - buffer.len();
        if chunk.len() > room {
            buffer.extend_from_slice(&chunk[..room]);
            return Ok((buffer.freeze(), true));
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok((buffer.freeze(), false))
}

/// Maps an error of the generated client. `status` is the status the transport saw for this call, needed because
/// progenitor's `InvalidResponsePayload` drops it.
pub(crate) async fn from_generated(
    operation: &'static str,
    error: GeneratedError<StytchErrorEnvelope>,
    status: Option<StatusCode>,
    body_limit: usize,
) -> Error {
    match error {
        GeneratedError::ErrorResponse(response) => {
            let status = response.status();
            let envelope = response.into_inner();
            if is_envelope(&envelope) {
                from_envelope(operation, status, envelope)
            } else {
                // An object with none of the envelope's fields: show what was understood of it.
                api_error(operation, status, serde_json::to_string(&envelope).unwrap_or_default().as_bytes())
            }
        }
        GeneratedError::InvalidResponsePayload(body, reason) => {
            // The transport records the status of every response before its body can be read, so `status` is
            // known here whenever a payload exists; 200 is only a defensive fallback for hook-less use.
            let status = status.unwrap_or(StatusCode::OK);
            if status.is_success() {
                unexpected_body(operation, status, &reason, &body)
            } else {
                api_error(operation, status, &body)
            }
        }
        GeneratedError::UnexpectedResponse(response) => {
            let status = response.status();
            match read_bounded(response, body_limit).await {
                Ok((body, _)) if status.is_success() => {
                    unexpected_body(operation, status, &format_args!("undocumented status {status}"), &body)
                }
                Ok((body, _)) => api_error(operation, status, &body),
                Err(e) => Error::Transport(TransportError::new(operation, e)),
            }
        }
        GeneratedError::CommunicationError(e)
        | GeneratedError::ResponseBodyError(e)
        | GeneratedError::InvalidUpgrade(e) => Error::Transport(TransportError::new(operation, e)),
        GeneratedError::InvalidRequest(reason) | GeneratedError::Custom(reason) => {
            InvalidInput::new("request", reason).into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_bounded_and_cut_on_a_char_boundary() {
        let body = "é".repeat(2000);
        let text = excerpt(body.as_bytes());
        assert!(text.len() <= EXCERPT_LIMIT);
        assert!(text.chars().all(|c| c == 'é'));
        assert_eq!(excerpt(b"\xff\xfe<html>"), "\u{fffd}\u{fffd}<html>");
    }

    #[test]
    fn oauth_aliases_fill_the_envelope() {
        let body = br#"{"error":"invalid_client","error_description":"bad","error_uri":"https://x"}"#;
        let Error::Api(e) = api_error("op", StatusCode::UNAUTHORIZED, body) else { panic!("not an API error") };
        assert_eq!(e.error_type, Some(ErrorType::Other("invalid_client".into())));
        assert_eq!(e.message.as_deref(), Some("bad"));
        assert_eq!(e.url.as_deref(), Some("https://x"));
        assert_eq!(e.body_excerpt, None);
    }

    #[test]
    fn non_envelopes_keep_the_status_and_an_excerpt() {
        for body in [&b""[..], b"{}", b"[1,2]", b"{\"status_code\":", b"<html>502</html>", b"null"] {
            let Error::Api(e) = api_error("op", StatusCode::BAD_GATEWAY, body) else { panic!("not an API error") };
            assert_eq!(e.status, StatusCode::BAD_GATEWAY);
            assert_eq!(e.body_excerpt.as_deref(), Some(String::from_utf8_lossy(body).as_ref()));
        }
    }
}
