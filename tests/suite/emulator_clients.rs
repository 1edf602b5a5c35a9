//! Connected Apps clients on the emulator, through the SDK: create, read, update, search by cursor, Stytch's secret
//! rotation (both secrets valid during it, the old one refused after completion, the next one dropped by a cancel),
//! and delete (the app leaves every consent list, and its tokens turn inactive). Faults: a read is retried, a create
//! is not.

use futures_util::TryStreamExt;
use stytch_connected_apps::emulator::*;
use stytch_connected_apps::models::{CreateClientRequest, UpdateClientRequest};
use stytch_connected_apps::{Client, Error, IntrospectionClient, TokenVerification};

async fn start() -> (Emulator, Client) {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let client = emulator.client().unwrap();
    (emulator, client)
}

fn third_party(
    name: &str,
) -> stytch_connected_apps::generated::types::builder::ApiConnectedappsV1ConnectedAppsClientsCreateRequest {
    CreateClientRequest::builder()
        .client_type("third_party".to_owned())
        .client_name(name.to_owned())
        .redirect_urls(vec!["https://partner.example.com/callback".to_owned()])
}

/// Introspects a token of the seed app as `app_id` with `secret`: `Ok(true)` active, `Err` when the app could not
/// authenticate.
async fn introspect_as(client: &Client, token: &str, app_id: &str, secret: &str) -> Result<bool, Error> {
    let tokens = client
        .b2b_access_tokens()
        .verification(TokenVerification::Network)
        .introspection_client(IntrospectionClient::confidential(app_id, secret));
    match tokens.verify(token).await {
        Ok(_) => Ok(true),
        Err(e) if e.as_access_token().is_some() => Ok(false),
        Err(e) => Err(e),
    }
}

#[tokio::test]
async fn a_created_app_is_read_updated_and_listed_and_its_secret_shown_once() {
    let (emulator, client) = start().await;
    let apps = client.connected_apps();
    let created = apps.create(third_party("Partner sync")).await.unwrap().connected_app;
    let secret = created.client_secret.clone().expect("a confidential app has a secret");
    assert!(secret.expose().starts_with("secret-test-"));
    assert_eq!(created.client_secret_last_four.as_deref(), Some(&secret.expose()[secret.expose().len() - 4..]));
    assert_eq!(created.redirect_urls, ["https://partner.example.com/callback"]);

    let read = apps.get(&created.client_id).await.unwrap().connected_app;
    assert_eq!((read.client_name.as_str(), read.status.as_str()), ("Partner sync", "active"));
    assert_eq!(read.client_secret_last_four, created.client_secret_last_four);
    let answer = format!("{:?}", emulator.requests());
    assert!(!answer.contains(secret.expose()), "the request log keeps no secret");

    let update =
        UpdateClientRequest::builder().client_name("Partner sync v2".to_owned()).access_token_expiry_minutes(30);
    let updated = apps.update(&created.client_id, update).await.unwrap().connected_app;
    assert_eq!((updated.client_name.as_str(), updated.access_token_expiry_minutes), ("Partner sync v2", 30));
    assert_eq!(updated.redirect_urls, ["https://partner.example.com/callback"], "fields left out keep their value");

    // A public app has no secret.
    let public = CreateClientRequest::builder().client_type("first_party_public".to_owned());
    assert!(apps.create(public).await.unwrap().connected_app.client_secret.is_none());
    // An unknown client type is Stytch's 400.
    let err = apps.create(CreateClientRequest::builder().client_type("robot".to_owned())).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err}");

    // Every app, seed ones included, by pages of two.
    let all: Vec<_> = apps.clone().all(Some(2)).try_collect().await.unwrap();
    let seed = Fixture::seed().connected_apps.len();
    assert_eq!(all.len(), seed + 2);
    assert!(all.iter().any(|app| app.client_id == created.client_id));
    let searches = emulator.requests().iter().filter(|r| r.endpoint == Some(Endpoint::SearchClients)).count();
    assert_eq!(searches, (seed + 2).div_ceil(2));
}

