//! Failures on the wire, classified once: whether the request may have reached Stytch, and whether trying again
//! can help. The retry loop and [`crate::Error::is_retryable`] both read [`kind_of`], so they cannot disagree.

use std::fmt;

use crate::ext::hygiene::escape::Escaped;
use crate::ext::hygiene::redact::{Scrubber, Secrets};

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

impl TransportErrorKind {
    /// Connection failures and timeouts: the same request may succeed later.
    fn is_transient(self) -> bool {
        matches!(self, TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Io)
    }
}

/// The request could not be completed.
///
/// `Display`, `Debug` and [`source`](std::error::Error::source) show what went wrong in the words of the HTTP
/// stack, scrubbed of the call's credentials and escaped: an HTTP/2 server can put bytes of its choosing (an echo
/// of the request's headers) into a `GOAWAY` frame that the stack's own errors print, so the raw error chain is
/// not exposed.
#[non_exhaustive]
pub struct TransportError {
    /// The operation that failed.
    pub operation: &'static str,
    /// What went wrong.
    pub kind: TransportErrorKind,
    reached_server: bool,
    /// For [`TransportErrorKind::Protocol`]: what was wrong with the response.
    violation: Option<&'static str>,
    detail: TransportDetail,
}

/// The chain of causes of a [`TransportError`], as scrubbed text: its `source()`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct TransportDetail(String);

impl fmt::Display for TransportDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&Escaped(&self.0), f)
    }
}

impl fmt::Debug for TransportDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&Escaped(&self.0), f)
    }
}

impl std::error::Error for TransportDetail {}

impl TransportError {
    /// Classifies `source` and keeps its chain as text scrubbed of `secrets`; the URL (ids may be external ids,
    /// often emails) is dropped.
    pub(crate) fn new(operation: &'static str, source: reqwest::Error, secrets: &Secrets) -> Self {
        let source = source.without_url();
        let kind = kind_of(&source);
        let reached_server = match kind {
            TransportErrorKind::Connect | TransportErrorKind::Other => false,
            TransportErrorKind::Timeout => !source.is_connect(),
            TransportErrorKind::Io | TransportErrorKind::Protocol => true,
        };
        let chain = Scrubber::new(secrets, b"").text(&chain_text(&source));
        Self { operation, kind, reached_server, violation: protocol_violation(&source), detail: TransportDetail(chain) }
    }

    /// The call's deadline passed before this request was sent: nothing was sent.
    pub(crate) fn deadline_passed(operation: &'static str) -> Self {
        Self {
            operation,
            kind: TransportErrorKind::Timeout,
            reached_server: false,
            violation: None,
            detail: TransportDetail("the call's deadline passed before this request could be sent".into()),
        }
    }

    /// The call's deadline passed while it waited for a request that another part of the SDK runs for every
    /// caller (the signing-key fetch): that request may still complete, for later calls.
    pub(crate) fn deadline_while_waiting(operation: &'static str) -> Self {
        Self {
            operation,
            kind: TransportErrorKind::Timeout,
            reached_server: true,
            violation: None,
            detail: TransportDetail("the call's deadline passed while it waited for this request".into()),
        }
    }

    /// A shared request ended without an outcome: its task was dropped (its tokio runtime shut down) or panicked.
    /// Retryable: the next call starts it again.
    pub(crate) fn abandoned(operation: &'static str) -> Self {
        Self {
            operation,
            kind: TransportErrorKind::Io,
            reached_server: true,
            violation: None,
            detail: TransportDetail("the request was abandoned before it completed (its runtime shut down)".into()),
        }
    }

    /// `false` only when the request certainly did not reach Stytch (the connection was never made, or the
    /// request was never sent). A revoke that failed with `true` may have taken effect.
    pub fn may_have_reached_server(&self) -> bool {
        self.reached_server
    }

    /// `true` when trying again may succeed: connection failures and timeouts, not protocol violations.
    pub(crate) fn is_retryable(&self) -> bool {
        self.kind.is_transient()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let operation = self.operation;
        match self.kind {
            TransportErrorKind::Protocol => {
                let what = self.violation.unwrap_or("invalid response");
                write!(
                    f,
                    "{operation}: Stytch's response is not valid HTTP or is too large to read ({what}); not retried"
                )
            }
            TransportErrorKind::Connect => {
                write!(f, "{operation}: could not connect to Stytch: {}", self.first_cause())
            }
            TransportErrorKind::Timeout => write!(f, "{operation}: timed out: {}", self.first_cause()),
            TransportErrorKind::Io => write!(f, "{operation}: connection failed: {}", self.first_cause()),
            TransportErrorKind::Other => write!(f, "{operation}: request failed: {}", self.first_cause()),
        }
    }
}

impl TransportError {
    /// The outermost cause (reqwest's own words, e.g. "error sending request"), escaped.
    fn first_cause(&self) -> Escaped<'_> {
        Escaped(self.detail.0.split(CHAIN_SEPARATOR).next().unwrap_or_default())
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("operation", &self.operation)
            .field("kind", &self.kind)
            .field("may_have_reached_server", &self.reached_server)
            .field("detail", &self.detail)
            .finish()
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.detail)
    }
}

/// Between the causes of a chain in [`TransportDetail`].
const CHAIN_SEPARATOR: &str = ": ";

/// Every cause's `Display`, outermost first, consecutive repeats dropped.
fn chain_text(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source = Some(error);
    while let Some(error) = source {
        let part = error.to_string();
        if parts.last() != Some(&part) {
            parts.push(part);
        }
        source = error.source();
    }
    parts.join(CHAIN_SEPARATOR)
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
    kind_of(error).is_transient()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// An error whose `Display` carries bytes a server chose, as h2's does for a `GOAWAY` frame's debug data.
    #[derive(Debug)]
    struct Echo(String, Option<Box<Echo>>);

    impl fmt::Display for Echo {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl std::error::Error for Echo {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    #[test]
    fn a_chain_is_kept_as_scrubbed_escaped_text() {
        let inner = Echo("connection error received: 0 (b\"authorization: Basic c2VjcmV0LXZhbHVl\n\")".into(), None);
        let chain =
            Echo("error sending request".into(), Some(Box::new(Echo("http2 error".into(), Some(Box::new(inner))))));
        let mut secrets = Secrets::default();
        secrets.add("c2VjcmV0LXZhbHVl");
        let text = chain_text(&chain);
        assert!(text.starts_with("error sending request: http2 error: connection error received"), "{text}");
        let detail = TransportDetail(Scrubber::new(&secrets, b"").text(&text));
        let shown = format!("{detail} {detail:?}");
        assert!(!shown.contains("c2VjcmV0LXZhbHVl") && shown.contains("<redacted>"), "{shown}");
        assert!(!shown.contains('\n'), "{shown}");
    }
}
