//! Local verification of Connected Apps access tokens (httpmock as Stytch): a valid token's claims exactly, every
//! forgery refused with its reason and with zero requests (the key set is warm, so not even a JWKS request),
//! token confusion in both directions, issuers (custom domain, look-alikes), audiences, scopes, age, and the key
//! cache shared with session JWTs. The exact JWKS request is pinned by `Expect::get` (Basic auth, no session).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::common::jwt::CLIENT_ID;
use crate::common::jwt::{compact, with, without};
use crate::common::*;
use stytch_connected_apps::emulator::SigningKey;
use stytch_connected_apps::{
    AccessTokenError, Client, JwtErrorKind, MemberSession, RetryPolicy, TokenRequirements, VerifiedBy,
};

const CUSTOM_DOMAIN: &str = "https://auth.example.com";

/// A client of the mock server (`server`, as Stytch) whose custom domain is a second one (`domain`): access
/// tokens' keys come from the domain's public JWKS, every other call goes to `server`.
async fn start_with_custom_domain() -> (httpmock::MockServer, httpmock::MockServer, Client) {
    let server = httpmock::MockServer::start_async().await;
    let domain = httpmock::MockServer::start_async().await;
    let client = Client::builder(PROJECT_ID, SECRET)
        .base_url(server.base_url())
        .custom_domain(domain.base_url())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    (server, domain, client)
}

/// The custom domain's JWKS (`GET /.well-known/jwks.json`), answered only to a request with no credentials at
/// all: neither the project's nor a session's.
async fn mount_domain_jwks(domain: &httpmock::MockServer) -> httpmock::Mock<'_> {
    domain
        .mock_async(|when, then| {
            when.method(httpmock::Method::GET)
                .path("/.well-known/jwks.json")
                .is_true(|req| req.uri().query().is_none())
                .header("user-agent", USER_AGENT)
                .header("accept", "application/json")
                .header_missing("authorization")
                .header_missing("x-stytch-member-session")
                .header_missing("x-stytch-member-sessionjwt")
                .header_missing("content-type");
            then.status(200).json_body(json!({ "keys": jwt::jwks(&[0])["keys"] }));
        })
        .await
}

/// The JWT error kind of a refused access token.
fn refusal(error: &stytch_connected_apps::Error) -> Option<JwtErrorKind> {
    match error.as_access_token()? {
        AccessTokenError::Invalid(jwt) => {
            assert_eq!(jwt.what, "access token");
            Some(jwt.kind)
        }
        _ => None,
    }
}

