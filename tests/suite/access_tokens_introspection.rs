//! Network verification of access tokens (RFC 7662 introspection, httpmock as Stytch): the exact request (the
//! Connected App's credentials in the form body, never the project's `Authorization`), `active: false` as a typed
//! refusal, the answer's claims checked like a JWT's, the policies (network, local then network), the custom
//! domain's address, retries of a failing server, and the token and client secret kept out of every error.

use serde_json::{Value, json};

use crate::common::jwt::CLIENT_ID;
use crate::common::*;
use stytch_connected_apps::emulator::SigningKey;
use stytch_connected_apps::{
    AccessTokenError, Client, Error, IntrospectionClient, JwtErrorKind, RetryPolicy, TokenRequirements,
    TokenVerification, VerifiedBy,
};

const APP_SECRET: &str = "secret-test-app-7b9cf1e3a8d04e2f";

fn introspect_path() -> String {
    format!("/v1/public/{PROJECT_ID}/oauth2/introspect")
}

/// The form body the SDK sends for `token` (fields in this order).
fn form(token: &str) -> String {
    format!("token={token}&client_id={CLIENT_ID}&token_type_hint=access_token&client_secret={APP_SECRET}")
}

/// An active answer for the test token's claims, as Stytch sends it.
fn active(claims: &Value) -> Value {
    let mut answer = claims.clone();
    answer["active"] = json!(true);
    answer["token_type"] = json!("access_token");
    answer["request_id"] = json!(REQUEST_ID);
    answer["status_code"] = json!(200);
    answer
}

async fn mount_introspection<'a>(
    server: &'a httpmock::MockServer,
    path: &str,
    token: &str,
    answer: Value,
) -> httpmock::Mock<'a> {
    let (path, body) = (path.to_owned(), form(token));
    server
        .mock_async(move |when, then| {
            when.method("POST")
                .path(path)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "application/json")
                .header("user-agent", USER_AGENT)
                .header_missing("authorization")
                .header_missing("x-stytch-member-session")
                .header_missing("x-stytch-member-sessionjwt")
                .body(body);
            then.status(200).json_body(answer);
        })
        .await
}

fn network(client: &Client) -> stytch_connected_apps::AccessTokens {
    client
        .b2b_access_tokens()
        .verification(TokenVerification::Network)
        .introspection_client(IntrospectionClient::confidential(CLIENT_ID, APP_SECRET))
}

#[tokio::test]
async fn an_active_token_is_introspected_with_the_apps_credentials_only() {
    let (server, client) = start().await;
    let claims = jwt::access_claims();
    let token = SigningKey::generation(0).sign(&claims);
    let introspect = mount_introspection(&server, &introspect_path(), &token, active(&claims)).await;
    let verified = network(&client).verify(&token).await.unwrap();
    assert_eq!((verified.subject.as_str(), verified.client_id.as_str()), (MEMBER, CLIENT_ID));
    assert_eq!(verified.scopes.to_string(), "openid read:users");
    assert_eq!(verified.organization.unwrap().organization_id, ORG);
    assert_eq!(verified.verified_by, VerifiedBy::Introspection);
    assert!(verified.custom_claims.is_empty(), "{:?}", verified.custom_claims);
    introspect.assert_calls_async(1).await;
}

#[tokio::test]
async fn an_inactive_token_is_a_typed_refusal_not_a_transport_error() {
    let (server, client) = start().await;
    let token = SigningKey::generation(0).sign(&jwt::access_claims());
    let answer = json!({"active": false, "request_id": REQUEST_ID, "status_code": 200});
    let introspect = mount_introspection(&server, &introspect_path(), &token, answer).await;
    let err = network(&client).verify(&token).await.unwrap_err();
    assert_eq!(err.as_access_token(), Some(&AccessTokenError::Inactive));
    assert!(err.as_access_token().unwrap().is_invalid_token() && !err.is_retryable());
    introspect.assert_calls_async(1).await;
}

