//! Every emulator answer is a Stytch envelope with a `request_id`, even for requests the router never sees (a
//! wrong method, a URI or head too long, a malformed request line, a body too large) and for bodies Stytch refuses
//! (not JSON, not an object, no session or two): issue 13's defects 3 and 4. Injected faults use Stytch's own
//! documented messages (defect 5, seed 001).

use std::io::{Read, Write};

use serde_json::{Value, json};
use stytch_connected_apps::emulator::*;

/// One raw exchange with the emulator (`common::raw_exchange`), its body read as JSON.
fn exchange(emulator: &Emulator, request: &[u8]) -> (u16, String, Value) {
    let (status, head, body) = crate::common::raw_exchange(emulator.url().trim_start_matches("http://"), request);
    let body = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{status}: body is not JSON ({e}): {body:?}"));
    (status, head, body)
}

fn basic() -> String {
    use base64::Engine as _;
    let credentials = format!("{SEED_PROJECT_ID}:{SEED_SECRET}");
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(credentials))
}

/// A closing request with the fixture's credentials and this body.
fn request(method: &str, path: &str, body: &[u8]) -> Vec<u8> {
    let head = format!(
        "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: {}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        basic(),
        body.len()
    );
    [head.as_bytes(), body].concat()
}

/// The envelope's fields are all there, for `status` and `error_type`.
fn assert_envelope(status: u16, body: &Value, expected_status: u16, expected_type: &str) {
    assert_eq!(status, expected_status, "{body}");
    assert_eq!(body["status_code"], json!(expected_status), "{body}");
    assert_eq!(body["error_type"], expected_type, "{body}");
    assert!(body["request_id"].as_str().is_some_and(|id| id.starts_with("request-id-test-")), "{body}");
    assert!(body["error_message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert_eq!(body["error_url"], format!("https://stytch.com/docs/api/errors/{expected_status}"), "{body}");
}

fn b4() -> String {
    format!("/v1/b2b/organizations/{SEED_ORGANIZATION}/members/{SEED_ADMIN}/connected_apps/{SEED_APP}/revoke")
}

fn c2() -> String {
    format!("/v1/users/{SEED_USER}/connected_apps/{SEED_APP}/revoke")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoke_body_that_is_not_a_json_object_is_a_400_and_revokes_nothing() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let before = emulator.fixture().authorizations;
    for path in [b4(), c2()] {
        for body in [&b"\x00"[..], b"[]", b"\"revoke\"", b"{\"unterminated\": ", b"null", b"\x0c", b"   "] {
            let (status, _, answer) = exchange(&emulator, &request("POST", &path, body));
            assert_envelope(status, &answer, 400, "bad_request");
            assert!(answer["error_message"].as_str().unwrap().starts_with("The submitted request is invalid"));
        }
    }
    assert_eq!(emulator.fixture().authorizations, before, "a refused revoke revoked something");
    // What clients send is still accepted: `{}` (this SDK, the official crates) and an empty body.
    let (status, _, answer) = exchange(&emulator, &request("POST", &b4(), b"{}"));
    assert_eq!(status, 200, "{answer}");
    let (status, _, answer) = exchange(&emulator, &request("POST", &c2(), b""));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(emulator.fixture().authorizations.len(), before.len() - 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_body_must_name_exactly_one_session_with_fields_of_the_declared_types() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let token = SEED_ADMIN_SESSION;
    let cases: [(&str, Value, &str); 7] = [
        ("{}", json!({}), "missing_session_argument"),
        ("both", json!({"session_token": token, "session_jwt": "eyJ.x.y"}), "too_many_session_arguments"),
        ("a number token", json!({"session_token": 5}), "bad_request"),
        ("a short duration", json!({"session_token": token, "session_duration_minutes": 4}), "bad_request"),
        ("a string duration", json!({"session_token": token, "session_duration_minutes": "60"}), "bad_request"),
        ("claims as a list", json!({"session_token": token, "session_custom_claims": []}), "bad_request"),
        ("a partial check", json!({"session_token": token, "authorization_check": {"action": "x"}}), "bad_request"),
    ];
    for path in ["/v1/b2b/sessions/authenticate", "/v1/sessions/authenticate"] {
        for (name, body, error_type) in &cases {
            let (status, _, answer) = exchange(&emulator, &request("POST", path, body.to_string().as_bytes()));
            assert_envelope(status, &answer, 400, error_type);
            assert!(answer.get("session_token").is_none(), "{path}, {name}: {answer}");
        }
        let (status, _, answer) = exchange(&emulator, &request("POST", path, b"\x00"));
        assert_envelope(status, &answer, 400, "bad_request");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_authorization_check_is_answered_with_a_verdict_or_a_403() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let check = |session: &str, organization: &str, resource: &str| {
        let body = json!({
            "session_token": session,
            "authorization_check": {"organization_id": organization, "resource_id": resource, "action": "revoke.connected-app"},
        });
        request("POST", "/v1/b2b/sessions/authenticate", body.to_string().as_bytes())
    };
    let (status, _, answer) = exchange(&emulator, &check(SEED_ADMIN_SESSION, SEED_ORGANIZATION, "stytch.member"));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["verdict"], json!({"authorized": true, "granting_roles": ["stytch_admin"]}));
    let (status, _, answer) = exchange(&emulator, &check(SEED_MEMBER_SESSION, SEED_ORGANIZATION, "stytch.member"));
    assert_envelope(status, &answer, 403, "session_authorization_error");
    let (status, _, answer) = exchange(&emulator, &check(SEED_ADMIN_SESSION, SEED_OTHER_ORGANIZATION, "stytch.member"));
    assert_envelope(status, &answer, 403, "session_authorization_tenancy_error");
    // The consumer call has no RBAC in the emulator: it says so rather than answering "authorized".
    let body = json!({"session_token": SEED_USER_SESSION, "authorization_check": {"resource_id": "r", "action": "a"}});
    let (status, _, answer) =
        exchange(&emulator, &request("POST", "/v1/sessions/authenticate", body.to_string().as_bytes()));
    assert_envelope(status, &answer, 400, "bad_request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_method_is_a_405_envelope_with_an_allow_header() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    for (method, path, allowed) in [
        ("DELETE", format!("/v1/users/{SEED_USER}/connected_apps"), "get,head"),
        ("PUT", c2(), "post"),
        ("GET", b4(), "post"),
        ("PATCH", "/v1/b2b/sessions/authenticate".to_owned(), "post"),
    ] {
        let (status, head, answer) = exchange(&emulator, &request(method, &path, b""));
        assert_envelope(status, &answer, 405, "method_not_allowed");
        assert!(head.contains(&format!("\r\nallow: {allowed}\r\n")), "{method} {path}: {head}");
        assert!(head.contains("\r\ncontent-type: application/json\r\n"), "{head}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_the_router_never_sees_are_answered_with_envelopes() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    // A 200 000-character id: past the `http` crate's URI limit, so hyper refuses it before routing.
    let long_path = format!("/v1/users/{}/connected_apps", "u".repeat(200_000));
    let (status, head, answer) = exchange(&emulator, &request("GET", &long_path, b""));
    assert_envelope(status, &answer, 414, "uri_too_long");
    assert!(head.contains("\r\ncontent-type: application/json\r\n"), "{head}");
    // A head larger than hyper's read buffer.
    let huge_path = format!("/v1/users/{}/connected_apps", "u".repeat(600_000));
    let (status, _, answer) = exchange(&emulator, &request("GET", &huge_path, b""));
    assert_envelope(status, &answer, 431, "request_header_fields_too_large");
    // A malformed request line, and a header name with a space.
    let (status, _, answer) = exchange(&emulator, b"G@T / HTTP/1.1\r\nhost: x\r\n\r\n");
    assert_envelope(status, &answer, 400, "bad_request");
    let (status, _, answer) = exchange(&emulator, b"GET /v1/users/u/connected_apps HTTP/1.1\r\nbad header: x\r\n\r\n");
    assert_envelope(status, &answer, 400, "bad_request");
    // A body over the 2 MiB limit.
    let big = vec![b' '; 3 * 1024 * 1024];
    let (status, _, answer) = exchange(&emulator, &request("POST", &c2(), &big));
    assert_envelope(status, &answer, 413, "request_too_large");
    // Each is in the request log, with the status it got.
    let statuses: Vec<u16> = emulator.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [414, 431, 400, 400, 413]);
    // And the connection handling still serves well-formed requests, keep-alive included.
    let client = emulator.client().unwrap();
    for _ in 0..3 {
        client.consumer().user_connected_apps(SEED_USER).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parse_error_after_an_http_1_0_request_on_a_kept_alive_connection_is_an_envelope_too() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    // hyper answers the second request's parse error with an `HTTP/1.0` head: it must be replaced as well.
    let good = format!("GET /v1/b2b/sessions/jwks/{SEED_PROJECT_ID} HTTP/1.0\r\nconnection: keep-alive\r\n\r\n");
    for bad in ["GARBAGE\r\n\r\n".to_owned(), format!("GET /{} HTTP/1.0\r\n\r\n", "u".repeat(70_000))] {
        let address = emulator.url().trim_start_matches("http://").to_owned();
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        let _ = stream.write_all(format!("{good}{bad}").as_bytes());
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let text = String::from_utf8_lossy(&answer).into_owned();
        let second = text.match_indices("HTTP/1.").nth(1).map(|(at, _)| &text[at..]).expect("two answers");
        let (head, body) = second.split_once("\r\n\r\n").unwrap();
        assert!(head.to_ascii_lowercase().contains("content-type: application/json"), "{head}");
        let body: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {second:?}"));
        let status = head[9..12].parse().unwrap();
        assert_envelope(status, &body, status, if status == 414 { "uri_too_long" } else { "bad_request" });
    }
}

/// The `error_message` of an error example in seed 001 (Stytch's API errors page), by error type.
fn seed_message(error_type: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    let seed = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{} is missing ({e}): the seeds are read from ../shared/seeds/", dir.display()))
        .filter_map(Result::ok)
        .find(|entry| entry.file_name().to_string_lossy().starts_with("001_"))
        .expect("seed 001");
    let text = std::fs::read_to_string(seed.path()).unwrap();
    let after = text.split(&format!("\"error_type\": \"{error_type}\"")).nth(1).expect("the error type in seed 001");
    let line = after.lines().find(|line| line.contains("\"error_message\"")).expect("its error_message");
    line.split("\": \"").nth(1).and_then(|m| m.strip_suffix("\",")).expect("a quoted message").to_owned()
}

#[tokio::test]
async fn injected_faults_carry_stytchs_documented_messages() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    emulator.script(Endpoint::UserConnectedApps, [Fault::status(429), Fault::status(500), Fault::status(503)]);
    let url = format!("{}/v1/users/{SEED_USER}/connected_apps", emulator.url());
    let http = reqwest::Client::new();
    for (status, error_type) in
        [(429, "too_many_requests"), (500, "internal_server_error"), (503, "internal_server_error")]
    {
        let response = http.get(&url).basic_auth(SEED_PROJECT_ID, Some(SEED_SECRET)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), status);
        let body: Value = response.json().await.unwrap();
        assert_envelope(status, &body, status, error_type);
        assert_eq!(body["error_message"], seed_message(error_type), "{body}");
    }
    assert_eq!(seed_message("too_many_requests"), "Too many requests have been made.");
}
