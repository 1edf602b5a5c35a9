//! `stytch-connected-apps clients ...` end to end on the emulator (embedded with `--emulator`, or one this test runs
//! and points the binary at, whose world outlives each command): the exact requests each command sends, its output
//! in the three formats (JSON is the library's type), a new secret printed once to stdout with a warning on stderr
//! and nowhere else, and the destructive commands (delete, rotate-secret complete and cancel) refused without
//! `--yes` off a terminal before anything changes.

use std::process::Output;

use stytch_connected_apps::emulator::{Emulator, Fixture, SEED_APP, SEED_APP_SECRET, SEED_ORGANIZATION};
use stytch_connected_apps::models::{
    ConnectedAppClient, CreateClientResponse, DeleteClientResponse, GetClientResponse, RotateSecretCancelResponse,
    RotateSecretResponse, RotateSecretStartResponse, UpdateClientResponse,
};

use crate::cli::{env_for, run};

async fn run_on(emulator: &Emulator, args: &[&str]) -> Output {
    let env = env_for(emulator);
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    run(args, &pairs).await
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// The requests the emulator received since the last call, as `METHOD path` (status).
fn sent(emulator: &Emulator, seen: &mut usize) -> Vec<String> {
    let requests = emulator.requests();
    let new = requests[*seen..].iter().map(|r| format!("{} {} {}", r.method, r.path, r.status)).collect();
    *seen = requests.len();
    new
}

fn app_of(emulator: &Emulator, id: &str) -> Option<stytch_connected_apps::emulator::ConnectedApp> {
    emulator.fixture().connected_apps.into_iter().find(|app| app.connected_app_id == id)
}

#[tokio::test]
async fn reads_and_changes_send_exactly_their_requests_and_print_the_librarys_types() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let mut seen = 0;
    let clients = "/v1/connected_apps/clients";

    let listed = run_on(&emulator, &["--format", "json", "clients", "list", "--page-size", "1"]).await;
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    let apps: Vec<ConnectedAppClient> = serde_json::from_str(&stdout(&listed)).unwrap();
    assert_eq!(apps.len(), 2, "every page: {apps:?}");
    // Two pages of one (the second with no next cursor).
    assert_eq!(
        sent(&emulator, &mut seen),
        [format!("POST {clients}/search 200"), format!("POST {clients}/search 200")]
    );
    assert_eq!(stderr(&listed).trim_end().lines().last(), Some("2 Connected Apps"));

    let got = run_on(&emulator, &["--format", "json", "clients", "get", SEED_APP]).await;
    let got: GetClientResponse = serde_json::from_str(&stdout(&got)).unwrap();
    assert_eq!(got.connected_app.client_id, SEED_APP);
    assert_eq!(
        got.connected_app.client_secret_last_four.as_deref(),
        Some(&SEED_APP_SECRET[SEED_APP_SECRET.len() - 4..])
    );
    assert_eq!(sent(&emulator, &mut seen), [format!("GET {clients}/{SEED_APP} 200")]);

    let updated = run_on(
        &emulator,
        &[
            "--format",
            "json",
            "clients",
            "update",
            SEED_APP,
            "--name",
            "Renamed",
            "--redirect-url",
            "https://a.example/cb",
        ],
    )
    .await;
    assert_eq!(updated.status.code(), Some(0), "{}", stderr(&updated));
    let updated: UpdateClientResponse = serde_json::from_str(&stdout(&updated)).unwrap();
    assert_eq!(updated.connected_app.client_name, "Renamed");
    assert_eq!(updated.connected_app.redirect_urls, ["https://a.example/cb"]);
    assert_eq!(sent(&emulator, &mut seen), [format!("PUT {clients}/{SEED_APP} 200")]);
    assert_eq!(app_of(&emulator, SEED_APP).unwrap().name, "Renamed");

    // Nothing to change is a usage error, sent nowhere.
    let nothing = run_on(&emulator, &["clients", "update", SEED_APP]).await;
    assert_eq!(nothing.status.code(), Some(2), "{}", stderr(&nothing));
    assert!(sent(&emulator, &mut seen).is_empty());

    // Table and CSV: one header, one row per app, server text escaped (a name that would be a spreadsheet formula).
    run_on(&emulator, &["clients", "update", SEED_APP, "--name", "=HYPERLINK(\"x\")\u{1b}[2J"]).await;
    let table = run_on(&emulator, &["clients", "list"]).await;
    let table = stdout(&table);
    assert!(table.starts_with("client_id  ") && table.lines().count() == 3, "{table}");
    assert!(table.contains("=HYPERLINK(\"x\")\\u{1b}[2J") && !table.contains('\u{1b}'), "{table}");
    let csv = run_on(&emulator, &["--format", "csv", "clients", "get", SEED_APP]).await;
    let csv = stdout(&csv);
    assert!(csv.starts_with("client_id,client_name,client_type,status,client_secret_last_four,"), "{csv}");
    assert!(csv.contains(r#","'=HYPERLINK(""x"")\u{1b}[2J","#), "{csv}");
}

#[tokio::test]
async fn a_created_apps_secret_goes_to_stdout_once_with_a_warning_and_works() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let mut seen = 0;
    let created = run_on(
        &emulator,
        &[
            "--format",
            "json",
            "clients",
            "create",
            "--type",
            "third_party",
            "--name",
            "Partner sync",
            "--redirect-url",
            "https://partner.example.com/cb",
            "--access-token-expiry-minutes",
            "30",
        ],
    )
    .await;
    assert_eq!(created.status.code(), Some(0), "{}", stderr(&created));
    assert_eq!(sent(&emulator, &mut seen), ["POST /v1/connected_apps/clients 200"]);
    let answer: CreateClientResponse = serde_json::from_str(&stdout(&created)).unwrap();
    let app = &answer.connected_app;
    let secret = app.client_secret.as_ref().expect("a confidential app's secret is printed").expose().to_owned();
    assert_eq!((app.client_type.as_str(), app.access_token_expiry_minutes), ("third_party", 30));
    // The secret printed is the one the app authenticates with.
    let stored = app_of(&emulator, &app.client_id).unwrap();
    assert_eq!(stored.client_secret.as_ref().map(|s| s.expose()), Some(secret.as_str()));
    // Once: stdout holds it once; stderr warns and never holds it.
    assert_eq!(stdout(&created).matches(&secret).count(), 1);
    assert!(stderr(&created).contains("warning: the client secret below is shown this once"), "{}", stderr(&created));
    assert!(!stderr(&created).contains(&secret[12..]), "{}", stderr(&created));

    // In a table too, as its last column; a public app has no secret and no warning.
    let table = run_on(&emulator, &["clients", "create", "--type", "first_party", "--name", "Internal"]).await;
    let (out, err) = (stdout(&table), stderr(&table));
    assert!(out.lines().next().unwrap().trim_end().ends_with("client_secret"), "{out}");
    assert!(err.contains("warning"), "{err}");
    let public = run_on(&emulator, &["clients", "create", "--type", "third_party_public", "--name", "SPA"]).await;
    assert_eq!(public.status.code(), Some(0), "{}", stderr(&public));
    assert!(!stderr(&public).contains("warning"), "{}", stderr(&public));
    // A type Stytch does not support is refused by the command line, before anything is sent.
    let unknown = run_on(&emulator, &["clients", "create", "--type", "partner", "--name", "X"]).await;
    assert_eq!(unknown.status.code(), Some(2));
    sent(&emulator, &mut seen);
    let again = run_on(&emulator, &["clients", "create", "--type", "nonsense"]).await;
    assert_eq!(again.status.code(), Some(2));
    assert!(sent(&emulator, &mut seen).is_empty());
}

#[tokio::test]
async fn a_rotation_runs_start_then_complete_and_each_destructive_step_asks_first() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let mut seen = 0;
    let app = format!("/v1/connected_apps/clients/{SEED_APP}");

    let started = run_on(&emulator, &["--format", "json", "clients", "rotate-secret", "start", SEED_APP]).await;
    assert_eq!(started.status.code(), Some(0), "{}", stderr(&started));
    assert_eq!(sent(&emulator, &mut seen), [format!("POST {app}/secrets/rotate/start 200")]);
    let answer: RotateSecretStartResponse = serde_json::from_str(&stdout(&started)).unwrap();
    let next = answer.connected_app.next_client_secret.expose().to_owned();
    assert!(stderr(&started).contains("warning: the next client secret below is shown this once"));
    assert!(!stderr(&started).contains(&next[12..]));
    let stored = app_of(&emulator, SEED_APP).unwrap();
    assert_eq!(stored.next_client_secret.as_ref().map(|s| s.expose()), Some(next.as_str()));

    // Complete and cancel, off a terminal without --yes: refused before anything is sent; the rotation stays.
    for step in ["complete", "cancel"] {
        let refused = run_on(&emulator, &["clients", "rotate-secret", step, SEED_APP]).await;
        assert_eq!(refused.status.code(), Some(4), "{step}: {}", stderr(&refused));
        assert!(stdout(&refused).is_empty());
        assert!(sent(&emulator, &mut seen).is_empty(), "{step}");
    }
    // A dry run reads and changes nothing.
    let dry = run_on(&emulator, &["clients", "rotate-secret", "complete", SEED_APP, "--dry-run"]).await;
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert_eq!(sent(&emulator, &mut seen), [format!("GET {app} 200")]);
    assert!(app_of(&emulator, SEED_APP).unwrap().next_client_secret.is_some());

    let completed =
        run_on(&emulator, &["--format", "json", "clients", "rotate-secret", "complete", SEED_APP, "--yes"]).await;
    assert_eq!(completed.status.code(), Some(0), "{}", stderr(&completed));
    assert_eq!(sent(&emulator, &mut seen), [format!("GET {app} 200"), format!("POST {app}/secrets/rotate 200")]);
    let answer: RotateSecretResponse = serde_json::from_str(&stdout(&completed)).unwrap();
    assert_eq!(answer.connected_app.client_secret_last_four.as_deref(), Some(&next[next.len() - 4..]));
    assert!(!stdout(&completed).contains(&next), "a completed rotation prints no secret");
    let stored = app_of(&emulator, SEED_APP).unwrap();
    assert_eq!((stored.client_secret.map(|s| s.into_exposed()), stored.next_client_secret), (Some(next), None));

    // No rotation under way: said so after the read, nothing changed, exit 1.
    let nothing = run_on(&emulator, &["clients", "rotate-secret", "cancel", SEED_APP, "--yes"]).await;
    assert_eq!(nothing.status.code(), Some(1));
    assert!(stderr(&nothing).contains("no secret rotation is under way"), "{}", stderr(&nothing));
    assert_eq!(sent(&emulator, &mut seen), [format!("GET {app} 200")]);
}

