//! The `mock` feature's promises, against the SDK's real requests: every operation's typed mock matches exactly
//! what the client sends (and its typed answer decodes into the SDK's models), a request that differs in any
//! part the SDK controls does not match, and ids are matched as the client encodes them, never as regexes.

use httpmock::MockServer;
use serde_json::json;
use stytch_connected_apps::mock::{ConsumerMockServerExt, MockServerExt, SdkRequest};
use stytch_connected_apps::models::{
    ErrorEnvelope, MemberConnectedAppsResponse, MemberJwksResponse, MemberSessionAuthenticateResponse,
    OrganizationConnectedAppResponse, OrganizationConnectedAppsResponse, RevokeMemberConnectedAppResponse,
    RevokeUserConnectedAppResponse, UserConnectedAppsResponse, UserJwksResponse, UserSessionAuthenticateResponse,
};
use stytch_connected_apps::{Client, MemberSession, SessionVerification, UserSession};

use crate::common::*;

/// Sends `request` (a whole HTTP/1.1 request, `Connection: close`) to `server` as is; the answer's status.
async fn send_raw(server: &MockServer, request: &str) -> u16 {
    let (address, request) = (server.address().to_string(), request.as_bytes().to_vec());
    tokio::task::spawn_blocking(move || raw_exchange(&address, &request).0).await.unwrap()
}

/// The head the SDK sends for `method path` with `SESSION_TOKEN` as member session, plus `extra` header lines.
fn sdk_head(method: &str, path: &str, extra: &str) -> String {
    format!(
        "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: {BASIC_AUTH}\r\nuser-agent: {USER_AGENT}\r\n\
         accept: application/json\r\nx-stytch-member-session: {SESSION_TOKEN}\r\n{extra}connection: close\r\n"
    )
}

#[tokio::test]
async fn each_b2b_mock_matches_the_sdks_request_with_each_kind_of_session() {
    let (server, client) = start().await;
    for session in
        [None, Some(MemberSession::token(SESSION_TOKEN).unwrap()), Some(MemberSession::jwt(SESSION_JWT).unwrap())]
    {
        let client = match &session {
            Some(session) => client.with_member_session(session.clone()),
            None => client.clone(),
        };
        let b1 = server.api_organization_v1_connected_apps(|when, then| {
            when.sent_by(&client).organization_id(ORG);
            then.ok(&OrganizationConnectedAppsResponse::example());
        });
        let b2 = server.api_organization_v1_get_connected_app(|when, then| {
            when.sent_by(&client).organization_id(ORG).connected_app_id(APP);
            then.ok(&OrganizationConnectedAppResponse::example());
        });
        let b3 = server.api_organization_v1_organizations_members_get_connected_apps(|when, then| {
            when.sent_by(&client).organization_id(ORG).member_id(MEMBER);
            then.ok(&MemberConnectedAppsResponse::example());
        });
        let b4 = server.api_organization_v1_organizations_members_connected_apps_revoke(|when, then| {
            when.sent_by(&client)
                .organization_id(ORG)
                .member_id(MEMBER)
                .connected_app_id(APP)
                .body(&serde_json::Map::new().into());
            then.ok(&RevokeMemberConnectedAppResponse::example());
        });

        let b2b = client.b2b();
        assert_eq!(b2b.organization_connected_apps(ORG).await.unwrap(), OrganizationConnectedAppsResponse::example());
        assert_eq!(b2b.connected_app(ORG, APP).await.unwrap(), OrganizationConnectedAppResponse::example());
        assert_eq!(b2b.member_connected_apps(ORG, MEMBER).await.unwrap(), MemberConnectedAppsResponse::example());
        let revoked = b2b.revoke_member_connected_app(ORG, MEMBER, APP).await.unwrap();
        assert_eq!(revoked, RevokeMemberConnectedAppResponse::example());

        for mut mock in [b1, b2, b3, b4] {
            mock.assert_calls(1);
            mock.delete();
        }
    }
}

