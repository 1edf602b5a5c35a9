//! C1: `GET /v1/users/{user_id}/connected_apps` (handwritten: absent from the B2B spec).

use crate::common::*;
use stytch_connected_apps::MemberSession;

#[tokio::test]
async fn decodes_the_seed_example_and_sends_exactly_the_spec_request() {
    let (server, client) = start().await;
    let mock = server.api_user_v1_connected_apps(|when, then| {
        when.sent_by(&client).user_id(USER);
        then.into_inner().status(200).header("content-type", "application/json").body(fixtures::C1_200);
    });

    let response = client.consumer().user_connected_apps(USER).await.unwrap();

    mock.assert();
    assert_eq!(response.request_id, REQUEST_ID);
    assert_eq!(response.status_code, 200);
    let app = &response.connected_apps[0];
    assert_eq!(app.connected_app_id, APP);
    assert_eq!(app.name, "first-party-confidential-app");
    assert_eq!(app.client_type, "first_party");
    assert_eq!(app.logo_url, None);
    assert_eq!(app.scopes_granted, "openid profile email");
}

#[tokio::test]
async fn never_carries_a_member_session() {
    let (server, client) = start().await;
    let client = client.with_member_session(MemberSession::token(SESSION_TOKEN).unwrap());
    let mock = server.api_user_v1_connected_apps(|when, then| {
        when.sent_by(&client).user_id(USER);
        then.into_inner().status(200).body(fixtures::C1_200);
    });

    client.consumer().user_connected_apps(USER).await.unwrap();

    mock.assert();
}

#[tokio::test]
async fn keeps_unknown_client_types_and_ignores_unknown_fields() {
    let (server, client) = start().await;
    server.api_user_v1_connected_apps(|when, then| {
        when.sent_by(&client).user_id(USER);
        then.into_inner().status(200).json_body(serde_json::json!({
            "status_code": 200, "request_id": REQUEST_ID, "extra": 1,
            "connected_apps": [{
                "client_type": "mcp_dynamic", "connected_app_id": APP, "name": "n", "description": "d",
                "scopes_granted": "", "also_new": null
            }]
        }));
    });

    let response = client.consumer().user_connected_apps(USER).await.unwrap();

    assert_eq!(response.connected_apps[0].client_type, "mcp_dynamic");
    assert_eq!(response.connected_apps[0].logo_url, None, "absent logo_url is None too");
}
