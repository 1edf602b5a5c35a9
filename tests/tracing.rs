//! One span per call, with operation, method, path template, status, request id, attempts and duration; and no
//! secret, session token, JWT or concrete id anywhere in the output.
//!
//! Its own test binary, with one global subscriber: tracing caches each callsite's interest process-wide, and a
//! test thread without a subscriber running beside one with a thread-local subscriber can make a callsite look
//! uninteresting, so events would go missing at random. The tests here take turns on one lock.

#[path = "suite/captured.rs"]
mod captured;
#[allow(dead_code)]
#[path = "suite/common.rs"]
mod common;
#[allow(dead_code)]
#[path = "suite/fault_server.rs"]
mod fault_server;

use std::sync::OnceLock;

use captured::Captured;

use tracing_subscriber::fmt::format::FmtSpan;

use common::*;
use fault_server::{FaultServer, Step};
use stytch_connected_apps::{Client, MemberSession, RetryPolicy};

/// One test at a time: they share the global subscriber's buffer.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl Captured {
    /// The buffer of the global subscriber (installed on first use) that records every span and event at TRACE
    /// level, emptied.
    fn install() -> Self {
        static GLOBAL: OnceLock<Captured> = OnceLock::new();
        let captured = GLOBAL.get_or_init(|| {
            let captured = Captured::default();
            let writer = captured.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_span_events(FmtSpan::CLOSE)
                .with_writer(move || writer.clone())
                .finish();
            tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");
            captured
        });
        captured.0.lock().unwrap().clear();
        captured.clone()
    }
}

#[tokio::test]
async fn every_call_is_one_span_with_its_outcome_and_nothing_secret() {
    let _turn = TURN.lock().await;
    let captured = Captured::install();

    let server = FaultServer::start(vec![
        Step::json(503, fixtures::E500),
        Step::json(200, fixtures::REVOKE_200),
        Step::json(403, fixtures::E403_TENANCY),
        Step::json(200, fixtures::C1_200),
    ])
    .await;
    let client = Client::builder(PROJECT_ID, SECRET)
        .base_url(&server.url)
        .retry_policy(RetryPolicy::default().initial_backoff(std::time::Duration::from_millis(1)))
        .build()
        .unwrap()
        .with_member_session(MemberSession::jwt(SESSION_JWT).unwrap());

    Op::B4.call(&client).await.unwrap();
    Op::B1.call(&client).await.unwrap_err();
    Op::C1.call(&client.with_member_session(MemberSession::token(SESSION_TOKEN).unwrap())).await.unwrap();

    let output = captured.text();
    let closes: Vec<&str> = output.lines().filter(|l| l.contains("stytch.call") && l.contains("close")).collect();
    assert_eq!(closes.len(), 3, "one span per call:\n{output}");
    let revoke = closes[0];
    for field in [
        "operation=\"api_organization_v1_organizations_members_connected_apps_revoke\"",
        "method=POST",
        "path=\"/v1/b2b/organizations/{organization_id}/members/{member_id}/connected_apps/{connected_app_id}/revoke\"",
        "status=200",
        &format!("request_id=\"{REQUEST_ID}\""),
        "attempts=2",
        "duration_ms=",
    ] {
        assert!(revoke.contains(field), "missing {field} in {revoke}");
    }
    assert!(closes[1].contains("status=403") && closes[1].contains("attempts=1"), "{}", closes[1]);
    assert!(closes[2].contains("operation=\"api_user_v1_connected_apps\"") && closes[2].contains("method=GET"));
    assert!(output.contains("retrying"), "the retry is an event in the span:\n{output}");
    assert!(output.contains("session_authorization_tenancy_error"), "failures are logged:\n{output}");

    for secret in [SECRET, BASIC_CREDENTIAL, SESSION_JWT, SESSION_TOKEN, "TOPSECRET"] {
        assert!(!output.contains(secret), "the trace leaks a credential:\n{output}");
    }
    for id in [ORG, MEMBER, USER, APP] {
        assert!(
            !output.contains(id),
            "the trace names an id (ids may be emails); it should log the path template:\n{output}"
        );
    }
}

