//! The measurements, for any two [`Caller`]s of the same paths on the same server: paired CPU blocks, latency
//! percentiles, heap allocations, the heap's peak and callgrind instructions. Shared by the calls bench (plain
//! reqwest against this SDK) and `benches/official` (plain reqwest against the official `stytch` crate), so that
//! both columns are measured the same way.

use std::future::Future;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::measure;
use crate::paths::Path;

/// Concurrent calls in the "concurrency 64" measurements.
pub const CONCURRENCY: usize = 64;

/// One way of making each call path.
pub trait Caller: Clone + Send + Sync + 'static {
    /// Its `--side` name, for the callgrind runs of this binary.
    fn side(&self) -> &'static str;

    /// Makes one call; returns a number from the answer (so that nothing is optimised away).
    fn call(&self, path: Path) -> impl Future<Output = usize> + Send;
}

/// `calls` calls per side in `blocks` blocks alternating base, other, base, other... (and which goes first), so
/// that a drift of the machine hits both sides alike, after a warm-up of each. Returns each block's CPU time
/// (base, other), and with `timed` each call's wall time (base, other).
async fn paired<A: Caller, B: Caller>(
    base: &A,
    other: &B,
    path: Path,
    calls: usize,
    blocks: usize,
    concurrency: usize,
    timed: bool,
) -> (Vec<(Duration, Duration)>, [Vec<Duration>; 2]) {
    // Warm both connection pools (and the server) first.
    run(base, path, CONCURRENCY.min(calls), concurrency, None).await;
    run(other, path, CONCURRENCY.min(calls), concurrency, None).await;
    let per_block = (calls / blocks).max(concurrency);
    let (mut cpu, mut times) = (Vec::new(), [Vec::new(), Vec::new()]);
    for block in 0..blocks {
        let [base_times, other_times] = &mut times;
        let (base_times, other_times) = (timed.then_some(base_times), timed.then_some(other_times));
        let (b, o) = if block % 2 == 1 {
            let o = run(other, path, per_block, concurrency, other_times).await;
            (run(base, path, per_block, concurrency, base_times).await, o)
        } else {
            let b = run(base, path, per_block, concurrency, base_times).await;
            (b, run(other, path, per_block, concurrency, other_times).await)
        };
        cpu.push((b, o));
    }
    (cpu, times)
}

/// CPU time, other / base: "total ratio [interquartile range of the block ratios]".
pub async fn paired_cpu<A: Caller, B: Caller>(
    base: &A,
    other: &B,
    path: Path,
    calls: usize,
    blocks: usize,
    concurrency: usize,
) -> String {
    let (cpu, _) = paired(base, other, path, calls, blocks, concurrency, false).await;
    let total = |side: fn(&(Duration, Duration)) -> Duration| cpu.iter().map(side).sum::<Duration>().as_secs_f64();
    let mut ratios: Vec<f64> = cpu.iter().map(|(b, o)| o.as_secs_f64() / b.as_secs_f64()).collect();
    ratios.sort_by(f64::total_cmp);
    let quartile = |q: usize| ratios[(ratios.len() - 1) * q / 4];
    format!("{:.3} [{:.3}–{:.3}]", total(|c| c.1) / total(|c| c.0), quartile(1), quartile(3))
}

/// The 99th percentile of one call's wall time at [`CONCURRENCY`]: "base ms / other ms (+added ms)".
pub async fn paired_p99<A: Caller, B: Caller>(base: &A, other: &B, path: Path, calls: usize, blocks: usize) -> String {
    let (_, [mut base_times, mut other_times]) = paired(base, other, path, calls, blocks, CONCURRENCY, true).await;
    let (b, o) = (p99(&mut base_times), p99(&mut other_times));
    format!("{:.2} / {:.2} ({:+.2})", ms(b), ms(o), ms(o) - ms(b))
}

fn p99(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times.get((times.len() * 99).div_ceil(100).saturating_sub(1)).copied().unwrap_or_default()
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1e3
}

