//! The SDK against the emulator, end to end: every endpoint, ids by slug and external id, revocation reflected in
//! later lists, 401 and 404 envelopes, fresh request ids.

use std::collections::BTreeSet;

use stytch_connected_apps::emulator::*;
use stytch_connected_apps::{Client, ErrorType};

async fn start() -> (Emulator, Client) {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let client = emulator.client().unwrap();
    (emulator, client)
}

#[tokio::test]
async fn every_endpoint_answers_with_the_seed_world() {
    let (_emulator, client) = start().await;
    let b2b = client.b2b();

    let org = b2b.organization_connected_apps(SEED_ORGANIZATION).await.unwrap();
    let ids: Vec<&str> = org.connected_apps.iter().map(|a| a.connected_app_id.as_str()).collect();
    assert_eq!(ids, [SEED_APP, SEED_THIRD_PARTY_APP]);
    assert_eq!(org.connected_apps[0].logo_url, None);
    assert_eq!(org.connected_apps[1].logo_url.as_deref(), Some("https://calendar.example/logo.png"));
    assert_eq!(org.connected_apps[1].client_type, "third_party");

    let app = b2b.connected_app(SEED_ORGANIZATION, SEED_APP).await.unwrap();
    assert_eq!(app.name, "first-party-confidential-app");
    assert_eq!(app.active_members.len(), 1);
    assert_eq!(app.active_members[0].member_id, SEED_ADMIN);
    assert_eq!(app.active_members[0].granted_scopes, ["openid", "profile", "email"]);
    assert!(app.request_id.is_some());

    let mine = b2b.member_connected_apps(SEED_ORGANIZATION, SEED_ADMIN).await.unwrap();
    assert_eq!(mine.connected_apps.len(), 1);
    assert_eq!(mine.connected_apps[0].scopes_granted, "openid profile email");

    let user = client.consumer().user_connected_apps(SEED_USER).await.unwrap();
    assert_eq!(user.connected_apps.len(), 1);
    assert_eq!(user.connected_apps[0].scopes_granted, "openid profile email");
}

#[tokio::test]
async fn ids_resolve_by_slug_and_external_id() {
    let (_emulator, client) = start().await;
    let by_slug = client.b2b().organization_connected_apps("acme").await.unwrap();
    let by_external = client.b2b().organization_connected_apps("acme-external").await.unwrap();
    assert_eq!(by_slug.connected_apps, by_external.connected_apps);
    let by_email = client.b2b().member_connected_apps("acme", "admin@acme.example").await.unwrap();
    assert_eq!(by_email.connected_apps[0].connected_app_id, SEED_APP);
    let user = client.consumer().user_connected_apps("user@example.com").await.unwrap();
    assert_eq!(user.connected_apps.len(), 1);
}

#[tokio::test]
async fn a_revoke_is_reflected_in_every_later_list() {
    let (emulator, client) = start().await;

    client.b2b().revoke_member_connected_app("acme", SEED_ADMIN, SEED_APP).await.unwrap();

    let org = client.b2b().organization_connected_apps(SEED_ORGANIZATION).await.unwrap();
    assert_eq!(
        org.connected_apps.iter().map(|a| a.connected_app_id.as_str()).collect::<Vec<_>>(),
        [SEED_THIRD_PARTY_APP]
    );
    assert!(client.b2b().member_connected_apps(SEED_ORGANIZATION, SEED_ADMIN).await.unwrap().connected_apps.is_empty());
    assert!(client.b2b().connected_app(SEED_ORGANIZATION, SEED_APP).await.unwrap().active_members.is_empty());
    // Revoking again is not an error: the effect is the same.
    client.b2b().revoke_member_connected_app(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP).await.unwrap();

    client.consumer().revoke_user_connected_app(SEED_USER, SEED_APP).await.unwrap();
    assert!(client.consumer().user_connected_apps(SEED_USER).await.unwrap().connected_apps.is_empty());
    assert_eq!(emulator.fixture().authorizations.len(), 1, "only the member's third-party app is left");
}

#[tokio::test]
async fn unknown_ids_are_404s_of_the_right_type() {
    let (_emulator, client) = start().await;
    let cases = [
        (client.b2b().organization_connected_apps("nope").await.unwrap_err(), ErrorType::OrganizationNotFound),
        (
            client.b2b().connected_app(SEED_ORGANIZATION, "connected-app-test-nope").await.unwrap_err(),
            ErrorType::ConnectedAppNotFound,
        ),
        (
            client.b2b().member_connected_apps(SEED_ORGANIZATION, "member-test-nope").await.unwrap_err(),
            ErrorType::MemberNotFound,
        ),
        (
            client
                .b2b()
                .revoke_member_connected_app(SEED_ORGANIZATION, SEED_ADMIN, "connected-app-test-nope")
                .await
                .unwrap_err(),
            ErrorType::ConnectedAppNotFound,
        ),
        (client.consumer().user_connected_apps("user-test-nope").await.unwrap_err(), ErrorType::UserNotFound),
        (
            client.consumer().revoke_user_connected_app(SEED_USER, "connected-app-test-nope").await.unwrap_err(),
            ErrorType::ConnectedAppNotFound,
        ),
    ];
    for (err, expected) in cases {
        assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err}");
        assert_eq!(err.error_type(), Some(&expected), "{err}");
        assert!(err.request_id().is_some_and(|id| id.starts_with("request-id-test-")));
    }
}

#[tokio::test]
async fn wrong_credentials_are_401_and_every_answer_has_a_fresh_request_id() {
    let (emulator, client) = start().await;
    let wrong = Client::builder(SEED_PROJECT_ID, "secret-test-wrong").base_url(emulator.url()).build().unwrap();
    let err = wrong.b2b().organization_connected_apps(SEED_ORGANIZATION).await.unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::UnauthorizedCredentials));
    let err = wrong.consumer().user_connected_apps(SEED_USER).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));

    let mut ids = BTreeSet::new();
    for _ in 0..20 {
        ids.insert(client.b2b().organization_connected_apps(SEED_ORGANIZATION).await.unwrap().request_id);
    }
    assert_eq!(ids.len(), 20);
}

#[tokio::test]
async fn a_fixture_file_round_trips_and_the_builder_builds_worlds() {
    let fixture = Fixture::seed();
    assert_eq!(Fixture::from_json(&fixture.to_json()).unwrap(), fixture);

    let world = Fixture::new("project-test-x", "secret-x")
        .organization("organization-test-a", None, None)
        .member("organization-test-a", "member-test-a", None, &[])
        .connected_app("connected-app-test-a", "a", "", "first_party_public", None)
        .member_authorization("organization-test-a", "member-test-a", "connected-app-test-a", &["openid"]);
    let emulator = Emulator::start(world).await.unwrap();
    let apps =
        emulator.client().unwrap().b2b().member_connected_apps("organization-test-a", "member-test-a").await.unwrap();
    assert_eq!(apps.connected_apps[0].client_type, "first_party_public");
    assert_eq!(apps.connected_apps[0].scopes_granted, "openid");
}

#[tokio::test]
async fn a_path_segment_that_is_not_utf8_is_a_400_not_a_crash() {
    let (emulator, client) = start().await;
    let response = reqwest::Client::new()
        .get(format!("{}/v1/users/%FF%FE/connected_apps", emulator.url()))
        .basic_auth(SEED_PROJECT_ID, Some(SEED_SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error_type"], "invalid_path");
    // The emulator keeps serving.
    client.consumer().user_connected_apps(SEED_USER).await.unwrap();
    assert_eq!(emulator.requests()[0].endpoint, Some(Endpoint::UserConnectedApps));
}
