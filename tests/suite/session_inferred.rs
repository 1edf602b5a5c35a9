//! Session-inferred calls (`Client::as_member`, `Client::as_user`) against httpmock: the exact sequence of
//! requests for each path (one for a verified member or user JWT, plus one JWKS fetch per client; two for a token
//! or with remote verification), and the errors of expired, revoked and foreign sessions.

use base64::Engine as _;
use httpmock::MockServer;
use serde_json::json;

use crate::common::*;
use stytch_connected_apps::emulator::SigningKey;
use stytch_connected_apps::models::{
    ErrorEnvelope, MemberSessionAuthenticateResponse, UserConnectedAppsResponse, UserSessionAuthenticateResponse,
};
use stytch_connected_apps::{Client, Error, ErrorType, JwtErrorKind, MemberSession, SessionVerification, UserSession};

/// A signed JWT whose claims name `ORG` and `MEMBER`, the way Stytch's do.
fn member_jwt() -> String {
    jwt::member()
}

/// The B2B `sessions/authenticate` mock for `SESSION_TOKEN`, answering with the example (`ORG`, `MEMBER`).
fn mount_member_authenticate<'a>(server: &'a MockServer, client: &Client) -> httpmock::Mock<'a> {
    server.api_b2b_session_v1_authenticate(|when, then| {
        when.sent_by(client).session(&MemberSession::token(SESSION_TOKEN).unwrap());
        then.ok(&MemberSessionAuthenticateResponse::example());
    })
}

/// Stytch's 404 for a session that expired or was revoked.
fn session_not_found() -> ErrorEnvelope {
    ErrorEnvelope::new(404, "session_not_found", "Session could not be found.")
}

#[tokio::test]
async fn a_member_jwt_is_one_request_per_call_with_organization_and_member_from_its_verified_claims() {
    let (server, client) = start().await;
    let jwks = mount_jwks(&server, true).await;
    let jwt = member_jwt();
    let me = client.as_member(MemberSession::jwt(&jwt).unwrap());
    let cases: Vec<(Expect, &str)> = vec![
        (Expect::get(b1_path(ORG)), fixtures::B1_200),
        (Expect::get(b2_path(ORG, APP)), fixtures::B2_200_WITH_REQUEST_ID),
        (Expect::get(b3_path(ORG, "member-test-other")), fixtures::B3_200),
        (Expect::get(b3_path(ORG, MEMBER)), fixtures::B3_200),
        (Expect::revoke(b4_path(ORG, "member-test-other", APP)), fixtures::REVOKE_200),
        (Expect::revoke(b4_path(ORG, MEMBER, APP)), fixtures::REVOKE_200),
    ];
    for (index, (expect, body)) in cases.into_iter().enumerate() {
        let expect = expect.with_session_jwt(&jwt);
        let mock = server
            .mock_async(|when, then| {
                expect.matcher(when);
                then.status(200).body(body);
            })
            .await;
        match index {
            0 => drop(me.organization_connected_apps().await.unwrap()),
            1 => drop(me.connected_app(APP).await.unwrap()),
            2 => drop(me.member_connected_apps("member-test-other").await.unwrap()),
            3 => drop(me.own_connected_apps().await.unwrap()),
            4 => drop(me.revoke_member_connected_app("member-test-other", APP).await.unwrap()),
            _ => drop(me.revoke_own_connected_app(APP).await.unwrap()),
        }
        mock.assert_async().await;
        mock.delete_async().await;
    }
    // The keys were fetched once, for the first call; the identity needs no request at all.
    let identity = me.identity().await.unwrap();
    assert_eq!((identity.organization_id.as_str(), identity.member_id.as_str()), (ORG, MEMBER));
    jwks.assert_calls_async(1).await;
}

