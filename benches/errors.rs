//! What an error costs (`cargo bench --bench errors`): a body the SDK turns into an [`Error`] (decoded, scrubbed of
//! credentials, bounded, escaped) against serde_json's own work on the same bytes, in the same run.
//!
//! ```text
//! cargo bench --bench errors                              # every case: CPU, allocations, instructions
//! cargo bench --bench errors -- --iterations 20000        # default: 20 000 per side, in 20 alternating blocks
//! ```
//!
//! Baselines: for a success status, `serde_json::from_slice::<Model>` failing on the body (its own error, nothing
//! scrubbed); for an error status, `serde_json::from_slice::<ErrorEnvelope>` (Stytch's envelope read by serde
//! alone: an `Ok` for a real envelope, an `Err` for a proxy's page). The SDK side is the client's own decoder
//! (`fuzzing::decode_success_as` / `decode_error`, what a call runs on the body it read), followed by rendering the
//! error once with `Display`, as a log line would. Columns: CPU time (process CPU, blocks of each side
//! alternating; the ratio of totals and the interquartile range of the block ratios), heap allocations per error,
//! and user-space instructions per error under callgrind when `valgrind` is on the PATH (runs of this binary with
//! 1 100 and 100 iterations, the difference / 1 000: deterministic, comparable across runs).

// The calls bench's counting allocator and CPU clock (its heap-peak helpers are not used here).
#[path = "calls/measure.rs"]
#[allow(dead_code)]
mod measure;

use std::hint::black_box;
use std::process::Command;
use std::time::Duration;

use stytch_connected_apps::fuzzing::{decode_error, decode_success_as};
use stytch_connected_apps::models::{
    ErrorEnvelope, MemberSessionAuthenticateResponse, OrganizationConnectedAppsResponse,
};

#[global_allocator]
static ALLOCATOR: measure::Counting = measure::Counting;

/// One body and how it arrives.
struct Case {
    name: &'static str,
    /// `None`: a success status whose body does not decode as the model (decoder 0, B1, unless `session`).
    status: Option<u16>,
    /// Decoded as the B2B authenticate answer (decoder 6), whose credentials the scrubber reads from the body.
    session: bool,
    body: Vec<u8>,
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).expect("a test fixture")
}

fn cases() -> Vec<Case> {
    let mut wrong_type = b"{\"connected_apps\": [".to_vec();
    for n in 0..400 {
        wrong_type.extend_from_slice(
            format!("{{\"connected_app_id\": \"connected-app-test-{n:04}\", \"name\": \"app {n}\", \"description\": \"d\", \"client_type\": \"first_party\", \"logo_url\": null}},").as_bytes(),
        );
    }
    wrong_type.extend_from_slice(b"{\"connected_app_id\": 7}], \"request_id\": \"r\", \"status_code\": 200}");
    let mut session = String::from_utf8(fixture("member_session_authenticate_200.json")).expect("UTF-8");
    session = session.replacen("\"status_code\": 200", "\"status_code\": \"200\"", 1); // a wrong type, credentials kept
    vec![
        Case { name: "10-byte body, 200", status: None, session: false, body: b"{\"conn\": 1".to_vec() },
        Case { name: "nginx 502 page, 200", status: None, session: false, body: fixture("proxy_502.html") },
        Case { name: "62 KiB list, bad last app", status: None, session: false, body: wrong_type },
        Case { name: "authenticate, bad field", status: None, session: true, body: session.into_bytes() },
        Case { name: "empty 400", status: Some(400), session: false, body: Vec::new() },
        Case { name: "Stytch 401 envelope", status: Some(401), session: false, body: fixture("seed001_401.json") },
        Case { name: "Stytch 429 envelope", status: Some(429), session: false, body: fixture("seed001_429.json") },
        Case { name: "nginx 502 page", status: Some(502), session: false, body: fixture("proxy_502.html") },
    ]
}

/// The SDK's side: the error a call returns for this body, rendered once.
fn sdk(case: &Case) -> usize {
    let error = match case.status {
        Some(status) => decode_error(status, &case.body),
        None => decode_success_as(if case.session { 6 } else { 0 }, &case.body).expect("the body does not decode"),
    };
    error.to_string().len()
}

