//! The `stytch-emulator` binary: its flags, and that it serves a fixture file on the port it prints.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use stytch_connected_apps::Client;
use stytch_connected_apps::emulator::Fixture;

const BINARY: &str = env!("CARGO_BIN_EXE_stytch-emulator");

/// Kills the child when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn print_seed_and_help_and_bad_flags() {
    let seed = Command::new(BINARY).arg("--print-seed").output().unwrap();
    assert!(seed.status.success());
    assert_eq!(Fixture::from_json(std::str::from_utf8(&seed.stdout).unwrap()).unwrap(), Fixture::seed());
    let help = Command::new(BINARY).arg("--help").output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("--fixtures FILE"));
    let bad = Command::new(BINARY).args(["--port", "seventy"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let missing = Command::new(BINARY).args(["--fixtures", "/nonexistent/world.json"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/world.json"));
}

#[tokio::test]
async fn serves_a_fixture_file_on_the_printed_url() {
    let world = Fixture::new("project-test-binary", "secret-test-binary")
        .user("user-test-binary", None)
        .connected_app("connected-app-test-binary", "binary-app", "", "third_party_public", None)
        .user_authorization("user-test-binary", "connected-app-test-binary", &["openid", "email"]);
    let path = std::env::temp_dir().join(format!("stytch-emulator-fixture-{}.json", std::process::id()));
    std::fs::write(&path, world.to_json()).unwrap();

    let mut child = Running(
        Command::new(BINARY).args(["--port", "0", "--fixtures"]).arg(&path).stdout(Stdio::piped()).spawn().unwrap(),
    );
    let mut first_line = String::new();
    let mut stdout = BufReader::new(child.0.stdout.take().unwrap());
    stdout.read_line(&mut first_line).unwrap();
    let url = first_line.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{first_line}");

    let client = Client::builder("project-test-binary", "secret-test-binary").base_url(url).build().unwrap();
    let apps = client.consumer().user_connected_apps("user-test-binary").await.unwrap();

    assert_eq!(apps.connected_apps[0].name, "binary-app");
    assert_eq!(apps.connected_apps[0].scopes_granted, "openid email");
    drop((child, stdout));
    let _ = std::fs::remove_file(path);
}