#[tokio::test]
async fn delete_asks_first_and_takes_every_consent_with_it() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let mut seen = 0;
    let app = format!("/v1/connected_apps/clients/{SEED_APP}");
    let consents = |emulator: &Emulator| {
        emulator.fixture().authorizations.iter().filter(|a| a.connected_app_id == SEED_APP).count()
    };
    assert!(consents(&emulator) > 0, "the seed app has consents");

    let refused = run_on(&emulator, &["clients", "delete", SEED_APP]).await;
    assert_eq!(refused.status.code(), Some(4));
    assert!(stderr(&refused).contains("--yes"), "{}", stderr(&refused));
    assert!(sent(&emulator, &mut seen).is_empty());

    let dry = run_on(&emulator, &["--format", "json", "clients", "delete", SEED_APP, "--dry-run"]).await;
    assert_eq!(dry.status.code(), Some(0));
    assert!(stderr(&dry).contains("dry run"), "{}", stderr(&dry));
    let shown: ConnectedAppClient = serde_json::from_str(&stdout(&dry)).unwrap();
    assert_eq!(shown.client_id, SEED_APP);
    assert_eq!(sent(&emulator, &mut seen), [format!("GET {app} 200")]);
    assert!(app_of(&emulator, SEED_APP).is_some());

    let deleted = run_on(&emulator, &["--format", "json", "clients", "delete", SEED_APP, "--yes"]).await;
    assert_eq!(deleted.status.code(), Some(0), "{}", stderr(&deleted));
    assert_eq!(sent(&emulator, &mut seen), [format!("GET {app} 200"), format!("DELETE {app} 200")]);
    let answer: DeleteClientResponse = serde_json::from_str(&stdout(&deleted)).unwrap();
    assert_eq!(answer.client_id, SEED_APP);
    assert_eq!(stderr(&deleted).trim_end().lines().last(), Some("1 deleted"));
    assert!(app_of(&emulator, SEED_APP).is_none());
    assert_eq!(consents(&emulator), 0);
    // The organization's list no longer shows it.
    let apps = run_on(&emulator, &["--format", "json", "apps", "--org", SEED_ORGANIZATION]).await;
    assert!(!stdout(&apps).contains(SEED_APP), "{}", stdout(&apps));
    sent(&emulator, &mut seen);

    // An app that is not there: exit 1, Stytch's error on stderr, nothing deleted.
    let gone = run_on(&emulator, &["clients", "delete", SEED_APP, "--yes"]).await;
    assert_eq!(gone.status.code(), Some(1));
    assert!(stderr(&gone).contains("404") || stderr(&gone).contains("not_found"), "{}", stderr(&gone));
    assert_eq!(sent(&emulator, &mut seen), [format!("GET {app} 404")]);
}

