//! Per-call cost of the SDK against plain reqwest + serde, on one loopback server, in one run.
//!
//! ```text
//! cargo bench --bench calls                      # the full table (a few minutes)
//! cargo bench --bench calls -- --quick           # fewer calls, a rough table
//! cargo bench --bench calls -- --paths b1,b4 --calls 20000 --blocks 20   # default: 10 000 calls, 20 blocks
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

fn main() {
    let args = harness::Args::from_env();
    if args.serve {
        return server::serve();
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    if let Some((path, side, server)) = &args.one {
        // One side of one path, for callgrind.
        let sides = Sides::new(server);
        return runtime.block_on(async {
            match side.as_str() {
                "sdk" => harness::calls_only(&Sdk(sides), *path, args.calls).await,
                _ => harness::calls_only(&Plain(sides), *path, args.calls).await,
            }
        });
    }
    let server = server::Server::start();
    let sides = Sides::new(&server.base_url);
    let (plain, sdk) = (Plain(sides.clone()), Sdk(sides));
    println!(
        "stytch-connected-apps {} vs plain reqwest + serde, loopback, {} calls per side in {} alternating blocks, {} cores",
        env!("CARGO_PKG_VERSION"),
        args.calls,
        args.blocks,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "ratio = SDK / plain (1.00 = as cheap as plain reqwest); CPU: total ratio [interquartile range of blocks]; \
         p99: one call's wall time at concurrency {CONCURRENCY}, plain / SDK (added)\n"
    );
    println!("{}", harness::header());
    let callgrind = args.instructions.then_some(server.base_url.as_str());
    for &path in &args.paths {
        println!("{}", runtime.block_on(harness::row(&plain, &sdk, path, args.calls, args.blocks, callgrind)));
    }
    let large = Path::B1Large;
    let (plain_peak, sdk_peak) = runtime.block_on(harness::peak_heap(&plain, &sdk, large));
    let cpu =
        runtime.block_on(harness::paired_cpu(&plain, &sdk, large, (args.calls / 100).max(10), args.blocks.min(10), 1));
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
