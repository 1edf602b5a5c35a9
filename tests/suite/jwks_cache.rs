//! The signing-key cache against the emulator's JWKS endpoints (its request log counts every fetch): lazy and
//! single-flight on a cold cache, one refetch for a rotated key, bounded refetches for a flood of unknown `kid`s,
//! known keys kept through a JWKS outage, and the one-request consumer path.

use std::time::Duration;

use base64::Engine as _;
use serde_json::json;

use stytch_connected_apps::emulator::*;
use stytch_connected_apps::{Client, JwtErrorKind, RetryPolicy, UserSession};

async fn start() -> Emulator {
    Emulator::start(Fixture::seed()).await.unwrap()
}

fn jwks_requests(emulator: &Emulator, endpoint: Endpoint) -> usize {
    emulator.requests().iter().filter(|r| r.endpoint == Some(endpoint)).count()
}

fn client(emulator: &Emulator) -> Client {
    emulator.client_builder().retry_policy(RetryPolicy::disabled()).build().unwrap()
}

#[tokio::test]
async fn sixty_four_verifications_on_a_cold_cache_make_one_jwks_request() {
    let emulator = start().await;
    emulator.set_latency(Duration::from_millis(200)); // every verification arrives while the fetch runs
    let client = client(&emulator);
    let jwt = emulator.issue_member_jwt(SEED_ADMIN_SESSION).unwrap();
    let all = (0..64).map(|_| client.verify_member_jwt(&jwt));
    let results = futures_util::future::join_all(all).await;
    assert!(results.iter().all(|r| r.as_ref().is_ok_and(|c| c.member_id == SEED_ADMIN)), "{results:?}");
    assert_eq!(jwks_requests(&emulator, Endpoint::MemberJwks), 1);
    // Clones share the cache.
    client.clone().verify_member_jwt(&jwt).await.unwrap();
    assert_eq!(jwks_requests(&emulator, Endpoint::MemberJwks), 1);
}

#[tokio::test]
async fn a_failed_cold_fetch_is_shared_by_its_waiters_not_repeated() {
    let emulator = start().await;
    emulator.set_latency(Duration::from_millis(200));
    emulator.script(Endpoint::MemberJwks, [Fault::internal_error()]);
    let client = client(&emulator);
    let jwt = emulator.issue_member_jwt(SEED_ADMIN_SESSION).unwrap();
    let results = futures_util::future::join_all((0..16).map(|_| client.verify_member_jwt(&jwt))).await;
    for result in &results {
        let err = result.as_ref().unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(500), "{err}");
        assert!(err.is_retryable(), "{err}");
    }
    assert_eq!(jwks_requests(&emulator, Endpoint::MemberJwks), 1);
}

#[tokio::test]
async fn a_rotated_key_costs_one_refetch_and_nothing_fails() {
    let emulator = start().await;
    let client = client(&emulator);
    let before = emulator.issue_member_jwt(SEED_ADMIN_SESSION).unwrap();
    client.verify_member_jwt(&before).await.unwrap();
    assert_eq!(jwks_requests(&emulator, Endpoint::MemberJwks), 1);

    let new_key = emulator.rotate_signing_key();
    let after = emulator.issue_member_jwt(SEED_ADMIN_SESSION).unwrap();
    assert_ne!(new_key.kid(), SigningKey::generation(0).kid());
    // 32 concurrent JWTs with the new kid: one refetch between them, then every one verifies; old ones too.
    let results = futures_util::future::join_all((0..32).map(|_| client.verify_member_jwt(&after))).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    client.verify_member_jwt(&before).await.unwrap();
    assert_eq!(jwks_requests(&emulator, Endpoint::MemberJwks), 2);
    // The session-inferred call with the new JWT: one request, no further key fetch.
    let me = client.as_member(stytch_connected_apps::MemberSession::jwt(&after).unwrap());
    me.organization_connected_apps().await.unwrap();
    assert_eq!(jwks_requests(&emulator, Endpoint::MemberJwks), 2);
}

