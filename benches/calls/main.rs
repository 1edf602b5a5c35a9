//! Per-call cost of the SDK against plain reqwest + serde, on one loopback server, in one run.
//!
//! ```text
//! cargo bench --bench calls                      # the full table (a few minutes)
//! cargo bench --bench calls -- --quick           # fewer calls, a rough table
//! cargo bench --bench calls -- --paths b1,b4 --calls 20000 --blocks 20
//! ```
//!
//! For each call path: client CPU time (user + system, this process only: the server is another process) for
//! `--calls` calls per side made one after another and at concurrency 64, in `--blocks` blocks alternating plain
//! and SDK;
//! heap allocations per call; user-space instructions per call under callgrind (when `valgrind` is on the
//! PATH: deterministic, so it can be compared across runs); and for a 10 000-app list, the heap's peak. Every
//! figure is printed as a ratio against plain reqwest measured in the same run.

mod measure;
mod paths;
mod server;

use std::process::Command;
use std::time::Duration;

use paths::{Path, Sides};

#[global_allocator]
static ALLOCATOR: measure::Counting = measure::Counting;

const CONCURRENCY: usize = 64;

struct Options {
    calls: usize,
    blocks: usize,
    paths: Vec<Path>,
    instructions: bool,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    if args.iter().any(|a| a == "--serve") {
        return server::serve();
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    if let Some(path) = value("--one") {
        // One side of one path, for callgrind: `--one b1 --side sdk --calls N --server URL`.
        let path = Path::parse(&path).expect("--one PATH");
        let sides = Sides::new(&value("--server").expect("--server URL"));
        let sdk = value("--side").as_deref() == Some("sdk");
        let calls: usize = value("--calls").and_then(|n| n.parse().ok()).expect("--calls N");
        return runtime.block_on(async {
            for _ in 0..calls {
                std::hint::black_box(if sdk { sides.sdk(path).await } else { sides.plain(path).await });
            }
        });
    }
    let quick = args.iter().any(|a| a == "--quick");
    let options = Options {
        calls: value("--calls").and_then(|n| n.parse().ok()).unwrap_or(if quick { 2_000 } else { 20_000 }),
        blocks: value("--blocks").and_then(|n| n.parse().ok()).unwrap_or(if quick { 4 } else { 20 }),
        paths: value("--paths")
            .map(|list| list.split(',').map(|name| Path::parse(name).expect("a path name")).collect())
            .unwrap_or_else(|| Path::SMALL.to_vec()),
        instructions: !args.iter().any(|a| a == "--no-instructions") && valgrind_available(),
    };
    let server = server::Server::start();
    let sides = Sides::new(&server.base_url);
    println!(
        "stytch-connected-apps {} vs plain reqwest + serde, loopback, {} calls per side in {} alternating blocks, {} cores",
        env!("CARGO_PKG_VERSION"),
        options.calls,
        options.blocks,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "ratio = SDK / plain (1.00 = as cheap as plain reqwest); CPU: total ratio [interquartile range of blocks]\n"
    );
    println!(
        "{:<11} {:>22} {:>22} {:>24} {:>24}",
        "path", "CPU sequential", "CPU concurrency 64", "allocations / call", "instructions / call"
    );
    for &path in &options.paths {
        let sequential = runtime.block_on(paired_cpu(&sides, path, options.calls, options.blocks, 1));
        let concurrent = runtime.block_on(paired_cpu(&sides, path, options.calls, options.blocks, CONCURRENCY));
        let (plain_allocs, sdk_allocs) = runtime.block_on(allocations(&sides, path));
        let instructions = if options.instructions {
            let (plain, sdk) = instructions(&server.base_url, path);
            format!("{:.1}K / {:.1}K = {:.3}", plain / 1e3, sdk / 1e3, sdk / plain)
        } else {
            "(no valgrind)".to_owned()
        };
        println!(
            "{:<11} {:>22} {:>22} {:>24} {:>24}",
            path.name(),
            sequential,
            concurrent,
            format!("{plain_allocs:.1} / {sdk_allocs:.1} (+{:.1})", sdk_allocs - plain_allocs),
            instructions
        );
    }
    let large = Path::B1Large;
    let (plain_peak, sdk_peak) = runtime.block_on(peak_heap(&sides, large));
    let cpu = runtime.block_on(paired_cpu(&sides, large, (options.calls / 100).max(10), options.blocks.min(10), 1));
    println!(
        "\n{} ({} apps, {:.2} MB): peak heap plain {:.2} MB, SDK {:.2} MB, ratio {:.3}; CPU {cpu}",
        large.name(),
        server::LARGE_APPS,
        server::b1_body(server::LARGE_APPS).len() as f64 / 1e6,
        plain_peak as f64 / 1e6,
        sdk_peak as f64 / 1e6,
        sdk_peak as f64 / plain_peak as f64,
    );
}

/// CPU time of `calls` calls per side, made in `blocks` blocks alternating plain, SDK, plain, SDK... so that a
/// drift of the machine hits both sides alike. "total ratio [interquartile range of the block ratios]".
async fn paired_cpu(sides: &Sides, path: Path, calls: usize, blocks: usize, concurrency: usize) -> String {
    // Warm both connection pools (and the server) first.
    run(sides, path, false, CONCURRENCY.min(calls), concurrency).await;
    run(sides, path, true, CONCURRENCY.min(calls), concurrency).await;
    let per_block = (calls / blocks).max(1);
    let (mut plain_total, mut sdk_total) = (Duration::ZERO, Duration::ZERO);
    let mut ratios = Vec::new();
    for block in 0..blocks {
        // Alternate which side goes first, too.
        let sdk_first = block % 2 == 1;
        let first = run(sides, path, sdk_first, per_block, concurrency).await;
        let second = run(sides, path, !sdk_first, per_block, concurrency).await;
        let (plain, sdk) = if sdk_first { (second, first) } else { (first, second) };
        plain_total += plain;
        sdk_total += sdk;
        ratios.push(sdk.as_secs_f64() / plain.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let quartile = |q: usize| ratios[(ratios.len() - 1) * q / 4];
    format!("{:.3} [{:.3}–{:.3}]", sdk_total.as_secs_f64() / plain_total.as_secs_f64(), quartile(1), quartile(3))
}

/// CPU time of `calls` calls on one side, `concurrency` at a time.
async fn run(sides: &Sides, path: Path, sdk: bool, calls: usize, concurrency: usize) -> Duration {
    let started = measure::process_cpu();
    if concurrency == 1 {
        for _ in 0..calls {
            std::hint::black_box(if sdk { sides.sdk(path).await } else { sides.plain(path).await });
        }
    } else {
        let tasks: Vec<_> = (0..concurrency)
            .map(|task| {
                let sides = sides.clone();
                let share = calls / concurrency + usize::from(task < calls % concurrency);
                tokio::spawn(async move {
                    for _ in 0..share {
                        std::hint::black_box(if sdk { sides.sdk(path).await } else { sides.plain(path).await });
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("a call task");
        }
    }
    measure::process_cpu() - started
}

/// Heap allocations per call (plain, SDK), averaged over 1 000 sequential calls after a warm-up.
async fn allocations(sides: &Sides, path: Path) -> (f64, f64) {
    const CALLS: u64 = 1_000;
    let mut per_call = [0.0; 2];
    for (slot, sdk) in [false, true].into_iter().enumerate() {
        run(sides, path, sdk, 100, 1).await;
        let before = measure::allocations();
        run(sides, path, sdk, CALLS as usize, 1).await;
        per_call[slot] = (measure::allocations() - before) as f64 / CALLS as f64;
    }
    (per_call[0], per_call[1])
}

/// The heap's peak above what was live before, during one call that keeps its answer (plain, SDK).
async fn peak_heap(sides: &Sides, path: Path) -> (usize, usize) {
    let mut peaks = [0; 2];
    for (slot, sdk) in [false, true].into_iter().enumerate() {
        run(sides, path, sdk, 2, 1).await;
        let live = measure::reset_peak();
        std::hint::black_box(if sdk { sides.sdk(path).await } else { sides.plain(path).await });
        peaks[slot] = measure::peak() - live;
    }
    (peaks[0], peaks[1])
}

fn valgrind_available() -> bool {
    Command::new("valgrind").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// User-space instructions per call (plain, SDK): callgrind runs of 100 and 600 calls, the difference / 500, so
/// that start-up and the first connection cancel out.
fn instructions(base_url: &str, path: Path) -> (f64, f64) {
    let exe = std::env::current_exe().expect("the bench binary's path");
    let count = |side: &str, calls: usize| -> f64 {
        let output = Command::new("valgrind")
            .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
            .arg(&exe)
            .args(["--one", path.name(), "--side", side, "--calls", &calls.to_string(), "--server", base_url])
            .output()
            .expect("run valgrind");
        let stderr = String::from_utf8_lossy(&output.stderr);
        stderr
            .lines()
            .find_map(|line| line.split("Collected : ").nth(1))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no instruction count from callgrind:\n{stderr}"))
    };
    let per_call = |side: &str| (count(side, 600) - count(side, 100)) / 500.0;
    (per_call("plain"), per_call("sdk"))
}
