//! Session-inferred calls end to end on the emulator: request counts per path, RBAC through inferred calls, and
//! why reading a JWT's claims unverified is safe (a forged JWT gets nothing).

use base64::Engine as _;
use serde_json::json;

use stytch_connected_apps::emulator::*;
use stytch_connected_apps::{ErrorType, JwtErrorKind, MemberSession, SessionVerification, UserSession};

async fn start() -> (Emulator, Fixture) {
    let fixture = Fixture::seed();
    (Emulator::start(fixture.clone()).await.unwrap(), fixture)
}

fn endpoints(emulator: &Emulator) -> Vec<Endpoint> {
    emulator.requests().iter().filter_map(|r| r.endpoint).collect()
}

#[tokio::test]
async fn an_admin_jwt_needs_one_request_per_call() {
    let (emulator, fixture) = start().await;
    let jwt = fixture.session_of(SEED_ADMIN).unwrap().session_jwt.clone().unwrap().into_exposed();
    let client = emulator.client().unwrap();
    let me = client.as_member(MemberSession::jwt(jwt).unwrap());

    assert_eq!(me.organization_connected_apps().await.unwrap().connected_apps.len(), 2);
    assert_eq!(me.own_connected_apps().await.unwrap().connected_apps[0].connected_app_id, SEED_APP);
    me.revoke_member_connected_app(SEED_MEMBER, SEED_THIRD_PARTY_APP).await.unwrap();
    me.revoke_own_connected_app(SEED_APP).await.unwrap();
    assert!(me.organization_connected_apps().await.unwrap().connected_apps.is_empty());

    // The JWT is verified locally: one key fetch for the client, then one request per call.
    assert_eq!(
        endpoints(&emulator),
        [
            Endpoint::MemberJwks,
            Endpoint::OrganizationConnectedApps,
            Endpoint::MemberConnectedApps,
            Endpoint::RevokeMemberConnectedApp,
            Endpoint::RevokeMemberConnectedApp,
            Endpoint::OrganizationConnectedApps,
        ]
    );
    assert!(emulator.requests()[1..].iter().all(|r| r.session == Some("jwt")));
}

#[tokio::test]
async fn a_member_token_needs_two_and_its_rbac_still_applies() {
    let (emulator, _) = start().await;
    let client = emulator.client().unwrap();
    let me = client.as_member(MemberSession::token(SEED_MEMBER_SESSION).unwrap());

    let own = me.own_connected_apps().await.unwrap();
    assert_eq!(own.connected_apps[0].connected_app_id, SEED_THIRD_PARTY_APP);
    let err = me.organization_connected_apps().await.unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::SessionAuthorizationError));

    assert_eq!(
        endpoints(&emulator),
        [
            Endpoint::AuthenticateMemberSession,
            Endpoint::MemberConnectedApps,
            Endpoint::AuthenticateMemberSession,
            Endpoint::OrganizationConnectedApps,
        ]
    );
    let identity = me.identity().await.unwrap();
    assert_eq!((identity.organization_id.as_str(), identity.member_id.as_str()), (SEED_ORGANIZATION, SEED_MEMBER));
}

#[tokio::test]
async fn unknown_tokens_and_forged_jwts_get_nothing() {
    let (emulator, fixture) = start().await;
    let client = emulator.client().unwrap();

    let err = client
        .as_member(MemberSession::token("session-token-revoked").unwrap())
        .own_connected_apps()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.error_type(), Some(&ErrorType::Other("session_not_found".into())));

    // The globex admin's JWT with its claims rewritten to name acme's admin: its signature no longer matches, so
    // local verification refuses it and nothing is sent; asked of Stytch (here, the emulator), it is unknown.
    let real = fixture.session_of(SEED_OTHER_ADMIN).unwrap().session_jwt.clone().unwrap().into_exposed();
    let parts: Vec<&str> = real.split('.').collect();
    let decode = |part: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap();
    let mut claims: serde_json::Value = serde_json::from_slice(&decode(parts[1])).unwrap();
    claims["sub"] = json!(SEED_ADMIN);
    claims["https://stytch.com/organization"] = json!({"organization_id": SEED_ORGANIZATION});
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    let forged = client.as_member(MemberSession::jwt(forged).unwrap());
    let before = emulator.requests().len();
    let err = forged.organization_connected_apps().await.unwrap_err();
    assert_eq!(err.as_jwt().map(|e| e.kind), Some(JwtErrorKind::InvalidSignature), "{err}");
    let err = forged.identity().await.unwrap_err();
    assert_eq!(err.as_jwt().map(|e| e.kind), Some(JwtErrorKind::InvalidSignature), "{err}");
    let sent: Vec<_> = emulator.requests()[before..].iter().map(|r| r.endpoint).collect();
    assert_eq!(sent, vec![Some(Endpoint::MemberJwks)], "one key fetch, no API call");
    let err = forged.verification(SessionVerification::Remote).identity().await.unwrap_err();
    assert_eq!(err.as_api().map(|e| e.operation), Some("api_b2b_session_v1_authenticate"), "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err}");

    // The real globex JWT is routed to its own organization: no tenancy breach is even attempted.
    let globex = client.as_member(MemberSession::jwt(real).unwrap());
    assert!(globex.organization_connected_apps().await.unwrap().connected_apps.is_empty());
}

#[tokio::test]
async fn a_user_session_token_or_jwt_lists_and_revokes_the_users_apps() {
    let (emulator, fixture) = start().await;
    let client = emulator.client().unwrap();
    let record = fixture.user_session_of(SEED_USER).unwrap();

    let by_jwt = client.as_user(
        UserSession::jwt(record.session_jwt.as_ref().map(stytch_connected_apps::Credential::expose).unwrap()).unwrap(),
    );
    assert_eq!(by_jwt.user_id().await.unwrap(), SEED_USER);
    assert_eq!(by_jwt.connected_apps().await.unwrap().connected_apps.len(), 1);
    let by_jwt = by_jwt.verification(SessionVerification::Remote);
    assert_eq!(by_jwt.user_id().await.unwrap(), SEED_USER);
    assert_eq!(by_jwt.connected_apps().await.unwrap().connected_apps.len(), 1);
    let by_token = client.as_user(UserSession::token(SEED_USER_SESSION).unwrap());
    by_token.revoke_connected_app(SEED_APP).await.unwrap();
    assert!(by_token.connected_apps().await.unwrap().connected_apps.is_empty());

    let err = client.as_user(UserSession::token("session-token-expired").unwrap()).connected_apps().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(
        endpoints(&emulator).iter().filter(|e| **e == Endpoint::AuthenticateUserSession).count(),
        5,
        "every call authenticates the session again"
    );
}
