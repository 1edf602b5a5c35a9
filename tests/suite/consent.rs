//! The consent grant (httpmock as Stytch): `authorize/start` and `authorize`, B2B and consumer, by ids and by
//! session: the exact request (the call sets who consents and clears the rest), the decoded answer, the
//! authorization code that never prints, and `authorize` not retried after an ambiguous failure.

use serde_json::{Value, json};

use crate::common::*;
use stytch_connected_apps::models::{
    MemberAuthorizeRequest, MemberAuthorizeStartRequest, UserAuthorizeRequest, UserAuthorizeStartRequest,
};
use stytch_connected_apps::{Client, MemberSession, RetryPolicy, UserSession};

const APP: &str = "connected-app-test-d731954d-dab3-4a2b-bdee-07f3ad1be885";
const REDIRECT: &str = "https://partner.example.com/callback";
const CODE: &str = "authorization-code-test-7b1c5d2e";

fn start_answer(subject: Value) -> Value {
    let mut answer = json!({
        "request_id": REQUEST_ID,
        "client": {"client_id": APP, "client_name": "Partner sync", "client_description": "", "client_type": "third_party", "logo_url": null},
        "consent_required": true,
        "scope_results": [
            {"scope": "openid", "description": "Know who you are", "is_grantable": true},
            {"scope": "admin:everything", "description": "", "is_grantable": false}
        ],
        "status_code": 200
    });
    answer.as_object_mut().unwrap().extend(subject.as_object().unwrap().clone());
    answer
}

fn start_request() -> stytch_connected_apps::generated::types::builder::ApiB2bIdpV1B2bIdpOauthAuthorizeStartRequest {
    MemberAuthorizeStartRequest::builder()
        .client_id(APP.to_owned())
        .redirect_uri(REDIRECT.to_owned())
        .response_type("code".to_owned())
        .scopes(vec!["openid".to_owned(), "admin:everything".to_owned()])
}

#[tokio::test]
async fn member_authorize_start_by_ids_sends_the_ids_and_no_session() {
    let (server, client) = start().await;
    let expect = Expect::post_json(
        "/v1/b2b/idp/oauth/authorize/start",
        json!({"client_id": APP, "member_id": MEMBER, "organization_id": ORG, "redirect_uri": REDIRECT,
               "response_type": "code", "scopes": ["openid", "admin:everything"]}),
    );
    let answer = start_answer(json!({"member_id": MEMBER, "member": {}, "organization": {}}));
    let mock = server
        .mock_async(|when, then| {
            expect.matcher(when);
            then.status(200).json_body(answer);
        })
        .await;
    // Whatever session the request held is cleared: the ids name the member.
    let request = start_request().session_token(Some(stytch_connected_apps::Credential::from("stale")));
    let started = client.b2b().authorize_start(ORG, MEMBER, request).await.unwrap();
    mock.assert_calls_async(1).await;
    assert!(started.consent_required);
    assert_eq!(started.client.client_name, "Partner sync");
    let grantable: Vec<(&str, bool)> =
        started.scope_results.iter().map(|r| (r.scope.as_str(), r.is_grantable)).collect();
    assert_eq!(grantable, [("openid", true), ("admin:everything", false)]);
}

#[tokio::test]
async fn member_authorize_by_session_sends_the_session_in_the_body_and_its_code_never_prints() {
    let (server, client) = start().await;
    let expect = Expect::post_json(
        "/v1/b2b/idp/oauth/authorize",
        json!({"client_id": APP, "consent_granted": true, "redirect_uri": REDIRECT, "response_type": "code",
               "scopes": ["openid"], "session_token": SESSION_TOKEN, "state": "xyz"}),
    );
    let redirect = format!("{REDIRECT}?code={CODE}&state=xyz");
    let answer =
        json!({"request_id": REQUEST_ID, "redirect_uri": redirect, "authorization_code": CODE, "status_code": 200});
    let mock = server
        .mock_async(|when, then| {
            expect.matcher(when);
            then.status(200).json_body(answer);
        })
        .await;
    let decision = MemberAuthorizeRequest::builder()
        .client_id(APP.to_owned())
        .redirect_uri(REDIRECT.to_owned())
        .response_type("code".to_owned())
        .scopes(vec!["openid".to_owned()])
        .consent_granted(true)
        .state(Some("xyz".to_owned()))
        .member_id(Some("someone-else".to_owned()));
    let session = MemberSession::token(SESSION_TOKEN).unwrap();
    let decided = client.as_member(session).authorize(decision).await.unwrap();
    mock.assert_calls_async(1).await;
    assert_eq!(decided.redirect_uri.expose(), redirect);
    assert_eq!(decided.authorization_code.as_ref().map(|c| c.expose()), Some(CODE));
    // Neither the code nor the redirect that carries it prints.
    assert_eq!(format!("{:?}", decided.authorization_code), "Some(Credential(<redacted>))");
    let shown = format!("{decided:?} {decided:#?}");
    assert!(!shown.contains(CODE), "{shown}");
}

