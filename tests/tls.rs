//! TLS as the rustls builds speak it (`rustls`, the default, with aws-lc-rs; `rustls-ring` with ring; both with the
//! platform's roots): a certificate from
//! an unknown CA is refused before any request goes out, and one from a CA the platform trusts (here through
//! `SSL_CERT_FILE`, which the platform verifier reads on Linux) completes the handshake and the call. Its own
//! test binary: it sets an environment variable.
#![cfg(all(any(feature = "rustls", feature = "rustls-ring"), not(feature = "native-tls")))]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use stytch_connected_apps::{Client, Error, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
const B1_200: &str = include_str!("fixtures/seed001_b1_200.json");

/// An HTTPS server for `localhost` on 127.0.0.1; counts handshakes begun and requests answered.
struct TlsServer {
    url: String,
    handshakes: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

async fn start() -> TlsServer {
    let certs = CertificateDer::pem_file_iter(format!("{FIXTURES}/tls/localhost.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(format!("{FIXTURES}/tls/localhost.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://localhost:{}", listener.local_addr().unwrap().port());
    let (handshakes, requests) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let counters = (handshakes.clone(), requests.clone());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counters.0.fetch_add(1, Ordering::SeqCst);
            let (acceptor, requests) = (acceptor.clone(), counters.1.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else { return };
                let mut head = Vec::new();
                let mut buffer = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                requests.fetch_add(1, Ordering::SeqCst);
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{B1_200}",
                    B1_200.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    TlsServer { url, handshakes, requests }
}

fn client(url: &str) -> Client {
    Client::builder("project-test-00000000-0000-0000-0000-000000000000", "secret-test-tls")
        .base_url(url)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_unknown_ca_is_refused_and_a_trusted_one_completes_the_call() {
    let server = start().await;
    let limit = Duration::from_secs(20);

    // The test CA is nobody's root: the handshake is refused, no request is sent.
    let untrusting = client(&server.url);
    let b2b = untrusting.b2b();
    let refused = tokio::time::timeout(limit, b2b.organization_connected_apps("organization-test-1")).await;
    let err = refused.expect("the call hung").unwrap_err();
    let Error::Transport(transport) = &err else { panic!("not a transport error: {err:?}") };
    assert!(format!("{transport:?}").contains("invalid peer certificate: UnknownIssuer"), "{transport:?}");
    assert!(server.handshakes.load(Ordering::SeqCst) >= 1, "a TLS connection was attempted");
    assert_eq!(server.requests.load(Ordering::SeqCst), 0);

    // Trusted through the platform's own mechanism (no loosening in the client), the same call succeeds.
    // SAFETY: this test binary has one test, and no other thread reads the environment while it is set.
    unsafe { std::env::set_var("SSL_CERT_FILE", format!("{FIXTURES}/tls/ca.pem")) };
    let trusting = client(&server.url);
    let b2b = trusting.b2b();
    let apps = tokio::time::timeout(limit, b2b.organization_connected_apps("organization-test-1")).await;
    let apps = apps.expect("the call hung").unwrap();
    assert_eq!(apps.connected_apps.len(), 1);
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
}