/// The baseline: serde_json on the same bytes, and its error's message when it fails.
fn serde(case: &Case) -> usize {
    match case.status {
        Some(_) => match serde_json::from_slice::<ErrorEnvelope>(&case.body) {
            Ok(envelope) => envelope.error_message.map_or(0, |m| m.len()),
            Err(error) => error.to_string().len(),
        },
        None if case.session => serde_json::from_slice::<MemberSessionAuthenticateResponse>(&case.body)
            .err()
            .map_or(0, |e| e.to_string().len()),
        None => serde_json::from_slice::<OrganizationConnectedAppsResponse>(&case.body)
            .err()
            .map_or(0, |e| e.to_string().len()),
    }
}

fn run(side: fn(&Case) -> usize, case: &Case, iterations: usize) -> usize {
    (0..iterations).map(|_| black_box(side(black_box(case)))).sum()
}

fn sides(name: &str) -> fn(&Case) -> usize {
    if name == "sdk" { sdk } else { serde }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| args.iter().skip_while(|a| *a != flag).nth(1).cloned();
    let iterations: usize = value("--iterations").and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let cases = cases();
    if let Some(index) = value("--one") {
        // One side of one case, for callgrind.
        let case = &cases[index.parse::<usize>().expect("a case number")];
        black_box(run(sides(&value("--side").expect("--side")), case, iterations));
        return;
    }
    let callgrind = Command::new("valgrind").arg("--version").output().is_ok_and(|o| o.status.success());
    println!(
        "stytch-connected-apps {}: one error, SDK (decode, scrub, bound, Display) / serde_json alone, {iterations} per side in 20 blocks",
        env!("CARGO_PKG_VERSION")
    );
    println!("{:<28} {:>8} {:>24} {:>16} {:>30}", "body", "bytes", "CPU [IQR]", "allocations", "instructions / error");
    for (index, case) in cases.iter().enumerate() {
        let (sdk_cpu, serde_cpu, iqr) = paired(case, iterations);
        let allocations = |side: fn(&Case) -> usize| {
            let before = measure::allocations();
            run(side, case, 100);
            (measure::allocations() - before) as f64 / 100.0
        };
        let instructions = if callgrind {
            let (s, b) = (instructions(index, "sdk"), instructions(index, "serde"));
            format!("{:.1}K / {:.1}K = {:.2}", s / 1e3, b / 1e3, s / b)
        } else {
            "(no valgrind)".to_owned()
        };
        println!(
            "{:<28} {:>8} {:>7.2} [{:.2}-{:.2}] {:>16} {:>30}",
            case.name,
            case.body.len(),
            sdk_cpu.as_secs_f64() / serde_cpu.as_secs_f64(),
            iqr.0,
            iqr.1,
            format!("{:.0} / {:.0}", allocations(sdk), allocations(serde)),
            instructions,
        );
    }
}

/// CPU time of each side over `iterations` in 20 alternating blocks, and the interquartile range of the blocks'
/// ratios.
fn paired(case: &Case, iterations: usize) -> (Duration, Duration, (f64, f64)) {
    let per_block = (iterations / 20).max(1);
    let (mut sdk_total, mut serde_total, mut ratios) = (Duration::ZERO, Duration::ZERO, Vec::new());
    run(sdk, case, per_block / 10 + 1); // warm-up
    run(serde, case, per_block / 10 + 1);
    for _ in 0..20 {
        let start = measure::process_cpu();
        run(serde, case, per_block);
        let base = measure::process_cpu() - start;
        let start = measure::process_cpu();
        run(sdk, case, per_block);
        let other = measure::process_cpu() - start;
        sdk_total += other;
        serde_total += base;
        ratios.push(other.as_secs_f64() / base.as_secs_f64().max(1e-9));
    }
    ratios.sort_by(f64::total_cmp);
    (sdk_total, serde_total, (ratios[4], ratios[15]))
}

/// User-space instructions per error on one side: callgrind runs of this binary, 1 100 and 100 iterations.
fn instructions(case: usize, side: &str) -> f64 {
    let count = |iterations: usize| {
        let args = ["--one", &case.to_string(), "--side", side, "--iterations", &iterations.to_string()];
        measure::callgrind_instructions(&args.map(str::to_owned))
    };
    (count(1_100) - count(100)) / 1_000.0
}