#[tokio::test]
async fn session_inferred_calls_never_trace_the_session() {
    use stytch_connected_apps::UserSession;
    use stytch_connected_apps::emulator::{
        Emulator, Fixture, SEED_ADMIN, SEED_ADMIN_SESSION, SEED_SECRET, SEED_USER, SEED_USER_SESSION,
    };

    let _turn = TURN.lock().await;
    let captured = Captured::install();
    let fixture = Fixture::seed();
    let admin_jwt = fixture.session_of(SEED_ADMIN).unwrap().session_jwt.clone().unwrap().into_exposed();
    let user_jwt = fixture.user_session_of(SEED_USER).unwrap().session_jwt.clone().unwrap().into_exposed();
    let emulator = Emulator::start(fixture).await.unwrap();
    let client = emulator.client().unwrap();

    client.as_member(MemberSession::token(SEED_ADMIN_SESSION).unwrap()).own_connected_apps().await.unwrap();
    client.as_member(MemberSession::jwt(&admin_jwt).unwrap()).organization_connected_apps().await.unwrap();
    client.as_user(UserSession::token(SEED_USER_SESSION).unwrap()).connected_apps().await.unwrap();
    client.as_user(UserSession::jwt(&user_jwt).unwrap()).connected_apps().await.unwrap();

    let output = captured.text();
    let spans = output.lines().filter(|l| l.contains("stytch.call") && l.contains("close")).count();
    // Tokens: authenticate + call. JWTs (verified locally): the key fetch (once per client and JWKS) + call.
    assert_eq!(spans, 2 + 2 + 2 + 2, "one span per request:\n{output}");
    assert!(output.contains("operation=\"api_b2b_session_v1_authenticate\""), "{output}");
    assert!(output.contains("operation=\"api_b2b_session_v1_get_jwks\""), "{output}");
    assert!(output.contains("operation=\"api_session_v1_get_jwks\""), "{output}");
    for secret in [SEED_SECRET, SEED_ADMIN_SESSION, SEED_USER_SESSION, admin_jwt.as_str(), user_jwt.as_str()] {
        assert!(!output.contains(secret), "the trace leaks a session or secret:\n{output}");
    }
}

