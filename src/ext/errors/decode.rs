//! Turning response bodies into values or [`Error`]s. Nothing here panics on any input, no body is read past a
//! limit, and every string an error keeps from the body is scrubbed of credentials ([`Scrubber`]) and bounded.

use bytes::{Bytes, BytesMut};
use progenitor_client::Error as GeneratedError;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::ext::errors::envelope::{self, Envelope};
use crate::ext::hygiene::redact::{Scrubber, Secrets};
use crate::generated::types::StytchErrorEnvelope;
use crate::{ApiError, Error, ErrorDetails, ErrorType, InvalidInput, TransportError, UnexpectedBody};

/// Decodes a success body as `T`. `secrets` (the call's, for an error) are only gathered when it is one.
pub(crate) fn success<T: DeserializeOwned>(
    operation: &'static str,
    status: StatusCode,
    body: &[u8],
    secrets: impl FnOnce() -> Secrets,
) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| unexpected_body(operation, status, &e, body, &secrets()))
}

/// The error for a success status whose body is not `T`.
pub(crate) fn unexpected_body(
    operation: &'static str,
    status: StatusCode,
    reason: &dyn std::fmt::Display,
    body: &[u8],
    secrets: &Secrets,
) -> Error {
    let scrubber = Scrubber::new(secrets, body);
    Error::UnexpectedBody(Box::new(UnexpectedBody {
        operation,
        status,
        // serde_json quotes the offending string in its reasons (`invalid type: string "..."`).
        reason: scrubber.text(&reason.to_string()),
        body_excerpt: scrubber.excerpt(body),
    }))
}

/// The error for a success body longer than the client's limit (nothing of it was decoded).
pub(crate) fn body_over_limit(operation: &'static str, status: Option<StatusCode>, limit: usize) -> Error {
    // The transport only flags bodies of success statuses, so a status is always there; 200 is a fallback.
    let status = status.unwrap_or(StatusCode::OK);
    Error::UnexpectedBody(Box::new(UnexpectedBody {
        operation,
        status,
        reason: format!("the body is larger than the {limit}-byte limit"),
        body_excerpt: String::new(),
    }))
}

/// The error for an error status: the decoded envelope, or the status with an excerpt of whatever came.
pub(crate) fn api_error(operation: &'static str, status: StatusCode, body: &[u8], secrets: &Secrets) -> Error {
    let scrubber = Scrubber::new(secrets, body);
    let api = match envelope::decode(body) {
        Some(Envelope { request_id, error_type, message, url, details }) => {
            let text = |value: Option<String>| value.map(|value| scrubber.text(&value));
            ApiError {
                operation,
                status,
                request_id: text(request_id),
                error_type: text(error_type).map(|t| ErrorType::from(t.as_str())),
                message: text(message),
                url: text(url),
                details: details.map(|details| match details {
                    ErrorDetails::Object(map) => ErrorDetails::Object(scrubber.map(map)),
                    dropped => dropped,
                }),
                body_excerpt: None,
            }
        }
        None => ApiError {
            operation,
            status,
            request_id: None,
            error_type: None,
            message: None,
            url: None,
            details: None,
            body_excerpt: Some(scrubber.excerpt(body)),
        },
    };
    Error::Api(Box::new(api))
}

