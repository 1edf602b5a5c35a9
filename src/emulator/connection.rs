//! The emulator's connections. hyper answers a request it cannot parse itself, before the router sees it, with an
//! empty body: 400 for a malformed request line or header, 414 for a URI longer than the `http` crate's 65 534
//! bytes, 431 for a head larger than its read buffer. The emulator promises a Stytch envelope with a `request_id`
//! for every answer, so every accepted connection is wrapped: a response head of hyper's own (status 400, 414 or
//! 431 with `content-length: 0` and no `content-type`, which the router never sends) is replaced, before it
//! reaches the socket, by the same status with an envelope body. hyper closes the connection after such an answer.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Makes the JSON envelope body for a status, an error type and a message (and logs the request).
pub(crate) type EnvelopeBody = Arc<dyn Fn(u16, &'static str, &'static str) -> String + Send + Sync>;

/// A TCP listener whose connections answer parse errors with envelopes.
pub(crate) struct EnvelopeListener {
    listener: TcpListener,
    envelope: EnvelopeBody,
}

impl EnvelopeListener {
    pub(crate) fn new(listener: TcpListener, envelope: EnvelopeBody) -> Self {
        Self { listener, envelope }
    }
}

impl axum::serve::Listener for EnvelopeListener {
    type Io = EnvelopeStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.listener.accept().await {
                Ok((stream, address)) => {
                    let stream = EnvelopeStream { stream, envelope: self.envelope.clone(), pending: Vec::new() };
                    return (stream, address);
                }
                // Out of file descriptors and the like: wait a little rather than spin, as axum's own listener does.
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.listener.local_addr()
    }
}

/// One connection. Reads pass through; a parse-error head is swapped for an envelope response.
pub(crate) struct EnvelopeStream {
    stream: TcpStream,
    envelope: EnvelopeBody,
    /// The replacement response not yet written to the socket.
    pending: Vec<u8>,
}

/// The error type and message for each status hyper answers on its own.
fn parse_error(status: u16) -> (&'static str, &'static str) {
    match status {
        414 => ("uri_too_long", "The request URI is too long."),
        431 => ("request_header_fields_too_large", "The request headers are too large."),
        _ => ("bad_request", "The submitted request is invalid."),
    }
}

/// The status of `bytes` when they start with a head hyper wrote for a parse error.
/// hyper writes it as `HTTP/1.0` after an HTTP/1.0 request on a kept-alive connection.
fn parse_error_status(bytes: &[u8]) -> Option<(&'static str, u16)> {
    let version = match bytes.get(..9)? {
        b"HTTP/1.1 " => "HTTP/1.1",
        b"HTTP/1.0 " => "HTTP/1.0",
        _ => return None,
    };
    let status = match bytes.get(9..13)? {
        b"400 " => 400,
        b"414 " => 414,
        b"431 " => 431,
        _ => return None,
    };
    let end = bytes.windows(4).position(|window| window == b"\r\n\r\n")?;
    let head = bytes[..end + 2].to_ascii_lowercase();
    let has = |line: &[u8]| head.windows(line.len()).any(|window| window == line);
    (has(b"\r\ncontent-length: 0\r\n") && !has(b"\r\ncontent-type:")).then_some((version, status))
}

/// The whole replacement response.
fn envelope_response(version: &str, status: u16, body: &str) -> Vec<u8> {
    let reason = http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or_default();
    format!(
        "{version} {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

impl EnvelopeStream {
    /// Writes what is pending; `Ready` once nothing is.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.pending.is_empty() {
            let written = ready!(Pin::new(&mut self.stream).poll_write(cx, &self.pending))?;
            if written == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.pending.drain(..written);
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for EnvelopeStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for EnvelopeStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        if let Some((version, status)) = parse_error_status(buf) {
            let (error_type, message) = parse_error(status);
            let body = (self.envelope)(status, error_type, message);
            self.pending = envelope_response(version, status, &body);
            // The head is taken whole: the replacement goes out now or on the flush hyper does next.
            let _ = self.poll_pending(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_own_empty_error_heads_are_replaced() {
        let hyper_414 = b"HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(parse_error_status(hyper_414), Some(("HTTP/1.1", 414)));
        let hyper_400 = b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(parse_error_status(hyper_400), Some(("HTTP/1.1", 400)));
        let after_http_1_0 = b"HTTP/1.0 400 Bad Request\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(parse_error_status(after_http_1_0), Some(("HTTP/1.0", 400)));
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(parse_error_status(ours), None, "the router's answers carry a content-type");
        let with_body = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 10\r\n\r\n0123456789";
        assert_eq!(parse_error_status(with_body), None);
        assert_eq!(parse_error_status(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"), None);
        assert_eq!(parse_error_status(b"HTTP/1.1 414 URI"), None, "no whole head");
    }
}
