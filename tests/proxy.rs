//! A plain-`http` base URL (loopback) never goes through a system proxy: `HTTP_PROXY` would otherwise receive the
//! project secret in clear. Nor does introspection on a plain-`http` custom domain with an `https` base URL (a
//! Connected App's secret and a bearer token would). Its own test binary, because it sets process-wide environment variables before any
//! client reads them.

#[allow(dead_code)]
#[path = "suite/common.rs"]
mod common;
#[allow(dead_code)]
#[path = "suite/fault_server.rs"]
mod fault_server;

use common::*;
use fault_server::{FaultServer, Step};
use stytch_connected_apps::emulator::SigningKey;
use stytch_connected_apps::{Client, IntrospectionClient, RetryPolicy, TokenVerification};

#[tokio::test]
async fn a_loopback_http_client_ignores_the_system_proxy() {
    let proxy = FaultServer::start(vec![Step::json(200, fixtures::B1_200)]).await;
    let stytch = FaultServer::start(vec![Step::json(200, fixtures::B1_200)]).await;
    for name in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        // SAFETY: the only test of this binary, run before any client (or thread that reads the environment).
        unsafe { std::env::set_var(name, &proxy.url) };
    }
    for name in ["NO_PROXY", "no_proxy"] {
        // SAFETY: as above.
        unsafe { std::env::remove_var(name) };
    }

    let client = Client::builder(PROJECT_ID, SECRET)
        .base_url(&stytch.url)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    client.b2b().organization_connected_apps(ORG).await.unwrap();

    assert_eq!(proxy.hits(), 0, "the credentials went to the proxy in clear");
    assert_eq!(stytch.hits(), 1);
    assert_eq!(stytch.requests()[0].header("authorization"), Some(BASIC_AUTH.as_bytes()));

    // The base URL is https (never reached here); the custom domain is plain http on loopback.
    let claims = jwt::access_claims();
    let token = SigningKey::generation(0).sign(&claims);
    let mut answer = claims.clone();
    answer["active"] = serde_json::json!(true);
    answer["token_type"] = serde_json::json!("access_token");
    let domain = FaultServer::start(vec![Step::json(200, &answer.to_string())]).await;
    let client = Client::builder(PROJECT_ID, SECRET)
        .custom_domain(&domain.url)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let tokens = client
        .b2b_access_tokens()
        .verification(TokenVerification::Network)
        .introspection_client(IntrospectionClient::confidential(jwt::CLIENT_ID, "secret-test-app-proxy"));
    tokens.verify(&token).await.unwrap();
    assert_eq!(proxy.hits(), 0, "the app's secret and the token went to the proxy in clear");
    assert_eq!(domain.hits(), 1);
    assert_eq!(domain.requests()[0].header("authorization"), None);
}
