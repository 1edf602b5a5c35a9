//! B1: `GET /v1/b2b/organizations/{organization_id}/connected_apps`.

use crate::common::*;

#[tokio::test]
async fn decodes_the_seed_example_and_sends_exactly_the_spec_request() {
    let (server, client) = start().await;
    let mock = server.api_organization_v1_connected_apps(|when, then| {
        when.sent_by(&client).organization_id(ORG);
        then.into_inner().status(200).header("content-type", "application/json").body(fixtures::B1_200);
    });

    let response = client.b2b().organization_connected_apps(ORG).await.unwrap();

    mock.assert();
    assert_eq!(response.status_code, 200);
    assert_eq!(response.request_id, REQUEST_ID);
    assert_eq!(response.connected_apps.len(), 1);
    let app = &response.connected_apps[0];
    assert_eq!(app.connected_app_id, APP);
    assert_eq!(app.name, "first-party-confidential-app");
    assert_eq!(app.description, "A first party connected app");
    assert_eq!(app.client_type, "first_party");
    assert_eq!(app.logo_url, None, "`logo_url: null` decodes as None");
}

#[tokio::test]
async fn keeps_unknown_client_types_and_ignores_unknown_fields() {
    let (server, client) = start().await;
    let body = serde_json::json!({
        "status_code": 200,
        "request_id": REQUEST_ID,
        "brand_new_top_level_field": {"nested": true},
        "connected_apps": [{
            "client_type": "fourth_party_quantum",
            "connected_app_id": APP,
            "name": "future-app",
            "description": "",
            "logo_url": "https://example.com/logo.png",
            "brand_new_app_field": [1, 2, 3]
        }]
    });
    let mock = server.api_organization_v1_connected_apps(|when, then| {
        when.sent_by(&client).organization_id(ORG);
        then.into_inner().status(200).json_body(body);
    });

    let response = client.b2b().organization_connected_apps(ORG).await.unwrap();

    mock.assert();
    let app = &response.connected_apps[0];
    assert_eq!(app.client_type, "fourth_party_quantum");
    assert_eq!(app.logo_url.as_deref(), Some("https://example.com/logo.png"));
}

#[tokio::test]
async fn an_empty_list_is_an_empty_list() {
    let (server, client) = start().await;
    let mock = server.api_organization_v1_connected_apps(|when, then| {
        when.sent_by(&client).organization_id(ORG);
        then.into_inner()
            .status(200)
            .json_body(serde_json::json!({"status_code": 200, "request_id": REQUEST_ID, "connected_apps": []}));
    });

    let response = client.b2b().organization_connected_apps(ORG).await.unwrap();

    mock.assert();
    assert!(response.connected_apps.is_empty());
}

#[tokio::test]
async fn the_old_prose_field_name_is_not_the_wire_name() {
    // Old docs call the list `organization_connected_apps`; the wire name is `connected_apps`. A body with only the
    // prose name is not the documented response, and says so with its status.
    let (server, client) = start().await;
    server.api_organization_v1_connected_apps(|when, then| {
        when.sent_by(&client).organization_id(ORG);
        then.into_inner().status(200).json_body(serde_json::json!({
            "status_code": 200, "request_id": REQUEST_ID, "organization_connected_apps": []
        }));
    });

    let err = client.b2b().organization_connected_apps(ORG).await.unwrap_err();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    let stytch_connected_apps::Error::UnexpectedBody(body) = &err else { panic!("{err:?}") };
    assert!(body.reason.contains("connected_apps"), "{}", body.reason);
    assert!(body.body_excerpt.contains("organization_connected_apps"));
}
