//! Member sessions against the emulator: RBAC by role, `stytch.self` for one's own apps, tenancy, unknown sessions.

use stytch_connected_apps::emulator::*;
use stytch_connected_apps::{Client, ErrorType, MemberSession};

fn session(fixture: &Fixture, member: &str, jwt: bool) -> MemberSession {
    let record = fixture.session_of(member).unwrap();
    if jwt {
        MemberSession::jwt(record.session_jwt.as_ref().map(stytch_connected_apps::Credential::expose).unwrap()).unwrap()
    } else {
        MemberSession::token(record.session_token.as_ref().map(stytch_connected_apps::Credential::expose).unwrap())
            .unwrap()
    }
}

async fn start() -> (Emulator, Client, Fixture) {
    let fixture = Fixture::seed();
    let emulator = Emulator::start(fixture.clone()).await.unwrap();
    let client = emulator.client().unwrap();
    (emulator, client, fixture)
}

#[tokio::test]
async fn an_admin_session_may_do_everything_in_its_organization() {
    let (emulator, client, fixture) = start().await;
    for jwt in [false, true] {
        let admin = client.with_member_session(session(&fixture, SEED_ADMIN, jwt));
        admin.b2b().organization_connected_apps(SEED_ORGANIZATION).await.unwrap();
        admin.b2b().connected_app(SEED_ORGANIZATION, SEED_THIRD_PARTY_APP).await.unwrap();
        admin.b2b().member_connected_apps(SEED_ORGANIZATION, SEED_MEMBER).await.unwrap();
    }
    let admin = client.with_member_session(session(&fixture, SEED_ADMIN, true));
    admin.b2b().revoke_member_connected_app(SEED_ORGANIZATION, SEED_MEMBER, SEED_THIRD_PARTY_APP).await.unwrap();
    let sessions: Vec<Option<&str>> = emulator.requests().iter().map(|r| r.session).collect();
    assert_eq!(
        sessions,
        [Some("token"), Some("token"), Some("token"), Some("jwt"), Some("jwt"), Some("jwt"), Some("jwt")]
    );
}

#[tokio::test]
async fn a_plain_member_may_see_and_revoke_only_its_own_apps() {
    let (_emulator, client, fixture) = start().await;
    let member = client.with_member_session(session(&fixture, SEED_MEMBER, false));

    let own = member.b2b().member_connected_apps(SEED_ORGANIZATION, SEED_MEMBER).await.unwrap();
    assert_eq!(own.connected_apps[0].connected_app_id, SEED_THIRD_PARTY_APP);
    for err in [
        member.b2b().organization_connected_apps(SEED_ORGANIZATION).await.unwrap_err(),
        member.b2b().connected_app(SEED_ORGANIZATION, SEED_APP).await.unwrap_err(),
        member.b2b().member_connected_apps(SEED_ORGANIZATION, SEED_ADMIN).await.unwrap_err(),
        member.b2b().revoke_member_connected_app(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP).await.unwrap_err(),
    ] {
        assert_eq!(err.status().map(|s| s.as_u16()), Some(403), "{err}");
        assert_eq!(err.error_type(), Some(&ErrorType::SessionAuthorizationError), "{err}");
    }
    member.b2b().revoke_member_connected_app(SEED_ORGANIZATION, SEED_MEMBER, SEED_THIRD_PARTY_APP).await.unwrap();
    assert!(
        member.b2b().member_connected_apps(SEED_ORGANIZATION, SEED_MEMBER).await.unwrap().connected_apps.is_empty()
    );
}

#[tokio::test]
async fn another_organizations_session_is_a_tenancy_error() {
    let (_emulator, client, fixture) = start().await;
    let foreign = client.with_member_session(session(&fixture, SEED_OTHER_ADMIN, true));
    let err = foreign.b2b().organization_connected_apps(SEED_ORGANIZATION).await.unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::SessionAuthorizationTenancyError));
    let err = foreign.b2b().revoke_member_connected_app("acme", SEED_ADMIN, SEED_APP).await.unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::SessionAuthorizationTenancyError));
    // In its own organization the same session is fine.
    foreign.b2b().organization_connected_apps(SEED_OTHER_ORGANIZATION).await.unwrap();
}

