//! The loopback server both sides call: a separate process (this binary with `--serve`), so that its CPU time
//! is not counted as the client's. Minimal HTTP/1.1 with keep-alive; fixed bodies per path, built from the seed
//! documents' examples. It exits when its standard input closes (when the bench that started it ends).

use std::io::{BufRead, Read, Write};
use std::process::{Child, Command, Stdio};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The organization id whose B1 answer lists [`LARGE_APPS`] apps.
pub const LARGE_ORG: &str = "organization-test-large";
/// Apps in the large B1 answer (about 2.1 MB).
pub const LARGE_APPS: usize = 10_000;

/// A running server process; killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
}

impl Server {
    /// Starts this binary as the server and waits for its address.
    pub fn start() -> Server {
        let exe = std::env::current_exe().expect("the bench binary's path");
        let mut child = Command::new(exe)
            .arg("--serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the loopback server");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("piped stdout");
        std::io::BufReader::new(stdout).read_line(&mut line).expect("the server's address");
        Server { child, base_url: line.trim().to_owned() }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server process's main: prints its base URL, serves until stdin closes.
pub fn serve() {
    std::thread::spawn(|| {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(0);
    });
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let address = listener.local_addr().expect("address");
        println!("http://{address}");
        std::io::stdout().flush().expect("flush");
        let bodies = Bodies::new();
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let _ = stream.set_nodelay(true);
            let bodies = bodies.clone();
            tokio::spawn(async move {
                let _ = connection(stream, bodies).await;
            });
        }
    });
}

/// Response heads and bodies, encoded once.
#[derive(Clone)]
struct Bodies {
    b1: bytes::Bytes,
    b1_large: bytes::Bytes,
    b2: bytes::Bytes,
    b3: bytes::Bytes,
    c1: bytes::Bytes,
    revoke: bytes::Bytes,
}

impl Bodies {
    fn new() -> Self {
        let response = |body: String| -> bytes::Bytes {
            format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len())
                .into()
        };
        Self {
            b1: response(b1_body(3)),
            b1_large: response(b1_body(LARGE_APPS)),
            b2: response(fixture("b2_200_with_request_id.json")),
            b3: response(fixture("b3_200.json")),
            c1: response(fixture("seed004_c1_200.json")),
            revoke: response(fixture("revoke_200.json")),
        }
    }

    fn for_path(&self, path: &str) -> &bytes::Bytes {
        // The official crate sends its request fields in a query string too.
        let path = path.split('?').next().unwrap_or(path);
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match segments.as_slice() {
            // The official crate percent-encodes every character but letters and digits.
            ["v1", "b2b", "organizations", org, "connected_apps"] if org.replace("%2D", "-") == LARGE_ORG => {
                &self.b1_large
            }
            ["v1", "b2b", "organizations", _, "connected_apps"] => &self.b1,
            ["v1", "b2b", "organizations", _, "connected_apps", _] => &self.b2,
            ["v1", "b2b", "organizations", _, "members", _, "connected_apps"] => &self.b3,
            ["v1", "users", _, "connected_apps"] => &self.c1,
            _ => &self.revoke,
        }
    }
}

/// A B1 answer with `apps` apps, shaped as seed 001's example.
pub fn b1_body(apps: usize) -> String {
    let apps: Vec<serde_json::Value> = (0..apps)
        .map(|i| {
            serde_json::json!({
                "client_type": "first_party",
                "connected_app_id": format!("connected-app-test-aeadeabc-a3a3-4796-83d0-{i:012}"),
                "name": format!("first-party-confidential-app-{i}"),
                "description": "A first party connected app",
                "logo_url": null,
            })
        })
        .collect();
    serde_json::json!({
        "status_code": 200,
        "request_id": "request-id-test-b05c992f-ebdc-489d-a754-c7e70ba13141",
        "connected_apps": apps,
    })
    .to_string()
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", crate::REPOSITORY);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    // One line, as a server would send it.
    serde_json::from_str::<serde_json::Value>(&text).expect("fixture JSON").to_string()
}

/// Serves one keep-alive connection: reads each request (head and `content-length` body), answers by path.
async fn connection(mut stream: TcpStream, bodies: Bodies) -> std::io::Result<()> {
    let mut buffer = Vec::with_capacity(4096);
    loop {
        let head_end = loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            let mut chunk = [0u8; 4096];
            let read = stream.read(&mut chunk).await?;
            if read == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..read]);
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let path = head.split(' ').nth(1).unwrap_or("/").to_owned();
        let length: usize = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse().ok())?
            })
            .unwrap_or(0);
        while buffer.len() < head_end + length {
            let mut chunk = [0u8; 4096];
            let read = stream.read(&mut chunk).await?;
            if read == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..read]);
        }
        buffer.drain(..head_end + length);
        stream.write_all(bodies.for_path(&path)).await?;
    }
}
