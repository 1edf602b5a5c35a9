//! The `mock` feature for the Connected Apps clients and the consent grant: each operation's typed mock, with
//! `sent_by` and its typed body, matches what the SDK sends; its documented `example()` answer decodes, with the
//! returned secrets in it (a mock answers with what Stytch would send, so `ClientSecret`s serialize there); and a
//! request that differs from the SDK's (a body on a `DELETE`, a rotation step whose body is not `{}`) does not
//! match.

use httpmock::MockServer;
use stytch_connected_apps::mock::{self, MockServerExt, SdkRequest};
use stytch_connected_apps::models::{
    CreateClientRequest, CreateClientResponse, DeleteClientResponse, GetClientResponse, MemberAuthorizeRequest,
    MemberAuthorizeResponse, MemberAuthorizeStartRequest, MemberAuthorizeStartResponse, RotateSecretCancelResponse,
    RotateSecretResponse, RotateSecretStartResponse, SearchClientsRequest, SearchClientsResponse, UpdateClientRequest,
    UpdateClientResponse, UserAuthorizeRequest, UserAuthorizeResponse, UserAuthorizeStartRequest,
    UserAuthorizeStartResponse,
};
use stytch_connected_apps::{Client, MemberSession};

const APP: &str = "connected-app-test-d731954d-dab3-4a2b-bdee-07f3ad1be885";

async fn start() -> (MockServer, Client) {
    let server = MockServer::start_async().await;
    let client = mock::client_builder(&server).build().unwrap();
    (server, client)
}

