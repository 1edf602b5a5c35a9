//! The `stytch-connected-apps` binary, end to end against the emulator (embedded with `--emulator`, or one this test
//! runs and points the binary at through the environment): stdout carries only the result, exit codes as
//! documented, destructive commands refused without `--yes` off a terminal, and the 500-member bulk revoke.

use std::collections::BTreeSet;
use std::process::Output;
use std::time::Duration;

use stytch_connected_apps::bulk::{ConsentReport, RevokeOutcome, RevokeReport, UserRevokeReport};
use stytch_connected_apps::emulator::{
    Emulator, Endpoint, Fault, Fixture, SEED_ADMIN, SEED_ADMIN_SESSION, SEED_APP, SEED_MEMBER, SEED_ORGANIZATION,
    SEED_SECRET, SEED_THIRD_PARTY_APP, SEED_USER,
};
use stytch_connected_apps::models::{
    MemberConnectedAppsResponse, OrganizationConnectedAppResponse, OrganizationConnectedAppsResponse,
    RevokeMemberConnectedAppResponse, UserConnectedAppsResponse,
};

pub const BIN: &str = env!("CARGO_BIN_EXE_stytch-connected-apps");

/// Runs the binary with `args` and only `env` from the STYTCH_ variables, stdin closed (not a terminal), off the
/// async runtime so an emulator in this process keeps serving.
pub async fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = std::process::Command::new(BIN);
    command.args(args).stdin(std::process::Stdio::null());
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("STYTCH_")) {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    tokio::task::spawn_blocking(move || command.output()).await.unwrap().unwrap()
}

/// The environment that points the binary at `emulator`.
pub fn env_for(emulator: &Emulator) -> Vec<(&'static str, String)> {
    vec![
        ("STYTCH_PROJECT_ID", emulator.project_id().to_owned()),
        ("STYTCH_SECRET", SEED_SECRET.to_owned()),
        ("STYTCH_BASE_URL", emulator.url().to_owned()),
    ]
}