#[tokio::test]
async fn identity_is_verified_locally_or_by_stytch_never_taken_from_unverified_claims() {
    let (server, client) = start().await;
    let jwks = mount_jwks(&server, true).await;
    let jwt = member_jwt();
    // Asked of Stytch (remote policy), the answer is Stytch's, even where it differs from the JWT's claims.
    let mut answer = MemberSessionAuthenticateResponse::example();
    answer.member_session.member_id = "member-test-vouched".into();
    let authenticate = server.api_b2b_session_v1_authenticate(|when, then| {
        when.sent_by(&client).session(&MemberSession::jwt(&jwt).unwrap());
        then.ok(&answer);
    });

    let local = client.as_member(MemberSession::jwt(&jwt).unwrap()).identity().await.unwrap();
    let remote = client
        .as_member(MemberSession::jwt(&jwt).unwrap())
        .verification(SessionVerification::Remote)
        .identity()
        .await
        .unwrap();

    assert_eq!((local.organization_id.as_str(), local.member_id.as_str()), (ORG, MEMBER));
    assert_eq!((remote.organization_id.as_str(), remote.member_id.as_str()), (ORG, "member-test-vouched"));
    jwks.assert_calls_async(1).await;
    authenticate.assert_calls_async(1).await;
    // A JWT whose signature does not verify is no identity, and nothing asks Stytch about it.
    let mut tampered = jwt.clone();
    tampered.insert(jwt.find('.').unwrap() + 5, 'A');
    let err = client.as_member(MemberSession::jwt(&tampered).unwrap()).identity().await.unwrap_err();
    assert!(err.as_jwt().is_some(), "{err:?}");
    authenticate.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_member_token_is_authenticated_first_then_forwarded() {
    let (server, client) = start().await;
    let me = client.as_member(MemberSession::token(SESSION_TOKEN).unwrap());
    let authenticate = mount_member_authenticate(&server, &client);
    let as_member = client.with_member_session(MemberSession::token(SESSION_TOKEN).unwrap());
    let own = server.api_organization_v1_organizations_members_get_connected_apps(|when, then| {
        when.sent_by(&as_member).organization_id(ORG).member_id(MEMBER);
        then.into_inner().status(200).body(fixtures::B3_200);
    });
    let revoke = server.api_organization_v1_organizations_members_connected_apps_revoke(|when, then| {
        when.sent_by(&as_member).organization_id(ORG).member_id(MEMBER).connected_app_id(APP);
        then.into_inner().status(200).body(fixtures::REVOKE_200);
    });

    let apps = me.own_connected_apps().await.unwrap();
    me.revoke_own_connected_app(APP).await.unwrap();

    assert_eq!(apps.connected_apps[0].scopes_granted, "openid profile email");
    // Two requests per call, and nothing cached: the session is authenticated again for the second call.
    authenticate.assert_calls_async(2).await;
    own.assert_async().await;
    revoke.assert_async().await;
}

#[tokio::test]
async fn an_expired_or_revoked_member_token_stops_at_authenticate() {
    for status in [404, 401] {
        let (server, client) = start().await;
        let authenticate = server.api_b2b_session_v1_authenticate(|when, then| {
            when.sent_by(&client).session(&MemberSession::token(SESSION_TOKEN).unwrap());
            match status {
                404 => then.not_found(&session_not_found()),
                _ => then.unauthorized(&ErrorEnvelope::example(401)),
            };
        });
        let anything_else = server
            .mock_async(|when, then| {
                when.path_includes("/connected_apps");
                then.status(200).body(fixtures::B1_200);
            })
            .await;

        let err = client
            .as_member(MemberSession::token(SESSION_TOKEN).unwrap())
            .organization_connected_apps()
            .await
            .unwrap_err();

        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.as_api().map(|e| e.operation), Some("api_b2b_session_v1_authenticate"));
        authenticate.assert_async().await;
        anything_else.assert_calls_async(0).await;
    }
}