#[tokio::test]
async fn local_then_network_spends_no_request_on_a_forged_token() {
    let (server, client) = start().await;
    let jwks = mount_jwks(&server, true).await;
    let claims = jwt::access_claims();
    let token = SigningKey::generation(0).sign(&claims);
    let introspect = mount_introspection(&server, &introspect_path(), &token, active(&claims)).await;
    let tokens =
        client.b2b_access_tokens().introspection_client(IntrospectionClient::confidential(CLIENT_ID, APP_SECRET));
    let sensitive = TokenRequirements::new().scope("read:users").verification(TokenVerification::LocalThenNetwork);
    let verified = tokens.verify_with(&token, &sensitive).await.unwrap();
    assert_eq!(verified.verified_by, VerifiedBy::LocallyThenIntrospection);
    introspect.assert_calls_async(1).await;
    // The verifier's own policy stays local.
    assert_eq!(tokens.verify(&token).await.unwrap().verified_by, VerifiedBy::Locally);
    introspect.assert_calls_async(1).await;

    // Key 0's header and claims, another key's signature.
    let other = SigningKey::generation(1).sign(&claims);
    let forged = format!("{}.{}", token.rsplit_once('.').unwrap().0, other.rsplit_once('.').unwrap().1);
    let err = tokens.verify_with(&forged, &sensitive).await.unwrap_err();
    assert!(
        matches!(err.as_access_token(), Some(AccessTokenError::Invalid(e)) if e.kind == JwtErrorKind::InvalidSignature),
        "{err}"
    );
    introspect.assert_calls_async(1).await;
    jwks.assert_calls_async(1).await;
}