#[tokio::test]
async fn the_embedded_emulator_runs_every_clients_command() {
    for args in [
        &["--emulator", "clients", "list"][..],
        &["--emulator", "clients", "get", SEED_APP][..],
        &["--emulator", "clients", "create", "--type", "third_party", "--name", "X"][..],
        &["--emulator", "clients", "update", SEED_APP, "--description", "d"][..],
        &["--emulator", "clients", "delete", SEED_APP, "--yes"][..],
        &["--emulator", "clients", "rotate-secret", "start", SEED_APP][..],
    ] {
        let output = run(args, &[]).await;
        assert_eq!(output.status.code(), Some(0), "{args:?}: {}", stderr(&output));
        assert!(!stdout(&output).is_empty(), "{args:?}");
        // The project secret of the embedded emulator is never printed.
        let all = format!("{}{}", stdout(&output), stderr(&output));
        assert!(!all.contains(stytch_connected_apps::emulator::SEED_SECRET), "{args:?}");
    }
}

/// The environment that points the binary at an httpmock server playing Stytch.
fn env_for_mock(server: &httpmock::MockServer) -> Vec<(&'static str, String)> {
    vec![
        ("STYTCH_PROJECT_ID", "project-test-11111111-2222-3333-4444-555555555555".to_owned()),
        ("STYTCH_SECRET", "secret-test-cli-clients-not-a-real-secret".to_owned()),
        ("STYTCH_BASE_URL", server.base_url()),
    ]
}

