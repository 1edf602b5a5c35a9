//! The two JWKS calls as public API (`B2b::jwks`, `Consumer::jwks`): the exact request (GET, path with the project
//! id, Basic auth, no session header even on a client that has one, no body) and the decoded keys.

use httpmock::MockServer;

use crate::common::*;
use stytch_connected_apps::MemberSession;
use stytch_connected_apps::emulator::SigningKey;
use stytch_connected_apps::models::ErrorEnvelope;

#[tokio::test]
async fn both_jwks_calls_send_exactly_the_documented_request_and_decode_the_keys() {
    let (server, client): (MockServer, _) = start().await;
    let client = client.with_member_session(MemberSession::token(SESSION_TOKEN).unwrap());
    let member = server.api_b2b_session_v1_get_jwks(|when, then| {
        when.sent_by(&client).project_id(PROJECT_ID);
        then.into_inner().status(200).json_body(jwt::jwks(&[0, 1]));
    });
    let user = server.api_session_v1_get_jwks(|when, then| {
        when.sent_by(&client).project_id(PROJECT_ID);
        then.into_inner().status(200).json_body(jwt::jwks(&[2]));
    });

    let b2b = client.b2b().jwks().await.unwrap();
    let consumer = client.consumer().jwks().await.unwrap();

    member.assert();
    user.assert();
    let kids: Vec<&str> = b2b.keys.iter().map(|k| k.kid.as_str()).collect();
    assert_eq!(kids, [SigningKey::generation(0).kid(), SigningKey::generation(1).kid()]);
    assert_eq!(b2b.request_id, REQUEST_ID);
    let key = &consumer.keys[0];
    assert_eq!((key.kty.as_str(), key.alg.as_str(), key.use_.as_str()), ("RSA", "RS256", "sig"));
    assert_eq!(key.n, SigningKey::generation(2).jwk()["n"]);
    assert_eq!(key.x5c.len(), 1);
}

#[tokio::test]
async fn a_jwks_error_is_an_api_error_of_the_jwks_operation() {
    let (server, client) = start().await;
    server.api_session_v1_get_jwks(|when, then| {
        when.sent_by(&client).project_id(PROJECT_ID);
        then.unauthorized(&ErrorEnvelope::example(401));
    });
    let err = client.consumer().jwks().await.unwrap_err();
    assert_eq!(err.as_api().map(|e| (e.operation, e.status.as_u16())), Some(("api_session_v1_get_jwks", 401)));
    // Behind a verification, the same failure is `Error::Jwks`, with the status and request id reachable.
    let err = client.verify_user_jwt(&jwt::user()).await.unwrap_err();
    assert!(matches!(err, stytch_connected_apps::Error::Jwks(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert!(err.request_id().is_some());
}