#[tokio::test]
async fn a_retired_key_stops_verifying_once_the_keys_are_refreshed() {
    let emulator = start().await;
    let client = emulator
        .client_builder()
        .retry_policy(RetryPolicy::disabled())
        .jwks_refresh_interval(Duration::ZERO)
        .jwks_refetch_cooldown(Duration::from_millis(50))
        .build()
        .unwrap();
    let old = emulator.issue_member_jwt(SEED_ADMIN_SESSION).unwrap();
    client.verify_member_jwt(&old).await.unwrap();
    emulator.rotate_signing_key();
    emulator.retire_old_signing_keys();
    // Stale keys keep verifying while the refresh (started by this call) runs in the background...
    client.verify_member_jwt(&old).await.unwrap();
    // ...and once a refresh has replaced them, the retired key's JWTs are refused.
    let refused = async {
        loop {
            match client.verify_member_jwt(&old).await {
                Ok(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                Err(err) => break err,
            }
        }
    };
    let err = tokio::time::timeout(Duration::from_secs(10), refused).await.expect("refused within 10 s");
    assert_eq!(err.as_jwt().map(|e| e.kind), Some(JwtErrorKind::UnknownKey), "{err}");
    let new = emulator.issue_member_jwt(SEED_ADMIN_SESSION).unwrap();
    client.verify_member_jwt(&new).await.unwrap();
}

#[tokio::test]
async fn ten_thousand_unknown_kids_cost_one_refetch_per_cooldown() {
    let emulator = start().await;
    let client = client(&emulator); // default cooldown: 30 s, far longer than this test
    let valid = emulator.issue_member_jwt(SEED_ADMIN_SESSION).unwrap();
    client.verify_member_jwt(&valid).await.unwrap();
    let payload = valid.split('.').nth(1).unwrap().to_owned();
    let encode = |v: serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let mut refused = 0;
    for i in 0..10_000u32 {
        let kid = format!("forged-{:08x}", fastrand::u32(..) ^ i);
        let forged = format!("{}.{payload}.c2lnbmF0dXJl", encode(json!({"alg": "RS256", "kid": kid})));
        let err = client.verify_member_jwt(&forged).await.unwrap_err();
        assert_eq!(err.as_jwt().map(|e| e.kind), Some(JwtErrorKind::UnknownKey), "{err}");
        refused += 1;
    }
    assert_eq!(refused, 10_000);
    // The warm-up fetch, and one refetch for the first unknown kid; the cooldown covers the rest.
    assert_eq!(jwks_requests(&emulator, Endpoint::MemberJwks), 2);
    // Known keys still verify without a request.
    client.verify_member_jwt(&valid).await.unwrap();
    assert_eq!(jwks_requests(&emulator, Endpoint::MemberJwks), 2);
}

#[tokio::test]
async fn a_jwks_outage_does_not_fail_verification_with_known_keys() {
    let emulator = start().await;
    let client = emulator
        .client_builder()
        .retry_policy(RetryPolicy::disabled())
        .jwks_refresh_interval(Duration::ZERO) // every verification finds the keys stale
        .jwks_refetch_cooldown(Duration::ZERO)
        .build()
        .unwrap();
    let jwt = emulator.issue_user_jwt(SEED_USER_SESSION).unwrap();
    client.verify_user_jwt(&jwt).await.unwrap();
    emulator.script(Endpoint::UserJwks, std::iter::repeat_n(Fault::internal_error(), 1000));
    for _ in 0..20 {
        let claims = client.verify_user_jwt(&jwt).await.unwrap();
        assert_eq!(claims.user_id, SEED_USER);
        tokio::task::yield_now().await;
    }
    // The one-request consumer path keeps working through the outage too.
    let me = client.as_user(UserSession::jwt(&jwt).unwrap());
    assert_eq!(me.connected_apps().await.unwrap().connected_apps.len(), 1);
    let refreshes =
        emulator.requests().iter().filter(|r| r.endpoint == Some(Endpoint::UserJwks) && r.status == 500).count();
    assert!(refreshes >= 1, "the background refreshes did run (and failed)");
}

#[tokio::test]
async fn the_consumer_jwt_path_is_one_request_per_call() {
    let emulator = start().await;
    let client = client(&emulator);
    let jwt = emulator.issue_user_jwt(SEED_USER_SESSION).unwrap();
    let me = client.as_user(UserSession::jwt(&jwt).unwrap());
    me.connected_apps().await.unwrap();
    me.connected_apps().await.unwrap();
    let sent: Vec<Option<Endpoint>> = emulator.requests().iter().map(|r| r.endpoint).collect();
    assert_eq!(
        sent,
        [Some(Endpoint::UserJwks), Some(Endpoint::UserConnectedApps), Some(Endpoint::UserConnectedApps)],
        "no sessions/authenticate"
    );
}

#[tokio::test]
async fn flawed_jwts_issued_by_the_emulator_are_refused_by_the_sdk_and_by_the_emulator() {
    let emulator = start().await;
    let client = client(&emulator);
    let cases = [
        (JwtFlaw::Expired, JwtErrorKind::Expired),
        (JwtFlaw::NotYetValid, JwtErrorKind::NotYetValid),
        (JwtFlaw::WrongAudience, JwtErrorKind::WrongAudience),
        (JwtFlaw::WrongIssuer, JwtErrorKind::WrongIssuer),
        (JwtFlaw::SessionExpired, JwtErrorKind::SessionExpired),
        (JwtFlaw::UnknownKey, JwtErrorKind::UnknownKey),
    ];
    for (flaw, kind) in cases {
        let jwt = emulator.issue_flawed_member_jwt(SEED_ADMIN_SESSION, flaw).unwrap();
        let err = client.verify_member_jwt(&jwt).await.unwrap_err();
        assert_eq!(err.as_jwt().map(|e| e.kind), Some(kind), "{flaw:?}: {err}");
        // Asked of the emulator (as Stytch would be), the same JWT is no session either.
        let remote = client
            .as_member(stytch_connected_apps::MemberSession::jwt(&jwt).unwrap())
            .verification(stytch_connected_apps::SessionVerification::Remote)
            .identity()
            .await
            .unwrap_err();
        assert_eq!(remote.status().map(|s| s.as_u16()), Some(404), "{flaw:?}: {remote}");
    }
}

#[tokio::test]
async fn a_caller_that_gives_up_cancels_nothing_for_the_others() {
    let emulator = start().await;
    emulator.set_latency(Duration::from_millis(300));
    let client = client(&emulator);
    let jwt = emulator.issue_member_jwt(SEED_ADMIN_SESSION).unwrap();
    // The first caller starts the fetch and is dropped 50 ms into it.
    assert!(tokio::time::timeout(Duration::from_millis(50), client.verify_member_jwt(&jwt)).await.is_err());
    // The fetch goes on in its own task: the next caller joins it instead of fetching again.
    client.verify_member_jwt(&jwt).await.unwrap();
    assert_eq!(jwks_requests(&emulator, Endpoint::MemberJwks), 1);
}

#[tokio::test]
async fn one_deadline_covers_the_key_fetch_and_the_call() {
    let emulator = start().await;
    emulator.script(Endpoint::UserJwks, [Fault::Delay(Duration::from_secs(20))]);
    let client = emulator.client_builder().request_timeout(Duration::from_secs(30)).build().unwrap();
    let jwt = emulator.issue_user_jwt(SEED_USER_SESSION).unwrap();
    let deadline = Duration::from_millis(800);
    let started = std::time::Instant::now();
    let err = client.as_user(UserSession::jwt(&jwt).unwrap()).deadline(deadline).connected_apps().await.unwrap_err();
    let elapsed = started.elapsed();
    let stytch_connected_apps::Error::Transport(transport) = &err else { panic!("{err:?}") };
    assert_eq!(transport.kind, stytch_connected_apps::TransportErrorKind::Timeout, "{err}");
    assert_eq!(transport.operation, "api_session_v1_get_jwks", "{err}");
    // The JWKS answers after 20 s; the call's 0.8 s deadline ends it (slack for a loaded machine).
    assert!(elapsed >= deadline && elapsed < deadline + Duration::from_millis(700), "{elapsed:?}");
    assert_eq!(jwks_requests(&emulator, Endpoint::UserConnectedApps), 0);
}

#[tokio::test]
async fn no_deadline_at_all_is_no_deadline_not_a_panic() {
    let emulator = start().await;
    let client = emulator.client_builder().deadline(Duration::MAX).build().unwrap();
    let jwt = emulator.issue_user_jwt(SEED_USER_SESSION).unwrap();
    assert_eq!(client.verify_user_jwt(&jwt).await.unwrap().user_id, SEED_USER);
    let me = client.as_user(UserSession::jwt(&jwt).unwrap()).deadline(Duration::MAX);
    assert_eq!(me.connected_apps().await.unwrap().connected_apps.len(), 1);
}

/// A client kept across short-lived runtimes (one per request, or per test): a background refresh spawned on a
/// runtime that is dropped before the task ever runs must not leave the cache believing a fetch is running.
#[test]
fn a_refresh_dropped_with_its_runtime_does_not_block_later_fetches() {
    let server = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let emulator = server.block_on(start());
    let client = emulator.client_builder().jwks_refresh_interval(Duration::ZERO).build().unwrap();
    let short_lived = || tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let jwt = emulator.issue_user_jwt(SEED_USER_SESSION).unwrap();
    short_lived().block_on(client.verify_user_jwt(&jwt)).unwrap(); // the first fetch
    // Stale keys: this call spawns a refresh and returns at once; its runtime is dropped with the task unpolled.
    short_lived().block_on(client.verify_user_jwt(&jwt)).unwrap();
    emulator.rotate_signing_key();
    let rotated = emulator.issue_user_jwt(SEED_USER_SESSION).unwrap();
    let claims = short_lived().block_on(client.verify_user_jwt(&rotated));
    assert_eq!(claims.unwrap().user_id, SEED_USER);
}

/// A JWKS server whose key set changes between two fetches: the first answer (after `first_delay`, so that every
/// caller joins it) lists only generation 0's key; every later one lists generations 0 and 1, as Stytch does
/// during a rotation. And a client of the emulator's project on it, with the claims of a valid member session JWT.
async fn rotating_jwks(first_delay: Duration) -> (crate::fault_server::FaultServer, Client, serde_json::Value) {
    use crate::fault_server::{FaultServer, Step};
    let emulator = start().await; // only for a well-formed session JWT of its project
    let jwt = emulator.issue_member_jwt(SEED_ADMIN_SESSION).unwrap();
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(jwt.split('.').nth(1).unwrap()).unwrap();
    let jwks = |keys: &[SigningKey]| {
        let keys: Vec<_> = keys.iter().map(SigningKey::jwk).collect();
        json!({"keys": keys, "request_id": "request-id-test-jwks", "status_code": 200}).to_string()
    };
    let (before, during) = ([SigningKey::generation(0)], [SigningKey::generation(0), SigningKey::generation(1)]);
    let script = vec![Step::json(200, &jwks(&before)).after(first_delay), Step::json(200, &jwks(&during))];
    let server = FaultServer::start(script).await;
    let client = Client::builder(emulator.project_id(), "secret-test-rotating-jwks")
        .base_url(&server.url)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    (server, client, serde_json::from_slice(&payload).unwrap())
}

/// Thousands of callers wait on a cold fetch that brings only the old key, then each verifies a JWT signed with the
/// new key, which the server already serves: every one verifies, for one refetch. (Before the fix, a caller that
/// missed in the instant between a fetch's outcome and its end waited on that finished fetch instead of starting
/// the refetch, and got `UnknownKey`: about 20 of 4096, every run.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_right_after_a_cold_fetch_is_picked_up_by_every_caller_under_load() {
    for round in 0..3 {
        let (server, client, claims) = rotating_jwks(Duration::from_millis(100)).await;
        let (old, new) = (SigningKey::generation(0).sign(&claims), SigningKey::generation(1).sign(&claims));
        let callers = (0..4096).map(|_| {
            let (client, old, new) = (client.clone(), old.clone(), new.clone());
            tokio::spawn(async move {
                client.verify_member_jwt(&old).await?;
                client.verify_member_jwt(&new).await
            })
        });
        let results = futures_util::future::join_all(callers).await;
        let refused: Vec<String> =
            results.into_iter().filter_map(|r| r.unwrap().err()).map(|e| e.to_string()).collect();
        assert!(refused.is_empty(), "round {round}: {} of 4096 refused, e.g. {:?}", refused.len(), refused.first());
        assert_eq!(server.hits(), 2, "round {round}: the cold fetch and one refetch");
    }
}

