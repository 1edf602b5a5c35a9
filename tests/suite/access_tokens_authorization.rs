//! B2B authorization checks of access tokens against the project's RBAC policy (httpmock as Stytch, then the
//! emulator): tenancy before permission, scope-to-permission mapping with `*`, the policy's exact request, one
//! fetch for many concurrent checks, the cached policy kept through an outage, and a cold outage as a retryable
//! `Error::RbacPolicy` (a 503 for a resource server).

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::*;
use stytch_connected_apps::emulator::{self, Emulator, Fixture, SigningKey};
use stytch_connected_apps::{AccessTokenError, AuthorizationCheck, Client, Error, RetryPolicy, TokenRequirements};

fn policy() -> Value {
    json!({
        "status_code": 200, "request_id": REQUEST_ID,
        "policy": {
            "roles": [], "resources": [{"resource_id": "users", "description": "", "actions": ["read", "write"]}],
            "scopes": [
                {"scope": "read:users", "description": "Read users", "permissions": [{"resource_id": "users", "actions": ["read"]}]},
                {"scope": "admin:users", "description": "Everything", "permissions": [{"resource_id": "users", "actions": ["*"]}]},
                {"scope": "write:users", "description": "Write users", "permissions": [{"resource_id": "users", "actions": ["write"]}]}
            ]
        }
    })
}

async fn mount_policy(server: &httpmock::MockServer, status: u16, body: Value) -> httpmock::Mock<'_> {
    server
        .mock_async(move |when, then| {
            Expect::get("/v1/b2b/rbac/policy").matcher(when);
            then.status(status).json_body(body);
        })
        .await
}

fn check(organization: &str, resource: &str, action: &str) -> TokenRequirements {
    TokenRequirements::new().authorization(AuthorizationCheck::new(organization, resource, action))
}

#[tokio::test]
async fn tenancy_first_then_a_scope_must_grant_the_action() {
    let (server, client) = start().await;
    mount_jwks(&server, true).await;
    let policy = mount_policy(&server, 200, policy()).await;
    let tokens = client.b2b_access_tokens();
    let token = SigningKey::generation(0).sign(&jwt::access_claims()); // openid read:users, in ORG

    // Another organization: refused before the policy is even needed.
    let err = tokens.verify_with(&token, &check("organization-test-other", "users", "read")).await.unwrap_err();
    assert_eq!(err.as_access_token(), Some(&AccessTokenError::TenancyMismatch));
    assert!(!err.as_access_token().unwrap().is_invalid_token());
    policy.assert_calls_async(0).await;

    assert_eq!(tokens.verify_with(&token, &check(ORG, "users", "read")).await.unwrap().subject, MEMBER);
    for (resource, action) in [("users", "write"), ("users", "*"), ("documents", "read"), ("users", "READ")] {
        let err = tokens.verify_with(&token, &check(ORG, resource, action)).await.unwrap_err();
        let denied = AccessTokenError::PermissionDenied { resource_id: resource.into(), action: action.into() };
        assert_eq!(err.as_access_token(), Some(&denied), "{resource} {action}");
    }
    // A `*` action grants every action on its resource, and only there.
    let mut admin = jwt::access_claims();
    admin["scope"] = json!("admin:users");
    let admin = SigningKey::generation(0).sign(&admin);
    assert!(tokens.verify_with(&admin, &check(ORG, "users", "delete")).await.is_ok());
    assert!(tokens.verify_with(&admin, &check(ORG, "documents", "delete")).await.is_err());
    // Fetched once, with the project's credentials and no session.
    policy.assert_calls_async(1).await;
}