#[tokio::test]
async fn the_consumer_mocks_match_the_sdks_requests() {
    let (server, client) = start().await;
    // Consumer calls never carry a member session, whatever the client holds.
    let client = client.with_member_session(MemberSession::token(SESSION_TOKEN).unwrap());
    let c1 = server.api_user_v1_connected_apps(|when, then| {
        when.sent_by(&client).user_id(USER);
        then.ok(&UserConnectedAppsResponse::example());
    });
    let c2 = server.api_user_v1_revoke(|when, then| {
        when.sent_by(&client).user_id(USER).connected_app_id(APP).body(&json!({}));
        then.ok(&RevokeUserConnectedAppResponse::example());
    });
    let jwks = server.api_session_v1_get_jwks(|when, then| {
        when.sent_by(&client).project_id(PROJECT_ID);
        then.ok(&UserJwksResponse::example());
    });

    let consumer = client.consumer();
    assert_eq!(consumer.user_connected_apps(USER).await.unwrap(), UserConnectedAppsResponse::example());
    assert_eq!(consumer.revoke_user_connected_app(USER, APP).await.unwrap(), RevokeUserConnectedAppResponse::example());
    assert_eq!(client.verify_user_jwt(&jwt::user()).await.unwrap().user_id, USER);

    for mock in [c1, c2, jwks] {
        mock.assert_calls(1);
    }
}

#[tokio::test]
async fn the_session_calls_match_what_session_inferred_calls_send() {
    let (server, client) = start().await;
    // A member token: authenticate (the token in the body, no session header), then B1 with the token's header.
    let token = MemberSession::token(SESSION_TOKEN).unwrap();
    let authenticate = server.api_b2b_session_v1_authenticate(|when, then| {
        when.sent_by(&client).session(&token);
        then.ok(&MemberSessionAuthenticateResponse::example());
    });
    let as_member = client.with_member_session(token.clone());
    let b1 = server.api_organization_v1_connected_apps(|when, then| {
        when.sent_by(&as_member).organization_id(ORG);
        then.ok(&OrganizationConnectedAppsResponse::example());
    });
    client.as_member(token).organization_connected_apps().await.unwrap();
    authenticate.assert_calls(1);
    b1.assert_calls(1);

    // A member JWT verified locally: one JWKS fetch, no authenticate.
    let jwks = server.api_b2b_session_v1_get_jwks(|when, then| {
        when.sent_by(&client).project_id(PROJECT_ID);
        then.ok(&MemberJwksResponse::example()); // the emulator's first key, which signs `jwt::member()`
    });
    let claims = client.verify_member_jwt(&jwt::member()).await.unwrap();
    assert_eq!((claims.organization_id.as_str(), claims.member_id.as_str()), (ORG, MEMBER));
    jwks.assert_calls(1);

    // A user JWT verified remotely: consumer authenticate with the JWT in the body, then C1.
    let user_jwt = jwt::user();
    let session = UserSession::jwt(&user_jwt).unwrap();
    let user_authenticate = server.api_session_v1_authenticate(|when, then| {
        when.sent_by(&client).session(&session);
        then.ok(&UserSessionAuthenticateResponse::example());
    });
    let c1 = server.api_user_v1_connected_apps(|when, then| {
        when.sent_by(&client).user_id(USER);
        then.ok(&UserConnectedAppsResponse::example());
    });
    client.as_user(session).verification(SessionVerification::Remote).connected_apps().await.unwrap();
    user_authenticate.assert_calls(1);
    c1.assert_calls(1);
}

#[tokio::test]
async fn an_authenticate_mock_for_one_session_ignores_another() {
    let (server, client) = start().await;
    let mine = MemberSession::token(SESSION_TOKEN).unwrap();
    let authenticate = server.api_b2b_session_v1_authenticate(|when, then| {
        when.sent_by(&client).session(&mine);
        then.ok(&MemberSessionAuthenticateResponse::example());
    });
    // The same value as a JWT, and another token: neither is the mocked request (httpmock answers 404).
    for other in [MemberSession::jwt(SESSION_TOKEN).unwrap(), MemberSession::token("another-token").unwrap()] {
        let err = client.as_member(other).verification(SessionVerification::Remote).identity().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err:?}");
    }
    authenticate.assert_calls(0);
}

