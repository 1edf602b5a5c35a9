//! Timeouts and transport failures, on the generated (B2B) and the handwritten (consumer) request paths alike.

use std::time::Duration;

use crate::common::*;
use stytch_connected_apps::{Client, Error, TransportErrorKind};

fn transport(err: &Error) -> &stytch_connected_apps::TransportError {
    match err {
        Error::Transport(transport) => transport,
        other => panic!("not a transport error: {other:?}"),
    }
}

#[tokio::test]
async fn a_per_call_timeout_bounds_a_server_that_does_not_answer() {
    let (server, client) = start().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).delay(Duration::from_secs(5)).body(fixtures::B1_200);
        })
        .await;
    let short = Duration::from_millis(150);

    let b2b = client.b2b().timeout(short).organization_connected_apps(ORG).await.unwrap_err();
    let consumer = client.consumer().timeout(short).user_connected_apps(USER).await.unwrap_err();

    for err in [b2b, consumer] {
        let transport = transport(&err);
        assert_eq!(transport.kind, TransportErrorKind::Timeout, "{err:?}");
        assert!(transport.may_have_reached_server());
        assert!(err.is_retryable());
        assert_eq!(err.status(), None);
    }
}

#[tokio::test]
async fn the_client_request_timeout_applies_to_every_call() {
    let server = httpmock::MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).delay(Duration::from_secs(5)).body(fixtures::REVOKE_200);
        })
        .await;
    let client = Client::builder(PROJECT_ID, SECRET)
        .base_url(server.base_url())
        .request_timeout(Duration::from_millis(150))
        .retry_policy(stytch_connected_apps::RetryPolicy::disabled())
        .build()
        .unwrap();

    for op in Op::ALL {
        let err = op.call(&client).await.unwrap_err();
        assert_eq!(transport(&err).kind, TransportErrorKind::Timeout, "{op:?}: {err:?}");
        assert_eq!(transport(&err).operation, op.operation());
    }
}

#[tokio::test]
async fn a_refused_connection_never_reached_the_server() {
    // Bind, learn the port, and close it again: nothing listens there now.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = Client::builder(PROJECT_ID, SECRET)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(stytch_connected_apps::RetryPolicy::disabled())
        .build()
        .unwrap();

    for op in Op::ALL {
        let err = op.call(&client).await.unwrap_err();
        let transport = transport(&err);
        assert_eq!(transport.kind, TransportErrorKind::Connect, "{op:?}: {err:?}");
        assert!(!transport.may_have_reached_server());
        assert!(err.is_retryable());
        assert!(err.to_string().starts_with(&format!("{}: could not connect to Stytch", op.operation())), "{err}");
        assert!(!err.to_string().contains("127.0.0.1"), "no URL in messages: {err}");
    }
}
