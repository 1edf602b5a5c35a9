//! B4: `POST /v1/b2b/organizations/{organization_id}/members/{member_id}/connected_apps/{connected_app_id}/revoke`.

use crate::common::*;
use stytch_connected_apps::models::ErrorEnvelope;

#[tokio::test]
async fn posts_an_empty_object_and_decodes_the_answer() {
    let (server, client) = start().await;
    let mock = server.api_organization_v1_organizations_members_connected_apps_revoke(|when, then| {
        when.sent_by(&client)
            .organization_id(ORG)
            .member_id(MEMBER)
            .connected_app_id(APP)
            .body(&serde_json::Map::new().into());
        then.into_inner().status(200).body(fixtures::REVOKE_200);
    });

    let response = client.b2b().revoke_member_connected_app(ORG, MEMBER, APP).await.unwrap();

    mock.assert();
    assert_eq!(response.request_id, REQUEST_ID);
    assert_eq!(response.status_code, 200);
}

#[tokio::test]
async fn a_404_for_an_unknown_app_is_typed() {
    let (server, client) = start().await;
    let mock = server.api_organization_v1_organizations_members_connected_apps_revoke(|when, then| {
        when.sent_by(&client)
            .organization_id(ORG)
            .member_id(MEMBER)
            .connected_app_id(APP)
            .body(&serde_json::Map::new().into());
        then.not_found(&ErrorEnvelope::example(404));
    });

    let err = client.b2b().revoke_member_connected_app(ORG, MEMBER, APP).await.unwrap_err();

    mock.assert();
    assert_eq!(err.error_type(), Some(&stytch_connected_apps::ErrorType::ConnectedAppNotFound));
    assert!(!err.is_retryable());
}
