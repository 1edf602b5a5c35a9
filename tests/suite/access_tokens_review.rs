//! Findings of the adversarial review of the layer, the RBAC cache and the emulator (each failed before its fix): the
//! emulator vouches only for tokens it issued byte for byte, Stytch refusing the server's own credentials is a 500,
//! a session ending during a cold key fetch is refused, `Bearer` takes several spaces, and `ProtectedResource`
//! refuses what its router could not serve or what hides a password.

use std::time::{Duration, SystemTime};

use axum::Router;
use axum::routing::get;
use base64::Engine as _;
use serde_json::{Value, json};

use crate::common::*;
use stytch_connected_apps::emulator::{
    Emulator, Fixture, SEED_ADMIN, SEED_APP, SEED_APP_SECRET, SEED_ORGANIZATION, SigningKey,
};
use stytch_connected_apps::{
    AccessTokenError, AccessTokenLayer, Client, Error, IntrospectionClient, JwtErrorKind, ProtectedResource,
    RetryPolicy, TokenVerification, VerifiedToken,
};

async fn me(VerifiedToken(claims): VerifiedToken) -> String {
    claims.subject
}

/// `/me` behind `layer`, on 127.0.0.1; the base URL.
async fn serve(layer: AccessTokenLayer) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new().route("/me", get(me).route_layer(layer));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

async fn get_me(url: &str, authorization: &str) -> reqwest::Response {
    reqwest::Client::new().get(format!("{url}/me")).header("authorization", authorization).send().await.unwrap()
}

// 1. src/emulator/access_tokens.rs:147-160: "issued here" is decided by `jti` (+ client_id/sub/org) alone, and the
//    consent check ignores the scopes. A token re-signed with an issued jti but scopes beyond the grant and a later
//    `exp` is answered `active` with those claims.
#[tokio::test]
async fn emulator_introspection_refuses_a_token_it_did_not_issue_even_with_an_issued_jti() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let client = emulator.client().unwrap();
    let issued = emulator.issue_member_access_token(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP, &["openid"]).unwrap();
    let payload = issued.split('.').nth(1).unwrap();
    let mut claims: Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["scope"] = json!("openid admin:everything"); // never granted
    claims["exp"] = json!(claims["exp"].as_u64().unwrap() + 86_400);
    let forged = emulator.signing_key().sign(&claims);
    let network = client
        .b2b_access_tokens()
        .verification(TokenVerification::Network)
        .introspection_client(IntrospectionClient::confidential(SEED_APP, SEED_APP_SECRET));
    let outcome = network.verify(&forged).await;
    assert_eq!(
        outcome.as_ref().err().and_then(Error::as_access_token),
        Some(&AccessTokenError::Inactive),
        "the emulator vouched for claims it never issued: {outcome:?}"
    );
}

// 2. src/ext/resource_server/rejection.rs:52: every non-AccessToken error but Configuration/InvalidInput is a 503 +
//    Retry-After. Introspection refusing the resource server's own credentials (401 invalid_client) is a server
//    misconfiguration, not an outage: clients are told to retry in 5 s forever.
#[tokio::test]
async fn introspection_refusing_our_credentials_is_a_500_not_a_retryable_503() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let client = emulator.client().unwrap();
    let token = emulator.issue_member_access_token(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP, &["openid"]).unwrap();
    let tokens = client
        .b2b_access_tokens()
        .verification(TokenVerification::Network)
        .introspection_client(IntrospectionClient::confidential(SEED_APP, "not-the-secret"));
    let url = serve(AccessTokenLayer::new(tokens)).await;
    let response = get_me(&url, &format!("Bearer {token}")).await;
    assert_eq!(response.status().as_u16(), 500);
    assert!(response.headers().get("retry-after").is_none());
}

// 3. src/ext/jwt/verify.rs:112-119: only `exp` is looked at again after the key wait; the session's own
//    `expires_at` (session_jwt.rs:50) was checked with the clock from before the JWKS fetch.
#[tokio::test]
async fn a_session_that_ends_while_its_key_is_fetched_is_refused() {
    let server = httpmock::MockServer::start_async().await;
    let client = Client::builder(PROJECT_ID, SECRET)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::disabled())
        .jwt_leeway(Duration::ZERO)
        .build()
        .unwrap();
    let slow = mount_slow_jwks(&server, Duration::from_millis(2500)).await;
    let ends = humantime::format_rfc3339_seconds(SystemTime::now() + Duration::from_secs(1)).to_string();
    let claims = jwt::with(jwt::member_claims(), "/https:~1~1stytch.com~1session/expires_at", json!(ends));
    let token = SigningKey::generation(0).sign(&claims); // exp: now + 300
    let outcome = client.verify_member_jwt(&token).await;
    let Err(Error::SessionJwt(refused)) = &outcome else { panic!("an ended session verified: {outcome:?}") };
    assert_eq!(refused.kind, JwtErrorKind::SessionExpired);
    slow.assert_calls_async(1).await;
}

// 4. src/ext/resource_server/bearer.rs:24: `split_once(' ')` allows exactly one SP; RFC 6750 §2.1 is
//    `"Bearer" 1*SP b64token`. A valid token after two spaces gets 400 invalid_request.
#[tokio::test]
async fn bearer_accepts_more_than_one_space_before_the_token() {
    let (server, client) = start().await;
    mount_jwks(&server, true).await;
    let url = serve(AccessTokenLayer::new(client.b2b_access_tokens())).await;
    let token = SigningKey::generation(0).sign(&jwt::access_claims());
    assert_eq!(get_me(&url, &format!("Bearer {token}")).await.status().as_u16(), 200);
    assert_eq!(get_me(&url, &format!("Bearer  {token}")).await.status().as_u16(), 200);
}

// 5. `new` accepted a path segment starting with `:` or `*` (the URL parser leaves both unescaped); `router()` then
//    panicked in axum 0.8's path validation. `new` refuses them now.
#[test]
fn a_resource_whose_metadata_route_axum_would_refuse_is_refused_by_new() {
    for url in ["https://api.example.com/:tenant/mcp", "https://api.example.com/*mcp"] {
        assert!(ProtectedResource::new(url, ["https://auth.example.com"]).is_err(), "{url}");
    }
    let resource = ProtectedResource::new("https://api.example.com/v1/mcp", ["https://auth.example.com"]).unwrap();
    let _: Router = resource.router();
}

// 6. metadata.rs:190: only the user name is looked at; a password-only userinfo passes as "no credentials".
#[test]
fn a_resource_with_a_password_in_its_url_is_refused() {
    assert!(ProtectedResource::new("https://:hunter2@api.example.com/mcp", ["https://auth.example.com"]).is_err());
}
