//! `cargo xtask bench`: the benchmarks of BENCHMARKS.md, each a process of its own with its output passed
//! through. Nothing is timed here: the bench binaries measure, pair and print the ratios.

use std::path::Path;
use std::process::Command;

/// What to run.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Fewer calls per side (a rough table, in about a minute).
    pub quick: bool,
    /// Also the official `stytch` crate's table (`benches/official`, a crate of its own: builds the official crate).
    pub official: bool,
    /// Also a dependent's clean build against the official crate's, this many rounds (`benches/dependent-build.sh`).
    pub build_rounds: Option<u32>,
    /// Passed to both per-call benches, which parse them alike (e.g. `--paths b1,c1 --calls 10000 --blocks 20`).
    pub bench_args: Vec<String>,
}

impl Options {
    /// Parses the arguments after `bench`.
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--official" => options.official = true,
                "--build" => {
                    let rounds = args.next().ok_or("--build needs a number of rounds")?;
                    let rounds = rounds.parse().ok().filter(|&n| n >= 1);
                    options.build_rounds = Some(rounds.ok_or("--build needs a number of rounds of at least 1")?);
                }
                "--" => options.bench_args.extend(args.by_ref().cloned()),
                other => return Err(format!("unknown bench argument {other:?}")),
            }
        }
        Ok(options)
    }

    /// The commands to run, in order: (program, arguments).
    pub fn commands(&self) -> Vec<(String, Vec<String>)> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut bench_args = self.bench_args.clone();
        if self.quick {
            bench_args.insert(0, "--quick".to_owned());
        }
        let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut commands =
            vec![(cargo.clone(), [strings(&["bench", "--bench", "calls", "--"]), bench_args.clone()].concat())];
        if self.official {
            // The same arguments: both binaries parse them with the same code (`benches/calls/harness.rs`).
            let run = strings(&["run", "--release", "--manifest-path", "benches/official/Cargo.toml", "--"]);
            commands.push((cargo, [run, bench_args].concat()));
        }
        if let Some(rounds) = self.build_rounds {
            commands.push(("bash".to_owned(), vec!["benches/dependent-build.sh".to_owned(), rounds.to_string()]));
        }
        commands
    }
}

/// Runs the commands in `root`, one after another; stops at the first failure.
pub fn run(options: &Options, root: &Path) -> Result<(), String> {
    for (program, args) in options.commands() {
        println!("$ {program} {}", args.join(" "));
        let status = Command::new(&program)
            .args(&args)
            .current_dir(root)
            .status()
            .map_err(|e| format!("cannot run {program}: {e}"))?;
        if !status.success() {
            return Err(format!("`{program} {}` failed ({status})", args.join(" ")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_every_option() {
        let options = Options::parse(&args(&["--quick", "--official", "--build", "2", "--", "--paths", "b1"])).unwrap();
        assert_eq!(
            options,
            Options { quick: true, official: true, build_rounds: Some(2), bench_args: args(&["--paths", "b1"]) }
        );
        assert!(Options::parse(&args(&["--build", "0"])).is_err());
        assert!(Options::parse(&args(&["--build"])).is_err());
        assert!(Options::parse(&args(&["--calls", "5"])).is_err());
    }

    #[test]
    fn runs_the_calls_bench_then_the_official_table_then_the_build() {
        let options = Options::parse(&args(&["--quick", "--official", "--build", "1"])).unwrap();
        let commands: Vec<String> =
            options.commands().into_iter().map(|(program, args)| format!("{program} {}", args.join(" "))).collect();
        assert!(commands[0].ends_with("bench --bench calls -- --quick"), "{commands:?}");
        assert!(
            commands[1].ends_with("run --release --manifest-path benches/official/Cargo.toml -- --quick"),
            "{commands:?}"
        );
        assert_eq!(commands[2], "bash benches/dependent-build.sh 1");
        assert_eq!(commands.len(), 3);
        assert_eq!(Options::default().commands().len(), 1);
    }
}
