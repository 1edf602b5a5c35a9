//! C2: `POST /v1/users/{user_id}/connected_apps/{connected_app_id}/revoke` (handwritten).

use crate::common::*;
use stytch_connected_apps::MemberSession;

#[tokio::test]
async fn posts_an_empty_object_without_session_and_decodes_the_answer() {
    let (server, client) = start().await;
    let client = client.with_member_session(MemberSession::jwt(SESSION_JWT).unwrap());
    let mock = server.api_user_v1_revoke(|when, then| {
        when.sent_by(&client).user_id(USER).connected_app_id(APP).body(&serde_json::json!({}));
        then.into_inner().status(200).body(fixtures::REVOKE_200);
    });

    let response = client.consumer().revoke_user_connected_app(USER, APP).await.unwrap();

    mock.assert();
    assert_eq!(response.request_id, REQUEST_ID);
    assert_eq!(response.status_code, 200);
}
