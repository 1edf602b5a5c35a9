//! Session JWT verification (`cargo bench --bench jwt`): the cost of one local verification with a warm key cache,
//! as ratios against baselines measured in the same run on the same JWT, and the request count of
//! `as_user(jwt).connected_apps()` with local against remote verification. Talks only to an emulator on 127.0.0.1.
//!
//! Baselines: the bare RS256 signature check (ring, the same key and bytes: the floor any verifier pays), and the
//! remote path it replaces, `POST /v1/sessions/authenticate` to the emulator on loopback, twice: by plain reqwest +
//! serde (the floor of any remote check) and by this SDK (`SessionVerification::Remote`, what a session cost before
//! local verification). Against real Stytch, add a network round trip to both.

use std::time::{Duration, Instant};

use base64::Engine as _;
use stytch_connected_apps::emulator::{
    Emulator, Endpoint, Fixture, SEED_PROJECT_ID, SEED_SECRET, SEED_USER_SESSION, SigningKey,
};
use stytch_connected_apps::{Client, SessionVerification, UserSession};

fn main() {
    let iterations: u32 =
        std::env::args().skip_while(|a| a != "--iterations").nth(1).and_then(|n| n.parse().ok()).unwrap_or(2_000);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(run(iterations));
}

async fn run(iterations: u32) {
    let emulator = Emulator::start(Fixture::seed()).await.expect("the emulator starts");
    let client: Client = emulator.client().expect("a client");
    let jwt = emulator.issue_user_jwt(SEED_USER_SESSION).expect("a seed user session");
    client.verify_user_jwt(&jwt).await.expect("warm-up verification"); // fetches the keys

    // Baseline 1: the RSA signature check alone.
    let jwk = SigningKey::generation(0).jwk();
    let decode = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).expect("base64url");
    let (n, e) = (decode(jwk["n"].as_str().unwrap_or_default()), decode(jwk["e"].as_str().unwrap_or_default()));
    let (signed, signature) = jwt.rsplit_once('.').expect("three parts");
    let signature = decode(signature);
    let rsa_only = || {
        let key = ring::signature::RsaPublicKeyComponents { n: &n, e: &e };
        key.verify(&ring::signature::RSA_PKCS1_2048_8192_SHA256, signed.as_bytes(), &signature).is_ok()
    };

    // Baseline 2: the remote check by hand, plain reqwest + serde.
    let plain = reqwest::Client::new();
    let authenticate_url = format!("{}/v1/sessions/authenticate", emulator.url());
    let plain_remote = || async {
        let answer: serde_json::Value = plain
            .post(&authenticate_url)
            .basic_auth(SEED_PROJECT_ID, Some(SEED_SECRET))
            .json(&serde_json::json!({"session_jwt": jwt}))
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("JSON");
        assert!(answer["session"]["user_id"].is_string());
    };

    // Alternate blocks of each side, so that drift hits all of them alike.
    let (mut local, mut bare, mut remote, mut plain_total) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let blocks = 10;
    let per_block = iterations / blocks;
    let remote_per_block = (per_block / 10).max(1);
    for _ in 0..blocks {
        let started = Instant::now();
        for _ in 0..per_block {
            assert!(rsa_only());
        }
        bare += started.elapsed();
        let started = Instant::now();
        for _ in 0..per_block {
            client.verify_user_jwt(&jwt).await.expect("verifies");
        }
        local += started.elapsed();
        let me = client.as_user(UserSession::jwt(&jwt).expect("a JWT")).verification(SessionVerification::Remote);
        let started = Instant::now();
        for _ in 0..remote_per_block {
            me.user_id().await.expect("authenticates");
        }
        remote += started.elapsed();
        let started = Instant::now();
        for _ in 0..remote_per_block {
            plain_remote().await;
        }
        plain_total += started.elapsed();
    }
    let per = |total: Duration, n: u32| total.as_secs_f64() / f64::from(n * blocks);
    let (local, bare, remote) = (per(local, per_block), per(bare, per_block), per(remote, remote_per_block));
    let plain_remote = per(plain_total, remote_per_block);
    println!("verification of one user session JWT, warm key cache ({} verifications per side)", per_block * blocks);
    println!("  local / RSA check alone            {:>6.2}x", local / bare);
    println!("  local / plain reqwest + serde authenticate (loopback) {:>6.3}x", local / plain_remote);
    println!("  local / SDK remote authenticate (loopback)            {:>6.3}x", local / remote);
    println!("  SDK remote / plain reqwest + serde authenticate       {:>6.3}x", remote / plain_remote);
    println!(
        "  (absolute, this machine: local {:.1} us, RSA alone {:.1} us, plain remote {:.1} us, SDK remote {:.1} us)",
        local * 1e6,
        bare * 1e6,
        plain_remote * 1e6,
        remote * 1e6
    );

    // Requests per as_user(jwt).connected_apps(), from the emulator's log.
    let count = |endpoint: Endpoint| emulator.requests().iter().filter(|r| r.endpoint == Some(endpoint)).count();
    for (name, policy) in
        [("remote (before)", SessionVerification::Remote), ("local (after)", SessionVerification::Local)]
    {
        let before = emulator.requests().len();
        let me = client.as_user(UserSession::jwt(&jwt).expect("a JWT")).verification(policy);
        me.connected_apps().await.expect("lists");
        println!("as_user(jwt).connected_apps(), {name}: {} request(s)", emulator.requests().len() - before);
    }
    println!("JWKS fetches in the whole run: {}", count(Endpoint::UserJwks));
}