#[tokio::test]
async fn each_client_operation_mock_matches_the_sdks_request_and_answers_its_example() {
    let (server, client) = start().await;
    let create_body: CreateClientRequest = CreateClientRequest::builder()
        .client_type("third_party".to_owned())
        .client_name("Partner sync".to_owned())
        .try_into()
        .unwrap();
    let create = server.api_connectedapps_v1_connected_apps_clients_create(|when, then| {
        when.sent_by(&client).body(&create_body);
        then.ok(&CreateClientResponse::example());
    });
    let get = server.api_connectedapps_v1_connected_apps_clients_get(|when, then| {
        when.sent_by(&client).client_id(APP);
        then.ok(&GetClientResponse::example());
    });
    let update_body: UpdateClientRequest =
        UpdateClientRequest::builder().client_name(Some("Partner sync v2".to_owned())).try_into().unwrap();
    let update = server.api_connectedapps_v1_connected_apps_clients_update(|when, then| {
        when.sent_by(&client).client_id(APP).body(&update_body);
        then.ok(&UpdateClientResponse::example());
    });
    let delete = server.api_connectedapps_v1_connected_apps_clients_delete(|when, then| {
        when.sent_by(&client).client_id(APP);
        then.ok(&DeleteClientResponse::example());
    });
    let search_body: SearchClientsRequest = SearchClientsRequest::builder().limit(Some(2)).try_into().unwrap();
    let search = server.api_connectedapps_v1_connected_apps_clients_search(|when, then| {
        when.sent_by(&client).body(&search_body);
        then.ok(&SearchClientsResponse::example());
    });
    let rotate_start = server.api_connectedapps_v1_connected_apps_clients_secrets_rotate_start(|when, then| {
        when.sent_by(&client).client_id(APP);
        then.ok(&RotateSecretStartResponse::example());
    });
    let rotate = server.api_connectedapps_v1_connected_apps_clients_secrets_rotate(|when, then| {
        when.sent_by(&client).client_id(APP);
        then.ok(&RotateSecretResponse::example());
    });
    let cancel = server.api_connectedapps_v1_connected_apps_clients_secrets_rotate_cancel(|when, then| {
        when.sent_by(&client).client_id(APP);
        then.ok(&RotateSecretCancelResponse::example());
    });

    let apps = client.connected_apps();
    let created = apps.create(create_body.clone()).await.unwrap();
    assert_eq!(created, CreateClientResponse::example());
    let secret = created.connected_app.client_secret.as_ref().unwrap();
    assert_eq!(secret.expose(), "secret-test-5fDw2oWpn6HcdNuTB8wEhPmDWcmTpgv7Qx");
    assert!(!format!("{created:?}").contains(secret.expose()));
    assert_eq!(apps.get(APP).await.unwrap(), GetClientResponse::example());
    assert_eq!(apps.update(APP, update_body.clone()).await.unwrap(), UpdateClientResponse::example());
    assert_eq!(apps.search(search_body.clone()).await.unwrap(), SearchClientsResponse::example());
    let started = apps.start_secret_rotation(APP).await.unwrap();
    assert_eq!(started.connected_app.next_client_secret.expose(), "secret-test-NextQ9rAa2bCc3dDd4eEe5fFf6gGg7hHh8iJ");
    assert_eq!(apps.complete_secret_rotation(APP).await.unwrap(), RotateSecretResponse::example());
    assert_eq!(apps.cancel_secret_rotation(APP).await.unwrap(), RotateSecretCancelResponse::example());
    assert_eq!(apps.delete(APP).await.unwrap().client_id, APP);
    for mock in [&create, &get, &update, &delete, &search, &rotate_start, &rotate, &cancel] {
        mock.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn a_request_unlike_the_sdks_does_not_match_the_client_mocks() {
    let (server, client) = start().await;
    let delete = server.api_connectedapps_v1_connected_apps_clients_delete(|when, then| {
        when.sent_by(&client).client_id(APP);
        then.ok(&DeleteClientResponse::example());
    });
    let rotate_start = server.api_connectedapps_v1_connected_apps_clients_secrets_rotate_start(|when, then| {
        when.sent_by(&client).client_id(APP);
        then.ok(&RotateSecretStartResponse::example());
    });
    let http = reqwest::Client::new();
    let authorization = format!("Basic {}", base64_credentials());
    let base = server.base_url();
    let with_sdk_headers = |request: reqwest::RequestBuilder| {
        request
            .header("authorization", &authorization)
            .header("user-agent", concat!("stytch-connected-apps/", env!("CARGO_PKG_VERSION"), " (rust)"))
            .header("accept", "application/json")
    };
    // A DELETE with a body; a rotation start whose body is not `{}`; and, for contrast, the SDK's own.
    let deleted_with_body = with_sdk_headers(http.delete(format!("{base}/v1/connected_apps/clients/{APP}")))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted_with_body.status(), 404);
    let started_with_fields =
        with_sdk_headers(http.post(format!("{base}/v1/connected_apps/clients/{APP}/secrets/rotate/start")))
            .header("content-type", "application/json")
            .body(r#"{"client_secret":"x"}"#)
            .send()
            .await
            .unwrap();
    assert_eq!(started_with_fields.status(), 404);
    delete.assert_calls_async(0).await;
    rotate_start.assert_calls_async(0).await;
    client.connected_apps().delete(APP).await.unwrap();
    client.connected_apps().start_secret_rotation(APP).await.unwrap();
    delete.assert_calls_async(1).await;
    rotate_start.assert_calls_async(1).await;
}

fn base64_credentials() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", mock::PROJECT_ID, mock::SECRET))
}

#[tokio::test]
async fn the_consent_grant_mocks_match_the_sdks_request_by_session_and_by_id() {
    let (server, client) = start().await;
    let session = MemberSession::token("session-token-of-the-member-consenting").unwrap();
    // What `as_member(session).authorize_start(...)` sends: the request with the session in the body.
    let start_body: MemberAuthorizeStartRequest = MemberAuthorizeStartRequest::builder()
        .client_id(APP.to_owned())
        .redirect_uri("https://partner.example.com/callback".to_owned())
        .response_type("code".to_owned())
        .scopes(vec!["openid".to_owned(), "read:calendar".to_owned()])
        .session_token(Some(session.expose().into()))
        .try_into()
        .unwrap();
    let member_start = server.api_b2b_idp_v1_b2b_idp_oauth_authorize_start(|when, then| {
        when.sent_by(&client).body(&start_body);
        then.ok(&MemberAuthorizeStartResponse::example());
    });
    let decide_body: MemberAuthorizeRequest = MemberAuthorizeRequest::builder()
        .client_id(APP.to_owned())
        .redirect_uri("https://partner.example.com/callback".to_owned())
        .response_type("code".to_owned())
        .scopes(vec!["openid".to_owned(), "read:calendar".to_owned()])
        .consent_granted(true)
        .state(Some("af0ifjsldkj".to_owned()))
        .session_token(Some(session.expose().into()))
        .try_into()
        .unwrap();
    let member_decide = server.api_b2b_idp_v1_b2b_idp_oauth_authorize(|when, then| {
        when.sent_by(&client).body(&decide_body);
        then.ok(&MemberAuthorizeResponse::example());
    });
    let user_body: UserAuthorizeStartRequest = UserAuthorizeStartRequest::builder()
        .client_id(APP.to_owned())
        .redirect_uri("https://partner.example.com/callback".to_owned())
        .response_type("code".to_owned())
        .scopes(vec!["openid".to_owned()])
        .user_id(Some("user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6".to_owned()))
        .try_into()
        .unwrap();
    let user_start = server.api_idp_v1_idp_oauth_authorize_start(|when, then| {
        when.sent_by(&client).body(&user_body);
        then.ok(&UserAuthorizeStartResponse::example());
    });

    let user_decision: UserAuthorizeRequest = UserAuthorizeRequest::builder()
        .client_id(APP.to_owned())
        .redirect_uri("https://partner.example.com/callback".to_owned())
        .response_type("code".to_owned())
        .scopes(vec!["openid".to_owned()])
        .consent_granted(true)
        .state(Some("af0ifjsldkj".to_owned()))
        .user_id(Some("user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6".to_owned()))
        .try_into()
        .unwrap();
    let user_decide = server.api_idp_v1_idp_oauth_authorize(|when, then| {
        when.sent_by(&client).body(&user_decision);
        then.ok(&UserAuthorizeResponse::example());
    });

    let as_member = client.as_member(session.clone());
    let asked = as_member.authorize_start(start_body.clone()).await.unwrap();
    assert!(asked.consent_required);
    assert_eq!(asked.client.client_name, "Partner sync");
    let decided = as_member.authorize(decide_body.clone()).await.unwrap();
    let code = decided.authorization_code.as_ref().unwrap().expose();
    assert!(decided.redirect_uri.expose().contains(&format!("code={code}")));
    assert!(!format!("{decided:?}").contains(code));
    let user = client
        .consumer()
        .authorize_start("user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6", user_body.clone())
        .await
        .unwrap();
    assert_eq!(user, UserAuthorizeStartResponse::example());
    let user_code = client
        .consumer()
        .authorize("user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6", user_decision.clone())
        .await
        .unwrap();
    assert_eq!(user_code, UserAuthorizeResponse::example());
    user_decide.assert_calls_async(1).await;
    member_start.assert_calls_async(1).await;
    member_decide.assert_calls_async(1).await;
    user_start.assert_calls_async(1).await;
}
