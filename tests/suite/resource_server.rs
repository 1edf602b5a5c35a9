//! The resource-server layer over HTTP: an axum API behind `AccessTokenLayer` on 127.0.0.1 (httpmock as Stytch),
//! every answer's status, `WWW-Authenticate`, `Retry-After` and body exactly (RFC 6750), the same answer for every
//! kind of invalid token, RFC 9728 metadata, and the extractor outside the layer.

use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};

use crate::common::*;
use stytch_connected_apps::emulator::SigningKey;
use stytch_connected_apps::{
    AccessTokenLayer, AuthorizationCheck, Client, IntrospectionClient, ProtectedResource, TokenRequirements,
    TokenVerification, VerifiedToken,
};

struct Api {
    url: String,
    metadata_url: String,
    http: reqwest::Client,
}

impl Api {
    async fn get(&self, path: &str, authorization: &[&str]) -> (u16, Option<String>, Option<String>, Value) {
        let mut request = self.http.get(format!("{}{path}", self.url));
        for value in authorization {
            request = request.header("authorization", *value);
        }
        let response = request.send().await.unwrap();
        let header = |name| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
        let (www, retry) = (header("www-authenticate"), header("retry-after"));
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, www, retry, body)
    }
}

async fn me(VerifiedToken(claims): VerifiedToken) -> axum::Json<Value> {
    axum::Json(json!({"subject": claims.subject, "client_id": claims.client_id, "scopes": claims.scopes.to_string()}))
}

/// The API: `/me` needs a valid token, `/users` `write:users`, `/sensitive` a token introspection finds active,
/// `/unprotected` uses the extractor without the layer (a misconfiguration).
async fn serve(client: &Client) -> Api {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let resource = ProtectedResource::new(format!("{url}/"), ["https://auth.example.com"])
        .unwrap()
        .scopes_supported(["read:users", "write:users"]);
    let tokens = client
        .b2b_access_tokens()
        .introspection_client(IntrospectionClient::confidential(jwt::CLIENT_ID, "secret-test-app-1"));
    let layer = AccessTokenLayer::new(tokens).protected_resource(&resource);
    let app = Router::new()
        .route("/me", get(me).route_layer(layer.clone()))
        .route("/users", get(me).route_layer(layer.clone().require(TokenRequirements::new().scope("write:users"))))
        .route(
            "/sensitive",
            get(me).route_layer(
                layer.clone().require(TokenRequirements::new().verification(TokenVerification::LocalThenNetwork)),
            ),
        )
        .route(
            "/other-organization",
            get(me).route_layer(layer.clone().require(
                TokenRequirements::new().authorization(AuthorizationCheck::new(
                    "organization-test-other",
                    "users",
                    "read",
                )),
            )),
        )
        .route("/unprotected", get(me))
        .merge(resource.router());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Api { url, metadata_url: resource.metadata_url().to_owned(), http: reqwest::Client::new() }
}

fn challenge(api: &Api, attributes: &str) -> Option<String> {
    let metadata = format!("resource_metadata=\"{}\"", api.metadata_url);
    Some(if attributes.is_empty() { format!("Bearer {metadata}") } else { format!("Bearer {attributes}, {metadata}") })
}

#[tokio::test]
async fn a_valid_token_reaches_the_handler_with_its_claims() {
    let (server, client) = start().await;
    mount_jwks(&server, true).await;
    let api = serve(&client).await;
    let token = SigningKey::generation(0).sign(&jwt::access_claims());
    let (status, www, _, body) = api.get("/me", &[&format!("Bearer {token}")]).await;
    assert_eq!((status, www), (200, None));
    assert_eq!(body, json!({"subject": MEMBER, "client_id": jwt::CLIENT_ID, "scopes": "openid read:users"}));
    // The scheme is case-insensitive.
    assert_eq!(api.get("/me", &[&format!("bearer {token}")]).await.0, 200);
}

#[tokio::test]
async fn no_token_malformed_headers_and_other_schemes_get_rfc_6750_answers() {
    let (server, client) = start().await;
    let anything = catch_all(&server).await;
    let api = serve(&client).await;
    let missing = json!({"error_description": "This resource needs an access token (Authorization: Bearer)."});
    for authorization in [&[][..], &["Basic dXNlcjpwYXNz"], &["Token abc"]] {
        let (status, www, retry, body) = api.get("/me", authorization).await;
        assert_eq!((status, www, retry, body), (401, challenge(&api, ""), None, missing.clone()), "{authorization:?}");
    }
    let invalid_request =
        json!({"error": "invalid_request", "error_description": "The Authorization header is malformed."});
    let expected =
        challenge(&api, "error=\"invalid_request\", error_description=\"The Authorization header is malformed.\"");
    for authorization in [&["Bearer"][..], &["Bearer a b"], &["Bearer a\"b"], &["Bearer x", "Bearer y"]] {
        let (status, www, _, body) = api.get("/me", authorization).await;
        assert_eq!((status, &www, body), (400, &expected, invalid_request.clone()), "{authorization:?}");
    }
    anything.assert_calls_async(0).await;
}