#[tokio::test]
async fn an_active_answer_gets_the_local_claim_checks() {
    let (server, client) = start().await;
    let cases = [
        ("a refresh token", json!({"token_type": "refresh_token"}), JwtErrorKind::WrongTokenType),
        ("another audience", json!({"aud": ["project-test-other"]}), JwtErrorKind::WrongAudience),
        ("another issuer", json!({"iss": "stytch.com/project-test-other"}), JwtErrorKind::WrongIssuer),
        ("expired", json!({"exp": jwt::now() - 60}), JwtErrorKind::Expired),
        ("no client_id", json!({"client_id": null}), JwtErrorKind::MissingClaim("client_id")),
        ("a client_id that is not a string", json!({"client_id": 7}), JwtErrorKind::Malformed),
        ("no token_type", json!({"token_type": null}), JwtErrorKind::WrongTokenType),
        (
            "an M2M token",
            json!({"sub": "m2m-client-test-1", "https://stytch.com/organization": null}),
            JwtErrorKind::WrongTokenType,
        ),
        ("a session", json!({"https://stytch.com/session": {"id": "x"}}), JwtErrorKind::WrongTokenType),
    ];
    for (name, changes, kind) in cases {
        let claims = jwt::access_claims();
        let token = SigningKey::generation(0).sign(&claims);
        let mut answer = active(&claims);
        // `null`: the answer lacks the key.
        for (key, value) in changes.as_object().unwrap() {
            match value {
                Value::Null => drop(answer.as_object_mut().unwrap().remove(key)),
                value => answer[key] = value.clone(),
            }
        }
        let mock = mount_introspection(&server, &introspect_path(), &token, answer).await;
        let err = network(&client).verify(&token).await.unwrap_err();
        match err.as_access_token() {
            Some(AccessTokenError::Invalid(jwt)) => assert_eq!(jwt.kind, kind, "{name}"),
            other => panic!("{name}: {other:?}"),
        }
        mock.assert_calls_async(1).await;
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn a_custom_domain_receives_the_introspection() {
    let server = httpmock::MockServer::start_async().await;
    let domain = httpmock::MockServer::start_async().await;
    let client = Client::builder(PROJECT_ID, SECRET)
        .base_url(server.base_url())
        .custom_domain(domain.base_url())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let claims = jwt::access_claims();
    let token = SigningKey::generation(0).sign(&claims);
    let on_domain = mount_introspection(&domain, "/v1/oauth2/introspect", &token, active(&claims)).await;
    let anything = catch_all(&server).await;
    network(&client).verify(&token).await.unwrap();
    on_domain.assert_calls_async(1).await;
    anything.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_failing_introspection_is_retried_and_its_error_keeps_no_credential() {
    let server = httpmock::MockServer::start_async().await;
    let client = Client::builder(PROJECT_ID, SECRET)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::default().max_attempts(3).initial_backoff(std::time::Duration::from_millis(1)))
        .build()
        .unwrap();
    let token = SigningKey::generation(0).sign(&jwt::access_claims());
    // The server echoes what it was sent, under keys that are not credential-shaped.
    let echo = json!({
        "status_code": 503, "request_id": REQUEST_ID, "error_type": "internal_server_error",
        "error_message": format!("could not introspect {token} for {APP_SECRET}"),
        "echo": form(&token),
    });
    let failing = server
        .mock_async(|when, then| {
            when.method("POST").path(introspect_path());
            then.status(503).json_body(echo);
        })
        .await;
    let err = network(&client).verify(&token).await.unwrap_err();
    assert_eq!(err.status(), Some(reqwest::StatusCode::SERVICE_UNAVAILABLE));
    assert!(err.is_retryable(), "{err}");
    failing.assert_calls_async(3).await;
    let shown = format!("{err} {err:?} {:?}", std::error::Error::source(&err));
    for secret in [token.as_str(), token.split('.').nth(2).unwrap(), APP_SECRET, SECRET] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[tokio::test]
async fn introspection_needs_an_app_and_a_plausible_token() {
    let (server, client) = start().await;
    let anything = catch_all(&server).await;
    let token = SigningKey::generation(0).sign(&jwt::access_claims());
    let err = client.b2b_access_tokens().verification(TokenVerification::Network).verify(&token).await.unwrap_err();
    assert!(matches!(err, Error::Configuration(_)), "{err}");
    for implausible in [String::new(), "a".repeat(20_000)] {
        let err = network(&client).verify(&implausible).await.unwrap_err();
        assert!(
            matches!(err.as_access_token(), Some(AccessTokenError::Invalid(e)) if e.kind == JwtErrorKind::Malformed)
        );
    }
    anything.assert_calls_async(0).await;
    let app = IntrospectionClient::confidential(CLIENT_ID, APP_SECRET);
    assert!(!format!("{app:?} {:?}", network(&client)).contains(APP_SECRET));
}

#[tokio::test]
async fn the_app_secret_echoed_in_its_form_encoded_shape_is_cut_too() {
    let (server, client) = start().await;
    let token = SigningKey::generation(0).sign(&jwt::access_claims());
    let (secret, on_the_wire) = ("Xk9/q+Zr7w==Lm3pQ", "Xk9%2Fq%2BZr7w%3D%3DLm3pQ");
    let body = json!({
        "status_code": 401, "request_id": REQUEST_ID, "error_type": "invalid_client",
        "error_message": format!("client authentication failed, got {on_the_wire} and {secret}"),
    });
    let mock = server
        .mock_async(move |when, then| {
            when.method("POST").path(introspect_path()).body_includes(format!("client_secret={on_the_wire}"));
            then.status(401).json_body(body);
        })
        .await;
    let tokens = client
        .b2b_access_tokens()
        .verification(TokenVerification::Network)
        .introspection_client(IntrospectionClient::confidential(CLIENT_ID, secret));
    let err = tokens.verify(&token).await.unwrap_err();
    mock.assert_calls_async(1).await;
    let shown = format!("{err} {err:?} {:?}", std::error::Error::source(&err));
    assert!(!shown.contains(on_the_wire) && !shown.contains(secret), "{shown}");
    assert!(shown.contains("client authentication failed"), "{shown}");
}
