//! Access tokens on the emulator, end to end: minted against a consent grant that B1–B3 and C1 list, verified
//! locally and by introspection, and inactive for introspection as soon as that consent is revoked (B4, C2), while a
//! locally verified token stays valid until it expires (the documented trade-off).

use stytch_connected_apps::emulator::*;
use stytch_connected_apps::{
    AccessTokenError, Client, IntrospectionClient, TokenRequirements, TokenVerification, VerifiedBy,
};

async fn start() -> (Emulator, Client) {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let client = emulator.client().unwrap();
    (emulator, client)
}

fn endpoints(emulator: &Emulator) -> Vec<Endpoint> {
    emulator.requests().iter().filter_map(|r| r.endpoint).collect()
}

fn as_seed_app() -> IntrospectionClient {
    IntrospectionClient::confidential(SEED_APP, SEED_APP_SECRET)
}

#[tokio::test]
async fn a_token_is_minted_only_against_a_consent_grant_and_its_scopes() {
    let (emulator, _) = start().await;
    assert!(
        emulator.issue_member_access_token(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP, &["openid", "profile"]).is_some()
    );
    // Not granted: a scope beyond the grant, another member, another organization, an app the member never used.
    assert!(
        emulator.issue_member_access_token(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP, &["openid", "admin"]).is_none()
    );
    assert!(emulator.issue_member_access_token(SEED_ORGANIZATION, SEED_MEMBER, SEED_APP, &["openid"]).is_none());
    assert!(emulator.issue_member_access_token(SEED_OTHER_ORGANIZATION, SEED_ADMIN, SEED_APP, &["openid"]).is_none());
    assert!(emulator.issue_user_access_token(SEED_USER, SEED_THIRD_PARTY_APP, &[]).is_none());
    assert!(emulator.issue_user_access_token(SEED_USER, SEED_APP, &["email"]).is_some());
    assert!(emulator.requests().is_empty(), "minting is local");
}

#[tokio::test]
async fn a_member_token_verifies_locally_and_by_introspection_until_its_consent_is_revoked() {
    let (emulator, client) = start().await;
    let token =
        emulator.issue_member_access_token(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP, &["openid", "profile"]).unwrap();
    let local = client.b2b_access_tokens();
    let network = local.clone().verification(TokenVerification::Network).introspection_client(as_seed_app());

    let claims = local.verify_with(&token, &TokenRequirements::new().scope("profile")).await.unwrap();
    assert_eq!((claims.subject.as_str(), claims.client_id.as_str()), (SEED_ADMIN, SEED_APP));
    let organization = claims.organization.clone().unwrap();
    assert_eq!(
        (organization.organization_id.as_str(), organization.slug.as_deref()),
        (SEED_ORGANIZATION, Some("acme"))
    );
    let introspected = network.verify(&token).await.unwrap();
    assert_eq!(introspected.verified_by, VerifiedBy::Introspection);
    assert_eq!((introspected.subject, introspected.scopes), (claims.subject.clone(), claims.scopes.clone()));

    // The consent B3 lists is the one the token was minted against; revoking it (B4) ends the token for
    // introspection at once, and for local verification only when it expires.
    let apps = client.b2b().member_connected_apps(SEED_ORGANIZATION, SEED_ADMIN).await.unwrap();
    assert!(apps.connected_apps.iter().any(|app| app.connected_app_id == SEED_APP));
    client.b2b().revoke_member_connected_app(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP).await.unwrap();
    let err = network.verify(&token).await.unwrap_err();
    assert_eq!(err.as_access_token(), Some(&AccessTokenError::Inactive), "{err}");
    let sensitive = TokenRequirements::new().verification(TokenVerification::LocalThenNetwork);
    assert_eq!(
        local
            .clone()
            .introspection_client(as_seed_app())
            .verify_with(&token, &sensitive)
            .await
            .unwrap_err()
            .as_access_token(),
        Some(&AccessTokenError::Inactive)
    );
    assert_eq!(local.verify(&token).await.unwrap().verified_by, VerifiedBy::Locally);

    assert_eq!(
        endpoints(&emulator),
        [
            Endpoint::MemberJwks,
            Endpoint::IntrospectToken,
            Endpoint::MemberConnectedApps,
            Endpoint::RevokeMemberConnectedApp,
            Endpoint::IntrospectToken,
            Endpoint::IntrospectToken,
        ]
    );
}

