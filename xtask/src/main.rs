//! Maintainer tasks. Run `cargo xtask help`.

mod check_spec;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  check-spec [PATH]   check that the vendored spec (default openapi/stytch-b2b-connected-apps.yaml) keeps the
                      invariants progenitor and real Stytch responses need (see openapi/README.md)
  help                this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("check-spec") => {
            let path = args.get(1).map_or(check_spec::DEFAULT_PATH, String::as_str);
            match check_spec::run(path) {
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
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown task {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
