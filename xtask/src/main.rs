//! Maintainer tasks. Run `cargo xtask help`.

use std::path::PathBuf;
use std::process::ExitCode;

use xtask::{bench, check_spec, regen};

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  regen [--from SOURCE]... [--check]
        vendor openapi/stytch-b2b-connected-apps.yaml from Stytch's published OpenAPI. SOURCE is a path
        (relative to the repository root) or an http(s) URL of an OpenAPI 3.0 document or of a documentation
        page embedding one; several merge. Without --from: the sources in openapi/sources.lock, else those in
        openapi/manifest.yaml. Prints each rule's changes, an operation-level diff and the watched upstream
        operations that are not vendored; validates the result as check-spec does and writes nothing if a
        check fails.
        --check writes nothing and fails unless the vendored spec and lock are what the recorded sources give,
        and the handwritten consumer models agree with the Consumer spec.
        exit: 0 unchanged / up to date, 3 changed (or new watched operations), 1 failure or refusal, 2 usage
  check-spec [PATH]
        check a spec as regen does before writing it (default openapi/stytch-b2b-connected-apps.yaml): the
        library's own generation, every rule's invariant, the manifest's operations and relies_on entries
  bench [--quick] [--official] [--build ROUNDS] [-- BENCH ARGS...]
        the per-call table, SDK against plain reqwest + serde (cargo bench --bench calls); --official: the same
        table for the official stytch crate (benches/official, builds that crate); --build: a dependent's clean
        build against the official crate's (benches/dependent-build.sh, needs crates.io). BENCH ARGS go to both
        tables, e.g. -- --paths b1,c1 --calls 10000 --blocks 20. See BENCHMARKS.md.
  help  this text";

fn main() -> ExitCode {
    quiet_generator_panics();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("regen") => regen_command(&args[1..]),
        Some("check-spec") => {
            let path = args.get(1).map_or(check_spec::DEFAULT_PATH, String::as_str);
            match check_spec::run(&repository_root(), path) {
                Ok(summary) => {
                    println!("{path}: ok ({summary})");
                    ExitCode::SUCCESS
                }
                Err(problems) => {
                    eprintln!("{path}: {} problem(s)", problems.len());
                    for problem in problems {
                        eprintln!("  - {problem}");
                    }
                    ExitCode::FAILURE
                }
            }
        }
        Some("bench") => match bench::Options::parse(&args[1..]) {
            Ok(options) => match bench::run(&options, &repository_root()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::FAILURE
                }
            },
            Err(message) => usage_error(&message),
        },
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => usage_error(&format!("unknown task {other:?}")),
    }
}

fn regen_command(args: &[String]) -> ExitCode {
    let mut options = regen::Options { root: repository_root(), ..Default::default() };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => options.check = true,
            "--from" => match args.next() {
                Some(source) => options.from.push(source.clone()),
                None => return usage_error("--from needs a path or URL"),
            },
            other => return usage_error(&format!("unknown regen argument {other:?}")),
        }
    }
    match regen::run(&options, &mut std::io::stdout()) {
        Ok(regen::Status::Unchanged) => ExitCode::SUCCESS,
        Ok(regen::Status::Changed) => ExitCode::from(3),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// progenitor and typify panic on some specs; the generation catches that and reports it in a sentence, so their
/// own panic messages are noise. Every other panic (a bug here) prints as usual.
fn quiet_generator_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let file = info.location().map(|l| l.file()).unwrap_or_default();
        if !(file.contains("progenitor") || file.contains("typify")) {
            default(info);
        }
    }));
}

/// The workspace root: xtask lives one level below it.
fn repository_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map_or(manifest_dir.clone(), PathBuf::from)
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("{message}\n\n{USAGE}");
    ExitCode::from(2)
}
