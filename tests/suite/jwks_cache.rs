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

/// A JWKS server on 127.0.0.1 whose key set a test changes, and whose answers it can hold: each answer's keys are
/// read when the request arrives, then the answer waits for a permit while held.
struct HeldJwks {
    url: String,
    keys: std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>,
    requests: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    gate: std::sync::Arc<std::sync::Mutex<Option<std::sync::Arc<tokio::sync::Semaphore>>>>,
    task: tokio::task::JoinHandle<()>,
}

impl HeldJwks {
    async fn start(keys: Vec<SigningKey>) -> Self {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let keys = std::sync::Arc::new(std::sync::Mutex::new(keys.iter().map(SigningKey::jwk).collect::<Vec<_>>()));
        let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let gate = std::sync::Arc::new(std::sync::Mutex::new(None::<std::sync::Arc<tokio::sync::Semaphore>>));
        let (served, counted, held) = (keys.clone(), requests.clone(), gate.clone());
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (served, counted, held) = (served.clone(), counted.clone(), held.clone());
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut chunk = [0u8; 4096];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let keys = served.lock().unwrap().clone();
                    let body =
                        json!({"keys": keys, "request_id": "request-id-test-jwks", "status_code": 200}).to_string();
                    counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let gate = held.lock().unwrap().clone();
                    if let Some(gate) = gate {
                        gate.acquire().await.unwrap().forget();
                    }
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                });
            }
        });
        Self { url, keys, requests, gate, task }
    }

    fn requests(&self) -> usize {
        self.requests.load(std::sync::atomic::Ordering::SeqCst)
    }

    async fn until_requests(&self, n: usize) {
        for _ in 0..1000 {
            if self.requests() >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("{} JWKS requests, not {n}", self.requests());
    }

    fn serve(&self, key: SigningKey) {
        self.keys.lock().unwrap().push(key.jwk());
    }

    fn hold(&self) -> std::sync::Arc<tokio::sync::Semaphore> {
        let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(0));
        *self.gate.lock().unwrap() = Some(gate.clone());
        gate
    }

    fn release(&self, gate: &tokio::sync::Semaphore) {
        *self.gate.lock().unwrap() = None;
        gate.add_permits(1000);
    }
}

impl Drop for HeldJwks {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn is_unknown_key<T: std::fmt::Debug>(result: &Result<T, stytch_connected_apps::Error>) -> bool {
    result.as_ref().err().and_then(|e| e.as_jwt()).is_some_and(|e| e.kind == JwtErrorKind::UnknownKey)
}

/// A forged `kid` starts a refetch; the server reads its key set ([k0]) and holds the answer; the key rotates
/// (k1 served and signing); a k1 JWT joins the refetch, which then answers [k0]. That refetch started before the
/// k1 lookup missed: a follow-up refetch answers it, and the k1 JWT verifies. The forged one stays refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_kid_that_joined_a_refetch_started_before_the_rotation_is_answered_by_a_follow_up() {
    let emulator = start().await;
    let server = HeldJwks::start(vec![SigningKey::generation(0)]).await;
    let client = emulator.client_builder().base_url(&server.url).build().unwrap();
    client.verify_member_jwt(&emulator.issue_member_jwt(SEED_ADMIN_SESSION).unwrap()).await.unwrap();

