//! The emulator as a program: `cargo run --features emulator --bin stytch-emulator -- --help`.

use std::io::Write;
use std::process::ExitCode;

use stytch_connected_apps::emulator::{Emulator, Fixture};

const USAGE: &str = "\
usage: stytch-emulator [--port N] [--fixtures FILE] [--print-seed]

Serves Stytch's Connected Apps endpoints on 127.0.0.1 until interrupted.

  --port N          listen on 127.0.0.1:N (default: a free port, printed)
  --fixtures FILE   the world to serve, as JSON (default: the seed world; see --print-seed)
  --print-seed      print the seed world as JSON (a starting point for a fixture file) and exit";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut port = 0u16;
    let mut fixtures = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => match args.next().and_then(|p| p.parse().ok()) {
                Some(p) => port = p,
                None => return usage("--port needs a number from 0 to 65535"),
            },
            "--fixtures" => match args.next() {
                Some(path) => fixtures = Some(path),
                None => return usage("--fixtures needs a file"),
            },
            "--print-seed" => {
                println!("{}", Fixture::seed().to_json());
                return ExitCode::SUCCESS;
            }
            "--help" | "-h" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return usage(&format!("unknown argument {other:?}")),
        }
    }
    let fixture = match &fixtures {
        None => Fixture::seed(),
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| Fixture::from_json(&t).map_err(|e| e.to_string()))
        {
            Ok(fixture) => fixture,
            Err(e) => {
                eprintln!("error: {path}: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let emulator = match Emulator::start_on_port(port, fixture).await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // A closed stdout (a parent that read the first line and moved on) must not stop the server.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "Stytch Connected Apps emulator on {}", emulator.url());
    let _ = writeln!(out, "project id {} (secret: the fixture's); Ctrl-C stops it", emulator.project_id());
    let _ = out.flush();
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("{problem}\n\n{USAGE}");
    ExitCode::from(2)
}