async fn run_on_mock(server: &httpmock::MockServer, args: &[&str]) -> Output {
    let env = env_for_mock(server);
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    run(args, &pairs).await
}

/// `get`'s answer for one app, as a server that names `named` (not necessarily the app asked for) would give it.
fn get_answer(named: &str, rotating: bool) -> serde_json::Value {
    let mut answer: serde_json::Value = serde_json::from_str(include_str!("../fixtures/client_get_200.json")).unwrap();
    answer["connected_app"]["client_id"] = named.into();
    if rotating {
        answer["connected_app"]["next_client_secret_last_four"] = "abcd".into();
    }
    answer
}

#[tokio::test]
async fn a_server_that_answers_for_another_app_gets_nothing_changed() {
    let server = httpmock::MockServer::start_async().await;
    let (asked, other) = ("connected-app-test-asked-0001", "connected-app-test-other-0002");
    server
        .mock_async(|when, then| {
            when.method("GET").path(format!("/v1/connected_apps/clients/{asked}"));
            then.status(200).json_body(get_answer(other, true));
        })
        .await;
    let changes = server
        .mock_async(|when, then| {
            when.is_true(|request| request.method() != "GET");
            then.status(200).json_body(serde_json::json!({"status_code": 200, "request_id": "r"}));
        })
        .await;
    for args in [
        &["clients", "rotate-secret", "complete", asked, "--yes"][..],
        &["clients", "rotate-secret", "cancel", asked, "--yes"][..],
        &["clients", "delete", asked, "--yes"][..],
    ] {
        let output = run_on_mock(&server, args).await;
        assert_eq!(output.status.code(), Some(1), "{args:?}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(&format!("asked for {asked}, the server answered with {other}")),
            "{}",
            stderr(&output)
        );
        assert!(stdout(&output).is_empty());
    }
    changes.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_secret_that_cannot_be_written_is_said_lost_with_the_way_to_a_new_one() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let created =
        crate::cli::with_stdout_closed(&emulator, &["clients", "create", "--type", "third_party", "--name", "X"]).await;
    let err = stderr(&created);
    assert_eq!(created.status.code(), Some(1), "{err}");
    let app = emulator.fixture().connected_apps.into_iter().find(|a| a.name == "X").expect("it was created");
    let secret = app.client_secret.unwrap().into_exposed();
    assert!(err.contains(&format!("1 created: {} (third_party)", app.connected_app_id)), "{err}");
    assert!(err.contains("the client secret could not be written, and Stytch does not show it again"), "{err}");
    assert!(err.contains(&format!("clients rotate-secret start {}", app.connected_app_id)), "{err}");
    assert!(!err.contains(&secret[12..]), "the secret went to stderr: {err}");

    let started = crate::cli::with_stdout_closed(&emulator, &["clients", "rotate-secret", "start", SEED_APP]).await;
    let err = stderr(&started);
    assert_eq!(started.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("rotation started for {SEED_APP}")), "{err}");
    assert!(err.contains(&format!("run `clients rotate-secret cancel {SEED_APP}` and start again")), "{err}");
    let next = app_of(&emulator, SEED_APP).unwrap().next_client_secret.unwrap().into_exposed();
    assert!(!err.contains(&next[12..]), "the next secret went to stderr: {err}");
}

