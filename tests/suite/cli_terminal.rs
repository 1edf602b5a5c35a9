//! The CLI in a real terminal (a pseudo-terminal, through rexpect): the confirmation prompt of a destructive
//! command, and the progress bar on stderr while stdout stays pure JSON.
#![cfg(unix)]

use std::process::Command;
use std::time::Duration;

use httpmock::{Method, Mock, MockServer};
use rexpect::process::WaitStatus;
use rexpect::session::spawn_command;
use serde::Serialize;
use stytch_connected_apps::bulk::RevokeReport;
use stytch_connected_apps::emulator::{Emulator, SEED_THIRD_PARTY_APP};
use stytch_connected_apps::models::{
    OrganizationConnectedAppResponse, RevokeMemberConnectedAppResponse, RevokeUserConnectedAppResponse,
    UserConnectedAppsResponse,
};

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
async fn on_a_terminal_deleting_an_app_asks_first_naming_it_and_only_yes_proceeds() {
    tokio::task::spawn_blocking(|| {
        let args = ["--emulator", "clients", "delete", SEED_THIRD_PARTY_APP];
        let mut declined = spawn_command(command(&args), Some(30_000)).unwrap();
        declined
            .exp_string(&format!("Delete Connected App {SEED_THIRD_PARTY_APP} named 'third-party-calendar'?"))
            .unwrap();
        declined.exp_string("its tokens stop working. Type 'yes' to proceed:").unwrap();
        declined.send_line("no").unwrap();
        declined.exp_string("not confirmed: nothing was deleted").unwrap();
        let rest = declined.exp_eof().unwrap();
        assert!(!rest.contains("1 deleted"), "{rest}");
        assert_eq!(exit_code(declined.process().wait().unwrap()), 4);

        let mut confirmed = spawn_command(command(&args), Some(30_000)).unwrap();
        confirmed.exp_string("Type 'yes' to proceed:").unwrap();
        confirmed.send_line("yes").unwrap();
        confirmed.exp_string("deleted").unwrap();
        confirmed.exp_string("1 deleted").unwrap();
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

/// Documentation's example `response` with its `list` replaced by copies of the first item, one per id.
fn listing(response: impl Serialize, list: &str, id_field: &str, ids: &[&str]) -> serde_json::Value {
    let mut body = serde_json::to_value(response).unwrap();
    let item = body[list][0].clone();
    body[list] = ids
        .iter()
        .map(|id| {
            let mut item = item.clone();
            item[id_field] = (*id).into();
            item
        })
        .collect();
    body
}

const SECRET: &str = "secret-test-terminal-0000000000000";
const SESSION: &str = "session-token-terminal-000000000000";

/// The binary with `args`, pointed at `server` with the project credentials and a member session.
fn pointed_at(server: &MockServer, args: &[&str]) -> Command {
    let mut command = command(args);
    command.envs([
        ("STYTCH_PROJECT_ID", "project-test-11111111-2222-3333-4444-555555555555"),
        ("STYTCH_SECRET", SECRET),
        ("STYTCH_MEMBER_SESSION", SESSION),
        ("STYTCH_BASE_URL", server.base_url().as_str()),
    ]);
    command
}

/// One mock of `GET path` answering `body`.
fn listed<'a>(server: &'a MockServer, path: &str, body: serde_json::Value) -> Mock<'a> {
    server.mock(|when, then| {
        when.method(Method::GET).path(path);
        then.status(200).json_body(body);
    })
}

/// Answers the question with `yes` after the listing changed: the plan's ids, then one more when the revoke lists
/// again. Returns the exit code and what the terminal showed after the answer.
fn confirm_after_the_list_grew(server: &MockServer, args: &[&str], grow: impl FnOnce()) -> (i32, String) {
    let mut session = spawn_command(pointed_at(server, args), Some(30_000)).unwrap();
    session.exp_string("Type 'yes' to proceed:").unwrap();
    grow();
    session.send_line("yes").unwrap();
    let shown = session.exp_eof().unwrap();
    (exit_code(session.process().wait().unwrap()), shown)
}

#[test]
fn on_a_terminal_only_what_the_question_counted_is_revoked_though_more_was_listed_meanwhile() {
    let server = MockServer::start();
    let (org, app, user) = ("organization-test-1", "connected-app-test-1", "user-test-1");
    let (planned, newcomer) = (["member-test-a", "member-test-b"], "member-test-new");
    let b2_path = format!("/v1/b2b/organizations/{org}/connected_apps/{app}");
    let b2 = |ids: &[&str]| listing(OrganizationConnectedAppResponse::example(), "active_members", "member_id", ids);
    let mut plan = listed(&server, &b2_path, b2(&planned));
    let b4: Vec<Mock> = [planned[0], planned[1], newcomer]
        .iter()
        .map(|member| {
            server.mock(|when, then| {
                when.method(Method::POST)
                    .path(format!("/v1/b2b/organizations/{org}/members/{member}/connected_apps/{app}/revoke"));
                then.status(200).json_body(serde_json::to_value(RevokeMemberConnectedAppResponse::example()).unwrap());
            })
        })
        .collect();
    let (code, shown) =
        confirm_after_the_list_grew(&server, &["revoke", "--org", org, "--app", app, "--all-members"], || {
            plan.delete();
            listed(&server, &b2_path, b2(&[planned[0], planned[1], newcomer]));
        });
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("2 revoked, 0 already gone, 0 failed, 0 not attempted"), "{shown}");
    assert_eq!(b4.iter().map(Mock::calls).collect::<Vec<_>>(), [1, 1, 0], "{shown}");

    // The same for a user's apps.
    let (planned, newcomer) = (["connected-app-test-a", "connected-app-test-b"], "connected-app-test-new");
    let c1_path = format!("/v1/users/{user}/connected_apps");
    let c1 = |ids: &[&str]| listing(UserConnectedAppsResponse::example(), "connected_apps", "connected_app_id", ids);
    let mut plan = listed(&server, &c1_path, c1(&planned));
    let c2: Vec<Mock> = [planned[0], planned[1], newcomer]
        .iter()
        .map(|app| {
            server.mock(|when, then| {
                when.method(Method::POST).path(format!("/v1/users/{user}/connected_apps/{app}/revoke"));
                then.status(200).json_body(serde_json::to_value(RevokeUserConnectedAppResponse::example()).unwrap());
            })
        })
        .collect();
    let (code, shown) = confirm_after_the_list_grew(&server, &["revoke-user-app", user, "--all-apps"], || {
        plan.delete();
        listed(&server, &c1_path, c1(&[planned[0], planned[1], newcomer]));
    });
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("2 revoked, 0 already gone, 0 failed, 0 not attempted"), "{shown}");
    assert_eq!(c2.iter().map(Mock::calls).collect::<Vec<_>>(), [1, 1, 0], "{shown}");
}

