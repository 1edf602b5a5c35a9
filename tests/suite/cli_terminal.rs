//! The CLI in a real terminal (a pseudo-terminal, through rexpect): the confirmation prompt of a destructive
//! command, and the progress bar on stderr while stdout stays pure JSON.
#![cfg(unix)]

use std::process::Command;
use std::time::Duration;

use rexpect::process::WaitStatus;
use rexpect::session::spawn_command;
use stytch_connected_apps::bulk::RevokeReport;
use stytch_connected_apps::emulator::{Emulator, SEED_THIRD_PARTY_APP};

use crate::cli::{BIN, crowded_world, env_for};

fn command(args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command.args(args);
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("STYTCH_")) {
        command.env_remove(name);
    }
    command
}

fn exit_code(status: WaitStatus) -> i32 {
    match status {
        WaitStatus::Exited(_, code) => code,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn on_a_terminal_a_bulk_revoke_asks_first_and_only_yes_proceeds() {
    tokio::task::spawn_blocking(|| {
        let args = ["--emulator", "revoke", "--org", "acme", "--app", SEED_THIRD_PARTY_APP, "--all-members"];
        // Declined: nothing revoked, exit 4.
        let mut declined = spawn_command(command(&args), Some(30_000)).unwrap();
        declined.exp_string("Revoke 'third-party-calendar' (").unwrap();
        declined.exp_string("for 1 members of acme? Type 'yes' to proceed:").unwrap();
        declined.send_line("no").unwrap();
        declined.exp_string("not confirmed: nothing was revoked").unwrap();
        let rest = declined.exp_eof().unwrap();
        assert!(!rest.contains("revoked,"), "{rest}");
        assert_eq!(exit_code(declined.process().wait().unwrap()), 4);

        // Confirmed: the table, the summary, exit 0.
        let mut confirmed = spawn_command(command(&args), Some(30_000)).unwrap();
        confirmed.exp_string("Type 'yes' to proceed:").unwrap();
        confirmed.send_line("yes").unwrap();
        confirmed.exp_string("member_id").unwrap();
        confirmed.exp_string("revoked").unwrap();
        confirmed.exp_string("1 revoked, 0 already gone, 0 failed, 0 not attempted").unwrap();
        confirmed.exp_eof().unwrap();
        assert_eq!(exit_code(confirmed.process().wait().unwrap()), 0);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn on_a_terminal_bulk_work_draws_a_progress_bar_on_stderr_and_stdout_stays_json() {
    let emulator = Emulator::start(crowded_world(299)).await.unwrap();
    emulator.set_latency(Duration::from_millis(10));
    let env = env_for(&emulator);
    let dir = std::env::temp_dir().join(format!("stytch-cli-terminal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("report.json");
    let (screen, code) = {
        let out = out.clone();
        tokio::task::spawn_blocking(move || {
            // stdout to a file, stderr (and stdin) on the terminal.
            let script = format!(
                "exec \"$0\" --format json --concurrency 2 revoke --org acme --app {SEED_THIRD_PARTY_APP} \
                 --all-members --yes > '{}'",
                out.display()
            );
            let mut sh = Command::new("sh");
            sh.args(["-c", &script, BIN]);
            for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("STYTCH_")) {
                sh.env_remove(name);
            }
            sh.envs(env.iter().map(|(k, v)| (*k, v.as_str())));
            let mut session = spawn_command(sh, Some(60_000)).unwrap();
            // The bar counts members as they are revoked.
            session.exp_regex(r"[0-9]+/300 members").unwrap();
            let screen = session.exp_eof().unwrap();
            (screen, exit_code(session.process().wait().unwrap()))
        })
        .await
        .unwrap()
    };
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("300 revoked, 0 already gone"), "{screen}");
    let json = std::fs::read_to_string(&out).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!json.contains('\u{1b}') && !json.contains('\r'), "no terminal codes on stdout");
    let report: RevokeReport = serde_json::from_str(&json).unwrap();
    assert_eq!(report.counts().revoked, 300);
}
