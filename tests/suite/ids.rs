//! Path ids: rejected before sending when they would change the endpoint; otherwise percent-encoded so the server
//! receives exactly the id (asserted on the raw path that reached it).

use crate::common::*;
use stytch_connected_apps::{Client, Error};

/// Calls `op` with every id set to `id`.
async fn call_with_id(client: &Client, op: Op, id: &str) -> Result<(), Error> {
    match op {
        Op::B1 => client.b2b().organization_connected_apps(id).await.map(drop),
        Op::B2 => client.b2b().connected_app(id, id).await.map(drop),
        Op::B3 => client.b2b().member_connected_apps(id, id).await.map(drop),
        Op::B4 => client.b2b().revoke_member_connected_app(id, id, id).await.map(drop),
        Op::C1 => client.consumer().user_connected_apps(id).await.map(drop),
        Op::C2 => client.consumer().revoke_user_connected_app(id, id).await.map(drop),
    }
}

#[tokio::test]
async fn ids_that_would_change_the_endpoint_are_rejected_and_nothing_is_sent() {
    let (server, client) = start().await;
    let anything = catch_all(&server).await;
    for op in Op::ALL {
        for bad in ["", ".", "..", "..\\..", "a\\b"] {
            let err = call_with_id(&client, op, bad).await.unwrap_err();
            let Error::InvalidInput(input) = &err else { panic!("{op:?} {bad:?}: {err:?}") };
            assert!(input.what.ends_with("_id"), "{op:?}: {input}");
            assert!(!err.is_retryable());
        }
    }
    assert_eq!(anything.calls_async().await, 0);
}

#[tokio::test]
async fn rejection_names_the_offending_argument() {
    let (_server, client) = start().await;
    let err = client.b2b().revoke_member_connected_app(ORG, "..", APP).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid member_id: must not be `.` or `..` (a URL dot-segment would change the endpoint)"
    );
    let err = client.consumer().revoke_user_connected_app(USER, "").await.unwrap_err();
    assert_eq!(err.to_string(), "invalid connected_app_id: must not be empty");
}

#[tokio::test]
async fn special_characters_are_percent_encoded_exactly() {
    let (server, client) = start().await;
    // id as the caller gives it -> the segment as it must appear on the wire.
    let cases = [
        ("org/with/slashes", "org%2Fwith%2Fslashes"),
        ("what?x=1#frag", "what%3Fx=1%23frag"),
        ("100% sure", "100%25%20sure"),
        ("%2e%2e", "%252e%252e"),
        ("émile@example.com", "%C3%A9mile@example.com"),
        ("...", "..."),
        (".hidden", ".hidden"),
        ("tab\there", "tab%09here"),
    ];
    for (id, wire) in cases {
        for op in Op::ALL {
            let path = match op {
                Op::B1 => b1_path(wire),
                Op::B2 => b2_path(wire, wire),
                Op::B3 => b3_path(wire, wire),
                Op::B4 => b4_path(wire, wire, wire),
                Op::C1 => c1_path(wire),
                Op::C2 => c2_path(wire, wire),
            };
            let expect = if op.expect().body.is_some() { Expect::revoke(path) } else { Expect::get(path) };
            let mock = server
                .mock_async(|when, then| {
                    expect.matcher(when);
                    then.status(200).body(op.success_body());
                })
                .await;

            call_with_id(&client, op, id).await.unwrap_or_else(|e| panic!("{op:?} {id:?}: {e}"));

            mock.assert_async().await;
            mock.delete_async().await;
        }
    }
}

#[test]
fn a_project_id_that_would_change_the_jwks_or_introspection_path_is_refused() {
    for bad in [".", "..", "project-test\\..\\x"] {
        let err = stytch_connected_apps::Client::builder(bad, SECRET).build().unwrap_err();
        assert!(
            matches!(&err, stytch_connected_apps::Error::InvalidInput(input) if input.what == "project id"),
            "{bad}: {err}"
        );
    }
    // Anything else visible is percent-encoded where it is a path segment.
    assert!(stytch_connected_apps::Client::builder("project-test-a/b", SECRET).build().is_ok());
}
