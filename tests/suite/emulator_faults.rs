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

/// One call of the SDK for each Connected Apps client and consent-grant endpoint (against the seed app).
async fn call_endpoint(
    endpoint: Endpoint,
    client: &stytch_connected_apps::Client,
) -> Result<(), stytch_connected_apps::Error> {
    use stytch_connected_apps::models::*;
    let apps = client.connected_apps();
    let redirect = "https://partner.example.com/cb".to_owned();
    match endpoint {
        Endpoint::CreateClient => {
            apps.create(CreateClientRequest::builder().client_type("third_party".to_owned())).await.map(drop)
        }
        Endpoint::GetClient => apps.get(SEED_APP).await.map(drop),
        Endpoint::UpdateClient => {
            apps.update(SEED_APP, UpdateClientRequest::builder().client_name(Some("n".to_owned()))).await.map(drop)
        }
        Endpoint::DeleteClient => apps.delete(SEED_APP).await.map(drop),
        Endpoint::SearchClients => apps.search(SearchClientsRequest::builder()).await.map(drop),
        Endpoint::StartSecretRotation => apps.start_secret_rotation(SEED_APP).await.map(drop),
        Endpoint::CompleteSecretRotation => apps.complete_secret_rotation(SEED_APP).await.map(drop),
        Endpoint::CancelSecretRotation => apps.cancel_secret_rotation(SEED_APP).await.map(drop),
        Endpoint::MemberAuthorizeStart => {
            let request = MemberAuthorizeStartRequest::builder()
                .client_id(SEED_APP.to_owned())
                .redirect_uri(redirect)
                .response_type("code".to_owned())
                .scopes(vec!["openid".to_owned()]);
            client.b2b().authorize_start(SEED_ORGANIZATION, SEED_ADMIN, request).await.map(drop)
        }
        Endpoint::MemberAuthorize => {
            let request = MemberAuthorizeRequest::builder()
                .client_id(SEED_APP.to_owned())
                .redirect_uri(redirect)
                .response_type("code".to_owned())
                .scopes(vec!["openid".to_owned()])
                .consent_granted(false);
            client.b2b().authorize(SEED_ORGANIZATION, SEED_ADMIN, request).await.map(drop)
        }
        Endpoint::UserAuthorizeStart => {
            let request = UserAuthorizeStartRequest::builder()
                .client_id(SEED_APP.to_owned())
                .redirect_uri(redirect)
                .response_type("code".to_owned())
                .scopes(vec!["openid".to_owned()]);
            client.consumer().authorize_start(SEED_USER, request).await.map(drop)
        }
        Endpoint::UserAuthorize => {
            let request = UserAuthorizeRequest::builder()
                .client_id(SEED_APP.to_owned())
                .redirect_uri(redirect)
                .response_type("code".to_owned())
                .scopes(vec!["openid".to_owned()])
                .consent_granted(false);
            client.consumer().authorize(SEED_USER, request).await.map(drop)
        }
        other => panic!("not a clients or consent endpoint: {other:?}"),
    }
}

const CLIENTS_AND_CONSENT: [Endpoint; 12] = [
    Endpoint::CreateClient,
    Endpoint::GetClient,
    Endpoint::UpdateClient,
    Endpoint::DeleteClient,
    Endpoint::SearchClients,
    Endpoint::StartSecretRotation,
    Endpoint::CompleteSecretRotation,
    Endpoint::CancelSecretRotation,
    Endpoint::MemberAuthorizeStart,
    Endpoint::MemberAuthorize,
    Endpoint::UserAuthorizeStart,
    Endpoint::UserAuthorize,
];

/// Scripted faults and the rate limit apply to the clients and the consent grant as to every other endpoint: a
/// scripted 503 reaches the SDK as Stytch's 503 and is logged against its endpoint; over the limit, Stytch's 429 with
/// `Retry-After`.
#[tokio::test]
async fn faults_and_the_rate_limit_apply_to_the_clients_and_the_consent_grant() {
    for endpoint in CLIENTS_AND_CONSENT {
        let emulator = Emulator::start(Fixture::seed()).await.unwrap();
        let client = emulator.client_builder().retry_policy(RetryPolicy::disabled()).build().unwrap();
        emulator.script(endpoint, [Fault::status(503)]);
        let err = call_endpoint(endpoint, &client).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{endpoint:?}: {err}");
        let log = emulator.requests();
        assert_eq!(
            (log[0].endpoint, log[0].status, log[0].fault.clone()),
            (Some(endpoint), 503, Some(Fault::status(503)))
        );
        assert_eq!(log[0].method, endpoint.method(), "{endpoint:?}");

        emulator.set_rate_limit(Some(1));
        let first = call_endpoint(endpoint, &client).await;
        let second = call_endpoint(endpoint, &client).await.unwrap_err();
        assert_eq!(second.status().map(|s| s.as_u16()), Some(429), "{endpoint:?}: {second} (first: {first:?})");
        assert_eq!(second.error_type(), Some(&stytch_connected_apps::ErrorType::TooManyRequests), "{endpoint:?}");
        let log = emulator.requests();
        let last = log.last().unwrap();
        assert!(last.rate_limited && last.endpoint == Some(endpoint), "{endpoint:?}: {last:?}");
    }
}