/// Every forgery of a B2B access token for a client whose custom domain is `domain`, with the refusal each must get.
fn forgeries(domain: &str) -> Vec<(&'static str, String, JwtErrorKind)> {
    let key = SigningKey::generation(0);
    let claims = jwt::access_claims();
    let now = jwt::now();
    let valid = key.sign(&claims);
    let parts: Vec<&str> = valid.split('.').collect();
    let [hs_modulus, hs_jwk] = jwt::key_confusions(&claims);
    let wrong_key = jwt::under_another_key(&claims);
    let tampered = jwt::tampered(&valid, &with(claims.clone(), "/scope", json!("openid read:users write:users admin")));
    let issuer = |iss: &str| key.sign(&with(claims.clone(), "/iss", json!(iss)));
    let session_jwt = key.sign(&jwt::member_claims());
    // An access token that also carries a session claim is not an access token either.
    let mut hybrid_claims = claims.clone();
    hybrid_claims["https://stytch.com/session"] = jwt::member_claims()["https://stytch.com/session"].clone();
    let hybrid = key.sign(&hybrid_claims);

    vec![
        (
            "alg none",
            compact(&json!({"alg": "none", "kid": key.kid()}), &claims, b""),
            JwtErrorKind::UnsupportedAlgorithm,
        ),
        ("HS256 keyed with the modulus", hs_modulus, JwtErrorKind::UnsupportedAlgorithm),
        ("HS256 keyed with the JWK", hs_jwk, JwtErrorKind::UnsupportedAlgorithm),
        (
            "RS384",
            compact(&json!({"alg": "RS384", "kid": key.kid()}), &claims, b"x"),
            JwtErrorKind::UnsupportedAlgorithm,
        ),
        (
            "crit header",
            compact(&json!({"alg": "RS256", "kid": key.kid(), "crit": ["exp"]}), &claims, b"x"),
            JwtErrorKind::Malformed,
        ),
        ("another key under a served kid", wrong_key, JwtErrorKind::InvalidSignature),
        ("tampered payload (scopes added)", tampered, JwtErrorKind::InvalidSignature),
        ("no kid", compact(&json!({"alg": "RS256"}), &claims, b"x"), JwtErrorKind::MissingClaim("kid")),
        ("another project's issuer", issuer("stytch.com/project-test-other"), JwtErrorKind::WrongIssuer),
        ("look-alike custom domain", issuer(&format!("{domain}.evil")), JwtErrorKind::WrongIssuer),
        ("custom domain with a path", issuer(&format!("{domain}/")), JwtErrorKind::WrongIssuer),
        ("custom domain, other scheme", issuer(&domain.replacen("http://", "https://", 1)), JwtErrorKind::WrongIssuer),
        ("custom domain in capitals", issuer(&domain.to_uppercase()), JwtErrorKind::WrongIssuer),
        ("issuer prefix of the project's", issuer(&format!("stytch.com/{PROJECT_ID}x")), JwtErrorKind::WrongIssuer),
        ("no issuer", key.sign(&without(claims.clone(), "iss")), JwtErrorKind::MissingClaim("iss")),
        (
            "another audience",
            key.sign(&with(claims.clone(), "/aud", json!(["project-test-other"]))),
            JwtErrorKind::WrongAudience,
        ),
        ("audience not a string", key.sign(&with(claims.clone(), "/aud", json!([7]))), JwtErrorKind::Malformed),
        ("expired", key.sign(&with(claims.clone(), "/exp", json!(now - 60))), JwtErrorKind::Expired),
        ("not yet valid", key.sign(&with(claims.clone(), "/nbf", json!(now + 600))), JwtErrorKind::NotYetValid),
        ("issued in the future", key.sign(&with(claims.clone(), "/iat", json!(now + 600))), JwtErrorKind::NotYetValid),
        ("a session JWT", session_jwt, JwtErrorKind::WrongTokenType),
        ("an access token with a session claim", hybrid, JwtErrorKind::WrongTokenType),
        ("no client_id", key.sign(&without(claims.clone(), "client_id")), JwtErrorKind::MissingClaim("client_id")),
        (
            "a subject that is no member (an M2M client)",
            key.sign(&with(claims.clone(), "/sub", json!("m2m-client-test-d731954d-dab3-4a2b-bdee-07f3ad1be885"))),
            JwtErrorKind::WrongTokenType,
        ),
        (
            "a user's token to a B2B verifier",
            key.sign(&with(claims.clone(), "/sub", json!(USER))),
            JwtErrorKind::WrongTokenType,
        ),
        (
            "scope not a string",
            key.sign(&with(claims.clone(), "/scope", json!(["read:users"]))),
            JwtErrorKind::Malformed,
        ),
        (
            "no organization",
            key.sign(&without(claims.clone(), "https://stytch.com/organization")),
            JwtErrorKind::MissingClaim("https://stytch.com/organization.organization_id"),
        ),
        ("four parts", format!("{valid}.x"), JwtErrorKind::Malformed),
        ("oversized", format!("{}.{}.{}", parts[0], "A".repeat(20_000), parts[2]), JwtErrorKind::Malformed),
    ]
}

#[tokio::test]
async fn a_valid_b2b_access_token_yields_its_claims_after_one_jwks_request() {
    let (server, domain, client) = start_with_custom_domain().await;
    let session_jwks = mount_jwks(&server, true).await;
    let jwks = mount_domain_jwks(&domain).await;
    let mut claims = jwt::access_claims();
    claims["https://example.com/plan"] = json!("enterprise");
    let token = SigningKey::generation(0).sign(&claims);

    let verified = client.b2b_access_tokens().verify(&token).await.unwrap();
    assert_eq!(verified.subject, MEMBER);
    assert_eq!(verified.client_id, CLIENT_ID);
    assert_eq!(verified.scopes.to_string(), "openid read:users");
    assert!(verified.scopes.has("read:users") && !verified.scopes.has("write:users"));
    assert_eq!(verified.audience, [PROJECT_ID]);
    assert_eq!(verified.issuer, format!("stytch.com/{PROJECT_ID}"));
    let at = |field: &str| UNIX_EPOCH + Duration::from_secs(claims[field].as_u64().unwrap());
    assert_eq!(verified.expires_at, at("exp"));
    assert_eq!((verified.issued_at, verified.not_before), (Some(at("iat")), Some(at("nbf"))));
    assert_eq!(verified.token_id.as_deref(), Some("access-token-test-1"));
    let organization = verified.organization.as_ref().unwrap();
    assert_eq!((organization.organization_id.as_str(), organization.slug.as_deref()), (ORG, Some("acme")));
    assert_eq!(Value::Object(verified.custom_claims.clone()), json!({"https://example.com/plan": "enterprise"}));
    assert_eq!(verified.verified_by, VerifiedBy::Locally);
    jwks.assert_calls_async(1).await;

    // The custom domain is an accepted issuer too.
    let custom = SigningKey::generation(0).sign(&with(claims, "/iss", json!(domain.base_url())));
    assert_eq!(client.b2b_access_tokens().verify(&custom).await.unwrap().issuer, domain.base_url());
    jwks.assert_calls_async(1).await;
    // Keys came from the custom domain; session JWTs keep reading the project's session JWKS (credentials and all).
    session_jwks.assert_calls_async(0).await;
    client.verify_member_jwt(&jwt::member()).await.unwrap();
    session_jwks.assert_calls_async(1).await;
    jwks.assert_calls_async(1).await;
}

