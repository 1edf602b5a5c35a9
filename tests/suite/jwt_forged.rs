//! Forged and flawed session JWTs against local verification (httpmock): each is refused with the reason named,
//! and nothing is sent for it (the key set is warm, so not even a JWKS request). The exact JWKS request is pinned
//! too: `GET /v1/b2b/sessions/jwks/{project_id}` with Basic auth and no session header.

use serde_json::json;

use crate::common::jwt::{compact, with};
use crate::common::*;
use stytch_connected_apps::emulator::SigningKey;
use stytch_connected_apps::{JwtErrorKind, MemberSession, UserSession};

/// Every forgery the issue names, and a few more, with the rejection each must get.
fn forgeries() -> Vec<(&'static str, String, JwtErrorKind)> {
    let key = SigningKey::generation(0);
    let claims = jwt::member_claims();
    let now = jwt::now();
    let valid = key.sign(&claims);
    let parts: Vec<&str> = valid.split('.').collect();

    // HS256 keyed with the public key's bytes (the classic key confusion).
    let [hs_modulus, hs_jwk] = jwt::key_confusions(&claims);
    // Signed by another key (generation 1) but naming key 0's kid.
    let wrong_key = jwt::under_another_key(&claims);
    // The payload changed after signing (another member), signature kept.
    let tampered = jwt::tampered(&valid, &with(claims.clone(), "/sub", json!("member-test-attacker")));

    vec![
        ("alg none", compact(&json!({"alg": "none", "typ": "JWT"}), &claims, b""), JwtErrorKind::UnsupportedAlgorithm),
        (
            "alg none, kid",
            compact(&json!({"alg": "none", "kid": key.kid()}), &claims, b""),
            JwtErrorKind::UnsupportedAlgorithm,
        ),
        (
            "alg None",
            compact(&json!({"alg": "None", "kid": key.kid()}), &claims, b"x"),
            JwtErrorKind::UnsupportedAlgorithm,
        ),
        ("HS256 with the modulus", hs_modulus, JwtErrorKind::UnsupportedAlgorithm),
        ("HS256 with the JWK", hs_jwk, JwtErrorKind::UnsupportedAlgorithm),
        (
            "RS512",
            compact(&json!({"alg": "RS512", "kid": key.kid()}), &claims, b"x"),
            JwtErrorKind::UnsupportedAlgorithm,
        ),
        (
            "PS256",
            compact(&json!({"alg": "PS256", "kid": key.kid()}), &claims, b"x"),
            JwtErrorKind::UnsupportedAlgorithm,
        ),
        ("wrong key", wrong_key, JwtErrorKind::InvalidSignature),
        ("tampered payload", tampered, JwtErrorKind::InvalidSignature),
        ("empty signature", format!("{}.{}.", parts[0], parts[1]), JwtErrorKind::InvalidSignature),
        ("no kid", compact(&json!({"alg": "RS256"}), &claims, b"x"), JwtErrorKind::MissingClaim("kid")),
        (
            "wrong iss",
            key.sign(&with(claims.clone(), "/iss", json!("stytch.com/project-test-other"))),
            JwtErrorKind::WrongIssuer,
        ),
        ("iss without prefix", key.sign(&with(claims.clone(), "/iss", json!(PROJECT_ID))), JwtErrorKind::WrongIssuer),
        (
            "wrong aud",
            key.sign(&with(claims.clone(), "/aud", json!(["project-test-other"]))),
            JwtErrorKind::WrongAudience,
        ),
        ("empty aud", key.sign(&with(claims.clone(), "/aud", json!([]))), JwtErrorKind::WrongAudience),
        ("expired", key.sign(&with(claims.clone(), "/exp", json!(now - 60))), JwtErrorKind::Expired),
        ("not yet valid", key.sign(&with(claims.clone(), "/nbf", json!(now + 600))), JwtErrorKind::NotYetValid),
        ("exp as a string", key.sign(&with(claims.clone(), "/exp", json!("99999999999"))), JwtErrorKind::Malformed),
        (
            "session expired",
            key.sign(&with(claims.clone(), "/https:~1~1stytch.com~1session/expires_at", json!("2021-01-01T00:00:00Z"))),
            JwtErrorKind::SessionExpired,
        ),
        ("four parts", format!("{valid}.x"), JwtErrorKind::Malformed),
        ("oversized", format!("{}.{}.{}", parts[0], "A".repeat(20_000), parts[2]), JwtErrorKind::Malformed),
    ]
}

