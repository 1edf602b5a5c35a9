//! Member sessions: the matching header on every B2B call, per-call overrides, validation before sending.

use crate::common::*;
use stytch_connected_apps::models::{ErrorEnvelope, OrganizationConnectedAppsResponse};
use stytch_connected_apps::{Error, MemberSession};

#[tokio::test]
async fn a_client_scoped_token_is_sent_on_every_b2b_call() {
    let (server, client) = start().await;
    let client = client.with_member_session(MemberSession::token(SESSION_TOKEN).unwrap());
    assert_each_sends(&server, &client, &Op::B2B, Session::Token).await;
}

#[tokio::test]
async fn a_client_scoped_jwt_is_sent_in_the_jwt_header() {
    let (server, client) = start().await;
    let client = client.with_member_session(MemberSession::jwt(SESSION_JWT).unwrap());
    assert_each_sends(&server, &client, &Op::B2B, Session::Jwt).await;
}

#[tokio::test]
async fn a_per_call_session_overrides_the_clients_and_can_be_removed() {
    let (server, client) = start().await;
    let scoped = client.with_member_session(MemberSession::token("someone-else").unwrap());
    let jwt = MemberSession::jwt(SESSION_JWT).unwrap();
    let mut with_jwt = server.api_organization_v1_connected_apps(|when, then| {
        when.sent_by(&client.with_member_session(jwt.clone())).organization_id(ORG);
        then.ok(&OrganizationConnectedAppsResponse::example());
    });
    scoped.b2b().with_session(&jwt).organization_connected_apps(ORG).await.unwrap();
    with_jwt.assert();
    with_jwt.delete();

    let without = server.api_organization_v1_connected_apps(|when, then| {
        when.sent_by(&client).organization_id(ORG);
        then.ok(&OrganizationConnectedAppsResponse::example());
    });
    scoped.b2b().without_session().organization_connected_apps(ORG).await.unwrap();
    scoped.without_member_session().b2b().organization_connected_apps(ORG).await.unwrap();
    without.assert_calls_async(2).await;
}

#[tokio::test]
async fn consumer_calls_never_carry_the_session() {
    let (server, client) = start().await;
    let client = client.with_member_session(MemberSession::token(SESSION_TOKEN).unwrap());
    assert_each_sends(&server, &client, &[Op::C1, Op::C2], Session::None).await;
}

#[tokio::test]
async fn header_breaking_values_are_rejected_before_anything_is_built() {
    for bad in ["", "token\r\nX-Injected: yes", "token\nx", "with space", "tab\t", "nul\0", "naïve", "\u{7f}"] {
        for err in [MemberSession::token(bad).unwrap_err(), MemberSession::jwt(bad).unwrap_err()] {
            assert!(matches!(err, Error::InvalidInput(_)), "{bad:?}: {err:?}");
            assert!(!err.is_retryable());
        }
    }
}

#[tokio::test]
async fn a_403_from_rbac_is_typed() {
    let (server, client) = start().await;
    let client = client.with_member_session(MemberSession::jwt(SESSION_JWT).unwrap());
    server.api_organization_v1_organizations_members_connected_apps_revoke(|when, then| {
        when.sent_by(&client).organization_id(ORG).member_id(MEMBER).connected_app_id(APP);
        then.forbidden(&ErrorEnvelope::example(403));
    });

    let err = Op::B4.call(&client).await.unwrap_err();

    assert!(err.error_type().is_some_and(|t| t.is_session_authorization()), "{err:?}");
    assert!(!format!("{err} {err:?}").contains(SESSION_JWT));
}
