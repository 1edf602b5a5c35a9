//! B3: `GET /v1/b2b/organizations/{organization_id}/members/{member_id}/connected_apps`.

use crate::common::*;

#[tokio::test]
async fn decodes_the_seed_example() {
    let (server, client) = start().await;
    let mock = server.api_organization_v1_organizations_members_get_connected_apps(|when, then| {
        when.sent_by(&client).organization_id(ORG).member_id(MEMBER);
        then.into_inner().status(200).body(fixtures::B3_200_SEED);
    });

    let response = client.b2b().member_connected_apps(ORG, MEMBER).await.unwrap();

    mock.assert();
    assert_eq!(response.request_id, "<string>");
    assert_eq!(response.status_code, 123);
    assert_eq!(response.connected_apps[0].scopes_granted, "<string>");
    assert_eq!(response.connected_apps[0].logo_url.as_deref(), Some("<string>"));
}

#[tokio::test]
async fn scopes_granted_is_one_space_separated_string() {
    let (server, client) = start().await;
    let mock = server.api_organization_v1_organizations_members_get_connected_apps(|when, then| {
        when.sent_by(&client).organization_id(ORG).member_id(MEMBER);
        then.into_inner().status(200).body(fixtures::B3_200);
    });

    let response = client.b2b().member_connected_apps(ORG, MEMBER).await.unwrap();

    mock.assert();
    let app = &response.connected_apps[0];
    assert_eq!(app.scopes_granted, "openid profile email");
    assert_eq!(app.scopes_granted.split(' ').collect::<Vec<_>>(), ["openid", "profile", "email"]);
    assert_eq!(app.logo_url, None);
    assert_eq!(response.request_id, REQUEST_ID);
}
