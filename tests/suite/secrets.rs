//! The project secret, the Basic credential, session tokens and JWTs never appear in `Debug` or `Display` of the
//! client, its parts, or any error.

use std::time::Duration;

use crate::common::*;
use stytch_connected_apps::{Client, Error, MemberSession};

const NEVER_SHOWN: [&str; 4] = [SECRET, BASIC_CREDENTIAL, SESSION_TOKEN, SESSION_JWT];

fn assert_hidden(what: &str, shown: &str) {
    for secret in NEVER_SHOWN {
        assert!(!shown.contains(secret), "{what} leaks a credential: {shown}");
    }
    // A fragment is a leak too (e.g. a truncated credential).
    assert!(!shown.contains("TOPSECRET"), "{what} leaks part of the secret: {shown}");
}

fn assert_error_hidden(err: &Error) {
    let mut shown = format!("{err} | {err:?} | {err:#}");
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        shown.push_str(&format!(" | {inner} | {inner:?}"));
        source = inner.source();
    }
    assert_hidden("error", &shown);
}

#[tokio::test]
async fn clients_and_sessions_never_print_credentials() {
    let (_server, client) = start().await;
    let token = MemberSession::token(SESSION_TOKEN).unwrap();
    let jwt = MemberSession::jwt(SESSION_JWT).unwrap();
    for client in [client.clone(), client.with_member_session(token.clone()), client.with_member_session(jwt.clone())] {
        assert_hidden("Client", &format!("{client:?} {client:#?}"));
        // The generated client derives Debug over reqwest's, which prints default headers: the auth header must
        // be marked sensitive.
        let generated = client.generated();
        let shown = format!("{generated:?}");
        assert!(shown.contains("Sensitive"), "the auth header is not marked sensitive: {shown}");
        assert_hidden("generated client", &shown);
    }
    assert_hidden("sessions", &format!("{token:?} {jwt:?}"));
    assert_hidden("builder", &format!("{:?}", Client::builder(PROJECT_ID, SECRET)));
}

#[tokio::test]
async fn the_request_hook_marks_session_headers_sensitive_and_drops_api_version() {
    use progenitor_client::{ClientHooks, OperationInfo};
    use reqwest::header::{HeaderName, HeaderValue};

    let (_server, client) = start().await;
    let mut request = reqwest::Request::new(reqwest::Method::GET, "http://127.0.0.1/".parse().unwrap());
    for (name, value) in [
        ("X-Stytch-Member-Session", SESSION_TOKEN),
        ("X-Stytch-Member-SessionJWT", SESSION_JWT),
        ("api-version", "2026-01-01"),
        ("x-stytch-other", "shown"),
    ] {
        let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
        request.headers_mut().insert(name, HeaderValue::from_str(value).unwrap());
    }
    client.generated().pre::<()>(&mut request, &OperationInfo { operation_id: "test" }).await.unwrap();
    let headers = request.headers();
    assert!(headers["x-stytch-member-session"].is_sensitive());
    assert!(headers["x-stytch-member-sessionjwt"].is_sensitive());
    assert!(!headers["x-stytch-other"].is_sensitive(), "only the session headers");
    assert!(!headers.contains_key("api-version"));
    assert_hidden("request headers", &format!("{headers:?}"));
}

#[tokio::test]
async fn errors_of_every_kind_never_print_credentials() {
    let (server, client) = start().await;
    let client = client.with_member_session(MemberSession::jwt(SESSION_JWT).unwrap());
    let mut errors = Vec::new();

    for (status, body) in [(401, fixtures::E401), (403, fixtures::E403_TENANCY), (502, fixtures::HTML_502)] {
        let mock = server
            .mock_async(|when, then| {
                when.any_request();
                then.status(status).body(body);
            })
            .await;
        for op in Op::ALL {
            errors.push(op.call(&client).await.unwrap_err());
        }
        mock.delete_async().await;
    }
    let malformed = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("{not json");
        })
        .await;
    errors.push(Op::B1.call(&client).await.unwrap_err());
    errors.push(Op::C1.call(&client).await.unwrap_err());
    malformed.delete_async().await;
    let slow = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).delay(Duration::from_secs(2)).body(fixtures::B1_200);
        })
        .await;
    errors.push(client.b2b().timeout(Duration::from_millis(100)).organization_connected_apps(ORG).await.unwrap_err());
    slow.delete_async().await;
    errors.push(MemberSession::token(format!("{SESSION_TOKEN}\r\n")).unwrap_err());
    errors.push(Client::builder("bad:project", SECRET).build().unwrap_err());

    assert!(errors.len() >= 22);
    for err in &errors {
        assert_error_hidden(err);
    }
}