/// CPU time of `calls` calls on one side, `concurrency` at a time; each call's wall time goes into `latencies`
/// when given.
pub async fn run<C: Caller>(
    caller: &C,
    path: Path,
    calls: usize,
    concurrency: usize,
    latencies: Option<&mut Vec<Duration>>,
) -> Duration {
    let timed = latencies.is_some();
    let started = measure::process_cpu();
    let tasks: Vec<_> = (0..concurrency)
        .map(|task| {
            let caller = caller.clone();
            let share = calls / concurrency + usize::from(task < calls % concurrency);
            async move {
                let mut times = Vec::with_capacity(if timed { share } else { 0 });
                for _ in 0..share {
                    let call_started = timed.then(Instant::now);
                    std::hint::black_box(caller.call(path).await);
                    if let Some(call_started) = call_started {
                        times.push(call_started.elapsed());
                    }
                }
                times
            }
        })
        .collect();
    let mut times = Vec::new();
    if concurrency == 1 {
        for task in tasks {
            times.extend(task.await);
        }
    } else {
        let handles: Vec<_> = tasks.into_iter().map(tokio::spawn).collect();
        for handle in handles {
            times.extend(handle.await.expect("a call task"));
        }
    }
    let cpu = measure::process_cpu() - started;
    if let Some(latencies) = latencies {
        latencies.extend(times);
    }
    cpu
}

/// Heap allocations per call (base, other), averaged over 1 000 sequential calls after a warm-up.
pub async fn allocations<A: Caller, B: Caller>(base: &A, other: &B, path: Path) -> (f64, f64) {
    const CALLS: u64 = 1_000;
    async fn per_call<C: Caller>(caller: &C, path: Path) -> f64 {
        run(caller, path, 100, 1, None).await;
        let before = measure::allocations();
        run(caller, path, CALLS as usize, 1, None).await;
        (measure::allocations() - before) as f64 / CALLS as f64
    }
    (per_call(base, path).await, per_call(other, path).await)
}

/// The heap's peak above what was live before, during one call that keeps its answer (base, other).
pub async fn peak_heap<A: Caller, B: Caller>(base: &A, other: &B, path: Path) -> (usize, usize) {
    async fn peak<C: Caller>(caller: &C, path: Path) -> usize {
        run(caller, path, 2, 1, None).await;
        let live = measure::reset_peak();
        std::hint::black_box(caller.call(path).await);
        measure::peak() - live
    }
    (peak(base, path).await, peak(other, path).await)
}

