//! The emulator's fault injection, as the SDK's retry loop sees it, and its request log.

use std::time::Duration;

use stytch_connected_apps::emulator::*;
use stytch_connected_apps::{RetryPolicy, TransportErrorKind};

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(Duration::from_millis(1)).max_retry_after(Duration::from_millis(5))
}

#[tokio::test]
async fn scripted_429s_500s_and_resets_are_retried_through() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let client = emulator.client_builder().retry_policy(fast_retries().max_attempts(4)).build().unwrap();
    emulator
        .script(Endpoint::MemberConnectedApps, [Fault::too_many_requests(1), Fault::internal_error(), Fault::Reset]);

    let apps = client.b2b().member_connected_apps(SEED_ORGANIZATION, SEED_ADMIN).await.unwrap();

    assert_eq!(apps.connected_apps.len(), 1);
    let log = emulator.requests();
    let statuses: Vec<u16> = log.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 500, 200, 200]);
    assert_eq!(log[0].fault, Some(Fault::too_many_requests(1)));
    assert_eq!(log[2].fault, Some(Fault::Reset));
    assert!(log.iter().all(|r| r.endpoint == Some(Endpoint::MemberConnectedApps) && r.method == "GET"));
    assert_eq!(log[0].path, format!("/v1/b2b/organizations/{SEED_ORGANIZATION}/members/{SEED_ADMIN}/connected_apps"));
}

#[tokio::test]
async fn faults_are_per_endpoint_and_run_out() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let client = emulator.client_builder().retry_policy(RetryPolicy::disabled()).build().unwrap();
    emulator.script(Endpoint::RevokeUserConnectedApp, [Fault::status(503)]);

    client.consumer().user_connected_apps(SEED_USER).await.unwrap();
    let err = client.consumer().revoke_user_connected_app(SEED_USER, SEED_APP).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.error_type(), Some(&stytch_connected_apps::ErrorType::InternalServerError));
    client.consumer().revoke_user_connected_app(SEED_USER, SEED_APP).await.unwrap();
}

#[tokio::test]
async fn delays_and_latency_meet_the_clients_timeouts() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let client = emulator
        .client_builder()
        .request_timeout(Duration::from_millis(150))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();

    emulator.script(Endpoint::OrganizationConnectedApps, [Fault::Delay(Duration::from_secs(2))]);
    let err = client.b2b().organization_connected_apps(SEED_ORGANIZATION).await.unwrap_err();
    assert!(
        matches!(&err, stytch_connected_apps::Error::Transport(t) if t.kind == TransportErrorKind::Timeout),
        "{err:?}"
    );
    client.b2b().organization_connected_apps(SEED_ORGANIZATION).await.unwrap();

    emulator.set_latency(Duration::from_secs(2));
    let err = client.consumer().user_connected_apps(SEED_USER).await.unwrap_err();
    assert!(
        matches!(&err, stytch_connected_apps::Error::Transport(t) if t.kind == TransportErrorKind::Timeout),
        "{err:?}"
    );
    emulator.set_latency(Duration::ZERO);
    client.consumer().user_connected_apps(SEED_USER).await.unwrap();
}