#[tokio::test]
async fn a_foreign_jwt_is_refused_by_stytch_on_the_call_itself() {
    let (server, client) = start().await;
    mount_jwks(&server, true).await;
    let jwt = member_jwt();
    let as_member = client.with_member_session(MemberSession::jwt(&jwt).unwrap());
    let call = server.api_organization_v1_connected_apps(|when, then| {
        when.sent_by(&as_member).organization_id(ORG);
        then.into_inner().status(403).body(fixtures::E403_TENANCY);
    });

    let err = client.as_member(MemberSession::jwt(&jwt).unwrap()).organization_connected_apps().await.unwrap_err();

    assert_eq!(err.error_type(), Some(&ErrorType::SessionAuthorizationTenancyError));
    call.assert_async().await;
}

#[tokio::test]
async fn a_malformed_jwt_or_one_without_the_claims_sends_nothing() {
    let (server, client) = start().await;
    let anything = catch_all(&server).await;
    let encode = |v: serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let mut claims = jwt::member_claims();
    claims.as_object_mut().unwrap().remove("https://stytch.com/organization");
    let without_org = SigningKey::generation(0).sign(&claims);
    let no_alg = format!("e30.{}.c2ln", encode(jwt::member_claims()));
    let cases = [
        ("not-a-jwt", JwtErrorKind::Malformed),
        ("a.b", JwtErrorKind::Malformed),
        ("a.%%%.c", JwtErrorKind::Malformed),
        (no_alg.as_str(), JwtErrorKind::UnsupportedAlgorithm),
        (without_org.as_str(), JwtErrorKind::MissingClaim("https://stytch.com/organization.organization_id")),
    ];
    for (jwt, kind) in cases {
        // Each is a legal header value: the JWT check, not the session check, must reject it.
        let session = MemberSession::jwt(jwt).unwrap();
        let err = client.as_member(session).own_connected_apps().await.unwrap_err();
        let Error::SessionJwt(rejected) = &err else { panic!("{jwt}: {err:?}") };
        assert_eq!((rejected.what, rejected.kind), ("member session JWT", kind), "{jwt}");
        assert!(!err.to_string().contains(jwt), "{err}");
    }
    anything.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_user_jwt_is_one_request_a_token_or_remote_verification_two() {
    let (server, client) = start().await;
    let jwks = mount_jwks(&server, false).await;
    let user_jwt = jwt::user();
    for (session, authenticated_with) in [
        (UserSession::jwt(&user_jwt).unwrap(), None),
        (UserSession::token(SESSION_TOKEN).unwrap(), Some(json!({"session_token": SESSION_TOKEN}))),
        (UserSession::jwt(&user_jwt).unwrap(), Some(json!({"session_jwt": user_jwt}))),
    ] {
        let authenticate = server.api_session_v1_authenticate(|when, then| {
            let body = authenticated_with.clone().unwrap_or(json!({"never": true}));
            when.sent_by(&client).body(&body);
            then.ok(&UserSessionAuthenticateResponse::example());
        });
        let list = server.api_user_v1_connected_apps(|when, then| {
            when.sent_by(&client).user_id(USER);
            then.ok(&UserConnectedAppsResponse::example());
        });
        let revoke = server.api_user_v1_revoke(|when, then| {
            when.sent_by(&client).user_id(USER).connected_app_id(APP).body(&json!({}));
            then.into_inner().status(200).body(fixtures::REVOKE_200);
        });

        let remote = authenticated_with.as_ref().is_some_and(|body| body.get("session_jwt").is_some());
        let me = client.as_user(session);
        let me = if remote { me.verification(SessionVerification::Remote) } else { me };
        let apps = me.connected_apps().await.unwrap();
        me.revoke_connected_app(APP).await.unwrap();

        assert_eq!(apps.connected_apps[0].scopes_granted, "openid profile email");
        let expected_authentications = if authenticated_with.is_some() { 2 } else { 0 };
        authenticate.assert_calls_async(expected_authentications).await;
        list.assert_async().await;
        revoke.assert_async().await;
        for mock in [authenticate, list, revoke] {
            mock.delete_async().await;
        }
    }
    // One key fetch for the whole client: the JWT's two local verifications shared it.
    jwks.assert_calls_async(1).await;
}

#[tokio::test]
async fn an_expired_user_session_stops_at_authenticate() {
    let (server, client) = start().await;
    server.api_session_v1_authenticate(|when, then| {
        when.sent_by(&client).session(&UserSession::token(SESSION_TOKEN).unwrap());
        then.not_found(&session_not_found());
    });
    let list = server
        .mock_async(|when, then| {
            when.path(c1_path(USER));
            then.status(200).body(fixtures::C1_200);
        })
        .await;

    let err = client.as_user(UserSession::token(SESSION_TOKEN).unwrap()).connected_apps().await.unwrap_err();

    assert_eq!(err.error_type(), Some(&ErrorType::Other("session_not_found".into())));
    assert_eq!(err.as_api().map(|e| e.operation), Some("api_session_v1_authenticate"));
    list.assert_calls_async(0).await;
}

#[tokio::test]
async fn one_deadline_covers_authenticate_and_the_call_and_their_retries() {
    use std::time::{Duration, Instant};

    use crate::fault_server::{FaultServer, Step};
    use stytch_connected_apps::{Client, RetryPolicy, TransportErrorKind};

    // sessions/authenticate answers after 1.2 s; the call itself (and any retry of it) hangs. With a 1.5 s
    // deadline the whole call must end at 1.5 s, not 1.2 s + another full deadline.
    let deadline = Duration::from_millis(1500);
    let slow_then_hang = |authenticated: serde_json::Value| {
        vec![Step::json(200, &authenticated.to_string()).after(Duration::from_millis(1200)), Step::Hang]
    };
    let member = serde_json::to_value(MemberSessionAuthenticateResponse::example()).unwrap();
    let user = serde_json::to_value(UserSessionAuthenticateResponse::example()).unwrap();
    let cases: [(&str, serde_json::Value, bool); 4] = [
        ("member token, per-call deadline", member.clone(), false),
        ("user token, per-call deadline", user.clone(), false),
        ("member token, client deadline", member, true),
        ("user token, client deadline", user, true),
    ];
    for (name, authenticated, client_wide) in cases {
        let server = FaultServer::start(slow_then_hang(authenticated)).await;
        let mut builder = Client::builder(PROJECT_ID, SECRET)
            .base_url(&server.url)
            // Retries on, with a long attempt timeout: only the shared deadline can end the call in time.
            .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
            .request_timeout(Duration::from_secs(30));
        if client_wide {
            builder = builder.deadline(deadline);
        }
        let client = builder.build().unwrap();
        let member = client.as_member(MemberSession::token(SESSION_TOKEN).unwrap());
        let user = client.as_user(UserSession::token(SESSION_TOKEN).unwrap());
        let (member, user) =
            if client_wide { (member, user) } else { (member.deadline(deadline), user.deadline(deadline)) };

        let started = Instant::now();
        let err = if name.starts_with("member") {
            bounded(member.own_connected_apps()).await.unwrap_err()
        } else {
            bounded(user.connected_apps()).await.unwrap_err()
        };
        let elapsed = started.elapsed();

        let Error::Transport(transport) = &err else { panic!("{name}: {err:?}") };
        assert_eq!(transport.kind, TransportErrorKind::Timeout, "{name}: {err}");
        // Before: 2.7 s (1.2 s, then a fresh 1.5 s). The slack is for a loaded machine, far below the old overrun.
        assert!(elapsed >= Duration::from_millis(1200), "{name}: authenticate answered at 1.2 s, yet {elapsed:?}");
        assert!(
            elapsed < deadline + Duration::from_millis(600),
            "{name}: the deadline is 1.5 s, the call took {elapsed:?}"
        );
        let requests = server.requests();
        assert_eq!(requests.len(), 2, "{name}: authenticate, then one attempt cut by the deadline (no retry)");
        assert!(requests[0].path.ends_with("/sessions/authenticate"), "{name}");
    }
}
