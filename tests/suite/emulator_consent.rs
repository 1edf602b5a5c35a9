//! The consent grant on the emulator, and the whole Connected Apps lifecycle end to end through the SDK: create an
//! app, grant consent (a member by session, a user by id), see it listed (B1, B3, C1), use a token minted against
//! it, rotate the app's secret, revoke the consent, delete the app.

use stytch_connected_apps::emulator::*;
use stytch_connected_apps::models::{
    CreateClientRequest, MemberAuthorizeRequest, MemberAuthorizeStartRequest, UserAuthorizeRequest,
};
use stytch_connected_apps::{Client, IntrospectionClient, MemberSession, TokenVerification};

const REDIRECT: &str = "https://partner.example.com/callback";

async fn start() -> (Emulator, Client) {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let client = emulator.client().unwrap();
    (emulator, client)
}

async fn create_app(client: &Client) -> (String, String) {
    let request = CreateClientRequest::builder()
        .client_type("third_party".to_owned())
        .client_name("Partner sync".to_owned())
        .redirect_urls(vec![REDIRECT.to_owned()]);
    let app = client.connected_apps().create(request).await.unwrap().connected_app;
    (app.client_id, app.client_secret.unwrap().into_exposed())
}

fn ask(
    app: &str,
    scopes: &[&str],
) -> stytch_connected_apps::generated::types::builder::ApiB2bIdpV1B2bIdpOauthAuthorizeStartRequest {
    MemberAuthorizeStartRequest::builder()
        .client_id(app.to_owned())
        .redirect_uri(REDIRECT.to_owned())
        .response_type("code".to_owned())
        .scopes(scopes.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
}

fn decide(
    app: &str,
    scopes: &[&str],
    granted: bool,
) -> stytch_connected_apps::generated::types::builder::ApiB2bIdpV1B2bIdpOauthAuthorizeRequest {
    MemberAuthorizeRequest::builder()
        .client_id(app.to_owned())
        .redirect_uri(REDIRECT.to_owned())
        .response_type("code".to_owned())
        .scopes(scopes.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
        .consent_granted(granted)
        .state(Some("s t".to_owned()))
}

fn listed(apps: impl IntoIterator<Item = String>, app: &str) -> bool {
    apps.into_iter().any(|id| id == app)
}

#[tokio::test]
async fn the_lifecycle_create_consent_list_use_rotate_revoke_delete() {
    let (emulator, client) = start().await;
    let (app, secret) = create_app(&client).await;
    let admin = client.as_member(MemberSession::token(SEED_ADMIN_SESSION).unwrap());

    // What the app asks: consent is needed; a scope nobody defined cannot be granted.
    let started = admin.authorize_start(ask(&app, &["openid", "read:documents", "launch:missiles"])).await.unwrap();
    assert!(started.consent_required);
    assert_eq!(started.member_id, SEED_ADMIN);
    assert_eq!(started.client.client_name, "Partner sync");
    let grantable: Vec<(&str, bool)> =
        started.scope_results.iter().map(|r| (r.scope.as_str(), r.is_grantable)).collect();
    assert_eq!(grantable[0], ("openid", true));
    assert_eq!(grantable[2], ("launch:missiles", false));
    // Granting what cannot be granted is refused; granting the rest works.
    assert!(admin.authorize(decide(&app, &["openid", "launch:missiles"], true)).await.is_err());
    let granted = admin.authorize(decide(&app, &["openid", "profile"], true)).await.unwrap();
    let code = granted.authorization_code.expect("a code").into_exposed();
    assert_eq!(granted.redirect_uri.expose(), format!("{REDIRECT}?code={code}&state=s+t"));
    // Asked again, no consent is needed.
    assert!(!admin.authorize_start(ask(&app, &["openid"])).await.unwrap().consent_required);

    // Listed by B1 and B3, with the scopes granted.
    let b1 = client.b2b().organization_connected_apps(SEED_ORGANIZATION).await.unwrap();
    assert!(listed(b1.connected_apps.into_iter().map(|a| a.connected_app_id), &app));
    let b3 = client.b2b().member_connected_apps(SEED_ORGANIZATION, SEED_ADMIN).await.unwrap();
    let mine = b3.connected_apps.iter().find(|a| a.connected_app_id == app).expect("B3 lists it");
    assert_eq!(mine.scopes_granted, "openid profile");

    // A token minted against that consent, introspected as the app with its secret; then across a rotation.
    let token = emulator.issue_member_access_token(SEED_ORGANIZATION, SEED_ADMIN, &app, &["openid"]).unwrap();
    let introspect = |secret: String| {
        let tokens = client
            .b2b_access_tokens()
            .verification(TokenVerification::Network)
            .introspection_client(IntrospectionClient::confidential(app.clone(), secret));
        let token = token.clone();
        async move { tokens.verify(&token).await }
    };
    assert_eq!(introspect(secret.clone()).await.unwrap().subject, SEED_ADMIN);
    let next = client.connected_apps().start_secret_rotation(&app).await.unwrap().connected_app.next_client_secret;
    client.connected_apps().complete_secret_rotation(&app).await.unwrap();
    assert!(introspect(secret).await.is_err(), "the old secret no longer authenticates the app");
    assert_eq!(introspect(next.expose().to_owned()).await.unwrap().subject, SEED_ADMIN);

    // Revoked (B4): gone from B3, and the token is inactive.
    client.b2b().revoke_member_connected_app(SEED_ORGANIZATION, SEED_ADMIN, &app).await.unwrap();
    let b3 = client.b2b().member_connected_apps(SEED_ORGANIZATION, SEED_ADMIN).await.unwrap();
    assert!(!listed(b3.connected_apps.into_iter().map(|a| a.connected_app_id), &app));
    let err = introspect(next.expose().to_owned()).await.unwrap_err();
    assert!(err.as_access_token().is_some(), "{err}");

    // Deleted.
    client.connected_apps().delete(&app).await.unwrap();
    assert_eq!(client.connected_apps().get(&app).await.unwrap_err().status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn a_refusal_redirects_with_access_denied_and_grants_nothing() {
    let (_emulator, client) = start().await;
    let (app, _) = create_app(&client).await;
    let refused =
        client.b2b().authorize(SEED_ORGANIZATION, SEED_MEMBER, decide(&app, &["openid"], false)).await.unwrap();
    assert_eq!(refused.redirect_uri.expose(), format!("{REDIRECT}?error=access_denied&state=s+t"));
    assert!(refused.authorization_code.is_none());
    let b3 = client.b2b().member_connected_apps(SEED_ORGANIZATION, SEED_MEMBER).await.unwrap();
    assert!(!listed(b3.connected_apps.into_iter().map(|a| a.connected_app_id), &app));
}

#[tokio::test]
async fn a_user_grants_consent_by_id_and_c1_lists_it() {
    let (_emulator, client) = start().await;
    let (app, _) = create_app(&client).await;
    let decision = UserAuthorizeRequest::builder()
        .client_id(app.clone())
        .redirect_uri(REDIRECT.to_owned())
        .response_type("code".to_owned())
        .scopes(vec!["openid".to_owned(), "email".to_owned()])
        .consent_granted(true);
    let granted = client.consumer().authorize(SEED_USER, decision).await.unwrap();
    assert!(granted.authorization_code.is_some());
    let c1 = client.consumer().user_connected_apps(SEED_USER).await.unwrap();
    let apps: Vec<(String, String)> =
        c1.connected_apps.into_iter().map(|a| (a.connected_app_id, a.scopes_granted)).collect();
    assert!(apps.contains(&(app.clone(), "openid email".to_owned())), "{apps:?}");
    // C2 revokes the consent the grant recorded: C1 no longer lists it.
    client.consumer().revoke_user_connected_app(SEED_USER, &app).await.unwrap();
    let c1 = client.consumer().user_connected_apps(SEED_USER).await.unwrap();
    assert!(!listed(c1.connected_apps.into_iter().map(|a| a.connected_app_id), &app));
}

#[tokio::test]
async fn the_emulator_refuses_an_unregistered_redirect_an_unknown_app_and_two_subjects() {
    let (_emulator, client) = start().await;
    let (app, _) = create_app(&client).await;
    let status =
        |result: Result<_, stytch_connected_apps::Error>| result.map(drop).unwrap_err().status().map(|s| s.as_u16());
    let elsewhere = ask(&app, &["openid"]).redirect_uri("https://evil.example.com/cb".to_owned());
    assert_eq!(status(client.b2b().authorize_start(SEED_ORGANIZATION, SEED_ADMIN, elsewhere).await), Some(400));
    let unknown = ask("connected-app-test-unknown", &["openid"]);
    assert_eq!(status(client.b2b().authorize_start(SEED_ORGANIZATION, SEED_ADMIN, unknown).await), Some(404));
    let nobody = ask(&app, &["openid"]);
    assert_eq!(status(client.b2b().authorize_start(SEED_ORGANIZATION, "member-test-nobody", nobody).await), Some(404));
}

#[tokio::test]
async fn prompt_consent_asks_again_and_a_first_party_app_may_bypass_offline_access() {
    let (_emulator, client) = start().await;
    let (app, _) = create_app(&client).await;
    let admin = client.as_member(MemberSession::token(SEED_ADMIN_SESSION).unwrap());
    admin.authorize(decide(&app, &["openid"], true)).await.unwrap();
    // Granted before: no consent needed, unless the app asks for it with prompt=consent.
    assert!(!admin.authorize_start(ask(&app, &["openid"])).await.unwrap().consent_required);
    let prompted = admin.authorize_start(ask(&app, &["openid"]).prompt(Some("login consent".to_owned()))).await;
    assert!(prompted.unwrap().consent_required);

    // offline_access needs consent, except for a first-party app that bypasses it; a third-party app cannot.
    let create = |client_type: &str, bypass: bool| {
        CreateClientRequest::builder()
            .client_type(client_type.to_owned())
            .client_name("Offline".to_owned())
            .redirect_urls(vec![REDIRECT.to_owned()])
            .bypass_consent_for_offline_access(Some(bypass))
    };
    for (client_type, bypass, required) in
        [("first_party", true, false), ("first_party", false, true), ("third_party", true, true)]
    {
        let app = client.connected_apps().create(create(client_type, bypass)).await.unwrap().connected_app.client_id;
        let started = admin.authorize_start(ask(&app, &["offline_access"])).await.unwrap();
        assert_eq!(started.consent_required, required, "{client_type}, bypass {bypass}");
        // Another scope still needs consent, bypass or not.
        let started = admin.authorize_start(ask(&app, &["offline_access", "profile"])).await.unwrap();
        assert!(started.consent_required, "{client_type}, bypass {bypass}");
    }
}
