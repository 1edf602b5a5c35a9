//! Failures on the wire, classified once: whether the request may have reached Stytch, and whether trying again
//! can help. The retry loop and [`crate::Error::is_retryable`] both read [`kind_of`], so they cannot disagree.

use std::fmt;

use crate::ext::escape::Escaped;

/// What went wrong on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made: the request never reached the server.
    Connect,
    /// The connect or request timeout elapsed, or the call's deadline passed.
    Timeout,
    /// The connection failed while sending the request or reading the response (reset, closed early).
    Io,
    /// The response was not valid HTTP, or too large to be read: a message head over hyper's limits (e.g.
    /// thousands of headers), an invalid status line or header, a broken chunked encoding. The same request would
    /// get the same answer, so it is not retried.
    Protocol,
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
    cause: Cause,
}

#[derive(Debug)]
enum Cause {
    /// reqwest's error, its URL removed (ids in the path may be external ids, often emails).
    Request(reqwest::Error),
    /// The call's deadline had passed before this request could be sent (the second request of a
    /// session-inferred call).
    DeadlineBeforeSend,
}

impl TransportError {
    pub(crate) fn new(operation: &'static str, source: reqwest::Error) -> Self {
        Self { operation, kind: kind_of(&source), cause: Cause::Request(source.without_url()) }
    }

    /// The call's deadline passed before this request was sent: nothing was sent.
    pub(crate) fn deadline_passed(operation: &'static str) -> Self {
        Self { operation, kind: TransportErrorKind::Timeout, cause: Cause::DeadlineBeforeSend }
    }

    /// `false` only when the request certainly did not reach Stytch (the connection was never made, or the
    /// request was never sent). A revoke that failed with `true` may have taken effect.
    pub fn may_have_reached_server(&self) -> bool {
        let Cause::Request(source) = &self.cause else { return false };
        match self.kind {
            TransportErrorKind::Connect | TransportErrorKind::Other => false,
            TransportErrorKind::Timeout => !source.is_connect(),
            TransportErrorKind::Io | TransportErrorKind::Protocol => true,
        }
    }

    /// `true` when trying again may succeed: connection failures and timeouts, not protocol violations.
    pub(crate) fn is_retryable(&self) -> bool {
        matches!(self.kind, TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Io)
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.cause {
            Cause::DeadlineBeforeSend => {
                return write!(
                    f,
                    "{}: timed out: the call's deadline passed before this request could be sent",
                    self.operation
                );
            }
            Cause::Request(source) => source,
        };
        match self.kind {
            TransportErrorKind::Protocol => {
                let what = protocol_violation(source).unwrap_or("invalid response");
                return write!(
                    f,
                    "{}: Stytch's response is not valid HTTP or is too large to read ({}); not retried",
                    self.operation,
                    Escaped(what)
                );
            }
            TransportErrorKind::Connect => write!(f, "{}: could not connect to Stytch", self.operation)?,
            TransportErrorKind::Timeout => write!(f, "{}: timed out", self.operation)?,
            TransportErrorKind::Io => write!(f, "{}: connection failed", self.operation)?,
            TransportErrorKind::Other => write!(f, "{}: request failed", self.operation)?,
        }
        write!(f, ": {}", Escaped(&source.to_string()))
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.cause {
            Cause::Request(source) => Some(source),
            Cause::DeadlineBeforeSend => None,
        }
    }
}

/// How a reqwest failure is classified.
pub(crate) fn kind_of(error: &reqwest::Error) -> TransportErrorKind {
    if protocol_violation(error).is_some() {
        TransportErrorKind::Protocol
    } else if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_connect() {
        TransportErrorKind::Connect
    } else if error.is_builder() || error.is_redirect() {
        TransportErrorKind::Other
    } else {
        TransportErrorKind::Io
    }
}

/// Is this failure worth another attempt? Connection, send, body-read and timeout failures are; a response that
/// is not valid HTTP, a request that could not be built, or a redirect, are not. reqwest reports a failure while
/// reading the body (reset, timeout) as a "decode" error; with no content-encoding feature enabled that is its
/// only source.
pub(crate) fn retryable(error: &reqwest::Error) -> bool {
    matches!(kind_of(error), TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Io)
        && (error.is_connect() || error.is_timeout() || error.is_request() || error.is_body() || error.is_decode())
}

/// What made the response invalid, when it was: one of hyper's parse errors (its fixed description, e.g.
/// "message head is too large"), or invalid data in the body's framing (a broken chunked encoding). `None` for
/// everything else, a connection closed early included (that one is retried).
fn protocol_violation(error: &reqwest::Error) -> Option<&'static str> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = source {
        if let Some(hyper) = error.downcast_ref::<hyper::Error>()
            && hyper.is_parse()
        {
            return Some(if hyper.is_parse_status() { "invalid status line" } else { parse_description(hyper) });
        }
        if let Some(io) = error.downcast_ref::<std::io::Error>()
            && matches!(io.kind(), std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput)
        {
            return Some("invalid body framing (chunked encoding or length)");
        }
        source = error.source();
    }
    None
}

/// hyper's description of a parse error, as one of a fixed set of phrases (never text from the response).
fn parse_description(error: &hyper::Error) -> &'static str {
    let shown = error.to_string();
    [
        ("message head is too large", "message head is too large: too many or too long headers"),
        ("invalid HTTP version", "invalid HTTP version: not an HTTP/1.x response"),
        ("invalid HTTP header", "invalid header"),
        ("invalid content-length", "invalid content-length"),
        ("transfer-encoding", "invalid transfer-encoding"),
    ]
    .into_iter()
    .find(|(phrase, _)| shown.contains(phrase))
    .map_or("malformed message head", |(_, description)| description)
}
