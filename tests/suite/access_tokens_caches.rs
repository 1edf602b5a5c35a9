//! The access-token paths' waits: one deadline for a whole verification (key fetch, introspection and RBAC policy
//! share it), the token's age looked at again once a slow key fetch has answered, and the RBAC policy's fetch on
//! the key cache's single-flight machinery (a fetch dropped with its runtime is asked again, not reported as lost
//! to its waiters).

use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::*;
use stytch_connected_apps::emulator::SigningKey;
use stytch_connected_apps::{
    AccessTokenError, AuthorizationCheck, Client, Error, JwtErrorKind, RetryPolicy, TokenRequirements,
    TransportErrorKind,
};

fn policy() -> serde_json::Value {
    json!({
        "status_code": 200, "request_id": REQUEST_ID,
        "policy": {"roles": [], "resources": [], "scopes": [
            {"scope": "read:users", "description": "", "permissions": [{"resource_id": "users", "actions": ["read"]}]}
        ]}
    })
}

fn client(server: &httpmock::MockServer, deadline: Duration) -> Client {
    Client::builder(PROJECT_ID, SECRET)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::disabled())
        .deadline(deadline)
        .build()
        .unwrap()
}

fn read_users() -> TokenRequirements {
    TokenRequirements::new().authorization(AuthorizationCheck::new(ORG, "users", "read"))
}

/// A cold key fetch and a cold policy fetch of 600 ms each: within a 1 s deadline one at a time, not together.
/// Each wait used to get a fresh deadline of its own (up to three: keys, introspection, policy).
#[tokio::test]
async fn one_deadline_covers_the_key_fetch_and_the_policy_fetch() {
    let server = httpmock::MockServer::start_async().await;
    let jwks = mount_slow_jwks(&server, Duration::from_millis(600)).await;
    let policy = server
        .mock_async(|when, then| {
            Expect::get("/v1/b2b/rbac/policy").matcher(when);
            then.status(200).json_body(policy()).delay(Duration::from_millis(600));
        })
        .await;
    let deadline = Duration::from_secs(1);
    let tokens = client(&server, deadline).b2b_access_tokens();
    let token = SigningKey::generation(0).sign(&jwt::access_claims());
    let started = Instant::now();
    let err = tokens.verify_with(&token, &read_users()).await.unwrap_err();
    let elapsed = started.elapsed();
    let Error::Transport(transport) = &err else { panic!("{err:?}") };
    assert_eq!(transport.kind, TransportErrorKind::Timeout, "{err}");
    assert_eq!(transport.operation, "api_b2b_rbac_v1_policy", "{err}");
    assert!(elapsed >= deadline && elapsed < deadline + Duration::from_millis(500), "{elapsed:?}");
    jwks.assert_calls_async(1).await;
    policy.assert_calls_async(1).await;
    // The policy fetch was nobody's to cancel: it finished in the background, and the next call is answered.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(tokens.verify_with(&token, &read_users()).await.unwrap().subject, MEMBER);
    policy.assert_calls_async(1).await;
}

/// `max_token_age` is looked at again once the key is in hand: a token young enough when its claims were read,
/// and too old once a slow JWKS answered, is refused.
#[tokio::test]
async fn a_token_that_ages_past_max_token_age_while_its_key_is_fetched_is_refused() {
    let server = httpmock::MockServer::start_async().await;
    let slow = mount_slow_jwks(&server, Duration::from_millis(2500)).await;
    let tokens = client(&server, Duration::from_secs(10)).b2b_access_tokens().max_token_age(Duration::from_secs(2));
    let mut claims = jwt::access_claims();
    claims["iat"] = json!(jwt::now() - 1); // one second old: young enough before the fetch, not after
    let token = SigningKey::generation(0).sign(&claims);
    let err = tokens.verify(&token).await.unwrap_err();
    let Some(AccessTokenError::Invalid(refused)) = err.as_access_token() else { panic!("{err:?}") };
    assert_eq!(refused.kind, JwtErrorKind::TooOld);
    slow.assert_calls_async(1).await;
    // With the key cached, a token issued now verifies.
    tokens.verify(&SigningKey::generation(0).sign(&jwt::access_claims())).await.unwrap();
}

/// A policy fetch whose runtime is dropped while another runtime's caller waits for it: that caller asks again
/// and is answered (it used to get a "lost" transport error).
#[test]
fn a_policy_fetch_dropped_with_its_runtime_is_asked_again_by_its_waiters() {
    let main = tokio::runtime::Runtime::new().unwrap();
    let server = main.block_on(httpmock::MockServer::start_async());
    main.block_on(mount_jwks(&server, true));
    let policy = main.block_on(server.mock_async(|when, then| {
        Expect::get("/v1/b2b/rbac/policy").matcher(when);
        then.status(200).json_body(policy()).delay(Duration::from_millis(300));
    }));
    let tokens = client(&server, Duration::from_secs(5)).b2b_access_tokens();
    let token = SigningKey::generation(0).sign(&jwt::access_claims());
    main.block_on(tokens.verify(&token)).unwrap(); // keys cached: only the policy is cold

    // The policy fetch starts on a runtime that stops being driven once its caller gives up.
    let doomed = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let gave_up = doomed.block_on(async {
        tokio::time::timeout(Duration::from_millis(50), tokens.verify_with(&token, &read_users())).await
    });
    assert!(gave_up.is_err(), "the policy answers after 300 ms");
    // A caller on the other runtime joins that fetch; the fetch's runtime goes away while it waits.
    let waiter = main.spawn({
        let (tokens, token) = (tokens.clone(), token.clone());
        async move { tokens.verify_with(&token, &read_users()).await }
    });
    std::thread::sleep(Duration::from_millis(100));
    drop(doomed);
    let claims = main.block_on(waiter).unwrap().unwrap();
    assert_eq!(claims.subject, MEMBER);
    assert_eq!(main.block_on(policy.calls_async()), 2, "the dropped fetch, and the waiter's own");
}