async fn run_on(emulator: &Emulator, args: &[&str], extra: &[(&str, &str)]) -> Output {
    let env = env_for(emulator);
    let mut pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.extend_from_slice(extra);
    run(args, &pairs).await
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// The seed world plus `members` members of the seed organization who authorized the third-party app.
pub fn crowded_world(members: usize) -> Fixture {
    let mut fixture = Fixture::seed();
    for member in 0..members {
        let id = format!("member-test-bulk-{member:04}");
        fixture = fixture.member(SEED_ORGANIZATION, &id, None, &[]).member_authorization(
            SEED_ORGANIZATION,
            &id,
            SEED_THIRD_PARTY_APP,
            &["openid", "calendar.read"],
        );
    }
    fixture
}

fn still_authorized(emulator: &Emulator) -> BTreeSet<String> {
    emulator
        .fixture()
        .authorizations
        .iter()
        .filter(|a| a.organization_id.is_some() && a.connected_app_id == SEED_THIRD_PARTY_APP)
        .filter_map(|a| a.member_id.clone())
        .collect()
}

#[tokio::test]
async fn every_read_command_works_offline_and_its_json_is_the_librarys_type() {
    let audit = run(&["--emulator", "--format", "json", "audit", "--org", "acme"], &[]).await;
    assert_eq!(audit.status.code(), Some(0), "{}", stderr(&audit));
    let report: ConsentReport = serde_json::from_str(&stdout(&audit)).unwrap();
    let grants: Vec<(String, String)> =
        report.grants().map(|(app, member, _)| (app.connected_app_id.clone(), member.to_owned())).collect();
    assert_eq!(
        grants,
        [(SEED_APP.to_owned(), SEED_ADMIN.to_owned()), (SEED_THIRD_PARTY_APP.to_owned(), SEED_MEMBER.to_owned())]
    );
    assert!(stderr(&audit).contains("using the embedded emulator"), "notes go to stderr");

    let apps = run(&["--emulator", "--format", "json", "apps", "--org", SEED_ORGANIZATION], &[]).await;
    let apps: OrganizationConnectedAppsResponse = serde_json::from_str(&stdout(&apps)).unwrap();
    assert_eq!(apps.connected_apps.len(), 2);

    let app = run(&["--emulator", "--format", "json", "app", "--org", "acme", SEED_APP], &[]).await;
    let app: OrganizationConnectedAppResponse = serde_json::from_str(&stdout(&app)).unwrap();
    assert_eq!(app.active_members[0].member_id, SEED_ADMIN);

    let member = run(&["--emulator", "--format", "json", "member-apps", "--org", "acme", SEED_MEMBER], &[]).await;
    let member: MemberConnectedAppsResponse = serde_json::from_str(&stdout(&member)).unwrap();
    assert_eq!(member.connected_apps[0].scopes_granted, "openid calendar.read");

    let user = run(&["--emulator", "--format", "json", "user-apps", "user@example.com"], &[]).await;
    let user: UserConnectedAppsResponse = serde_json::from_str(&stdout(&user)).unwrap();
    assert_eq!(user.connected_apps[0].connected_app_id, SEED_APP);
}

#[tokio::test]
async fn table_and_csv_print_one_row_per_grant() {
    let table = run(&["--emulator", "audit", "--org", "acme"], &[]).await;
    let expected_table = format!(
        "connected_app_id                                          name                          client_type  member_id                                         scopes                error\n\
         {SEED_APP}   first-party-confidential-app  first_party  {SEED_ADMIN}  openid profile email\n\
         {SEED_THIRD_PARTY_APP}  third-party-calendar          third_party  {SEED_MEMBER}  openid calendar.read\n"
    );
    assert_eq!(stdout(&table), expected_table);
    let csv = run(&["--emulator", "--format", "csv", "audit", "--org", "acme"], &[]).await;
    assert_eq!(
        stdout(&csv),
        format!(
            "connected_app_id,name,client_type,member_id,scopes,error\n\
             {SEED_APP},first-party-confidential-app,first_party,{SEED_ADMIN},openid profile email,\n\
             {SEED_THIRD_PARTY_APP},third-party-calendar,third_party,{SEED_MEMBER},openid calendar.read,\n"
        )
    );
}

#[tokio::test]
async fn a_hostile_app_name_cannot_reach_the_terminal_as_an_escape_sequence() {
    const ESCAPES: &str = "\u{1b}]0;owned\u{7}\u{1b}[2JEvil";
    // Shown as "Calendar.txt" by a terminal that honours the right-to-left override, though it ends in "exe".
    const REORDERED: &str = "Calendar\u{202e}txt.exe";
    const FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"Calendar\")";
    let mut fixture = Fixture::seed();
    for (id, name) in [("evil", ESCAPES), ("reordered", REORDERED), ("formula", FORMULA)] {
        let id = format!("connected-app-test-{id}");
        fixture = fixture.connected_app(&id, name, "", "third_party", None).member_authorization(
            SEED_ORGANIZATION,
            SEED_ADMIN,
            &id,
            &["openid"],
        );
    }
    let emulator = Emulator::start(fixture).await.unwrap();
    let table = run_on(&emulator, &["apps", "--org", "acme"], &[]).await;
    let text = stdout(&table);
    assert!(!text.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{text:?}");
    assert!(text.contains("\\u{1b}]0;owned\\u{7}\\u{1b}[2JEvil"), "{text}");
    assert!(text.contains("Calendar\\u{202e}txt.exe"), "{text}");
    let csv = stdout(&run_on(&emulator, &["--format", "csv", "apps", "--org", "acme"], &[]).await);
    assert!(!csv.contains(['\u{1b}', '\u{202e}']) && csv.contains("\\u{1b}]0;owned"), "{csv}");
    assert!(csv.contains("Calendar\\u{202e}txt.exe"), "{csv}");
    // A spreadsheet opening the audit sees text, not a formula.
    assert!(csv.contains(r#","'=HYPERLINK(""http://evil.example"",""Calendar"")","#), "{csv}");
    // JSON keeps every name exactly (control characters escaped by JSON itself).
    let json = run_on(&emulator, &["--format", "json", "apps", "--org", "acme"], &[]).await;
    assert!(!stdout(&json).contains('\u{1b}'));
    let apps: OrganizationConnectedAppsResponse = serde_json::from_str(&stdout(&json)).unwrap();
    let names: Vec<&str> = apps.connected_apps.iter().map(|a| a.name.as_str()).collect();
    for name in [ESCAPES, REORDERED, FORMULA] {
        assert!(names.contains(&name), "{names:?}");
    }
}

#[tokio::test]
async fn a_server_that_echoes_the_secret_or_the_session_in_a_success_body_does_not_get_them_printed() {
    let echoed = format!("Evil {SEED_SECRET} {SEED_ADMIN_SESSION}");
    let fixture = Fixture::seed()
        .connected_app("connected-app-test-echo", &echoed, &echoed, "third_party", None)
        .member_authorization(SEED_ORGANIZATION, SEED_ADMIN, "connected-app-test-echo", &["openid"]);
    let emulator = Emulator::start(fixture).await.unwrap();
    for format in ["table", "json", "csv"] {
        let output = run_on(
            &emulator,
            &["--format", format, "audit", "--org", "acme"],
            &[("STYTCH_MEMBER_SESSION", SEED_ADMIN_SESSION)],
        )
        .await;
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let (out, err) = (stdout(&output), stderr(&output));
        assert!(out.contains("Evil <redacted> <redacted>"), "{format}: {out}");
        for secret in [SEED_SECRET, SEED_ADMIN_SESSION] {
            assert!(!out.contains(secret) && !err.contains(secret), "{format}: {out}{err}");
        }
    }
}

#[tokio::test]
async fn exit_codes_are_as_documented() {
    // 5: no credentials.
    let missing = run(&["apps", "--org", "acme"], &[]).await;
    assert_eq!(missing.status.code(), Some(5));
    assert!(stderr(&missing).contains("STYTCH_PROJECT_ID"));
    assert!(stdout(&missing).is_empty());
    // 2: usage.
    assert_eq!(run(&["revoke", "--org", "acme", "--app", SEED_APP], &[]).await.status.code(), Some(2));
    assert_eq!(run(&["--concurrency", "0", "apps", "--org", "a"], &[]).await.status.code(), Some(2));
    // 2 too: an id the library refuses before sending.
    let dots = run(&["--emulator", "app", "--org", "acme", ".."], &[]).await;
    assert_eq!(dots.status.code(), Some(2), "{}", stderr(&dots));
    // 1: a call failed; Stytch's error type and request id on stderr, nothing on stdout.
    let unknown = run(&["--emulator", "apps", "--org", "no-such-organization"], &[]).await;
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("organization_not_found") && stderr(&unknown).contains("request_id request-id-"));
    assert!(stdout(&unknown).is_empty());
    // 3: partial (an app whose B2 failed): the report is still printed.
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    emulator.script(Endpoint::ConnectedApp, (0..3).map(|_| Fault::status(400)));
    let partial = run_on(&emulator, &["--format", "json", "--concurrency", "1", "audit", "--org", "acme"], &[]).await;
    assert_eq!(partial.status.code(), Some(3), "{}", stderr(&partial));
    let report: ConsentReport = serde_json::from_str(&stdout(&partial)).unwrap();
    assert_eq!(report.failures().count(), 2);
    // 0 with a wrong secret? No: 1, and the secret never printed.
    let wrong = run(
        &["apps", "--org", "acme"],
        &[
            ("STYTCH_PROJECT_ID", emulator.project_id()),
            ("STYTCH_SECRET", "secret-test-wrong-and-secret-1234"),
            ("STYTCH_BASE_URL", emulator.url()),
        ],
    )
    .await;
    assert_eq!(wrong.status.code(), Some(1));
    assert!(stderr(&wrong).contains("unauthorized_credentials"));
    assert!(!stderr(&wrong).contains("secret-test-wrong-and-secret-1234"));
}

#[tokio::test]
async fn a_destructive_command_without_yes_off_a_terminal_is_refused_before_anything_is_sent() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    for args in [
        &["revoke", "--org", "acme", "--app", SEED_THIRD_PARTY_APP, "--all-members"][..],
        &["revoke", "--org", "acme", "--app", SEED_APP, "--member", SEED_ADMIN][..],
        &["revoke-user-app", SEED_USER, SEED_APP][..],
        &["revoke-user-app", SEED_USER, "--all-apps"][..],
    ] {
        let refused = run_on(&emulator, args, &[]).await;
        assert_eq!(refused.status.code(), Some(4), "{args:?}");
        assert!(stderr(&refused).contains("--yes"), "{}", stderr(&refused));
        assert!(stdout(&refused).is_empty());
    }
    assert!(emulator.requests().is_empty(), "nothing was sent: {:?}", emulator.requests());
    // A dry run needs no confirmation and revokes nothing.
    let plan = run_on(
        &emulator,
        &["--format", "json", "revoke", "--org", "acme", "--app", SEED_THIRD_PARTY_APP, "--all-members", "--dry-run"],
        &[],
    )
    .await;
    assert_eq!(plan.status.code(), Some(0));
    let plan: RevokeReport = serde_json::from_str(&stdout(&plan)).unwrap();
    assert_eq!(plan.members.len(), 1);
    assert_eq!(plan.members[0].outcome, RevokeOutcome::WouldRevoke);
    assert_eq!(still_authorized(&emulator).len(), 1);
}

#[tokio::test]
async fn single_revokes_with_yes_send_exactly_one_revoke_with_the_member_session() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let member = run_on(
        &emulator,
        &["--format", "json", "revoke", "--org", "acme", "--app", SEED_APP, "--member", SEED_ADMIN, "--yes"],
        &[("STYTCH_MEMBER_SESSION", SEED_ADMIN_SESSION)],
    )
    .await;
    assert_eq!(member.status.code(), Some(0), "{}", stderr(&member));
    let revoked: RevokeMemberConnectedAppResponse = serde_json::from_str(&stdout(&member)).unwrap();
    assert_eq!(revoked.status_code, 200);
    let log = emulator.requests();
    let b4: Vec<_> = log.iter().filter(|r| r.endpoint == Some(Endpoint::RevokeMemberConnectedApp)).collect();
    assert_eq!(b4.len(), 1);
    assert_eq!(b4[0].path, format!("/v1/b2b/organizations/acme/members/{SEED_ADMIN}/connected_apps/{SEED_APP}/revoke"));
    assert!(log.iter().all(|r| r.session == Some("token")), "the member session rides on every B2B call");
    assert!(!stderr(&member).contains(SEED_ADMIN_SESSION) && !stdout(&member).contains(SEED_ADMIN_SESSION));

    let user =
        run_on(&emulator, &["--format", "json", "revoke-user-app", "user@example.com", "--all-apps", "--yes"], &[])
            .await;
    assert_eq!(user.status.code(), Some(0), "{}", stderr(&user));
    let report: UserRevokeReport = serde_json::from_str(&stdout(&user)).unwrap();
    assert_eq!(report.counts().revoked, 1);
    assert!(emulator.fixture().authorizations.iter().all(|a| a.user_id.is_none()));
}

/// The issue's acceptance run, through the binary: 500 members, 429s and 5xx injected among the revokes. Every
/// member ends revoked or reported (exit 3 names the re-run), the JSON report matches what the emulator still holds,
/// and the same command again finishes the job (exit 0).
#[tokio::test]
async fn a_bulk_revoke_of_500_members_with_injected_faults_loses_nobody_and_a_rerun_finishes() {
    let emulator = Emulator::start(crowded_world(499)).await.unwrap();
    emulator.set_latency(Duration::from_millis(2));
    let faults = (1..=300).map(|n| match n {
        n if n % 5 == 0 => Fault::too_many_requests(0),
        n if n % 9 == 0 => Fault::internal_error(),
        n if n % 14 == 0 => Fault::status(502),
        _ => Fault::Delay(Duration::ZERO),
    });
    emulator.script(Endpoint::RevokeMemberConnectedApp, faults);
    let everyone = still_authorized(&emulator);
    assert_eq!(everyone.len(), 500);
    let args = ["--format", "json", "revoke", "--org", "acme", "--app", SEED_THIRD_PARTY_APP, "--all-members", "--yes"];

    let first = run_on(&emulator, &args, &[]).await;
    let report: RevokeReport = serde_json::from_str(&stdout(&first)).unwrap();
    let listed: BTreeSet<String> = report.members.iter().map(|m| m.member_id.clone()).collect();
    assert_eq!(listed, everyone, "one entry per member");
    let left: BTreeSet<String> = report.left().map(|m| m.member_id.clone()).collect();
    assert_eq!(still_authorized(&emulator), left, "what is reported left is exactly what remains");
    let counts = report.counts();
    assert_eq!(counts.revoked + counts.left(), 500, "{counts:?}");
    eprintln!("first run: {counts:?}, {:?}, exit {:?}", report.pacing, first.status.code());
    assert_eq!(first.status.code(), Some(if left.is_empty() { 0 } else { 3 }), "{}", stderr(&first));
    if !left.is_empty() {
        assert!(stderr(&first).contains("re-run the same command"), "{}", stderr(&first));
    }
    assert!(report.pacing.congestion_signals > 0);

    let second = run_on(&emulator, &args, &[]).await;
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    let report: RevokeReport = serde_json::from_str(&stdout(&second)).unwrap();
    assert_eq!(report.members.iter().map(|m| m.member_id.clone()).collect::<BTreeSet<_>>(), left);
    assert!(still_authorized(&emulator).is_empty());
    // Off a terminal, no progress bar: stderr holds the summary lines, no carriage returns or escapes.
    assert!(!stderr(&first).contains('\r') && !stderr(&first).contains('\u{1b}'), "{:?}", stderr(&first));
}

/// Runs the binary against `emulator` with its stdout closed by the reader before anything is written (as
/// `| head -0` would): writing the report fails with a broken pipe.
pub(crate) async fn with_stdout_closed(emulator: &Emulator, args: &[&str]) -> Output {
    let mut command = std::process::Command::new(BIN);
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("STYTCH_")) {
        command.env_remove(name);
    }
    command
        .args(args)
        .envs(env_for(emulator))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap();
        drop(child.stdout.take());
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_revoke_whose_stdout_is_closed_still_says_on_stderr_what_it_revoked() {
    let emulator = Emulator::start(crowded_world(20)).await.unwrap();
    let bulk = ["revoke", "--org", "acme", "--app", SEED_THIRD_PARTY_APP, "--all-members", "--yes"];
    let output = with_stdout_closed(&emulator, &bulk).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("21 revoked, 0 already gone, 0 failed, 0 not attempted"), "{err}");
    assert!(err.contains("error: cannot write the output"), "{err}");
    assert!(still_authorized(&emulator).is_empty());

    let single = ["revoke", "--org", "acme", "--app", SEED_APP, "--member", SEED_ADMIN, "--yes"];
    let output = with_stdout_closed(&emulator, &single).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("1 revoked\n") && err.contains("error: cannot write the output"), "{err}");
}
