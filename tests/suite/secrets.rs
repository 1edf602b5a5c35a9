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

/// A returned client secret, rendering by rendering: `Debug` (its own, and of the models holding it, pretty too) shows
/// `<redacted>`; there is no `Display`; serde writes it only inside `ExposeSecrets`, and the refusal names neither the
/// secret nor part of it; `expose` is the one way to the text; the secret reads from JSON as a string.
#[test]
fn a_returned_client_secret_renders_nowhere_unless_asked() {
    use stytch_connected_apps::models::{CreateClientResponse, RotateSecretStartResponse};
    use stytch_connected_apps::{ClientSecret, ExposeSecrets};

    const CREATED: &str = "secret-test-5fDw2oWpn6HcdNuTB8wEhPmDWcmTpgv7Qx";
    const NEXT: &str = "secret-test-NextQ9rAa2bCc3dDd4eEe5fFf6gGg7hHh8iJ";
    let created: CreateClientResponse =
        serde_json::from_str(include_str!("../fixtures/client_create_200.json")).unwrap();
    let started: RotateSecretStartResponse =
        serde_json::from_str(include_str!("../fixtures/client_rotate_start_200.json")).unwrap();
    let secret = created.connected_app.client_secret.clone().unwrap();
    assert_eq!(secret.expose(), CREATED);
    assert_eq!(started.connected_app.next_client_secret.expose(), NEXT);

    // Debug, of the secret and of every model that holds one.
    let shown = format!("{secret:?} {secret:#?} {created:?} {created:#?} {started:?} {started:#?}");
    for value in [CREATED, NEXT, &CREATED[..CREATED.len() - 4], &NEXT[..NEXT.len() - 4]] {
        assert!(!shown.contains(value), "Debug prints a client secret: {shown}");
    }
    assert!(shown.contains("ClientSecret(<redacted>)"), "{shown}");

    // No Display: a probe that picks the inherent method only when the type is Display.
    struct Probe<T>(T);
    trait NotDisplay {
        fn is_display(&self) -> bool {
            false
        }
    }
    impl<T> NotDisplay for Probe<T> {}
    #[allow(dead_code)]
    impl<T: std::fmt::Display> Probe<T> {
        fn is_display(&self) -> bool {
            true
        }
    }
    assert!(!Probe(secret.clone()).is_display());
    assert!(Probe("a str is Display").is_display(), "the probe itself works");

    // serde: refused by habit, written when asked, and the refusal carries nothing of the secret.
    for refused in [
        serde_json::to_string(&secret).unwrap_err(),
        serde_json::to_string(&created).unwrap_err(),
        serde_json::to_string(&started).unwrap_err(),
        serde_json::to_string(&vec![Some(secret.clone())]).unwrap_err(),
    ] {
        let text = format!("{refused} {refused:?}");
        assert!(text.contains("ExposeSecrets"), "{text}");
        assert!(!text.contains(&CREATED[..8]) || !text.contains(&CREATED[8..]), "{text}");
        assert!(!text.contains(&NEXT[12..]), "{text}");
    }
    let exposed: serde_json::Value = serde_json::to_value(ExposeSecrets(&created)).unwrap();
    assert_eq!(exposed["connected_app"]["client_secret"], CREATED);
    let exposed: serde_json::Value = serde_json::to_value(ExposeSecrets(&started)).unwrap();
    assert_eq!(exposed["connected_app"]["next_client_secret"], NEXT);
    // Asking once does not leave the door open.
    assert!(serde_json::to_string(&created).is_err());
    assert_eq!(format!("{:?}", ExposeSecrets(&created)), "ExposeSecrets(..)");
    assert_eq!(ClientSecret::from(CREATED).into_exposed(), CREATED);
}