/// A consumer project's tokens read the same custom-domain JWKS (the domain serves its project's one key set).
#[tokio::test]
async fn with_a_custom_domain_consumer_access_tokens_read_its_jwks_too() {
    let (server, domain, client) = start_with_custom_domain().await;
    let jwks = mount_domain_jwks(&domain).await;
    let anything = catch_all(&server).await;
    let token = SigningKey::generation(0).sign(&jwt::user_access_claims());
    assert_eq!(client.consumer_access_tokens().verify(&token).await.unwrap().subject, USER);
    jwks.assert_calls_async(1).await;
    anything.assert_calls_async(0).await;
}

/// Look-alikes of a real custom domain are refused on their claims, before any key is looked up: this client's
/// custom domain cannot even be reached from here, and nothing is asked of the mock server.
#[tokio::test]
async fn look_alikes_of_a_custom_domain_are_refused_before_any_key_lookup() {
    let server = httpmock::MockServer::start_async().await;
    let anything = catch_all(&server).await;
    let client = Client::builder(PROJECT_ID, SECRET).base_url(server.base_url()).custom_domain(CUSTOM_DOMAIN).build();
    let tokens = client.unwrap().b2b_access_tokens();
    for look_alike in [
        "https://auth.example.com.evil",
        "https://auth.example.com/",
        "http://auth.example.com",
        "https://AUTH.example.com",
        "https://auth.example.co",
        "auth.example.com",
    ] {
        let forged = SigningKey::generation(0).sign(&with(jwt::access_claims(), "/iss", json!(look_alike)));
        let err = tokens.verify(&forged).await.unwrap_err();
        assert_eq!(refusal(&err), Some(JwtErrorKind::WrongIssuer), "{look_alike}: {err}");
    }
    anything.assert_calls_async(0).await;
}

#[tokio::test]
async fn forged_and_flawed_access_tokens_are_refused_with_zero_requests() {
    let (server, domain, client) = start_with_custom_domain().await;
    let jwks = mount_domain_jwks(&domain).await;
    let tokens = client.b2b_access_tokens();
    tokens.verify(&SigningKey::generation(0).sign(&jwt::access_claims())).await.unwrap();
    jwks.assert_calls_async(1).await;
    let anything = catch_all(&server).await;

    for (name, forged, kind) in forgeries(&domain.base_url()) {
        let err = tokens.verify(&forged).await.unwrap_err();
        assert_eq!(refusal(&err), Some(kind), "{name}: {err}");
        assert!(err.as_access_token().unwrap().is_invalid_token(), "{name}");
        assert!(!err.is_retryable() && err.status().is_none(), "{name}");
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains(&forged) && !shown.contains(forged.split('.').nth(1).unwrap_or("-")),
            "{name}: {shown}"
        );
    }
    anything.assert_calls_async(0).await;
    jwks.assert_calls_async(1).await;
}

#[tokio::test]
async fn without_a_custom_domain_only_the_stytch_issuer_is_accepted() {
    let (server, client) = start().await;
    mount_jwks(&server, true).await;
    let custom = SigningKey::generation(0).sign(&with(jwt::access_claims(), "/iss", json!(CUSTOM_DOMAIN)));
    let err = client.b2b_access_tokens().verify(&custom).await.unwrap_err();
    assert_eq!(refusal(&err), Some(JwtErrorKind::WrongIssuer));
    assert_eq!(client.custom_domain(), None);
}