/// Callers whose JWT names the new key join a cold fetch that was already running and brings only the old key:
/// that fetch may predate the rotation, so each is answered by a refetch, not refused on the older fetch's word.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_kid_that_joined_an_older_fetch_is_answered_by_a_refetch() {
    let (server, client, claims) = rotating_jwks(Duration::from_millis(200)).await;
    let (old, new) = (SigningKey::generation(0).sign(&claims), SigningKey::generation(1).sign(&claims));
    let first = tokio::spawn({
        let client = client.clone();
        async move { client.verify_member_jwt(&old).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await; // the cold fetch is running
    let results = futures_util::future::join_all((0..256).map(|_| client.verify_member_jwt(&new))).await;
    first.await.unwrap().unwrap();
    assert!(results.iter().all(Result::is_ok), "{:?}", results.iter().find(|r| r.is_err()));
    assert_eq!(server.hits(), 2, "the cold fetch and one refetch");
    // The cooldown still holds: an unknown kid now costs no request.
    let forged = SigningKey::generation(7).sign(&claims);
    let err = client.verify_member_jwt(&forged).await.unwrap_err();
    assert_eq!(err.as_jwt().map(|e| e.kind), Some(JwtErrorKind::UnknownKey), "{err}");
    assert_eq!(server.hits(), 2);
}