    let gate = server.hold();
    let forged = emulator.issue_flawed_member_jwt(SEED_ADMIN_SESSION, JwtFlaw::UnknownKey).unwrap();
    let forged_call = tokio::spawn({
        let client = client.clone();
        async move { client.verify_member_jwt(&forged).await }
    });
    server.until_requests(2).await; // the refetch has read [k0]
    server.serve(emulator.rotate_signing_key());
    let rotated = emulator.issue_member_jwt(SEED_ADMIN_SESSION).unwrap();
    let rotated_call = tokio::spawn({
        let client = client.clone();
        async move { client.verify_member_jwt(&rotated).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await; // it has joined the refetch
    server.release(&gate);

    assert!(is_unknown_key(&forged_call.await.unwrap()));
    let verified = rotated_call.await.unwrap();
    assert!(verified.is_ok(), "a JWT signed with a key the server served when it asked: {verified:?}");
    assert_eq!(server.requests(), 3, "the first fetch, the refetch and one follow-up");
}

/// The limit, as documented: a lookup that misses within the cooldown of a refetch that had already ended when it
/// asked is refused at once (a flood of forged `kid`s must not buy a request each), and the key verifies as soon
/// as the cooldown is over. Two forged `kid`s in that window cost nothing more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn within_the_cooldown_of_an_ended_refetch_a_new_kid_is_refused_until_the_cooldown_ends() {
    let emulator = start().await;
    let server = HeldJwks::start(vec![SigningKey::generation(0)]).await;
    let cooldown = Duration::from_millis(400);
    let client = emulator.client_builder().base_url(&server.url).jwks_refetch_cooldown(cooldown).build().unwrap();
    client.verify_member_jwt(&emulator.issue_member_jwt(SEED_ADMIN_SESSION).unwrap()).await.unwrap();
    let forged = emulator.issue_flawed_member_jwt(SEED_ADMIN_SESSION, JwtFlaw::UnknownKey).unwrap();
    assert!(is_unknown_key(&client.verify_member_jwt(&forged).await));
    server.serve(emulator.rotate_signing_key());
    let rotated = emulator.issue_member_jwt(SEED_ADMIN_SESSION).unwrap();
    assert!(is_unknown_key(&client.verify_member_jwt(&rotated).await));
    assert!(is_unknown_key(&client.verify_member_jwt(&forged).await));
    assert_eq!(server.requests(), 2);
    tokio::time::sleep(cooldown).await;
    client.verify_member_jwt(&rotated).await.unwrap();
    assert_eq!(server.requests(), 3);
}

/// A fetch spawned on a runtime that nobody drives any more (a current-thread runtime kept after its `block_on`
/// ended at the caller's deadline) holds nobody past the client's deadline: a caller on another runtime with a
/// longer deadline waits until then, and gets the key from a fetch of its own.
#[test]
fn a_fetch_stranded_on_an_idle_runtime_holds_nobody_past_the_clients_deadline() {
    let main = tokio::runtime::Runtime::new().unwrap();
    let (emulator, server) =
        main.block_on(async { (start().await, HeldJwks::start(vec![SigningKey::generation(0)]).await) });
    let jwt = emulator.issue_member_jwt(SEED_ADMIN_SESSION).unwrap();
    let client = emulator.client_builder().base_url(&server.url).deadline(Duration::from_millis(300)).build().unwrap();
    let gate = server.hold();
    let idle = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let stranded = std::time::Instant::now();
    assert!(idle.block_on(client.verify_member_jwt(&jwt)).is_err(), "the held answer outlasts the deadline");
    server.release(&gate); // the server would answer now; the fetch's task is on `idle`, which nobody drives
    let session = stytch_connected_apps::MemberSession::jwt(&jwt).unwrap();
    let identity = main.block_on(client.as_member(session).deadline(Duration::from_secs(10)).identity());
    assert_eq!(identity.unwrap().member_id, SEED_ADMIN);
    // Held past the client's deadline (300 ms, plus 1 s: a live fetch has given up by then), not the caller's.
    let waited = stranded.elapsed();
    assert!(waited >= Duration::from_millis(1300) && waited < Duration::from_secs(5), "{waited:?}");
    assert_eq!(server.requests(), 2);
    drop(idle);
}

/// With keys cached and the JWKS failing, a miss gets that failure for the cooldown rather than another request.
#[tokio::test]
async fn with_the_jwks_failing_an_unknown_kid_gets_the_failure_without_another_request() {
    let emulator = start().await;
    let client = emulator
        .client_builder()
        .retry_policy(RetryPolicy::disabled())
        .jwks_refresh_interval(Duration::ZERO) // the next verification refreshes in the background
        .build()
        .unwrap();
    let jwt = emulator.issue_member_jwt(SEED_ADMIN_SESSION).unwrap();
    client.verify_member_jwt(&jwt).await.unwrap();
    emulator.script(Endpoint::MemberJwks, [Fault::internal_error()]);
    client.verify_member_jwt(&jwt).await.unwrap(); // stale keys verify; the refresh fails in the background
    for _ in 0..200 {
        if emulator.requests().iter().any(|r| r.endpoint == Some(Endpoint::MemberJwks) && r.status == 500) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(20)).await; // its outcome recorded
    let forged = emulator.issue_flawed_member_jwt(SEED_ADMIN_SESSION, JwtFlaw::UnknownKey).unwrap();
    let err = client.verify_member_jwt(&forged).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500), "{err}");
    assert_eq!(jwks_requests(&emulator, Endpoint::MemberJwks), 2, "the first fetch and the failed refresh");
    client.verify_member_jwt(&jwt).await.unwrap(); // known keys still verify
}