#[tokio::test]
async fn forged_and_flawed_member_jwts_are_refused_with_zero_requests() {
    let (server, client) = start().await;
    let jwks = mount_jwks(&server, true).await;
    // Warm the key set with a valid JWT: one JWKS request, exactly as Stytch's SDKs send it.
    let claims = client.verify_member_jwt(&jwt::member()).await.unwrap();
    assert_eq!((claims.organization_id.as_str(), claims.member_id.as_str()), (ORG, MEMBER));
    assert_eq!(claims.roles, ["stytch_member", "stytch_admin"]);
    assert_eq!(claims.session_id, "member-session-test-1");
    jwks.assert_calls_async(1).await;
    let anything = catch_all(&server).await;

    for (name, forged, kind) in forgeries() {
        let err = client.verify_member_jwt(&forged).await.unwrap_err();
        assert_eq!(err.as_jwt().map(|e| e.kind), Some(kind), "{name}: {err}");
        assert!(!err.is_retryable() && err.status().is_none(), "{name}");
        // The session-inferred calls refuse it the same way, before any request. (A JWT that is not a legal
        // header value cannot even become a MemberSession.)
        if let Ok(session) = MemberSession::jwt(&forged) {
            let err = client.as_member(session).organization_connected_apps().await.unwrap_err();
            assert_eq!(err.as_jwt().map(|e| e.kind), Some(kind), "{name}: {err}");
            assert!(!err.to_string().contains(&forged), "{name}: the error repeats the JWT");
        }
    }
    anything.assert_calls_async(0).await;
    jwks.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_member_jwt_is_not_a_user_jwt_and_the_other_way_round() {
    let (server, client) = start().await;
    mount_jwks(&server, true).await;
    mount_jwks(&server, false).await;
    // A user JWT lacks the organization claim a member session has.
    let err = client.verify_member_jwt(&jwt::user()).await.unwrap_err();
    assert_eq!(
        err.as_jwt().map(|e| e.kind),
        Some(JwtErrorKind::MissingClaim("https://stytch.com/organization.organization_id"))
    );
    let user = client.verify_user_jwt(&jwt::user()).await.unwrap();
    assert_eq!((user.user_id.as_str(), user.session_id.as_str()), (USER, "member-session-test-1"));
}

#[tokio::test]
async fn a_forged_user_jwt_never_reaches_the_consumer_endpoints() {
    let (server, client) = start().await;
    let jwks = mount_jwks(&server, false).await;
    client.verify_user_jwt(&jwt::user()).await.unwrap();
    let anything = catch_all(&server).await;
    for (name, forged, kind) in forgeries() {
        let Ok(session) = UserSession::jwt(&forged) else { continue };
        let err = client.as_user(session).revoke_connected_app(APP).await.unwrap_err();
        assert_eq!(err.as_jwt().map(|e| e.kind), Some(kind), "{name}: {err}");
    }
    anything.assert_calls_async(0).await;
    jwks.assert_calls_async(1).await;
}

#[tokio::test]
async fn max_token_age_sends_older_jwts_to_stytch_and_verify_reports_them() {
    let server = httpmock::MockServer::start_async().await;
    let client = stytch_connected_apps::Client::builder(PROJECT_ID, SECRET)
        .base_url(server.base_url())
        .retry_policy(stytch_connected_apps::RetryPolicy::disabled())
        .max_token_age(std::time::Duration::from_secs(120))
        .build()
        .unwrap();
    mount_jwks(&server, false).await;
    let now = jwt::now();
    let mut claims = jwt::user_claims();
    claims["iat"] = json!(now - 200);
    let old = SigningKey::generation(0).sign(&claims);
    let err = client.verify_user_jwt(&old).await.unwrap_err();
    assert_eq!(err.as_jwt().map(|e| e.kind), Some(JwtErrorKind::TooOld));

    let authenticate = server
        .mock_async(|when, then| {
            Expect::post_json("/v1/sessions/authenticate", json!({"session_jwt": old})).matcher(when);
            then.status(200).json_body(json!({
                "status_code": 200, "request_id": REQUEST_ID,
                "session": {"session_id": "session-test-1", "user_id": USER, "authentication_factors": [], "roles": []},
                "session_token": "", "session_jwt": "", "user": {"user_id": USER}
            }));
        })
        .await;
    let user = client.as_user(UserSession::jwt(&old).unwrap()).user_id().await.unwrap();
    assert_eq!(user, USER);
    authenticate.assert_async().await;
    // An old JWT whose signature does not hold is a forgery, not an old session: refused, Stytch never asked.
    let parts: Vec<&str> = old.split('.').collect();
    let mut signature = parts[2].to_owned();
    let flipped = if signature.as_bytes()[10] == b'A' { "B" } else { "A" };
    signature.replace_range(10..11, flipped);
    let forged = format!("{}.{}.{signature}", parts[0], parts[1]);
    let err = client.verify_user_jwt(&forged).await.unwrap_err();
    assert_eq!(err.as_jwt().map(|e| e.kind), Some(JwtErrorKind::InvalidSignature), "{err}");
    let err = client.as_user(UserSession::jwt(&forged).unwrap()).user_id().await.unwrap_err();
    assert_eq!(err.as_jwt().map(|e| e.kind), Some(JwtErrorKind::InvalidSignature), "{err}");
    authenticate.assert_calls_async(1).await;
    // A fresh JWT needs no authenticate.
    assert_eq!(client.as_user(UserSession::jwt(jwt::user()).unwrap()).user_id().await.unwrap(), USER);
    authenticate.assert_calls_async(1).await;
}