/// Is `valgrind` on the PATH?
pub fn valgrind_available() -> bool {
    Command::new("valgrind").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// User-space instructions per call (base, other): callgrind runs of this binary with `--one PATH --side SIDE
/// --calls N --server URL`, 100 and 600 calls, the difference / 500, so that start-up and the first connection
/// cancel out.
pub fn instructions(base_url: &str, path: Path, base: &str, other: &str) -> (f64, f64) {
    let count = |side: &str, calls: usize| -> f64 {
        let args = ["--one", path.name(), "--side", side, "--calls", &calls.to_string(), "--server", base_url];
        measure::callgrind_instructions(&args.map(str::to_owned))
    };
    let per_call = |side: &str| (count(side, 600) - count(side, 100)) / 500.0;
    (per_call(base), per_call(other))
}

/// For `--one PATH --side SIDE --calls N`: makes the calls, one after another.
pub async fn calls_only<C: Caller>(caller: &C, path: Path, calls: usize) {
    for _ in 0..calls {
        std::hint::black_box(caller.call(path).await);
    }
}

/// The table's header line.
pub fn header() -> String {
    format!(
        "{:<11} {:>22} {:>22} {:>24} {:>24} {:>22}",
        "path",
        "CPU sequential",
        "CPU concurrency 64",
        "allocations / call",
        "instructions / call",
        "p99 ms, concurrency 64"
    )
}

/// One line of the table: `other` against `base` on `path`; instructions counted when `callgrind_server` (the
/// server's URL) is given.
pub async fn row<A: Caller, B: Caller>(
    base: &A,
    other: &B,
    path: Path,
    calls: usize,
    blocks: usize,
    callgrind_server: Option<&str>,
) -> String {
    let sequential = paired_cpu(base, other, path, calls, blocks, 1).await;
    let concurrent = paired_cpu(base, other, path, calls, blocks, CONCURRENCY).await;
    let (base_allocs, other_allocs) = allocations(base, other, path).await;
    let p99 = paired_p99(base, other, path, calls, blocks).await;
    let instructions = match callgrind_server {
        Some(url) => {
            let (b, o) = instructions(url, path, base.side(), other.side());
            format!("{:.1}K / {:.1}K = {:.3}", b / 1e3, o / 1e3, o / b)
        }
        None => "(no valgrind)".to_owned(),
    };
    format!(
        "{:<11} {:>22} {:>22} {:>24} {:>24} {:>22}",
        path.name(),
        sequential,
        concurrent,
        format!("{base_allocs:.1} / {other_allocs:.1} (+{:.1})", other_allocs - base_allocs),
        instructions,
        p99,
    )
}

/// The command line both bench binaries take.
pub struct Args {
    /// `--serve`: be the loopback server.
    pub serve: bool,
    /// `--one PATH --side SIDE --server URL`: make `calls` calls on one side only (for callgrind).
    pub one: Option<(Path, String, String)>,
    /// `--calls N`: calls per side (default 10 000; 2 000 with `--quick`).
    pub calls: usize,
    /// `--blocks N`: alternating blocks (default 20; 4 with `--quick`).
    pub blocks: usize,
    /// `--paths a,b`: the paths measured (default: every small path).
    pub paths: Vec<Path>,
    /// Count instructions (unless `--no-instructions`, or without valgrind).
    pub instructions: bool,
}

impl Args {
    /// Parses the process's arguments; exits with a message on one it does not know. `cargo bench` adds
    /// `--bench`, which is ignored.
    pub fn from_env() -> Args {
        let args: Vec<String> = std::env::args().skip(1).collect();
        Args::parse(&args).unwrap_or_else(|message| {
            eprintln!("error: {message}\nusage: [--quick] [--calls N] [--blocks N] [--paths a,b] [--no-instructions]");
            std::process::exit(2)
        })
    }

    fn parse(args: &[String]) -> Result<Args, String> {
        let (mut calls, mut blocks, mut paths, mut quick, mut no_instructions, mut serve) =
            (None, None, None, false, false, false);
        let (mut one, mut side, mut server) = (None, None, None);
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = || args.next().cloned().ok_or_else(|| format!("{arg} needs a value"));
            let number = |text: String| text.parse::<usize>().ok().filter(|&n| n > 0).ok_or(format!("{arg} {text}"));
            match arg.as_str() {
                "--serve" => serve = true,
                "--quick" => quick = true,
                "--no-instructions" => no_instructions = true,
                "--bench" => {}
                "--calls" => calls = Some(number(value()?)?),
                "--blocks" => blocks = Some(number(value()?)?),
                "--paths" => {
                    let list = value()?;
                    let parsed: Option<Vec<Path>> = list.split(',').map(Path::parse).collect();
                    paths = Some(parsed.ok_or_else(|| format!("unknown path in {list:?}"))?);
                }
                "--one" => one = Some(Path::parse(&value()?).ok_or("--one: unknown path")?),
                "--side" => side = Some(value()?),
                "--server" => server = Some(value()?),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        let one = match (one, side, server) {
            (Some(path), Some(side), Some(server)) => Some((path, side, server)),
            (None, None, None) => None,
            _ => return Err("--one, --side and --server go together".to_owned()),
        };
        Ok(Args {
            serve,
            one,
            calls: calls.unwrap_or(if quick { 2_000 } else { 10_000 }),
            blocks: blocks.unwrap_or(if quick { 4 } else { 20 }),
            paths: paths.unwrap_or_else(|| Path::SMALL.to_vec()),
            instructions: !no_instructions && valgrind_available(),
        })
    }
}