#[tokio::test]
async fn server_text_cannot_forge_log_lines_or_terminal_escapes() {
    let _turn = TURN.lock().await;
    let captured = Captured::install();

    let hostile = "denied\nFORGED level=ERROR msg=\"all good\"\r\u{1b}[2K\u{1b}[31mFORGED-ANSI\u{2028}FORGED-LS";
    let envelope = serde_json::json!({
        "status_code": 403, "request_id": format!("req\nFORGED-REQUEST-ID"), "error_type": "x\nFORGED-TYPE",
        "error_message": hostile, "error_url": "https://stytch.com/docs/api/errors/403"
    });
    let success_with_hostile_id = serde_json::json!({
        "status_code": 200, "request_id": "req\nFORGED-SUCCESS-ID", "connected_apps": []
    });
    let server = FaultServer::start(vec![
        Step::json(403, &envelope.to_string()),
        // A 200 whose decoding error quotes a server string.
        Step::json(200, r#"{"status_code": "x\nFORGED-REASON", "request_id": "r", "connected_apps": []}"#),
        Step::json(502, "<html>\r\nFORGED-HTML\u{1b}[0m</html>"),
        Step::json(200, &success_with_hostile_id.to_string()),
    ])
    .await;
    let client = Client::builder(PROJECT_ID, SECRET)
        .base_url(&server.url)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();

    let errors = [
        Op::B1.call(&client).await.unwrap_err(),
        Op::C1.call(&client).await.unwrap_err(),
        Op::B2.call(&client).await.unwrap_err(),
    ];
    Op::B1.call(&client).await.unwrap();

    for err in &errors {
        let shown = err.to_string();
        assert!(!shown.chars().any(char::is_control), "Display keeps a control character: {shown:?}");
        assert!(shown.contains("FORGED"), "the text is escaped, not dropped: {shown}");
    }
    let output = captured.text();
    assert!(!output.contains('\u{1b}') && !output.contains('\r') && !output.contains('\u{2028}'), "{output:?}");
    for line in output.lines() {
        // Every line is one of the subscriber's own: a timestamp, then a level.
        let level = line.split_whitespace().nth(1).unwrap_or_default();
        assert!(
            line.starts_with("20") && ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"].contains(&level),
            "a server string started its own line: {line:?}\n{output}"
        );
    }
    for forged in
        ["FORGED level", "FORGED-REQUEST-ID", "FORGED-TYPE", "FORGED-REASON", "FORGED-HTML", "FORGED-SUCCESS-ID"]
    {
        assert!(output.contains(forged), "{forged} is logged, escaped:\n{output}");
    }
}

#[tokio::test]
async fn credentials_a_server_echoes_never_reach_a_trace() {
    use stytch_connected_apps::UserSession;

    let _turn = TURN.lock().await;
    let captured = Captured::install();
    let minted_jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLXRlc3QtMSJ9.bWludGVkLWJ5LXRoZS1zZXJ2ZXI";
    let echo = serde_json::json!({
        "status_code": 401, "request_id": SESSION_TOKEN, "error_type": "unauthorized_credentials",
        "error_message": format!("bad {BASIC_CREDENTIAL} / {SECRET}"),
        "error_details": {"refresh_token": "rt-echoed-123456"}
    });
    let server = FaultServer::start(vec![
        // A consumer sessions/authenticate answer that does not decode, carrying the token and a fresh JWT.
        Step::json(200, &format!(r#"{{"session_token": "{SESSION_TOKEN}", "session_jwt": "{minted_jwt}""#)),
        Step::json(401, &echo.to_string()),
        Step::json(200, &format!(r#"{{"status_code": 200, "request_id": "{SESSION_TOKEN}", "connected_apps": []}}"#)),
    ])
    .await;
    let client = Client::builder(PROJECT_ID, SECRET)
        .base_url(&server.url)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
        .with_member_session(MemberSession::token(SESSION_TOKEN).unwrap());

    client.as_user(UserSession::token(SESSION_TOKEN).unwrap()).connected_apps().await.unwrap_err();
    Op::B1.call(&client).await.unwrap_err();
    Op::B1.call(&client).await.unwrap();

    let output = captured.text();
    assert_eq!(output.lines().filter(|l| l.contains("stytch.call") && l.contains("close")).count(), 3, "{output}");
    for secret in [SESSION_TOKEN, minted_jwt, BASIC_CREDENTIAL, SECRET, "rt-echoed-123456"] {
        assert!(!output.contains(secret), "the trace leaks {secret}:\n{output}");
    }
}

#[tokio::test]
async fn an_authenticate_answers_own_credentials_never_reach_a_trace() {
    use stytch_connected_apps::UserSession;

    let _turn = TURN.lock().await;
    let captured = Captured::install();
    let rotated = "rotated-session-token-XYZ123456";
    let authenticated = serde_json::json!({
        "status_code": 200, "request_id": rotated,
        "session": {"session_id": "s", "user_id": USER, "authentication_factors": [], "roles": []},
        "session_token": rotated, "session_jwt": "", "user": {"user_id": USER}
    });
    let server =
        FaultServer::start(vec![Step::json(200, &authenticated.to_string()), Step::json(200, fixtures::C1_200)]).await;
    let client = Client::builder(PROJECT_ID, SECRET).base_url(&server.url).build().unwrap();

    client.as_user(UserSession::token(SESSION_TOKEN).unwrap()).connected_apps().await.unwrap();

    let output = captured.text();
    assert!(output.contains("operation=\"api_session_v1_authenticate\""), "{output}");
    assert!(!output.contains(rotated), "the trace leaks the answer's own token:\n{output}");
}

/// The secrets Stytch returns once (a created app's `client_secret`, a rotation's `next_client_secret`) and the
/// authorization code `authorize` issues are in the answers, never in a trace: on the emulator, at TRACE level,
/// with the answers logged by `{:?}` as a user would.
#[tokio::test]
async fn returned_client_secrets_and_codes_never_reach_a_trace() {
    use stytch_connected_apps::emulator::{Emulator, Fixture, SEED_ADMIN, SEED_ORGANIZATION};
    use stytch_connected_apps::models::{CreateClientRequest, MemberAuthorizeRequest};

    let _turn = TURN.lock().await;
    let captured = Captured::install();
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let client = emulator.client().unwrap();
    let apps = client.connected_apps();
    let created = apps
        .create(
            CreateClientRequest::builder()
                .client_type("third_party".to_owned())
                .client_name("Traced".to_owned())
                .redirect_urls(vec!["https://traced.example.com/cb".to_owned()]),
        )
        .await
        .unwrap();
    tracing::info!(?created, "created");
    let app = created.connected_app.client_id.clone();
    let secret = created.connected_app.client_secret.clone().unwrap().into_exposed();
    let started = apps.start_secret_rotation(&app).await.unwrap();
    tracing::info!(?started, "started");
    let next = started.connected_app.next_client_secret.expose().to_owned();
    let granted = client
        .b2b()
        .authorize(
            SEED_ORGANIZATION,
            SEED_ADMIN,
            MemberAuthorizeRequest::builder()
                .client_id(app.clone())
                .redirect_uri("https://traced.example.com/cb".to_owned())
                .response_type("code".to_owned())
                .scopes(vec!["openid".to_owned()])
                .consent_granted(true),
        )
        .await
        .unwrap();
    tracing::info!(?granted, "granted");
    let code = granted.authorization_code.clone().unwrap().into_exposed();

    let output = captured.text();
    assert!(output.contains("operation=\"api_connectedapps_v1_connected_apps_clients_create\""), "{output}");
    assert!(output.contains("created") && output.contains("ClientSecret(<redacted>)"), "{output}");
    for (what, value) in [("client_secret", &secret), ("next_client_secret", &next), ("authorization code", &code)] {
        assert!(!value.is_empty() && !output.contains(value.as_str()), "the trace leaks the {what}:\n{output}");
    }
}
