//! The official `stytch` crate reads the emulator's answers as it reads Stytch's: every success of the six
//! Connected Apps endpoints (B1-B4, C1, C2) and of both `sessions/authenticate` calls (by token and by JWT) decodes
//! into its response types, whose `Member`, `Organization`, `MemberSession`, `User` and `Session` require every
//! field upstream marks required (and parse timestamps and enum values); its error type decodes the emulator's
//! envelopes.

use stytch::b2b::{organizations, organizations_members, organizations_members_connected_apps as b2b_revoke};
use stytch::consumer::users;
use stytch_connected_apps::emulator::*;

/// The official B2B and consumer clients, pointed at `emulator`.
fn official(emulator: &Emulator) -> (stytch::b2b::client::Client, stytch::consumer::client::Client) {
    let url = reqwest::Url::parse(emulator.url()).unwrap();
    let http = |vertical| {
        stytch::client::Client::new_with_base_url(SEED_PROJECT_ID, SEED_SECRET, url.clone(), vertical).unwrap()
    };
    let b2b = stytch::b2b::client::Client::new_with_http_client(
        http(stytch::client::Vertical::B2B),
        http(stytch::client::Vertical::B2B),
    );
    let consumer = stytch::consumer::client::Client::new_with_http_client(
        http(stytch::client::Vertical::Consumer),
        http(stytch::client::Vertical::Consumer),
    );
    (b2b, consumer)
}

#[tokio::test]
async fn the_connected_apps_endpoints_decode_with_the_official_types() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let (b2b, consumer) = official(&emulator);
    let org = SEED_ORGANIZATION.to_owned();

    let b1 = b2b.organizations.connected_apps(organizations::ConnectedAppsRequest { organization_id: org.clone() });
    let b1 = b1.await.expect("B1");
    assert_eq!(b1.connected_apps.len(), 2);

    let request =
        organizations::GetConnectedAppRequest { organization_id: org.clone(), connected_app_id: SEED_APP.into() };
    let b2 = b2b.organizations.get_connected_app(request).await.expect("B2");
    assert_eq!(b2.active_members[0].member_id, SEED_ADMIN);
    assert_eq!(b2.active_members[0].granted_scopes, ["openid", "profile", "email"]);

    let request =
        organizations_members::GetConnectedAppsRequest { organization_id: org.clone(), member_id: SEED_ADMIN.into() };
    let b3 = b2b.organizations.members.get_connected_apps(request).await.expect("B3");
    assert_eq!(b3.connected_apps[0].scopes_granted, "openid profile email");

    let request = b2b_revoke::RevokeRequest {
        organization_id: org.clone(),
        member_id: SEED_ADMIN.into(),
        connected_app_id: SEED_APP.into(),
    };
    b2b.organizations.members.connected_apps.revoke(request).await.expect("B4");

    let c1 =
        consumer.users.connected_apps(users::ConnectedAppsRequest { user_id: SEED_USER.into() }).await.expect("C1");
    assert_eq!(c1.connected_apps.len(), 1);
    let request = users::RevokeRequest { user_id: SEED_USER.into(), connected_app_id: SEED_APP.into() };
    consumer.users.revoke(request).await.expect("C2");

    // The revocations took: the emulator's state, read through the official types.
    let request = organizations_members::GetConnectedAppsRequest { organization_id: org, member_id: SEED_ADMIN.into() };
    assert!(b2b.organizations.members.get_connected_apps(request).await.unwrap().connected_apps.is_empty());
}

#[tokio::test]
async fn both_authenticate_answers_decode_with_the_official_types() {
    let fixture = Fixture::seed();
    let emulator = Emulator::start(fixture.clone()).await.unwrap();
    let (b2b, consumer) = official(&emulator);

    let by_token = stytch::b2b::sessions::AuthenticateRequest {
        session_token: Some(SEED_ADMIN_SESSION.into()),
        ..Default::default()
    };
    let answer = b2b.sessions.authenticate(by_token).await.expect("B2B authenticate by token");
    assert_eq!(answer.member.member_id, SEED_ADMIN);
    assert_eq!(answer.member.email_address, "admin@acme.example");
    assert!(answer.member.is_admin);
    assert_eq!(answer.organization.organization_slug, "acme");
    assert_eq!(answer.member_session.organization_id, SEED_ORGANIZATION);

    let jwt = fixture.session_of(SEED_OTHER_ADMIN).unwrap().session_jwt.clone().unwrap().into_exposed();
    let by_jwt = stytch::b2b::sessions::AuthenticateRequest { session_jwt: Some(jwt), ..Default::default() };
    let answer = b2b.sessions.authenticate(by_jwt).await.expect("B2B authenticate by JWT");
    assert_eq!(answer.member.member_id, SEED_OTHER_ADMIN);

    let by_token = stytch::consumer::sessions::AuthenticateRequest {
        session_token: Some(SEED_USER_SESSION.into()),
        ..Default::default()
    };
    let answer = consumer.sessions.authenticate(by_token).await.expect("consumer authenticate");
    assert_eq!(answer.user.user_id, SEED_USER);
    assert_eq!(answer.user.emails[0].email, "user@example.com");
}

#[tokio::test]
async fn the_official_error_type_decodes_the_emulators_envelopes() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let (b2b, consumer) = official(&emulator);
    let request = organizations::ConnectedAppsRequest { organization_id: "organization-test-nope".into() };
    match b2b.organizations.connected_apps(request).await {
        Err(stytch::Error::Response(error)) => {
            assert_eq!((error.status_code.as_u16(), error.error_type.as_str()), (404, "organization_not_found"));
            assert!(error.request_id.starts_with("request-id-test-"), "{error:?}");
        }
        other => panic!("expected a 404 envelope, got {other:?}"),
    }
    emulator.script(Endpoint::UserConnectedApps, [Fault::too_many_requests(1)]);
    match consumer.users.connected_apps(users::ConnectedAppsRequest { user_id: SEED_USER.into() }).await {
        Err(stytch::Error::Response(error)) => {
            assert_eq!(error.status_code.as_u16(), 429);
            assert_eq!(error.error_message, "Too many requests have been made.");
        }
        other => panic!("expected a 429 envelope, got {other:?}"),
    }
}
