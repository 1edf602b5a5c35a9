//! At WARN, the level many services run at, the call's INFO span is off: a failed call must still be logged, once,
//! as a WARN event, scrubbed like any rendering of the error; a successful one logs nothing.
//!
//! Its own test binary, with one global subscriber at WARN (see `tests/tracing.rs` for why not a thread-local one).

#[path = "suite/captured.rs"]
mod captured;
#[allow(dead_code)]
#[path = "suite/common.rs"]
mod common;
#[allow(dead_code)]
#[path = "suite/fault_server.rs"]
mod fault_server;

use captured::Captured;
use common::*;
use fault_server::{FaultServer, Step};
use stytch_connected_apps::{Client, MemberSession, RetryPolicy};

#[tokio::test]
async fn at_warn_a_failed_call_is_one_scrubbed_warning_and_a_success_is_silent() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber =
        tracing_subscriber::fmt().with_max_level(tracing::Level::WARN).with_writer(move || writer.clone()).finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");

    // The error body echoes the session the call sent.
    let echo = format!(
        r#"{{"status_code":401,"request_id":"r-1","error_type":"unauthorized_credentials","error_message":"bad session {SESSION_TOKEN}"}}"#
    );
    let server = FaultServer::start(vec![Step::json(200, fixtures::B1_200), Step::json(401, &echo)]).await;
    let client = Client::builder(PROJECT_ID, SECRET)
        .base_url(&server.url)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
        .with_member_session(MemberSession::token(SESSION_TOKEN).unwrap());

    client.b2b().organization_connected_apps(ORG).await.unwrap();
    assert_eq!(captured.text(), "", "a success logs nothing at WARN");

    let err = client.b2b().organization_connected_apps(ORG).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    let output = captured.text();
    let warnings: Vec<&str> = output.lines().filter(|line| line.contains("WARN")).collect();
    assert_eq!(warnings.len(), 1, "one warning for the failed call:\n{output}");
    assert!(warnings[0].contains("stytch call failed"), "{output}");
    assert!(warnings[0].contains("bad session <redacted>"), "the error's own (scrubbed) words:\n{output}");
    for secret in [SECRET, BASIC_CREDENTIAL, SESSION_TOKEN] {
        assert!(!output.contains(secret), "{secret} in:\n{output}");
    }
    assert_eq!(server.requests().len(), 2);
    assert_eq!(server.requests()[1].header("x-stytch-member-session"), Some(SESSION_TOKEN.as_bytes()));
}
