//! Bulk calls against the emulator with realistic latency: the wall time of `consent_report` and of a 500-member
//! `revoke_for_all_members` at concurrency 1, 8 and 32, as speed-ups over concurrency 1 measured in the same run,
//! without and with a per-endpoint rate limit on the emulator. Run: `cargo bench --bench bulk` (about two minutes;
//! `-- --latency-ms 50 --members 500 --apps 64 --rate-limit 100`).
//!
//! Each measurement starts a fresh emulator (a revoke changes the world) with the client's defaults (retry policy
//! and budget as a user gets them). The emulator answers every request after `--latency-ms`, as a network round
//! trip to Stytch would take.

use std::time::{Duration, Instant};

use stytch_connected_apps::emulator::{Emulator, Fixture, SEED_ORGANIZATION, SEED_THIRD_PARTY_APP};

struct Settings {
    latency: Duration,
    members: usize,
    apps: usize,
    rate_limit: u32,
}

fn settings() -> Settings {
    let mut settings = Settings { latency: Duration::from_millis(50), members: 500, apps: 64, rate_limit: 100 };
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let mut args = args.iter();
    while let Some(name) = args.next() {
        let value: u64 = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{name} needs a number"));
        match name.as_str() {
            "--latency-ms" => settings.latency = Duration::from_millis(value),
            "--members" => settings.members = value as usize,
            "--apps" => settings.apps = value as usize,
            "--rate-limit" => settings.rate_limit = value as u32,
            other => panic!("unknown argument {other}"),
        }
    }
    settings
}

/// `members` members of the seed organization on the third-party app (the seed member is one of them), and
/// `apps` more apps with four members each.
fn world(settings: &Settings) -> Fixture {
    let mut fixture = Fixture::seed();
    for member in 1..settings.members {
        let id = format!("member-test-bench-{member:04}");
        fixture = fixture.member(SEED_ORGANIZATION, &id, None, &[]).member_authorization(
            SEED_ORGANIZATION,
            &id,
            SEED_THIRD_PARTY_APP,
            &["openid", "calendar.read"],
        );
    }
    for app in 0..settings.apps.saturating_sub(2) {
        let app_id = format!("connected-app-test-bench-{app:03}");
        fixture = fixture.connected_app(&app_id, &format!("Bench app {app}"), "", "third_party", None);
        for member in 1..=4 {
            let id = format!("member-test-bench-{member:04}");
            fixture = fixture.member_authorization(SEED_ORGANIZATION, &id, &app_id, &["openid"]);
        }
    }
    fixture
}

struct Measured {
    wall: Duration,
    requests: usize,
    rate_limited: usize,
    peak_in_flight: usize,
    detail: String,
}

async fn emulator(settings: &Settings, rate_limit: Option<u32>) -> Emulator {
    let emulator = Emulator::start(world(settings)).await.expect("emulator");
    emulator.set_latency(settings.latency);
    emulator.set_rate_limit(rate_limit);
    emulator
}

fn measured(emulator: &Emulator, wall: Duration, detail: String) -> Measured {
    let log = emulator.requests();
    Measured {
        wall,
        requests: log.len(),
        rate_limited: log.iter().filter(|r| r.rate_limited).count(),
        peak_in_flight: emulator.take_peak_in_flight(),
        detail,
    }
}

async fn consent_report(settings: &Settings, concurrency: usize, rate_limit: Option<u32>) -> Measured {
    let emulator = emulator(settings, rate_limit).await;
    let client = emulator.client().expect("client");
    let started = Instant::now();
    let report = client.b2b().consent_report(SEED_ORGANIZATION).concurrency(concurrency).await.expect("B1");
    let wall = started.elapsed();
    let detail = format!("{} apps, {} failed", report.apps.len(), report.failures().count());
    measured(&emulator, wall, detail)
}

async fn bulk_revoke(settings: &Settings, concurrency: usize, rate_limit: Option<u32>) -> Measured {
    let emulator = emulator(settings, rate_limit).await;
    let client = emulator.client().expect("client");
    let started = Instant::now();
    let report = client
        .b2b()
        .revoke_for_all_members(SEED_ORGANIZATION, SEED_THIRD_PARTY_APP)
        .concurrency(concurrency)
        .await
        .expect("B2");
    let wall = started.elapsed();
    let counts = report.counts();
    let detail = format!(
        "{} revoked, {} left; {} pauses, lowest concurrency {}",
        counts.revoked,
        counts.left(),
        report.pacing.pauses,
        report.pacing.lowest_concurrency
    );
    measured(&emulator, wall, detail)
}

fn row(call: &str, limit: &str, concurrency: usize, m: &Measured, baseline: Duration) {
    println!(
        "| {call} | {limit} | {concurrency} | {:.2} s | **{:.1}x** | {} | {} | {} | {} |",
        m.wall.as_secs_f64(),
        baseline.as_secs_f64() / m.wall.as_secs_f64(),
        m.requests,
        m.rate_limited,
        m.peak_in_flight,
        m.detail
    );
}

#[tokio::main]
async fn main() {
    let settings = settings();
    println!(
        "latency {} ms per request, {} members, {} apps, rate limit {}/s per endpoint where shown; {} cores",
        settings.latency.as_millis(),
        settings.members,
        settings.apps,
        settings.rate_limit,
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    println!();
    println!(
        "| call | emulator limit | concurrency | wall | speed-up vs concurrency 1 | requests | 429s | peak in flight | outcome |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let settings = &settings;
    for (name, bulk) in [("consent_report", false), ("revoke_for_all_members", true)] {
        let run = |concurrency, limit| async move {
            if bulk {
                bulk_revoke(settings, concurrency, limit).await
            } else {
                consent_report(settings, concurrency, limit).await
            }
        };
        let baseline = run(1, None).await;
        row(name, "none", 1, &baseline, baseline.wall);
        for concurrency in [8, 32] {
            row(name, "none", concurrency, &run(concurrency, None).await, baseline.wall);
        }
        let limit = format!("{}/s", settings.rate_limit);
        for concurrency in [8, 32] {
            row(name, &limit, concurrency, &run(concurrency, Some(settings.rate_limit)).await, baseline.wall);
        }
    }
}