#[tokio::test]
async fn a_rotation_keeps_both_secrets_until_it_completes_and_a_cancel_drops_the_next() {
    let (emulator, client) = start().await;
    let token = emulator.issue_member_access_token(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP, &["openid"]).unwrap();
    let apps = client.connected_apps();
    let started = apps.start_secret_rotation(SEED_APP).await.unwrap().connected_app;
    let next = started.next_client_secret.expose().to_owned();
    assert_ne!(next, SEED_APP_SECRET);
    let state = apps.get(SEED_APP).await.unwrap().connected_app;
    assert_eq!(state.next_client_secret_last_four.as_deref(), Some(&next[next.len() - 4..]), "visible from get");
    // Both work while the rotation is under way; a second start is refused.
    assert!(introspect_as(&client, &token, SEED_APP, SEED_APP_SECRET).await.unwrap());
    assert!(introspect_as(&client, &token, SEED_APP, &next).await.unwrap());
    let err = apps.start_secret_rotation(SEED_APP).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err}");

    apps.complete_secret_rotation(SEED_APP).await.unwrap();
    assert!(introspect_as(&client, &token, SEED_APP, SEED_APP_SECRET).await.is_err(), "the old secret is refused");
    assert!(introspect_as(&client, &token, SEED_APP, &next).await.unwrap());
    assert_eq!(apps.get(SEED_APP).await.unwrap().connected_app.next_client_secret_last_four, None);
    assert!(apps.complete_secret_rotation(SEED_APP).await.is_err(), "nothing left to complete");

    // A cancelled rotation: the next secret never works again, the current one stays.
    let abandoned = apps.start_secret_rotation(SEED_APP).await.unwrap().connected_app.next_client_secret;
    apps.cancel_secret_rotation(SEED_APP).await.unwrap();
    assert!(introspect_as(&client, &token, SEED_APP, abandoned.expose()).await.is_err());
    assert!(introspect_as(&client, &token, SEED_APP, &next).await.unwrap());
}

/// The rotation's promise on a failure halfway: a completion that fails (here a 503 before Stytch ran it) leaves the
/// rotation under way, both secrets working, and `get` says so; completing again finishes it.
#[tokio::test]
async fn a_completion_that_fails_halfway_leaves_both_secrets_working() {
    let (emulator, client) = start().await;
    let token = emulator.issue_member_access_token(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP, &["openid"]).unwrap();
    let apps = client.connected_apps();
    let next = apps.start_secret_rotation(SEED_APP).await.unwrap().connected_app.next_client_secret.into_exposed();
    emulator.script(Endpoint::CompleteSecretRotation, [Fault::status(503)]);
    let err = apps.complete_secret_rotation(SEED_APP).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(!err.is_retryable(), "a completion may have run: read the app back before trying again");
    let state = apps.get(SEED_APP).await.unwrap().connected_app;
    assert_eq!(state.next_client_secret_last_four.as_deref(), Some(&next[next.len() - 4..]), "still under way");
    assert!(introspect_as(&client, &token, SEED_APP, SEED_APP_SECRET).await.unwrap());
    assert!(introspect_as(&client, &token, SEED_APP, &next).await.unwrap());
    apps.complete_secret_rotation(SEED_APP).await.unwrap();
    assert!(introspect_as(&client, &token, SEED_APP, &next).await.unwrap());
    assert!(introspect_as(&client, &token, SEED_APP, SEED_APP_SECRET).await.is_err());
}