/// Reads at most `limit` bytes of a response body; the rest is left unread (and the connection dropped).
/// Returns the bytes and whether the body was longer. A body that arrives in one chunk (most do) is handed on
/// without a copy; a longer one is gathered in one buffer sized from `content-length` (at most `limit`, and at
/// most the default limit before data arrives), so a large answer is held once, not in a buffer grown by doubling.
pub(crate) async fn read_bounded(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<(Bytes, bool), reqwest::Error> {
    let expected = response.content_length().map_or(0, |length| usize::try_from(length).unwrap_or(usize::MAX));
    let Some(first) = response.chunk().await? else { return Ok((Bytes::new(), false)) };
    if first.len() > limit {
        return Ok((first.slice(..limit), true));
    }
    let Some(second) = response.chunk().await? else { return Ok((first, false)) };
    // `content-length` is the server's word: trusted up front only as far as the default limit, so that a lie (a
    // huge length, a short body) cannot make one allocation of whatever limit a caller set. Past that, the
    // buffer grows with the data that really arrives.
    let presized = expected.min(limit).min(crate::DEFAULT_MAX_BODY_BYTES);
    let mut buffer = BytesMut::with_capacity(presized.max(first.len()));
    let mut next = Some(second);
    buffer.extend_from_slice(&first);
    drop(first);
    while let Some(chunk) = next {
        let room = limit - buffer.len();
        if chunk.len() > room {
            buffer.extend_from_slice(&chunk[..room]);
            return Ok((buffer.freeze(), true));
        }
        buffer.extend_from_slice(&chunk);
        next = response.chunk().await?;
    }
    Ok((buffer.freeze(), false))
}

/// `response` with `body` in place of its (already read) stream, for progenitor to decode. Status, version and
/// headers are moved, not copied (`headers: false` leaves them out, for callers that have read what they need of
/// them); the URL is kept (reqwest would otherwise parse a placeholder).
pub(crate) fn with_body(mut response: reqwest::Response, body: Bytes, headers: bool) -> reqwest::Response {
    use reqwest::ResponseBuilderExt;
    // reqwest takes a response's URL from an extension that only its builder extension can set.
    let mut builder =
        http::Response::builder().status(response.status()).version(response.version()).url(response.url().clone());
    if let (true, Some(slot)) = (headers, builder.headers_mut()) {
        *slot = std::mem::take(response.headers_mut());
    }
    match builder.body(body) {
        Ok(rebuilt) => reqwest::Response::from(rebuilt),
        // Unreachable: the status and version came from a response, so the builder holds no error. Should it
        // ever, the response goes on with an empty body (an unexpected-body error), never a panic.
        Err(_) => response,
    }
}

/// Maps an error of the generated client. `status` is the status the transport saw for this call, needed because
/// progenitor's `InvalidResponsePayload` drops it; `error_body` is the body of the error response as the transport
/// read it, needed because progenitor's `ErrorResponse` keeps only the envelope fields it knows.
pub(crate) async fn from_generated(
    operation: &'static str,
    error: GeneratedError<StytchErrorEnvelope>,
    status: Option<StatusCode>,
    error_body: Option<Bytes>,
    body_limit: usize,
    secrets: &Secrets,
) -> Error {
    match error {
        GeneratedError::ErrorResponse(response) => {
            // Decode what the server sent, the same way as any other error body (one path, one scrubber); without
            // the hooks (never the case here) only what progenitor understood is left.
            let status = response.status();
            let body = match error_body {
                Some(body) => body,
                None => serde_json::to_vec(&response.into_inner()).unwrap_or_default().into(),
            };
            api_error(operation, status, &body, secrets)
        }
        GeneratedError::InvalidResponsePayload(body, reason) => {
            // The transport records the status of every response before its body can be read, so `status` is
            // known here whenever a payload exists; 200 is only a defensive fallback for hook-less use.
            let status = status.unwrap_or(StatusCode::OK);
            if status.is_success() {
                unexpected_body(operation, status, &reason, &body, secrets)
            } else {
                api_error(operation, status, &body, secrets)
            }
        }
        GeneratedError::UnexpectedResponse(response) => {
            let status = response.status();
            let mut response = response;
            match read_bounded(&mut response, body_limit).await {
                Ok((body, _)) if status.is_success() => {
                    unexpected_body(operation, status, &format_args!("undocumented status {status}"), &body, secrets)
                }
                Ok((body, _)) => api_error(operation, status, &body, secrets),
                Err(e) => Error::Transport(TransportError::new(operation, e, secrets)),
            }
        }
        GeneratedError::CommunicationError(e)
        | GeneratedError::ResponseBodyError(e)
        | GeneratedError::InvalidUpgrade(e) => Error::Transport(TransportError::new(operation, e, secrets)),
        GeneratedError::InvalidRequest(reason) | GeneratedError::Custom(reason) => {
            // InvalidInput's Display escapes the reason.
            InvalidInput::new("request", reason).into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: StatusCode, body: &[u8]) -> ApiError {
        match api_error("op", status, body, &Secrets::default()) {
            Error::Api(e) => *e,
            other => panic!("not an API error: {other:?}"),
        }
    }

    #[test]
    fn excerpts_are_bounded_and_cut_on_a_char_boundary() {
        let body = "é".repeat(2000);
        let text = api(StatusCode::BAD_GATEWAY, body.as_bytes()).body_excerpt.unwrap();
        assert!(text.len() <= 1024);
        assert!(text.chars().all(|c| c == 'é'));
        assert_eq!(api(StatusCode::BAD_GATEWAY, b"\xff\xfe<html>").body_excerpt.unwrap(), "\u{fffd}\u{fffd}<html>");
    }

    #[test]
    fn oauth_aliases_fill_the_envelope() {
        let body = br#"{"error":"invalid_client","error_description":"bad","error_uri":"https://x"}"#;
        let e = api(StatusCode::UNAUTHORIZED, body);
        assert_eq!(e.error_type, Some(ErrorType::Other("invalid_client".into())));
        assert_eq!(e.message.as_deref(), Some("bad"));
        assert_eq!(e.url.as_deref(), Some("https://x"));
        assert_eq!(e.body_excerpt, None);
    }

    #[test]
    fn non_envelopes_keep_the_status_and_an_excerpt() {
        for body in [&b""[..], b"{}", b"[1,2]", b"{\"status_code\":", b"<html>502</html>", b"null"] {
            let e = api(StatusCode::BAD_GATEWAY, body);
            assert_eq!(e.status, StatusCode::BAD_GATEWAY);
            assert_eq!(e.body_excerpt.as_deref(), Some(String::from_utf8_lossy(body).as_ref()));
        }
    }

    #[test]
    fn a_sent_secret_echoed_in_an_envelope_is_redacted() {
        let mut secrets = Secrets::default();
        secrets.add("session-token-sent-123");
        let body = br#"{"request_id":"r","error_message":"bad token session-token-sent-123","error_details":{"session_jwt":"x"}}"#;
        let Error::Api(e) = api_error("op", StatusCode::UNAUTHORIZED, body, &secrets) else { panic!() };
        assert_eq!(e.message.as_deref(), Some("bad token <redacted>"));
        assert_eq!(
            e.details.and_then(|d| d.as_object().cloned()),
            Some(serde_json::json!({"session_jwt": "<redacted>"}).as_object().cloned().unwrap())
        );
    }
}
