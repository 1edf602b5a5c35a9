//! Access-token verification (`cargo bench --bench access_tokens`), as ratios against baselines measured in the same
//! run, on the same token, against an emulator on 127.0.0.1 only:
//!
//! 1. one local verification with a warm key cache, against jsonwebtoken's bare RS256 `decode` of the same token
//!    with the same key (signature, `exp`, `aud`, `iss`: the floor of any verifier on this crypto backend);
//! 2. throughput of 64 concurrent tasks against one task, on a 2-worker runtime (the verification path shares the
//!    key cache: this shows whether it serializes);
//! 3. the layer's added cost per request: an axum route behind `AccessTokenLayer` against the same route verifying
//!    inline with `AccessTokens`, both called over loopback HTTP by one client.
//!
//! `--iterations N` (default 2000) sets the work of each measurement.

use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::get;
use base64::Engine as _;
use stytch_connected_apps::emulator::{
    Emulator, Fixture, SEED_ADMIN, SEED_APP, SEED_ORGANIZATION, SEED_PROJECT_ID, SigningKey,
};
use stytch_connected_apps::{AccessTokenLayer, AccessTokens, VerifiedToken};

fn main() {
    let iterations: u32 =
        std::env::args().skip_while(|a| a != "--iterations").nth(1).and_then(|n| n.parse().ok()).unwrap_or(2_000);
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
    runtime.block_on(run(iterations));
}

async fn run(iterations: u32) {
    let emulator = Emulator::start(Fixture::seed()).await.expect("the emulator starts");
    let client = emulator.client().expect("a client");
    let token = emulator
        .issue_member_access_token(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP, &["openid", "profile"])
        .expect("the seed admin's consent");
    let tokens = client.b2b_access_tokens();
    tokens.verify(&token).await.expect("warm-up verification"); // fetches the keys

    // 1. One verification against jsonwebtoken's own decode of the same token.
    let jwk = SigningKey::generation(0).jwk();
    let decode = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).expect("base64url");
    let (n, e) = (decode(jwk["n"].as_str().unwrap_or_default()), decode(jwk["e"].as_str().unwrap_or_default()));
    let key = jsonwebtoken::DecodingKey::from_rsa_raw_components(&n, &e);
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&[SEED_PROJECT_ID]);
    validation.set_issuer(&[format!("stytch.com/{SEED_PROJECT_ID}")]);
    let bare = || jsonwebtoken::decode::<serde_json::Value>(&token, &key, &validation).is_ok();
    assert!(bare(), "jsonwebtoken accepts the token");
    let (mut sdk, mut floor) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..10 {
        let started = Instant::now();
        for _ in 0..iterations / 10 {
            assert!(tokens.verify(&token).await.is_ok());
        }
        sdk += started.elapsed();
        let started = Instant::now();
        for _ in 0..iterations / 10 {
            assert!(bare());
        }
        floor += started.elapsed();
    }
    let per = |total: Duration| total / iterations;
    println!(
        "1. one local verification (warm keys): {:?}; jsonwebtoken's decode of the same token: {:?}; ratio {:.3}x",
        per(sdk),
        per(floor),
        sdk.as_secs_f64() / floor.as_secs_f64()
    );

    // 2. Throughput: the same number of verifications by 1 task and by 64, in alternating rounds (drift hits both).
    let (mut one, mut many) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..5 {
        for (tasks, total) in [(1u32, &mut one), (64, &mut many)] {
            let started = Instant::now();
            let handles: Vec<_> = (0..tasks)
                .map(|_| {
                    let (tokens, token) = (tokens.clone(), token.clone());
                    let each = iterations / tasks;
                    tokio::spawn(async move {
                        for _ in 0..each {
                            assert!(tokens.verify(&token).await.is_ok());
                        }
                    })
                })
                .collect();
            for handle in handles {
                handle.await.expect("a verifying task");
            }
            *total += started.elapsed();
        }
    }
    let rate = |total: Duration, done: u32| f64::from(done * 5) / total.as_secs_f64();
    let (one, many) = (rate(one, iterations), rate(many, iterations / 64 * 64));
    println!("2. throughput on 2 workers: 1 task {one:.0}/s, 64 tasks {many:.0}/s; ratio {:.2}x", many / one);

    // 3. The layer against the same verification inline, per request over loopback.
    let inline = Router::new().route("/me", get(inline_me)).with_state(tokens.clone());
    let layered = Router::new().route("/me", get(layered_me).route_layer(AccessTokenLayer::new(tokens.clone())));
    let (inline_url, layered_url) = (serve(inline).await, serve(layered).await);
    let http = reqwest::Client::new();
    let call = |url: String| {
        let request = http.get(url).bearer_auth(&token);
        async move {
            let response = request.send().await.expect("sent");
            assert_eq!(response.status(), 200);
            response.bytes().await.expect("a body");
        }
    };
    let (mut with_layer, mut without) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..10 {
        let started = Instant::now();
        for _ in 0..iterations / 10 {
            call(format!("{layered_url}/me")).await;
        }
        with_layer += started.elapsed();
        let started = Instant::now();
        for _ in 0..iterations / 10 {
            call(format!("{inline_url}/me")).await;
        }
        without += started.elapsed();
    }
    println!(
        "3. per request over loopback: behind the layer {:?}, verifying inline {:?}; ratio {:.3}x (added {:?})",
        per(with_layer),
        per(without),
        with_layer.as_secs_f64() / without.as_secs_f64(),
        per(with_layer).saturating_sub(per(without))
    );
}

/// The route that verifies by itself: what the layer replaces.
async fn inline_me(State(tokens): State<AccessTokens>, headers: HeaderMap) -> Result<String, axum::http::StatusCode> {
    let bearer = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let token = bearer.ok_or(axum::http::StatusCode::UNAUTHORIZED)?;
    let claims = tokens.verify(token).await.map_err(|_| axum::http::StatusCode::UNAUTHORIZED)?;
    Ok(claims.subject)
}

async fn layered_me(VerifiedToken(claims): VerifiedToken) -> String {
    claims.subject
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}