#[tokio::test]
async fn every_invalid_token_gets_the_same_401_and_costs_no_request() {
    let (server, client) = start().await;
    let jwks = mount_jwks(&server, true).await;
    let api = serve(&client).await;
    let valid = SigningKey::generation(0).sign(&jwt::access_claims());
    assert_eq!(api.get("/me", &[&format!("Bearer {valid}")]).await.0, 200);
    let anything = catch_all(&server).await;
    let mut expired = jwt::access_claims();
    expired["exp"] = json!(jwt::now() - 60);
    let mut other_issuer = jwt::access_claims();
    other_issuer["iss"] = json!("https://auth.example.com.evil");
    let invalid = [
        SigningKey::generation(0).sign(&expired),
        SigningKey::generation(0).sign(&other_issuer),
        SigningKey::generation(0).sign(&jwt::member_claims()),
        format!("{}x", &valid[..valid.len() - 1]),
        "not.a.jwt".to_owned(),
    ];
    let expected_www = challenge(
        &api,
        "error=\"invalid_token\", error_description=\"The access token is invalid, expired or revoked.\"",
    );
    let expected_body =
        json!({"error": "invalid_token", "error_description": "The access token is invalid, expired or revoked."});
    for token in &invalid {
        let (status, www, retry, body) = api.get("/me", &[&format!("Bearer {token}")]).await;
        assert_eq!((status, &www, retry, &body), (401, &expected_www, None, &expected_body), "{token}");
    }
    anything.assert_calls_async(0).await;
    jwks.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_missing_scope_is_a_403_naming_it() {
    let (server, client) = start().await;
    mount_jwks(&server, true).await;
    let api = serve(&client).await;
    let token = SigningKey::generation(0).sign(&jwt::access_claims());
    let (status, www, _, body) = api.get("/users", &[&format!("Bearer {token}")]).await;
    assert_eq!(status, 403);
    let attributes = "error=\"insufficient_scope\", error_description=\"The access token does not allow this request.\", scope=\"write:users\"";
    assert_eq!(www, challenge(&api, attributes));
    assert_eq!(
        body,
        json!({"error": "insufficient_scope", "error_description": "The access token does not allow this request."})
    );
    let mut granted = jwt::access_claims();
    granted["scope"] = json!("write:users");
    let token = SigningKey::generation(0).sign(&granted);
    assert_eq!(api.get("/users", &[&format!("Bearer {token}")]).await.0, 200);
}

#[tokio::test]
async fn no_keys_is_a_503_not_the_callers_fault() {
    let (server, client) = start().await;
    let failing = server
        .mock_async(|when, then| {
            when.path(jwt::member_jwks_path());
            then.status(500).body("{}");
        })
        .await;
    let api = serve(&client).await;
    let token = SigningKey::generation(0).sign(&jwt::access_claims());
    let (status, www, retry, body) = api.get("/me", &[&format!("Bearer {token}")]).await;
    assert_eq!((status, www, retry.as_deref()), (503, None, Some("5")));
    assert_eq!(
        body,
        json!({"error": "temporarily_unavailable", "error_description": "The access token cannot be verified right now."})
    );
    failing.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_sensitive_route_sees_a_revoked_consent() {
    let (server, client) = start().await;
    mount_jwks(&server, true).await;
    let inactive = server
        .mock_async(|when, then| {
            when.method("POST").path(format!("/v1/public/{PROJECT_ID}/oauth2/introspect"));
            then.status(200).json_body(json!({"active": false, "request_id": REQUEST_ID, "status_code": 200}));
        })
        .await;
    let api = serve(&client).await;
    let token = SigningKey::generation(0).sign(&jwt::access_claims());
    assert_eq!(api.get("/me", &[&format!("Bearer {token}")]).await.0, 200);
    let (status, www, _, _) = api.get("/sensitive", &[&format!("Bearer {token}")]).await;
    assert_eq!(status, 401);
    assert!(www.unwrap().starts_with("Bearer error=\"invalid_token\""));
    inactive.assert_calls_async(1).await;
}

#[tokio::test]
async fn the_metadata_is_served_and_the_extractor_refuses_to_work_without_the_layer() {
    let (server, client) = start().await;
    mount_jwks(&server, true).await;
    let api = serve(&client).await;
    let (status, _, _, body) = api.get("/.well-known/oauth-protected-resource", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({
            "resource": api.url, "authorization_servers": ["https://auth.example.com"],
            "scopes_supported": ["read:users", "write:users"], "bearer_methods_supported": ["header"]
        })
    );
    assert_eq!(api.metadata_url, format!("{}/.well-known/oauth-protected-resource", api.url));
    let token = SigningKey::generation(0).sign(&jwt::access_claims());
    let (status, www, _, body) = api.get("/unprotected", &[&format!("Bearer {token}")]).await;
    assert_eq!((status, www), (500, None));
    assert_eq!(body, json!({"error": "server_error", "error_description": "Internal error."}));
}

#[test]
fn a_resource_is_an_https_url_and_its_metadata_sits_under_the_well_known_path() {
    let resource = ProtectedResource::new("https://api.example.com/v1/mcp/", ["https://auth.example.com"]).unwrap();
    assert_eq!(resource.resource(), "https://api.example.com/v1/mcp");
    assert_eq!(resource.metadata_url(), "https://api.example.com/.well-known/oauth-protected-resource/v1/mcp");
    for refused in ["http://api.example.com", "https://api.example.com/?q=1", "https://user@api.example.com", "api"] {
        assert!(ProtectedResource::new(refused, ["https://auth.example.com"]).is_err(), "{refused}");
    }
}

#[tokio::test]
async fn another_organizations_data_is_a_403_without_a_scope_to_name() {
    let (server, client) = start().await;
    mount_jwks(&server, true).await;
    let anything = catch_all(&server).await;
    let api = serve(&client).await;
    let token = SigningKey::generation(0).sign(&jwt::access_claims());
    let (status, www, _, body) = api.get("/other-organization", &[&format!("Bearer {token}")]).await;
    assert_eq!(status, 403);
    let attributes =
        "error=\"insufficient_scope\", error_description=\"The access token does not allow this request.\"";
    assert_eq!(www, challenge(&api, attributes));
    assert_eq!(body["error"], "insufficient_scope");
    // Tenancy is refused before the policy is needed.
    anything.assert_calls_async(0).await;
}