#[tokio::test]
async fn a_user_token_is_inactive_once_c2_revokes_the_app() {
    let (emulator, client) = start().await;
    let token = emulator.issue_user_access_token(SEED_USER, SEED_APP, &["openid"]).unwrap();
    let tokens =
        client.consumer_access_tokens().verification(TokenVerification::Network).introspection_client(as_seed_app());
    assert_eq!(tokens.verify(&token).await.unwrap().subject, SEED_USER);
    client.consumer().revoke_user_connected_app(SEED_USER, SEED_APP).await.unwrap();
    assert_eq!(tokens.verify(&token).await.unwrap_err().as_access_token(), Some(&AccessTokenError::Inactive));
    // A B2B verifier refuses the consumer token (no organization claim) before asking anything.
    let before = emulator.requests().len();
    let b2b = client
        .b2b_access_tokens()
        .verification(TokenVerification::LocalThenNetwork)
        .introspection_client(as_seed_app());
    assert!(b2b.verify(&token).await.unwrap_err().as_access_token().unwrap().is_invalid_token());
    assert!(emulator.requests()[before..].iter().all(|r| r.endpoint != Some(Endpoint::IntrospectToken)));
}

#[tokio::test]
async fn introspection_authenticates_the_app_and_knows_only_its_own_tokens() {
    let (emulator, client) = start().await;
    let token = emulator.issue_member_access_token(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP, &["openid"]).unwrap();
    let network = |app| client.b2b_access_tokens().verification(TokenVerification::Network).introspection_client(app);
    let err = network(IntrospectionClient::confidential(SEED_APP, "not-the-secret")).verify(&token).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "{err}");
    assert!(!err.to_string().contains("not-the-secret"));
    let err = network(IntrospectionClient::public("connected-app-test-unknown")).verify(&token).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "{err}");
    // An app without a secret introspects with its id alone.
    assert!(network(IntrospectionClient::public(SEED_THIRD_PARTY_APP)).verify(&token).await.is_ok());
    // Signed by the emulator's key, valid, but never issued: not active.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let unissued = emulator.signing_key().sign(&serde_json::json!({
        "iss": format!("stytch.com/{SEED_PROJECT_ID}"), "sub": SEED_ADMIN, "aud": [SEED_PROJECT_ID],
        "iat": now, "nbf": now, "exp": now + 600, "jti": "access-token-emulator-1", "client_id": SEED_THIRD_PARTY_APP,
        "scope": "openid", "https://stytch.com/organization": {"organization_id": SEED_ORGANIZATION, "slug": "acme"}
    }));
    let err = network(as_seed_app()).verify(&unissued).await.unwrap_err();
    assert_eq!(err.as_access_token(), Some(&AccessTokenError::Inactive));
}

#[tokio::test]
async fn a_custom_domain_pointed_at_the_emulator_serves_introspection_and_faults_are_retried() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let client = emulator.client_builder().custom_domain(emulator.url()).build().unwrap();
    let token = emulator.issue_member_access_token(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP, &["openid"]).unwrap();
    emulator.script(Endpoint::IntrospectTokenOnCustomDomain, [Fault::status(503)]);
    let tokens =
        client.b2b_access_tokens().verification(TokenVerification::Network).introspection_client(as_seed_app());
    assert_eq!(tokens.verify(&token).await.unwrap().subject, SEED_ADMIN);
    let statuses: Vec<(Option<Endpoint>, u16)> = emulator.requests().iter().map(|r| (r.endpoint, r.status)).collect();
    assert_eq!(
        statuses,
        [(Some(Endpoint::IntrospectTokenOnCustomDomain), 503), (Some(Endpoint::IntrospectTokenOnCustomDomain), 200)]
    );
}

#[tokio::test]
async fn with_a_custom_domain_on_the_emulator_access_tokens_read_its_public_jwks_and_faults_are_retried() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let client = emulator.client_builder().custom_domain(emulator.url()).build().unwrap();
    let token = emulator.issue_member_access_token(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP, &["openid"]).unwrap();
    emulator.script(Endpoint::JwksOnCustomDomain, [Fault::status(503)]);
    assert_eq!(client.b2b_access_tokens().verify(&token).await.unwrap().subject, SEED_ADMIN);
    let statuses: Vec<(Option<Endpoint>, u16)> = emulator.requests().iter().map(|r| (r.endpoint, r.status)).collect();
    assert_eq!(statuses, [(Some(Endpoint::JwksOnCustomDomain), 503), (Some(Endpoint::JwksOnCustomDomain), 200)]);

    // Public: no credentials needed, and a standard JWKS document (the session JWKS's keys, nothing else).
    let public: serde_json::Value =
        reqwest::get(format!("{}/.well-known/jwks.json", emulator.url())).await.unwrap().json().await.unwrap();
    let session_jwks = client.b2b().jwks().await.unwrap();
    let keys = serde_json::to_value(&session_jwks.keys).unwrap();
    assert_eq!(public, serde_json::json!({ "keys": keys }));
}
