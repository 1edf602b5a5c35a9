//! A scripted HTTP/1.1 server on 127.0.0.1 for fault tests: each request gets the next step of a script (the
//! last step repeats), every request is recorded, and the server stops when dropped.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Step {
    /// A complete response.
    Respond { status: u16, headers: Vec<(&'static str, String)>, body: Vec<u8> },
    /// Promise `declared` body bytes, send `sent`, then close the connection.
    ResetMidBody { declared: usize, sent: Vec<u8> },
    /// Read the request and never answer (the connection stays open until the server stops).
    Hang,
    /// A 200 whose body arrives one byte per `interval`.
    SlowDrip { body: Vec<u8>, interval: Duration },
    /// Exactly these bytes, status line and headers included (a malformed response), then close.
    Raw(Vec<u8>),
    /// Raw bytes in pieces, `pause` between them (so that the client reads them apart), then close.
    RawPieces { pieces: Vec<Vec<u8>>, pause: Duration },
    /// Wait `delay`, then do `then`.
    After { delay: Duration, then: Box<Step> },
}

impl Step {
    pub fn json(status: u16, body: &str) -> Self {
        Step::Respond {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// `self`, after `delay`.
    pub fn after(self, delay: Duration) -> Self {
        Step::After { delay, then: Box::new(self) }
    }

    pub fn with_header(self, name: &'static str, value: impl Into<String>) -> Self {
        match self {
            Step::Respond { status, mut headers, body } => {
                headers.push((name, value.into()));
                Step::Respond { status, headers, body }
            }
            other => other,
        }
    }
}

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// The raw request target (still percent-encoded).
    pub path: String,
    /// Header names lowercased, values as raw bytes.
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_slice())
    }
}

pub struct FaultServer {
    pub url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultServer {
    pub async fn start(script: Vec<Step>) -> Self {
        assert!(!script.is_empty());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(script);
        let hits = Arc::new(AtomicUsize::new(0));
        let recorded = requests.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let (script, hits, recorded) = (script.clone(), hits.clone(), recorded.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, &script, &hits, &recorded).await;
                });
            }
        });
        Self { url, requests, task }
    }

    pub fn hits(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    script: &[Step],
    hits: &AtomicUsize,
    recorded: &Mutex<Vec<Recorded>>,
) -> std::io::Result<()> {
    let Some(request) = read_request(&mut stream).await? else { return Ok(()) };
    let index = hits.fetch_add(1, Ordering::SeqCst);
    recorded.lock().unwrap().push(request);
    respond(&mut stream, &script[index.min(script.len() - 1)]).await
}

async fn respond(stream: &mut TcpStream, step: &Step) -> std::io::Result<()> {
    match step {
        Step::Respond { status, headers, body } => {
            let mut head = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(body).await?;
        }
        Step::ResetMidBody { declared, sent } => {
            let head =
                format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\n\r\n");
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(sent).await?;
            stream.flush().await?;
            // Dropping the stream here closes it with the body incomplete.
        }
        Step::Hang => std::future::pending::<()>().await,
        Step::Raw(bytes) => {
            stream.write_all(bytes).await?;
        }
        Step::RawPieces { pieces, pause } => {
            for (i, piece) in pieces.iter().enumerate() {
                if i > 0 {
                    tokio::time::sleep(*pause).await;
                }
                stream.write_all(piece).await?;
                stream.flush().await?;
            }
        }
        Step::After { delay, then } => {
            tokio::time::sleep(*delay).await;
            return Box::pin(respond(stream, then)).await;
        }
        Step::SlowDrip { body, interval } => {
            let head =
                format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len());
            stream.write_all(head.as_bytes()).await?;
            for byte in body {
                tokio::time::sleep(*interval).await;
                stream.write_all(&[*byte]).await?;
                stream.flush().await?;
            }
        }
    }
    stream.shutdown().await
}

/// Reads one request (head and `content-length` body); `None` if the client closed first.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<Recorded>> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or("").split(' ');
    let method = request_line.next().unwrap_or("").to_owned();
    let path = request_line.next().unwrap_or("").to_owned();
    // Header values as raw bytes: slice the original buffer, not the lossy text.
    let mut headers = Vec::new();
    let mut offset = head.find("\r\n").map_or(head_end, |i| i + 2);
    while offset < head_end {
        let end = buffer[offset..head_end].windows(2).position(|w| w == b"\r\n").map_or(head_end, |i| offset + i);
        let line = &buffer[offset..end];
        if let Some(colon) = line.iter().position(|&b| b == b':') {
            let name = String::from_utf8_lossy(&line[..colon]).trim().to_ascii_lowercase();
            let value = line[colon + 1..].trim_ascii().to_vec();
            headers.push((name, value));
        }
        offset = end + 2;
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| std::str::from_utf8(v).ok()?.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Ok(Some(Recorded { method, path, headers, body }))
}