#[tokio::test]
async fn a_deleted_app_leaves_every_consent_list_and_its_tokens_turn_inactive() {
    let (emulator, client) = start().await;
    let listed = |apps: Vec<String>| apps.contains(&SEED_APP.to_owned());
    let b1 = client.b2b().organization_connected_apps(SEED_ORGANIZATION).await.unwrap();
    assert!(listed(b1.connected_apps.iter().map(|a| a.connected_app_id.clone()).collect()));
    let c1 = client.consumer().user_connected_apps(SEED_USER).await.unwrap();
    assert!(listed(c1.connected_apps.iter().map(|a| a.connected_app_id.clone()).collect()));
    let token = emulator.issue_member_access_token(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP, &["openid"]).unwrap();

    assert_eq!(client.connected_apps().delete(SEED_APP).await.unwrap().client_id, SEED_APP);
    let b1 = client.b2b().organization_connected_apps(SEED_ORGANIZATION).await.unwrap();
    assert!(!listed(b1.connected_apps.iter().map(|a| a.connected_app_id.clone()).collect()));
    let b3 = client.b2b().member_connected_apps(SEED_ORGANIZATION, SEED_ADMIN).await.unwrap();
    assert!(!listed(b3.connected_apps.iter().map(|a| a.connected_app_id.clone()).collect()));
    let c1 = client.consumer().user_connected_apps(SEED_USER).await.unwrap();
    assert!(!listed(c1.connected_apps.iter().map(|a| a.connected_app_id.clone()).collect()));
    let err = client.connected_apps().get(SEED_APP).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err}");
    // Its tokens: another app asking about them hears `active: false`.
    let other = IntrospectionClient::public(SEED_THIRD_PARTY_APP);
    let tokens = client.b2b_access_tokens().verification(TokenVerification::Network).introspection_client(other);
    assert!(tokens.verify(&token).await.unwrap_err().as_access_token().is_some());
}

#[tokio::test]
async fn a_read_is_retried_after_a_fault_and_a_create_is_not() {
    let (emulator, client) = start().await;
    emulator.script(Endpoint::GetClient, [Fault::status(503)]);
    client.connected_apps().get(SEED_APP).await.unwrap();
    emulator.script(Endpoint::CreateClient, [Fault::status(503)]);
    let err = client.connected_apps().create(third_party("Once")).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    let calls: Vec<(Option<Endpoint>, u16)> = emulator.requests().iter().map(|r| (r.endpoint, r.status)).collect();
    assert_eq!(
        calls,
        [(Some(Endpoint::GetClient), 503), (Some(Endpoint::GetClient), 200), (Some(Endpoint::CreateClient), 503),]
    );
    // The app list is unchanged: the create never ran twice, and the one that failed never ran.
    let all: Vec<_> = client.connected_apps().all(None).try_collect().await.unwrap();
    assert_eq!(all.len(), Fixture::seed().connected_apps.len());
}

/// A fixture's secret may be any text: its last four characters are shown, never a split character.
#[tokio::test]
async fn a_short_or_non_ascii_secret_is_shown_by_its_last_four_characters() {
    for (secret, last_four) in [("é€", "é€"), ("sécrèt-ünïcödé", "cödé")] {
        let emulator = Emulator::start(Fixture::seed().client_secret(SEED_APP, secret)).await.unwrap();
        let client = emulator.client().unwrap();
        let app = client.connected_apps().get(SEED_APP).await.unwrap().connected_app;
        assert_eq!(app.client_secret_last_four.as_deref(), Some(last_four), "{secret}");
    }
}

/// A confidential app must present a secret to introspect: none at all is refused, during a rotation too.
#[tokio::test]
async fn a_confidential_app_without_its_secret_cannot_introspect() {
    let (emulator, client) = start().await;
    let token = emulator.issue_member_access_token(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP, &["openid"]).unwrap();
    let tokens = client
        .b2b_access_tokens()
        .verification(TokenVerification::Network)
        .introspection_client(IntrospectionClient::public(SEED_APP));
    for rotating in [false, true] {
        if rotating {
            client.connected_apps().start_secret_rotation(SEED_APP).await.unwrap();
        }
        let err = tokens.verify(&token).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "rotating: {rotating}: {err}");
    }
}
