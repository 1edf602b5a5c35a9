//! B4: `POST /v1/b2b/organizations/{organization_id}/members/{member_id}/connected_apps/{connected_app_id}/revoke`.

use crate::common::*;

#[tokio::test]
async fn posts_an_empty_object_and_decodes_the_answer() {
    let (server, client) = start().await;
    let mock = server
        .mock_async(|when, then| {
            Expect::revoke(b4_path(ORG, MEMBER, APP)).matcher(when);
            then.status(200).body(fixtures::REVOKE_200);
        })
        .await;

    let response = client.b2b().revoke_member_connected_app(ORG, MEMBER, APP).await.unwrap();

    mock.assert_async().await;
    assert_eq!(response.request_id, REQUEST_ID);
    assert_eq!(response.status_code, 200);
}

#[tokio::test]
async fn a_404_for_an_unknown_app_is_typed() {
    let (server, client) = start().await;
    let mock = server
        .mock_async(|when, then| {
            Expect::revoke(b4_path(ORG, MEMBER, APP)).matcher(when);
            then.status(404).body(fixtures::E404_APP);
        })
        .await;

    let err = client.b2b().revoke_member_connected_app(ORG, MEMBER, APP).await.unwrap_err();

    mock.assert_async().await;
    assert_eq!(err.error_type(), Some(&stytch_connected_apps::ErrorType::ConnectedAppNotFound));
    assert!(!err.is_retryable());
}
