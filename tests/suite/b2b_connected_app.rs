//! B2: `GET /v1/b2b/organizations/{organization_id}/connected_apps/{connected_app_id}`.

use crate::common::*;

#[tokio::test]
async fn decodes_the_seed_example_without_request_id() {
    let (server, client) = start().await;
    let mock = server.api_organization_v1_get_connected_app(|when, then| {
        when.sent_by(&client).organization_id(ORG).connected_app_id(APP);
        then.into_inner().status(200).header("content-type", "application/json").body(fixtures::B2_200_SEED);
    });

    let app = client.b2b().connected_app(ORG, APP).await.unwrap();

    mock.assert();
    assert_eq!(app.request_id, None, "seed 002's example has no request_id");
    assert_eq!(app.status_code, 123);
    assert_eq!(app.logo_url.as_deref(), Some("<string>"));
    assert_eq!(app.active_members.len(), 1);
    assert_eq!(app.active_members[0].member_id, "<string>");
    assert_eq!(app.active_members[0].granted_scopes, vec!["<string>".to_string()]);
}

#[tokio::test]
async fn decodes_request_id_null_logo_and_the_scopes_array() {
    let (server, client) = start().await;
    let mock = server.api_organization_v1_get_connected_app(|when, then| {
        when.sent_by(&client).organization_id(ORG).connected_app_id(APP);
        then.into_inner().status(200).body(fixtures::B2_200_WITH_REQUEST_ID);
    });

    let app = client.b2b().connected_app(ORG, APP).await.unwrap();

    mock.assert();
    assert_eq!(app.request_id.as_deref(), Some(REQUEST_ID));
    assert_eq!(app.connected_app_id, APP);
    assert_eq!(app.client_type, "first_party");
    assert_eq!(app.logo_url, None);
    assert_eq!(app.active_members[0].member_id, MEMBER);
    assert_eq!(app.active_members[0].granted_scopes, ["openid", "profile", "email"]);
}