#[tokio::test]
async fn user_authorize_start_by_session_jwt_and_by_id() {
    let (server, client) = start().await;
    let jwt = jwt::user();
    let base = json!({"client_id": APP, "redirect_uri": REDIRECT, "response_type": "code", "scopes": ["openid"]});
    let mut by_jwt = base.clone();
    by_jwt["session_jwt"] = json!(jwt);
    let mut by_id = base.clone();
    by_id["user_id"] = json!(USER);
    let answer = json!({"request_id": REQUEST_ID, "user_id": USER, "user": {},
        "client": {"client_id": APP, "client_name": "Partner sync", "client_description": "", "client_type": "third_party"},
        "consent_required": false, "scope_results": [], "status_code": 200});
    let mut mocks = Vec::new();
    for body in [by_jwt, by_id] {
        mocks.push(mount(&server, Expect::post_json("/v1/idp/oauth/authorize/start", body), 200, answer.clone()).await);
    }
    let request = || {
        UserAuthorizeStartRequest::builder()
            .client_id(APP.to_owned())
            .redirect_uri(REDIRECT.to_owned())
            .response_type("code".to_owned())
            .scopes(vec!["openid".to_owned()])
    };
    let by_session = client.as_user(UserSession::jwt(&jwt).unwrap()).authorize_start(request()).await.unwrap();
    assert!(!by_session.consent_required);
    client.consumer().authorize_start(USER, request()).await.unwrap();
    for mock in mocks {
        mock.assert_calls_async(1).await;
    }
}

/// `authorize` issues a code: after a 5xx it may have run, so it is not sent again; `authorize_start` is.
#[tokio::test]
async fn authorize_is_not_retried_after_an_ambiguous_failure_and_authorize_start_is() {
    let server = httpmock::MockServer::start_async().await;
    let client = Client::builder(PROJECT_ID, SECRET)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::default().initial_backoff(std::time::Duration::from_millis(1)))
        .build()
        .unwrap();
    let down = json!({"status_code": 503, "request_id": REQUEST_ID, "error_type": "internal_server_error"});
    let mut mocks = Vec::new();
    for path in ["/v1/b2b/idp/oauth/authorize", "/v1/b2b/idp/oauth/authorize/start"] {
        let down = down.clone();
        mocks.push(
            server
                .mock_async(move |when, then| {
                    when.method(httpmock::Method::POST).path(path);
                    then.status(503).json_body(down);
                })
                .await,
        );
    }
    let decision = MemberAuthorizeRequest::builder()
        .client_id(APP.to_owned())
        .redirect_uri(REDIRECT.to_owned())
        .response_type("code".to_owned())
        .scopes(vec!["openid".to_owned()])
        .consent_granted(true);
    assert!(client.b2b().authorize(ORG, MEMBER, decision).await.is_err());
    assert!(client.b2b().authorize_start(ORG, MEMBER, start_request()).await.is_err());
    assert_eq!(mocks[0].calls_async().await, 1, "authorize: once");
    assert_eq!(mocks[1].calls_async().await, 3, "authorize_start: every attempt");
}

