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
//! PATH: deterministic, so it can be compared across runs); the 99th percentile of a call's wall time at
//! concurrency 64; and for a 10 000-app list, the heap's peak. Every figure is printed beside, or as a ratio
//! against, plain reqwest measured in the same run. `benches/official` measures the official `stytch` crate the
//! same way (same harness, same server).

mod harness;
mod measure;
mod paths;
mod server;

use harness::CONCURRENCY;
use paths::{Path, Plain, Sdk, Sides};

/// The repository's root (the server's bodies are its test fixtures).
const REPOSITORY: &str = env!("CARGO_MANIFEST_DIR");

#[global_allocator]
static ALLOCATOR: measure::Counting = measure::Counting;

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
        let calls: usize = value("--calls").and_then(|n| n.parse().ok()).expect("--calls N");
        return runtime.block_on(async {
            match value("--side").as_deref() {
                Some("sdk") => harness::calls_only(&Sdk(sides), path, calls).await,
                _ => harness::calls_only(&Plain(sides), path, calls).await,
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
        instructions: !args.iter().any(|a| a == "--no-instructions") && harness::valgrind_available(),
    };
    let server = server::Server::start();
    let sides = Sides::new(&server.base_url);
    let (plain, sdk) = (Plain(sides.clone()), Sdk(sides));
    println!(
        "stytch-connected-apps {} vs plain reqwest + serde, loopback, {} calls per side in {} alternating blocks, {} cores",
        env!("CARGO_PKG_VERSION"),
        options.calls,
        options.blocks,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "ratio = SDK / plain (1.00 = as cheap as plain reqwest); CPU: total ratio [interquartile range of blocks]; \
         p99: one call's wall time at concurrency {CONCURRENCY}, plain / SDK (added)\n"
    );
    println!("{}", harness::header());
    let callgrind = options.instructions.then_some(server.base_url.as_str());
    for &path in &options.paths {
        println!("{}", runtime.block_on(harness::row(&plain, &sdk, path, options.calls, options.blocks, callgrind)));
    }
    let large = Path::B1Large;
    let (plain_peak, sdk_peak) = runtime.block_on(harness::peak_heap(&plain, &sdk, large));
    let cpu = runtime.block_on(harness::paired_cpu(
        &plain,
        &sdk,
        large,
        (options.calls / 100).max(10),
        options.blocks.min(10),
        1,
    ));
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