/// The request the SDK sends for B1 with a member session token, rebuilt by hand so that each part can be changed
/// alone. `mutate` gets the headers and returns the method, path-and-query and body to send.
async fn send_b1_variant(
    server: &MockServer,
    mutate: impl FnOnce(&mut reqwest::header::HeaderMap) -> (&'static str, String, Option<&'static str>),
) -> u16 {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("authorization", BASIC_AUTH.parse().unwrap());
    headers.insert("user-agent", USER_AGENT.parse().unwrap());
    headers.insert("accept", "application/json".parse().unwrap());
    headers.insert("x-stytch-member-session", SESSION_TOKEN.parse().unwrap());
    let (method, path, body) = mutate(&mut headers);
    let request = reqwest::Client::new().request(method.parse().unwrap(), server.url(path)).headers(headers);
    let request = match body {
        Some(body) => request.body(body),
        None => request,
    };
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn a_request_that_differs_from_the_sdks_in_any_part_does_not_match() {
    let (server, client) = start().await;
    let as_member = client.with_member_session(MemberSession::token(SESSION_TOKEN).unwrap());
    let mock = server.api_organization_v1_connected_apps(|when, then| {
        when.sent_by(&as_member).organization_id(ORG);
        then.ok(&OrganizationConnectedAppsResponse::example());
    });
    // The SDK's own request, and the hand-built copy of it, match.
    as_member.b2b().organization_connected_apps(ORG).await.unwrap();
    assert_eq!(send_b1_variant(&server, |_| ("GET", b1_path(ORG), None)).await, 200);
    mock.assert_calls(2);

    type Variant = fn(&mut reqwest::header::HeaderMap) -> (&'static str, String, Option<&'static str>);
    let variants: [(&str, Variant); 12] = [
        ("another secret", |h| {
            h.insert("authorization", "Basic cHJvamVjdDpvdGhlcg==".parse().unwrap());
            ("GET", b1_path(ORG), None)
        }),
        ("no credentials", |h| {
            h.remove("authorization");
            ("GET", b1_path(ORG), None)
        }),
        ("no session", |h| {
            h.remove("x-stytch-member-session");
            ("GET", b1_path(ORG), None)
        }),
        ("another session", |h| {
            h.insert("x-stytch-member-session", "another-token".parse().unwrap());
            ("GET", b1_path(ORG), None)
        }),
        ("the session as a JWT", |h| {
            h.remove("x-stytch-member-session");
            h.insert("x-stytch-member-sessionjwt", SESSION_TOKEN.parse().unwrap());
            ("GET", b1_path(ORG), None)
        }),
        ("both session headers", |h| {
            h.insert("x-stytch-member-sessionjwt", SESSION_JWT.parse().unwrap());
            ("GET", b1_path(ORG), None)
        }),
        ("progenitor's api-version header", |h| {
            h.insert("api-version", "1.0.0".parse().unwrap());
            ("GET", b1_path(ORG), None)
        }),
        ("another user agent", |h| {
            h.insert("user-agent", "reqwest".parse().unwrap());
            ("GET", b1_path(ORG), None)
        }),
        ("a query string", |_| ("GET", format!("{}?limit=1", b1_path(ORG)), None)),
        ("a body", |_| ("GET", b1_path(ORG), Some("{}"))),
        ("another organization", |_| ("GET", b1_path("organization-test-other"), None)),
        ("another method", |_| ("POST", b1_path(ORG), None)),
    ];
    for (what, variant) in variants {
        assert_eq!(send_b1_variant(&server, variant).await, 404, "{what} matched the mock");
    }
    mock.assert_calls(2);
}

#[tokio::test]
async fn a_mock_for_a_client_without_a_session_does_not_match_one_with_a_session() {
    let (server, client) = start().await;
    let mock = server.api_organization_v1_organizations_members_connected_apps_revoke(|when, then| {
        when.sent_by(&client).organization_id(ORG).member_id(MEMBER).connected_app_id(APP);
        then.ok(&RevokeMemberConnectedAppResponse::example());
    });
    let as_member = client.with_member_session(MemberSession::jwt(SESSION_JWT).unwrap());
    let err = as_member.b2b().revoke_member_connected_app(ORG, MEMBER, APP).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    // Another client's credentials do not match either.
    let stranger = Client::builder(PROJECT_ID, "secret-test-someone-else")
        .base_url(server.base_url())
        .retry_policy(stytch_connected_apps::RetryPolicy::disabled())
        .build()
        .unwrap();
    assert!(stranger.b2b().revoke_member_connected_app(ORG, MEMBER, APP).await.is_err());
    mock.assert_calls(0);
    client.b2b().revoke_member_connected_app(ORG, MEMBER, APP).await.unwrap();
    mock.assert_calls(1);
}

#[tokio::test]
async fn ids_are_matched_as_the_client_sends_them_never_as_patterns() {
    let (server, client) = start().await;
    // External ids may hold `.` and `|` (regex syntax); the client percent-encodes `/`, spaces, `%` and non-ASCII;
    // `(` alone would be an invalid regex. Each id matches its own request.
    for id in ["acme.corp", "acme|corp", "a/b c", "(x", "100%", "é-org", "a+b*c?d", "[x]{2}", "^$"] {
        let mut mock = server.api_organization_v1_get_connected_app(|when, then| {
            when.sent_by(&client).organization_id(id).connected_app_id(id);
            then.ok(&OrganizationConnectedAppResponse::example());
        });
        client.b2b().connected_app(id, id).await.unwrap_or_else(|e| panic!("{id:?}: {e}"));
        mock.assert_calls(1);
        mock.delete();
    }
    // ... and no other: `.` is not "any character", `|` does not split the pattern.
    let dotted = server.api_organization_v1_connected_apps(|when, then| {
        when.sent_by(&client).organization_id("acme.corp");
        then.ok(&OrganizationConnectedAppsResponse::example());
    });
    let piped = server.api_user_v1_connected_apps(|when, then| {
        when.sent_by(&client).user_id("user|admin");
        then.ok(&UserConnectedAppsResponse::example());
    });
    for org in ["acmexcorp", "acme"] {
        assert!(client.b2b().organization_connected_apps(org).await.is_err(), "{org}");
    }
    for user in ["user", "admin", "user|admin2"] {
        assert!(client.consumer().user_connected_apps(user).await.is_err(), "{user}");
    }
    dotted.assert_calls(0);
    piped.assert_calls(0);
    client.consumer().user_connected_apps("user|admin").await.unwrap();
    piped.assert_calls(1);
}

#[tokio::test]
async fn typed_error_answers_decode_into_the_sdks_errors() {
    let (server, client) = start().await;
    for (status, error_type) in [
        (400, "bad_request"),
        (401, "unauthorized_credentials"),
        (403, "session_authorization_error"),
        (404, "connected_app_not_found"),
        (429, "too_many_requests"),
        (500, "internal_server_error"),
    ] {
        let envelope = ErrorEnvelope::example(status);
        let b2 = server.api_organization_v1_get_connected_app(|when, then| {
            when.sent_by(&client).organization_id(ORG).connected_app_id(APP);
            match status {
                400 => then.bad_request(&envelope),
                401 => then.unauthorized(&envelope),
                403 => then.forbidden(&envelope),
                404 => then.not_found(&envelope),
                429 => then.too_many_requests(&envelope),
                _ => then.internal_server_error(&envelope),
            };
        });
        let c2 = server.api_user_v1_revoke(|when, then| {
            when.sent_by(&client).user_id(USER).connected_app_id(APP);
            match status {
                400 => then.bad_request(&envelope),
                401 => then.unauthorized(&envelope),
                403 => then.forbidden(&envelope),
                404 => then.not_found(&envelope),
                429 => then.too_many_requests(&envelope),
                _ => then.internal_server_error(&envelope),
            };
        });
        for err in [
            client.b2b().connected_app(ORG, APP).await.unwrap_err(),
            client.consumer().revoke_user_connected_app(USER, APP).await.unwrap_err(),
        ] {
            assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
            assert_eq!(err.error_type().map(|t| t.as_str()), Some(error_type));
            assert_eq!(err.request_id(), Some(REQUEST_ID));
        }
        for mut mock in [b2, c2] {
            mock.assert_calls(1);
            mock.delete();
        }
    }
}

#[tokio::test]
async fn a_header_twice_or_a_body_the_sdk_never_sends_does_not_match() {
    let (server, client) = start().await;
    let as_member = client.with_member_session(MemberSession::token(SESSION_TOKEN).unwrap());
    let b1 = server.api_organization_v1_connected_apps(|when, then| {
        when.sent_by(&as_member).organization_id(ORG);
        then.ok(&OrganizationConnectedAppsResponse::example());
    });
    let path = b1_path(ORG);
    assert_eq!(send_raw(&server, &format!("{}\r\n", sdk_head("GET", &path, ""))).await, 200, "the SDK's own head");
    for (what, extra) in [
        ("a second, wrong Authorization", "authorization: Basic d3Jvbmc6d3Jvbmc=\r\n"),
        ("a second member session", "x-stytch-member-session: session-of-someone-else\r\n"),
        ("a second Accept", "accept: text/html\r\n"),
        ("a second User-Agent", "user-agent: curl/8\r\n"),
    ] {
        assert_eq!(send_raw(&server, &format!("{}\r\n", sdk_head("GET", &path, extra))).await, 404, "{what}");
    }
    let chunked = format!("{}\r\n0\r\n\r\n", sdk_head("GET", &path, "transfer-encoding: chunked\r\n"));
    assert_eq!(send_raw(&server, &chunked).await, 404, "a chunked GET");
    b1.assert_calls(1);

    // The revokes: the SDK always sends `{}`, so nothing else matches.
    let b4 = server.api_organization_v1_organizations_members_connected_apps_revoke(|when, then| {
        when.sent_by(&as_member).organization_id(ORG).member_id(MEMBER).connected_app_id(APP);
        then.ok(&RevokeMemberConnectedAppResponse::example());
    });
    let path = b4_path(ORG, MEMBER, APP);
    let post = |body: &str| {
        let head =
            sdk_head("POST", &path, &format!("content-type: application/json\r\ncontent-length: {}\r\n", body.len()));
        format!("{head}\r\n{body}")
    };
    assert_eq!(send_raw(&server, &post("{}")).await, 200, "the SDK's own revoke");
    for body in ["", "{ }", r#"{"member_id":"someone-else"}"#, "not json", "[]"] {
        assert_eq!(send_raw(&server, &post(body)).await, 404, "revoke body {body:?}");
    }
    b4.assert_calls(1);

    // `sessions/authenticate`: the SDK's bytes for this session, not a JSON-equal or key-repeating variant.
    let authenticate = server.api_b2b_session_v1_authenticate(|when, then| {
        when.sent_by(&client).session(&MemberSession::token("token-a").unwrap());
        then.ok(&MemberSessionAuthenticateResponse::example());
    });
    let authenticate_with = |body: &str| {
        format!(
            "POST /v1/b2b/sessions/authenticate HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: {BASIC_AUTH}\r\n\
             user-agent: {USER_AGENT}\r\naccept: application/json\r\ncontent-type: application/json\r\n\
             content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    assert_eq!(send_raw(&server, &authenticate_with(r#"{"session_token":"token-a"}"#)).await, 200);
    for body in [r#"{"session_token":"token-b","session_token":"token-a"}"#, r#"{ "session_token": "token-a" }"#] {
        assert_eq!(send_raw(&server, &authenticate_with(body)).await, 404, "{body}");
    }
    authenticate.assert_calls(1);
}

#[tokio::test]
#[should_panic(expected = "has a path")]
async fn a_client_whose_base_url_has_a_path_is_refused_at_once_not_by_a_later_404() {
    let server = MockServer::start_async().await;
    let client = stytch_connected_apps::mock::client_builder(&server).base_url(server.url("/stytch")).build().unwrap();
    server.api_organization_v1_connected_apps(|when, then| {
        when.sent_by(&client).organization_id(ORG);
        then.ok(&OrganizationConnectedAppsResponse::example());
    });
}
