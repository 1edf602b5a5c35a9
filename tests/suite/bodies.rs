//! Response bodies as the transport reads them: whole however they are cut into chunks, cut at the limit, and,
//! for a power user calling the generated client directly, a response that keeps its headers.

use std::time::Duration;

use crate::common::*;
use crate::fault_server::{FaultServer, Step};
use stytch_connected_apps::{Client, Error, RetryPolicy};

/// A 200 with `body` in chunked transfer encoding, `size` bytes a chunk (no `content-length`).
fn chunked(body: &str, size: usize) -> Step {
    let mut raw = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    for piece in body.as_bytes().chunks(size) {
        raw.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        raw.extend_from_slice(piece);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    Step::Raw(raw)
}

/// A B1 (or C1, with `scopes_granted`) answer listing `apps` apps: about 200 bytes each.
fn apps_body(apps: usize, consumer: bool) -> String {
    let apps: Vec<String> = (0..apps)
        .map(|i| {
            let scopes = if consumer { r#","scopes_granted":"openid""# } else { "" };
            format!(
                r#"{{"client_type":"first_party","connected_app_id":"connected-app-test-{i:08}","name":"app {i}","description":"A first party connected app","logo_url":null{scopes}}}"#
            )
        })
        .collect();
    format!(r#"{{"status_code":200,"request_id":"{REQUEST_ID}","connected_apps":[{}]}}"#, apps.join(","))
}

fn client(url: &str, limit: usize) -> Client {
    Client::builder(PROJECT_ID, SECRET)
        .base_url(url)
        .retry_policy(RetryPolicy::disabled())
        .max_body_bytes(limit)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_body_cut_into_many_chunks_is_decoded_whole_on_both_request_paths() {
    for (name, cut) in [("1-byte chunks", 1), ("97-byte chunks", 97), ("one chunk", usize::MAX)] {
        let b2b = FaultServer::start(vec![chunked(&apps_body(300, false), cut)]).await;
        let apps = bounded(client(&b2b.url, 1 << 20).b2b().organization_connected_apps(ORG)).await;
        let apps = apps.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(apps.connected_apps.len(), 300, "{name}");
        assert_eq!(apps.connected_apps[299].name, "app 299", "{name}");

        let consumer = FaultServer::start(vec![chunked(&apps_body(300, true), cut)]).await;
        let apps = bounded(client(&consumer.url, 1 << 20).consumer().user_connected_apps(USER)).await;
        assert_eq!(apps.unwrap_or_else(|e| panic!("{name}: {e}")).connected_apps.len(), 300, "{name}");
        assert_eq!(b2b.requests()[0].path, format!("/v1/b2b/organizations/{ORG}/connected_apps"));
        assert_eq!(consumer.requests()[0].path, format!("/v1/users/{USER}/connected_apps"));
    }
    // With a `content-length`, trickled a byte at a time.
    let body = apps_body(3, false);
    let server = FaultServer::start(vec![Step::SlowDrip { body: body.into_bytes(), interval: Duration::ZERO }]).await;
    let apps = bounded(client(&server.url, 1 << 20).b2b().organization_connected_apps(ORG)).await.unwrap();
    assert_eq!(apps.connected_apps.len(), 3);
}

#[tokio::test]
async fn chunks_past_the_limit_are_an_error_on_both_request_paths() {
    for (name, cut) in [("1 KiB chunks", 1024), ("one chunk", usize::MAX), ("1-byte chunks", 1)] {
        let body = apps_body(100, true);
        assert!(body.len() > 16 * 1024);
        let server = FaultServer::start(vec![chunked(&body, cut)]).await;
        let limited = client(&server.url, 4096);
        for result in [
            bounded(limited.b2b().organization_connected_apps(ORG)).await.map(|_| ()),
            bounded(limited.consumer().user_connected_apps(USER)).await.map(|_| ()),
        ] {
            let err = result.unwrap_err();
            let Error::UnexpectedBody(unexpected) = &err else { panic!("{name}: {err:?}") };
            assert_eq!(unexpected.reason, "the body is larger than the 4096-byte limit", "{name}");
        }
        // A limit of exactly the body's length still takes it whole.
        let exact = FaultServer::start(vec![chunked(&body, cut)]).await;
        let apps = bounded(client(&exact.url, body.len()).consumer().user_connected_apps(USER)).await;
        assert_eq!(apps.unwrap_or_else(|e| panic!("{name}: {e}")).connected_apps.len(), 100);
    }
}

#[tokio::test]
async fn the_generated_client_called_directly_keeps_the_response_headers() {
    let server = FaultServer::start(vec![Step::json(200, fixtures::B1_200).with_header("x-test-header", "kept")]).await;
    let client = client(&server.url, 1 << 20);
    let response =
        bounded(client.generated().api_organization_v1_connected_apps().organization_id(ORG).send()).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers().get("x-test-header").map(|v| v.as_bytes()), Some(&b"kept"[..]));
    assert_eq!(response.headers().get("content-type").map(|v| v.as_bytes()), Some(&b"application/json"[..]));
    assert_eq!(response.into_inner().connected_apps.len(), 1);
    let sent = &server.requests()[0];
    assert_eq!(sent.method, "GET");
    assert_eq!(sent.path, format!("/v1/b2b/organizations/{ORG}/connected_apps"));
    assert_eq!(sent.header("authorization"), Some(BASIC_AUTH.as_bytes()));
    assert_eq!(sent.header("api-version"), None, "the hooks still remove progenitor's header");
}

#[tokio::test]
async fn a_lying_content_length_under_a_huge_limit_is_an_error_not_an_allocation_of_its_size() {
    // A length of 10^18 over a 67-byte body that arrives in two pieces (the second read is where the buffer is
    // sized), with the limit lifted: sizing the buffer from the header aborted the process.
    let body = fixtures::C1_200.as_bytes().to_vec();
    let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000000000000000000\r\n\r\n";
    let pieces = vec![[&head[..], &body[..10]].concat(), body[10..].to_vec()];
    let server = FaultServer::start(vec![Step::RawPieces { pieces, pause: Duration::from_millis(50) }]).await;
    let err = bounded(client(&server.url, usize::MAX).consumer().user_connected_apps(USER)).await.unwrap_err();
    // The connection closed short of the promised length.
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.requests()[0].path, format!("/v1/users/{USER}/connected_apps"));
}