#[tokio::test]
async fn an_unknown_session_is_rejected_and_consumer_calls_ignore_sessions() {
    let (_emulator, client, _) = start().await;
    let stranger = client.with_member_session(MemberSession::token("session-token-nobody").unwrap());
    let err = stranger.b2b().organization_connected_apps(SEED_ORGANIZATION).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.error_type(), Some(&ErrorType::Other("session_not_found".into())));
    // Consumer endpoints carry no session: the same client works there.
    stranger.consumer().user_connected_apps(SEED_USER).await.unwrap();
}

#[tokio::test]
async fn custom_roles_grant_exactly_their_actions() {
    let fixture = Fixture::seed()
        .role("auditor", &[("stytch.member", &["get.connected-apps"])])
        .member(SEED_ORGANIZATION, "member-test-auditor", None, &["auditor"])
        .member_session("session-token-auditor", SEED_ORGANIZATION, "member-test-auditor");
    let emulator = Emulator::start(fixture).await.unwrap();
    let auditor =
        emulator.client().unwrap().with_member_session(MemberSession::token("session-token-auditor").unwrap());

    auditor.b2b().organization_connected_apps(SEED_ORGANIZATION).await.unwrap();
    auditor.b2b().member_connected_apps(SEED_ORGANIZATION, SEED_ADMIN).await.unwrap();
    let err = auditor.b2b().revoke_member_connected_app(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP).await.unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::SessionAuthorizationError));
}

#[tokio::test]
async fn an_unreadable_session_header_is_a_400_not_a_request_without_session() {
    let (emulator, client, _) = start().await;
    let revoke = format!(
        "{}/v1/b2b/organizations/{SEED_ORGANIZATION}/members/{SEED_ADMIN}/connected_apps/{SEED_APP}/revoke",
        emulator.url()
    );
    for header in ["X-Stytch-Member-Session", "X-Stytch-Member-SessionJWT"] {
        let value = reqwest::header::HeaderValue::from_bytes(b"\x80").unwrap();
        let response = reqwest::Client::new()
            .post(&revoke)
            .basic_auth(SEED_PROJECT_ID, Some(SEED_SECRET))
            .header(header, value)
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400, "{header}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error_type"], "invalid_header", "{header}: {body}");
        assert_eq!(body["status_code"], 400);
        assert!(body["request_id"].as_str().is_some_and(|id| !id.is_empty()), "{body}");
    }
    // Nothing was revoked: the admin still has the app.
    let apps = client.b2b().member_connected_apps(SEED_ORGANIZATION, SEED_ADMIN).await.unwrap();
    assert!(apps.connected_apps.iter().any(|app| app.connected_app_id == SEED_APP), "{apps:?}");
}

#[tokio::test]
async fn a_jwt_only_session_never_resolves_to_another_members_record() {
    // Two sessions recorded by JWT alone (no token), the admin's first: the member's JWT must not be taken for the
    // admin's session (both have the session id of an empty token), or it would revoke with the admin's rights.
    let jwt_only = |member: &str| MemberSessionRecord {
        session_token: None,
        session_jwt: Some(mint_session_jwt(SEED_PROJECT_ID, SEED_ORGANIZATION, member, "").into()),
        organization_id: SEED_ORGANIZATION.into(),
        member_id: member.into(),
    };
    let mut fixture = Fixture::seed();
    fixture.sessions = vec![jwt_only(SEED_ADMIN), jwt_only(SEED_MEMBER)];
    let member_jwt = fixture.sessions[1].session_jwt.clone().unwrap().into_exposed();
    let emulator = Emulator::start(fixture).await.unwrap();
    let client = emulator.client().unwrap();
    let as_member = client.with_member_session(MemberSession::jwt(&member_jwt).unwrap());
    let denied = as_member.b2b().revoke_member_connected_app(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP).await;
    let error = denied.expect_err("a plain member revoked the admin's app");
    assert_eq!(error.error_type(), Some(&ErrorType::SessionAuthorizationError), "{error}");
    let apps = client.b2b().member_connected_apps(SEED_ORGANIZATION, SEED_ADMIN).await.unwrap();
    assert!(apps.connected_apps.iter().any(|app| app.connected_app_id == SEED_APP), "{apps:?}");
    // And sessions/authenticate names the JWT's own member.
    let who: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/v1/b2b/sessions/authenticate", emulator.url()))
        .basic_auth(SEED_PROJECT_ID, Some(SEED_SECRET))
        .json(&serde_json::json!({"session_jwt": member_jwt}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(who["member"]["member_id"], SEED_MEMBER, "{who}");
}