#[tokio::test]
async fn many_concurrent_checks_on_a_cold_cache_fetch_the_policy_once() {
    let (server, client) = start().await;
    mount_jwks(&server, true).await;
    let policy = server
        .mock_async(|when, then| {
            Expect::get("/v1/b2b/rbac/policy").matcher(when);
            then.status(200).json_body(policy()).delay(Duration::from_millis(200));
        })
        .await;
    let tokens = client.b2b_access_tokens();
    let token = SigningKey::generation(0).sign(&jwt::access_claims());
    tokens.verify(&token).await.unwrap();
    let checks = (0..64).map(|_| {
        let (tokens, token) = (tokens.clone(), token.clone());
        tokio::spawn(async move { tokens.verify_with(&token, &check(ORG, "users", "read")).await })
    });
    for outcome in futures_util::future::join_all(checks).await {
        outcome.unwrap().unwrap();
    }
    policy.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_cold_outage_is_a_retryable_policy_error_and_a_warm_policy_outlives_one() {
    let server = httpmock::MockServer::start_async().await;
    let client = Client::builder(PROJECT_ID, SECRET)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::disabled())
        .rbac_policy_refresh_interval(Duration::ZERO)
        .jwks_refetch_cooldown(Duration::from_millis(300))
        .build()
        .unwrap();
    mount_jwks(&server, true).await;
    let tokens = client.b2b_access_tokens();
    let token = SigningKey::generation(0).sign(&jwt::access_claims());
    let failing = mount_policy(&server, 503, json!({"status_code": 503, "request_id": REQUEST_ID, "error_type": "internal_server_error", "error_message": "down"})).await;
    let err = tokens.verify_with(&token, &check(ORG, "users", "read")).await.unwrap_err();
    assert!(matches!(err, Error::RbacPolicy(_)), "{err}");
    assert!(err.is_retryable() && err.status().map(|s| s.as_u16()) == Some(503), "{err}");
    // Within the cooldown the failure is answered without another request.
    assert!(matches!(tokens.verify_with(&token, &check(ORG, "users", "read")).await, Err(Error::RbacPolicy(_))));
    failing.assert_calls_async(1).await;
    failing.delete_async().await;

    tokio::time::sleep(Duration::from_millis(350)).await;
    let healthy = mount_policy(&server, 200, policy()).await;
    tokens.verify_with(&token, &check(ORG, "users", "read")).await.unwrap();
    healthy.assert_calls_async(1).await;
    healthy.delete_async().await;
    // Stale at once (interval zero): each check refreshes in the background, and the refresh fails; the cached
    // policy keeps answering.
    let failing = mount_policy(&server, 500, json!({"status_code": 500, "request_id": REQUEST_ID})).await;
    for _ in 0..3 {
        tokens.verify_with(&token, &check(ORG, "users", "read")).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(failing.calls_async().await >= 1);
}

#[tokio::test]
async fn a_consumer_token_cannot_be_given_an_authorization_check() {
    let (server, client) = start().await;
    mount_jwks(&server, false).await;
    let anything = catch_all(&server).await;
    let token = SigningKey::generation(0).sign(&jwt::user_access_claims());
    let err = client.consumer_access_tokens().verify_with(&token, &check(ORG, "users", "read")).await.unwrap_err();
    assert!(matches!(err, Error::Configuration(_)), "{err}");
    anything.assert_calls_async(0).await;
}

#[tokio::test]
async fn on_the_emulator_the_seed_scopes_grant_their_permissions() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let client = emulator.client().unwrap();
    let policy = client.b2b().rbac_policy().await.unwrap().policy.unwrap();
    let scopes: Vec<&str> = policy.scopes.iter().map(|s| s.scope.as_str()).collect();
    assert_eq!(scopes, ["openid", "profile", "email", "calendar.read"]);
    let token = emulator
        .issue_member_access_token(
            emulator::SEED_ORGANIZATION,
            emulator::SEED_ADMIN,
            emulator::SEED_APP,
            &["openid", "profile"],
        )
        .unwrap();
    let tokens = client.b2b_access_tokens();
    assert!(tokens.verify_with(&token, &check(emulator::SEED_ORGANIZATION, "profile", "read")).await.is_ok());
    let err = tokens.verify_with(&token, &check(emulator::SEED_ORGANIZATION, "email", "send")).await.unwrap_err();
    assert!(matches!(err.as_access_token(), Some(AccessTokenError::PermissionDenied { .. })), "{err}");
    let err =
        tokens.verify_with(&token, &check(emulator::SEED_OTHER_ORGANIZATION, "profile", "read")).await.unwrap_err();
    assert_eq!(err.as_access_token(), Some(&AccessTokenError::TenancyMismatch));
    let policies = emulator.requests().iter().filter(|r| r.endpoint == Some(emulator::Endpoint::RbacPolicy)).count();
    assert_eq!(policies, 2, "the raw call, then one fetch for the checks");
}