#[test]
fn the_prompt_escapes_the_apps_name_and_never_shows_the_secret_or_the_session_inside_it() {
    let server = MockServer::start();
    let mut b2 = serde_json::to_value(OrganizationConnectedAppResponse::example()).unwrap();
    b2["name"] = format!("Evil {SECRET} {SESSION}\u{1b}[2J\u{202e}").into();
    listed(&server, "/v1/b2b/organizations/organization-test-1/connected_apps/connected-app-test-1", b2);
    for target in [&["--all-members"][..], &["--member", "member-test-1"]] {
        let mut args = vec!["revoke", "--org", "organization-test-1", "--app", "connected-app-test-1"];
        args.extend_from_slice(target);
        let mut session = spawn_command(pointed_at(&server, &args), Some(30_000)).unwrap();
        let asked = session.exp_string("Type 'yes' to proceed:").unwrap();
        // Escaped too: the name cannot clear the screen or reorder the question.
        assert!(
            asked.contains(r"Revoke 'Evil <redacted> <redacted>\u{1b}[2J\u{202e}' (connected-app-test-1)"),
            "{asked}"
        );
        assert!(!asked.contains(['\u{1b}', '\u{202e}']), "{asked:?}");
        session.send_line("no").unwrap();
        let rest = session.exp_eof().unwrap();
        assert!(
            ![&asked, &rest].iter().any(|shown| shown.contains(SECRET) || shown.contains(SESSION)),
            "{asked}{rest}"
        );
        assert_eq!(exit_code(session.process().wait().unwrap()), 4);
    }
}