#[tokio::test]
async fn a_change_that_may_have_run_says_how_to_find_out() {
    use stytch_connected_apps::emulator::{Endpoint, Fault};
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    emulator.script(Endpoint::CreateClient, [Fault::internal_error()]);
    let created = run_on(&emulator, &["clients", "create", "--type", "third_party", "--name", "X"]).await;
    assert_eq!(created.status.code(), Some(1));
    assert!(stderr(&created).contains("note: Stytch may have run the request before it failed; run `clients list`"));
    emulator.script(Endpoint::CompleteSecretRotation, [Fault::internal_error()]);
    run_on(&emulator, &["clients", "rotate-secret", "start", SEED_APP]).await;
    let completed = run_on(&emulator, &["clients", "rotate-secret", "complete", SEED_APP, "--yes"]).await;
    assert_eq!(completed.status.code(), Some(1));
    assert!(
        stderr(&completed).contains("no next_client_secret_last_four means it completed"),
        "{}",
        stderr(&completed)
    );
    // A refusal (4xx) ran nothing: no such note.
    let missing = run_on(&emulator, &["clients", "delete", "connected-app-test-missing", "--yes"]).await;
    assert_eq!(missing.status.code(), Some(1));
    assert!(!stderr(&missing).contains("may have run"), "{}", stderr(&missing));
}

#[tokio::test]
async fn a_secret_that_starts_like_a_formula_is_written_exact_in_csv_with_a_note() {
    let server = httpmock::MockServer::start_async().await;
    let app = "connected-app-test-d731954d-dab3-4a2b-bdee-07f3ad1be885";
    let mut answer: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/client_rotate_start_200.json")).unwrap();
    answer["connected_app"]["next_client_secret"] = "-Ab=cD+eF@gHiJ".into();
    server
        .mock_async(|when, then| {
            when.method("POST").path(format!("/v1/connected_apps/clients/{app}/secrets/rotate/start"));
            then.status(200).json_body(answer);
        })
        .await;
    let output = run_on_mock(&server, &["--format", "csv", "clients", "rotate-secret", "start", app]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).lines().nth(1).unwrap().ends_with(",-Ab=cD+eF@gHiJ"), "{}", stdout(&output));
    assert!(stderr(&output).contains("starts like a spreadsheet formula"), "{}", stderr(&output));
}

#[tokio::test]
async fn list_stops_at_its_limit_and_says_there_is_more() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let limited = run_on(&emulator, &["--format", "json", "clients", "list", "--limit", "1", "--page-size", "1"]).await;
    assert_eq!(limited.status.code(), Some(3), "{}", stderr(&limited));
    let apps: Vec<ConnectedAppClient> = serde_json::from_str(&stdout(&limited)).unwrap();
    assert_eq!(apps.len(), 1);
    assert!(stderr(&limited).contains("the server offers more: stopped at --limit"), "{}", stderr(&limited));
    let whole = run_on(&emulator, &["clients", "list", "--limit", "2"]).await;
    assert_eq!(whole.status.code(), Some(0), "{}", stderr(&whole));
}