#[tokio::test]
async fn an_access_token_is_not_a_session_jwt() {
    let (server, client) = start().await;
    let jwks = mount_jwks(&server, true).await;
    mount_jwks(&server, false).await;
    let token = SigningKey::generation(0).sign(&jwt::access_claims());
    let err = client.verify_member_jwt(&token).await.unwrap_err();
    assert_eq!(err.as_jwt().map(|e| e.kind), Some(JwtErrorKind::WrongTokenType), "{err}");
    let user_token = SigningKey::generation(0).sign(&jwt::user_access_claims());
    let err = client.verify_user_jwt(&user_token).await.unwrap_err();
    assert_eq!(err.as_jwt().map(|e| e.kind), Some(JwtErrorKind::WrongTokenType), "{err}");
    // Nor does it route a session-inferred call: refused before any request.
    let anything = catch_all(&server).await;
    let err = client.as_member(MemberSession::jwt(&token).unwrap()).organization_connected_apps().await.unwrap_err();
    assert_eq!(err.as_jwt().map(|e| e.kind), Some(JwtErrorKind::WrongTokenType), "{err}");
    anything.assert_calls_async(0).await;
    // Refused on its claims: not even a key was needed.
    jwks.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_consumer_verifier_reads_the_consumer_keys_and_refuses_b2b_tokens() {
    let (server, client) = start().await;
    let b2b_jwks = mount_jwks(&server, true).await;
    let user_jwks = mount_jwks(&server, false).await;
    let tokens = client.consumer_access_tokens();
    let verified = tokens.verify(&SigningKey::generation(0).sign(&jwt::user_access_claims())).await.unwrap();
    assert_eq!((verified.subject.as_str(), verified.organization.as_ref()), (USER, None));
    let err = tokens.verify(&SigningKey::generation(0).sign(&jwt::access_claims())).await.unwrap_err();
    assert_eq!(refusal(&err), Some(JwtErrorKind::WrongTokenType), "{err}");
    let err = tokens.verify(&SigningKey::generation(0).sign(&jwt::user_claims())).await.unwrap_err();
    assert_eq!(refusal(&err), Some(JwtErrorKind::WrongTokenType), "a user session JWT: {err}");
    user_jwks.assert_calls_async(1).await;
    b2b_jwks.assert_calls_async(0).await;
}

#[tokio::test]
async fn access_tokens_and_session_jwts_share_one_key_cache() {
    let (server, client) = start().await;
    let jwks = mount_jwks(&server, true).await;
    client.verify_member_jwt(&jwt::member()).await.unwrap();
    // A clone's verifier, built after the session verification: no second fetch.
    let tokens = client.clone().b2b_access_tokens();
    tokens.verify(&SigningKey::generation(0).sign(&jwt::access_claims())).await.unwrap();
    jwks.assert_calls_async(1).await;
}

#[tokio::test]
async fn required_scopes_are_all_needed_and_the_missing_one_is_named() {
    let (server, client) = start().await;
    mount_jwks(&server, true).await;
    let token = SigningKey::generation(0).sign(&jwt::access_claims());
    let tokens = client.b2b_access_tokens();
    let granted = TokenRequirements::new().scopes(["openid", "read:users"]);
    assert_eq!(tokens.verify_with(&token, &granted).await.unwrap().subject, MEMBER);
    let more = TokenRequirements::new().scope("read:users").scope("write:users").scope("admin");
    let err = tokens.verify_with(&token, &more).await.unwrap_err();
    assert_eq!(err.as_access_token(), Some(&AccessTokenError::InsufficientScope { missing: "write:users".into() }));
    assert!(!err.as_access_token().unwrap().is_invalid_token());
    assert_eq!(err.to_string(), "access token lacks the required scope \"write:users\"");
    // A prefix or a case variant of a granted scope is not that scope.
    for near in ["read", "read:user", "READ:USERS", "read:users "] {
        let err = tokens.verify_with(&token, &TokenRequirements::new().scope(near)).await.unwrap_err();
        assert!(matches!(err.as_access_token(), Some(AccessTokenError::InsufficientScope { .. })), "{near:?}");
    }
    // No `scope` claim: no scope at all.
    let bare = SigningKey::generation(0).sign(&without(jwt::access_claims(), "scope"));
    assert!(tokens.verify(&bare).await.unwrap().scopes.is_empty());
}

#[tokio::test]
async fn custom_audiences_narrow_what_is_accepted_and_the_project_id_is_always_required() {
    let (server, client) = start().await;
    mount_jwks(&server, true).await;
    let api = "https://api.example.com";
    let tokens = client.b2b_access_tokens().audiences([api]);
    let minted_for_api = SigningKey::generation(0).sign(&with(jwt::access_claims(), "/aud", json!([PROJECT_ID, api])));
    assert_eq!(tokens.verify(&minted_for_api).await.unwrap().audience, [PROJECT_ID, api]);
    // Minted for the project but not for this API.
    let err = tokens.verify(&SigningKey::generation(0).sign(&jwt::access_claims())).await.unwrap_err();
    assert_eq!(refusal(&err), Some(JwtErrorKind::WrongAudience));
    // Minted for this API by another project (or naming it without the project): refused, whoever signed it.
    for aud in [json!(["project-test-other", api]), json!(api), json!([api])] {
        let token = SigningKey::generation(0).sign(&with(jwt::access_claims(), "/aud", aud.clone()));
        assert_eq!(refusal(&tokens.verify(&token).await.unwrap_err()), Some(JwtErrorKind::WrongAudience), "{aud}");
    }
}

/// With a custom domain, the keys come from an unauthenticated address; a token must still name this project in
/// `aud`, so a domain serving another project's keys (a copied `STYTCH_CUSTOM_DOMAIN`) does not make that
/// project's tokens valid here, even with a custom audience they share.
#[tokio::test]
async fn another_projects_token_is_refused_even_signed_by_the_custom_domains_keys() {
    let (_server, domain, client) = start_with_custom_domain().await;
    mount_domain_jwks(&domain).await;
    let api = "https://api.example.com";
    let tokens = client.b2b_access_tokens().audiences([api]);
    let mut claims = with(jwt::access_claims(), "/iss", json!(domain.base_url()));
    claims["aud"] = json!(["project-test-production", api]);
    let err = tokens.verify(&SigningKey::generation(0).sign(&claims)).await.unwrap_err();
    assert_eq!(refusal(&err), Some(JwtErrorKind::WrongAudience), "{err}");
}

#[tokio::test]
async fn max_token_age_is_reported_only_once_the_signature_holds() {
    let (server, client) = start().await;
    mount_jwks(&server, true).await;
    let tokens = client.b2b_access_tokens().max_token_age(Duration::from_secs(120));
    let old = SigningKey::generation(0).sign(&with(jwt::access_claims(), "/iat", json!(jwt::now() - 200)));
    let err = tokens.verify(&old).await.unwrap_err();
    assert_eq!(refusal(&err), Some(JwtErrorKind::TooOld));
    let parts: Vec<&str> = old.split('.').collect();
    let mut signature = parts[2].to_owned();
    let flipped = if signature.as_bytes()[10] == b'A' { "B" } else { "A" };
    signature.replace_range(10..11, flipped);
    let forged = format!("{}.{}.{signature}", parts[0], parts[1]);
    let err = tokens.verify(&forged).await.unwrap_err();
    assert_eq!(refusal(&err), Some(JwtErrorKind::InvalidSignature));
    let no_iat = SigningKey::generation(0).sign(&without(jwt::access_claims(), "iat"));
    assert_eq!(refusal(&tokens.verify(&no_iat).await.unwrap_err()), Some(JwtErrorKind::MissingClaim("iat")));
    // Without a maximum age, the old token is fine.
    let verified = client.b2b_access_tokens().verify(&old).await.unwrap();
    assert!(verified.issued_at.unwrap() < SystemTime::now() - Duration::from_secs(150));
}

#[tokio::test]
async fn a_rotated_key_is_fetched_once_for_an_access_token() {
    let (server, client) = start().await;
    let old = server
        .mock_async(|when, then| {
            Expect::get(jwt::member_jwks_path()).matcher(when);
            then.status(200).json_body(jwt::jwks(&[0]));
        })
        .await;
    let tokens = client.b2b_access_tokens();
    tokens.verify(&SigningKey::generation(0).sign(&jwt::access_claims())).await.unwrap();
    old.delete_async().await;
    let rotated = server
        .mock_async(|when, then| {
            Expect::get(jwt::member_jwks_path()).matcher(when);
            then.status(200).json_body(jwt::jwks(&[0, 1]));
        })
        .await;
    let token = SigningKey::generation(1).sign(&jwt::access_claims());
    assert_eq!(tokens.verify(&token).await.unwrap().subject, MEMBER);
    rotated.assert_calls_async(1).await;
    // A flood of unknown kids after that costs nothing (the refetch cooldown).
    for generation in 2..20 {
        let err = tokens.verify(&SigningKey::generation(generation).sign(&jwt::access_claims())).await.unwrap_err();
        assert_eq!(refusal(&err), Some(JwtErrorKind::UnknownKey), "{err}");
    }
    rotated.assert_calls_async(1).await;
}

#[test]
fn custom_domains_must_be_origins() {
    let build = |domain: &str| Client::builder(PROJECT_ID, SECRET).custom_domain(domain).build();
    assert_eq!(build("https://Auth.Example.com/").unwrap().custom_domain(), Some(CUSTOM_DOMAIN));
    assert_eq!(build("https://auth.example.com:8443").unwrap().custom_domain(), Some("https://auth.example.com:8443"));
    assert_eq!(build("http://127.0.0.1:9000").unwrap().custom_domain(), Some("http://127.0.0.1:9000"));
    for refused in [
        "https://auth.example.com/v1",
        "http://auth.example.com",
        "https://user:pass@auth.example.com",
        "https://auth.example.com?x=1",
        "auth.example.com",
        "ftp://auth.example.com",
    ] {
        let err = build(refused).unwrap_err();
        assert!(matches!(err, stytch_connected_apps::Error::Configuration(_)), "{refused}: {err}");
        assert!(!err.to_string().contains("user:pass@"), "{refused}: {err}");
    }
    // `allow_insecure_http` opens plain http to the base URL, never to the custom domain: its keys would travel in
    // clear, for anyone on the way to replace.
    let insecure = |domain: &str| {
        Client::builder(PROJECT_ID, SECRET)
            .base_url("http://10.0.0.5")
            .allow_insecure_http(true)
            .custom_domain(domain)
            .build()
    };
    let err = insecure("http://10.0.0.6").unwrap_err();
    assert!(matches!(err, stytch_connected_apps::Error::Configuration(_)) && err.to_string().contains("keys"), "{err}");
    assert_eq!(insecure("http://localhost:9000").unwrap().custom_domain(), Some("http://localhost:9000"));
}

#[tokio::test]
async fn an_m2m_token_is_not_a_connected_app_token_even_with_a_client_id_claim() {
    let (server, client) = start().await;
    mount_jwks(&server, false).await;
    let now = jwt::now();
    let m2m = "m2m-client-test-d731954d-dab3-4a2b-bdee-07f3ad1be885";
    // Stytch's M2M claims (same issuer, audience and keys), plus a `client_id` a custom-claim template could add.
    let m2m_claims = json!({
        "sub": m2m, "iss": format!("stytch.com/{PROJECT_ID}"), "aud": [PROJECT_ID],
        "iat": now, "nbf": now, "exp": now + 3600, "scope": "openid read:users write:users", "client_id": m2m,
    });
    let token = SigningKey::generation(0).sign(&m2m_claims);
    let err = client.consumer_access_tokens().verify(&token).await.unwrap_err();
    assert_eq!(refusal(&err), Some(JwtErrorKind::WrongTokenType), "{err}");
    // A member's token is no user's either.
    let member = SigningKey::generation(0).sign(&without(jwt::access_claims(), "https://stytch.com/organization"));
    let err = client.consumer_access_tokens().verify(&member).await.unwrap_err();
    assert_eq!(refusal(&err), Some(JwtErrorKind::WrongTokenType), "{err}");
}

#[tokio::test]
async fn a_token_that_expires_while_its_key_is_fetched_is_expired() {
    let server = httpmock::MockServer::start_async().await;
    let client = Client::builder(PROJECT_ID, SECRET)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::disabled())
        .jwt_leeway(Duration::ZERO)
        .build()
        .unwrap();
    let slow = mount_slow_jwks(&server, Duration::from_millis(2500)).await;
    // Valid when it arrives (exp within the next second), expired once the cold key fetch is over.
    let token = SigningKey::generation(0).sign(&with(jwt::access_claims(), "/exp", json!(jwt::now() + 1)));
    let err = client.b2b_access_tokens().verify(&token).await.unwrap_err();
    assert_eq!(refusal(&err), Some(JwtErrorKind::Expired), "{err}");
    slow.assert_calls_async(1).await;
}