/// The consumer decision: by the user's session token (in the body; Stytch authenticates it, so no
/// `sessions/authenticate` goes first) and by id, the exact request each time, the code and redirect decoded, the code
/// never printed.
#[tokio::test]
async fn user_authorize_by_session_token_and_by_id_sends_exactly_the_decision() {
    let (server, client) = start().await;
    let base = json!({"client_id": APP, "redirect_uri": REDIRECT, "response_type": "code", "scopes": ["openid", "email"],
                      "consent_granted": true, "state": "xyz", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"});
    let mut by_token = base.clone();
    by_token["session_token"] = json!(SESSION_TOKEN);
    let mut by_id = base.clone();
    by_id["user_id"] = json!(USER);
    let answer = json!({"request_id": REQUEST_ID, "status_code": 200, "authorization_code": CODE,
                        "redirect_uri": format!("{REDIRECT}?code={CODE}&state=xyz")});
    let mut mocks = Vec::new();
    for body in [by_token, by_id] {
        mocks.push(mount(&server, Expect::post_json("/v1/idp/oauth/authorize", body), 200, answer.clone()).await);
    }
    let decision = || {
        UserAuthorizeRequest::builder()
            .client_id(APP.to_owned())
            .redirect_uri(REDIRECT.to_owned())
            .response_type("code".to_owned())
            .scopes(vec!["openid".to_owned(), "email".to_owned()])
            .consent_granted(true)
            .state(Some("xyz".to_owned()))
            .code_challenge(Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".to_owned()))
            // Whoever the request names, the call sets who consents.
            .user_id(Some("user-named-by-the-request".to_owned()))
    };
    let by_session = client.as_user(UserSession::token(SESSION_TOKEN).unwrap()).authorize(decision()).await.unwrap();
    assert_eq!(by_session.authorization_code.as_ref().map(|c| c.expose()), Some(CODE));
    assert_eq!(by_session.redirect_uri.expose(), format!("{REDIRECT}?code={CODE}&state=xyz"));
    assert!(!format!("{by_session:?}").contains(CODE), "{by_session:?}");
    let by_user_id = client.consumer().authorize(USER, decision()).await.unwrap();
    assert_eq!(by_user_id.request_id, REQUEST_ID);
    for mock in mocks {
        mock.assert_calls_async(1).await;
    }
}

/// Both decisions (B2B and consumer) are sent once after a 5xx and tried again after a 429 (Stytch refused them
/// before running them); the consumer `authorize/start` is retried like a read.
#[tokio::test]
async fn the_decisions_are_retried_only_after_a_429() {
    let server = httpmock::MockServer::start_async().await;
    let client = Client::builder(PROJECT_ID, SECRET)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::default().initial_backoff(std::time::Duration::from_millis(1)))
        .build()
        .unwrap();
    let member = MemberAuthorizeRequest::builder()
        .client_id(APP.to_owned())
        .redirect_uri(REDIRECT.to_owned())
        .response_type("code".to_owned())
        .scopes(vec!["openid".to_owned()])
        .consent_granted(true);
    let user = UserAuthorizeRequest::builder()
        .client_id(APP.to_owned())
        .redirect_uri(REDIRECT.to_owned())
        .response_type("code".to_owned())
        .scopes(vec!["openid".to_owned()])
        .consent_granted(false);
    for (status, error_type, expected_calls) in
        [(503u16, "internal_server_error", 1usize), (429, "too_many_requests", 3)]
    {
        let body = json!({"status_code": status, "request_id": REQUEST_ID, "error_type": error_type});
        let mut mocks = Vec::new();
        for path in ["/v1/b2b/idp/oauth/authorize", "/v1/idp/oauth/authorize", "/v1/idp/oauth/authorize/start"] {
            let body = body.clone();
            mocks.push(
                server
                    .mock_async(move |when, then| {
                        when.method(httpmock::Method::POST).path(path);
                        then.status(status).header("retry-after", "0").json_body(body);
                    })
                    .await,
            );
        }
        let member_err = client.b2b().authorize(ORG, MEMBER, member.clone()).await.unwrap_err();
        let user_err = client.consumer().authorize(USER, user.clone()).await.unwrap_err();
        let start = UserAuthorizeStartRequest::builder()
            .client_id(APP.to_owned())
            .redirect_uri(REDIRECT.to_owned())
            .response_type("code".to_owned())
            .scopes(vec!["openid".to_owned()]);
        assert!(client.consumer().authorize_start(USER, start).await.is_err());
        assert_eq!(member_err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(user_err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(mocks[0].calls_async().await, expected_calls, "B2B authorize after a {status}");
        assert_eq!(mocks[1].calls_async().await, expected_calls, "consumer authorize after a {status}");
        assert_eq!(mocks[2].calls_async().await, 3, "consumer authorize/start after a {status}: every attempt");
        for mock in mocks {
            mock.delete_async().await;
        }
    }
}