#[tokio::test]
async fn a_closed_stderr_does_not_turn_a_done_change_into_a_crash() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let mut command = std::process::Command::new(crate::cli::BIN);
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("STYTCH_")) {
        command.env_remove(name);
    }
    command
        .args(["--format", "json", "clients", "create", "--type", "third_party", "--name", "Quiet"])
        .envs(env_for(&emulator))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let output = tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap();
        drop(child.stderr.take());
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(0), "not a panic's 101");
    let created: CreateClientResponse = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(created.connected_app.client_secret.is_some());
}

/// Every clients command in each format, through a whole lifecycle (cancel's success path included): exit 0, JSON
/// that reads back as the library's type, CSV and a table with the header first and one row per app.
#[tokio::test]
async fn every_clients_command_writes_each_format() {
    for format in ["table", "csv", "json"] {
        let emulator = Emulator::start(Fixture::seed()).await.unwrap();
        let run_in = |args: &[&str]| {
            let mut all = vec!["--format", format, "clients"];
            all.extend_from_slice(args);
            let all: Vec<String> = all.into_iter().map(str::to_owned).collect();
            let emulator = &emulator;
            async move {
                let args: Vec<&str> = all.iter().map(String::as_str).collect();
                let output = run_on(emulator, &args).await;
                assert_eq!(output.status.code(), Some(0), "{format} {args:?}: {}", stderr(&output));
                stdout(&output)
            }
        };
        let created = run_in(&["create", "--type", "third_party", "--name", "Formats"]).await;
        let id = emulator.fixture().connected_apps.into_iter().find(|a| a.name == "Formats").unwrap().connected_app_id;
        let outputs = [
            ("create", created, 1),
            ("get", run_in(&["get", &id]).await, 1),
            ("list", run_in(&["list"]).await, 3),
            ("update", run_in(&["update", &id, "--description", "d"]).await, 1),
            ("start", run_in(&["rotate-secret", "start", &id]).await, 1),
            ("complete", run_in(&["rotate-secret", "complete", &id, "--yes"]).await, 1),
            ("start again", run_in(&["rotate-secret", "start", &id]).await, 1),
            ("cancel", run_in(&["rotate-secret", "cancel", &id, "--yes"]).await, 1),
            ("delete", run_in(&["delete", &id, "--yes"]).await, 1),
        ];
        for (what, out, rows) in outputs {
            match format {
                "json" => {
                    let value: serde_json::Value =
                        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{what}: {e}: {out}"));
                    match what {
                        "create" => drop(serde_json::from_value::<CreateClientResponse>(value).unwrap()),
                        "get" => drop(serde_json::from_value::<GetClientResponse>(value).unwrap()),
                        "list" => {
                            assert_eq!(serde_json::from_value::<Vec<ConnectedAppClient>>(value).unwrap().len(), 3)
                        }
                        "update" => drop(serde_json::from_value::<UpdateClientResponse>(value).unwrap()),
                        "start" | "start again" => {
                            drop(serde_json::from_value::<RotateSecretStartResponse>(value).unwrap())
                        }
                        "complete" => drop(serde_json::from_value::<RotateSecretResponse>(value).unwrap()),
                        "cancel" => {
                            let cancelled: RotateSecretCancelResponse = serde_json::from_value(value).unwrap();
                            assert_eq!(cancelled.connected_app.next_client_secret_last_four, None);
                        }
                        _ => drop(serde_json::from_value::<DeleteClientResponse>(value).unwrap()),
                    }
                }
                _ => {
                    let lines: Vec<&str> = out.lines().collect();
                    assert_eq!(lines.len(), rows + 1, "{format} {what}: {out}");
                    assert!(lines[0].starts_with("client_id"), "{format} {what}: {out}");
                    let separator = if format == "csv" { "," } else { "  " };
                    assert!(
                        lines[1].starts_with(&format!("{id}{separator}")) || what == "list",
                        "{format} {what}: {out}"
                    );
                }
            }
        }
        assert!(app_of(&emulator, &id).is_none(), "deleted at the end");
    }
}
