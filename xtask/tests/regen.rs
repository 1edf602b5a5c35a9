//! `cargo xtask regen` end to end, on the real upstream files in `../shared/` and on simulated updates.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_norway::Value;
use xtask::regen::{self, Options, Status, manifest::Manifest, source};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// A file from `../shared/`, with a message naming the path when the checkout has no `shared/` beside it.
fn shared(relative: &str) -> PathBuf {
    let path = workspace().join("../shared").join(relative);
    assert!(path.exists(), "{} is missing: these tests read Stytch's published files from ../shared/", path.display());
    path
}

fn upstream_b2b() -> String {
    shared("upstream/stytch-b2b-openapi.yml").display().to_string()
}

/// A scratch repository root with `openapi/` (manifest, and optionally the vendored file), removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(manifest: &str, vendored: Option<&str>) -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::SeqCst);
        let root = std::env::temp_dir().join(format!("xtask-regen-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("openapi")).unwrap();
        std::fs::write(root.join("openapi/manifest.yaml"), manifest).unwrap();
        if let Some(text) = vendored {
            std::fs::write(root.join("openapi/stytch-b2b-connected-apps.yaml"), text).unwrap();
        }
        Self(root)
    }

    fn run(&self, from: &[String], check: bool) -> (Result<Status, String>, String) {
        let options = Options { from: from.to_vec(), check, root: self.0.clone() };
        let mut out = Vec::new();
        let result = regen::run(&options, &mut out);
        (result, String::from_utf8(out).unwrap())
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.0.join(relative)).unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn committed_manifest() -> String {
    std::fs::read_to_string(workspace().join("openapi/manifest.yaml")).unwrap()
}

fn committed_spec() -> String {
    std::fs::read_to_string(workspace().join("openapi/stytch-b2b-connected-apps.yaml")).unwrap()
}

/// The committed manifest without the consumer check (scratch roots have no ../shared beside them), with
/// `extra_operations` added to its operations.
fn b2b_only_manifest(extra_operations: &[&str]) -> String {
    let manifest = committed_manifest();
    let mut b2b = manifest.split("\nconsumer:").next().unwrap().to_owned();
    b2b.push('\n');
    let added: String = extra_operations.iter().map(|op| format!("  - {op}\n")).collect();
    b2b.replacen("operations:\n", &format!("operations:\n{added}"), 1)
}

#[test]
fn regen_from_the_full_upstream_file_reproduces_the_committed_spec_exactly() {
    let manifest = Manifest::read(&workspace()).unwrap();
    let source = source::load(&upstream_b2b(), Path::new("/")).unwrap();

    let generated = regen::generate(&[source], &manifest).unwrap();

    assert!(generated.text == committed_spec(), "run `cargo xtask regen`: the committed spec is stale");
    assert!(generated.reports.iter().any(|line| line.starts_with("rule shared-error-envelope: ")));
}

#[test]
fn the_committed_lock_names_the_upstream_files_and_check_passes() {
    let (result, out) = {
        let options = Options { from: vec![], check: true, root: workspace() };
        let mut out = Vec::new();
        (regen::run(&options, &mut out), String::from_utf8(out).unwrap())
    };
    assert_eq!(result, Ok(Status::Unchanged), "{out}");
    assert!(out.ends_with("up to date\n"), "{out}");
    assert!(out.contains("consumer models: 7 agree with ../shared/upstream/stytch-consumer-openapi.yml"), "{out}");
}

#[test]
fn the_seed_000_page_gives_the_same_b1_as_the_full_file() {
    let manifest =
        Manifest::parse("output: b1.yaml\ntitle: B1 only\noperations:\n  - api_organization_v1_ConnectedApps\n")
            .unwrap();
    let page = source::load(&shared("seeds/000_f0d63e745f4d56b7.txt").display().to_string(), Path::new("/")).unwrap();
    let full = source::load(&upstream_b2b(), Path::new("/")).unwrap();

    let from_page = regen::generate(&[page], &manifest).unwrap().document;
    let from_full = regen::generate(&[full], &manifest).unwrap().document;

    assert_eq!(from_page["paths"], from_full["paths"]);
    assert_eq!(from_page["components"], from_full["components"]);
    let paths = from_page["paths"].as_mapping().unwrap();
    assert_eq!(paths.len(), 1);
    assert!(paths.contains_key("/v1/b2b/organizations/{organization_id}/connected_apps"));
}

#[test]
fn several_sources_merge() {
    let manifest = Manifest::read(&workspace()).unwrap();
    let page = source::load(&shared("seeds/000_f0d63e745f4d56b7.txt").display().to_string(), Path::new("/")).unwrap();
    let full = source::load(&upstream_b2b(), Path::new("/")).unwrap();

    // The page first: its B1 is the same as the full file's, so the merge reports no conflict and gives the
    // committed spec's paths and components.
    let merged = regen::generate(&[page, full], &manifest).unwrap();

    assert_eq!(merged.notes, Vec::<String>::new());
    let committed: Value = serde_norway::from_str(&committed_spec()).unwrap();
    assert_eq!(merged.document["paths"], committed["paths"]);
    assert_eq!(merged.document["components"], committed["components"]);
}

/// Upstream with a new optional field, a new error status on B1, and a new operation.
fn simulated_update() -> String {
    let text = std::fs::read_to_string(upstream_b2b()).unwrap();
    let mut spec: Value = serde_norway::from_str(&text).unwrap();
    let app = &mut spec["components"]["schemas"]["api_organization_v1_OrganizationConnectedApp"]["properties"];
    app.as_mapping_mut()
        .unwrap()
        .insert("installed_at".into(), serde_norway::from_str("{type: string, format: date-time}").unwrap());
    let b1 = &mut spec["paths"]["/v1/b2b/organizations/{organization_id}/connected_apps"]["get"]["responses"];
    b1.as_mapping_mut().unwrap().insert("409".into(), serde_norway::from_str("{description: Conflict}").unwrap());
    let new_operation: Value = serde_norway::from_str(
        "get:
  operationId: api_organization_v1_ConnectedAppMemberCount
  tags: [Organization]
  parameters:
    - {name: organization_id, in: path, required: true, schema: {type: string}}
    - {name: connected_app_id, in: path, required: true, schema: {type: string}}
  responses:
    '200':
      description: Successful response
      content: {application/json: {schema: {$ref: '#/components/schemas/api_organization_v1_ConnectedAppMemberCountResponse'}}}
    '400': {description: Bad request}",
    )
    .unwrap();
    spec["paths"].as_mapping_mut().unwrap().insert(
        "/v1/b2b/organizations/{organization_id}/connected_apps/{connected_app_id}/member_count".into(),
        new_operation,
    );
    spec["components"]["schemas"].as_mapping_mut().unwrap().insert(
        "api_organization_v1_ConnectedAppMemberCountResponse".into(),
        serde_norway::from_str(
            "{type: object, properties: {request_id: {type: string}, member_count: {type: integer, format: int32}, status_code: {type: integer, format: int32}}, required: [request_id, member_count, status_code]}",
        )
        .unwrap(),
    );
    serde_norway::to_string(&spec).unwrap()
}

#[test]
fn a_simulated_update_yields_the_expected_diff_and_a_crate_that_still_builds() {
    let scratch =
        Scratch::new(&b2b_only_manifest(&["api_organization_v1_ConnectedAppMemberCount"]), Some(&committed_spec()));
    std::fs::write(scratch.0.join("upstream.yml"), simulated_update()).unwrap();

    let (result, out) = scratch.run(&["upstream.yml".into()], false);

    assert_eq!(result, Ok(Status::Changed), "{out}");
    let diff: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("diff against"))
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .map(str::trim)
        .collect();
    assert_eq!(
        diff,
        [
            "+ operation api_organization_v1_ConnectedAppMemberCount (GET /v1/b2b/organizations/{organization_id}/connected_apps/{connected_app_id}/member_count)",
            "~ api_organization_v1_ConnectedApps: error status 409 added (StytchErrorEnvelope)",
            "+ schema api_organization_v1_ConnectedAppMemberCountResponse",
            "~ api_organization_v1_OrganizationConnectedApp: field installed_at added (string, optional)",
        ],
        "{out}"
    );
    let lock = scratch.read("openapi/sources.lock");
    assert!(lock.contains("source: upstream.yml\n"), "{lock}");
    assert!(lock.contains(&format!("sha256: {}", source::sha256_hex(simulated_update().as_bytes()))), "{lock}");

    // Running again changes nothing, and --check agrees.
    assert_eq!(scratch.run(&[], false).0, Ok(Status::Unchanged));
    assert_eq!(scratch.run(&[], true).0, Ok(Status::Unchanged));

    crate_builds_with(
        &scratch.read("openapi/stytch-b2b-connected-apps.yaml"),
        "api_organization_v1_connected_app_member_count",
    );
}

/// Copies the library crate with `spec` as its vendored file and runs `cargo check` on it, reusing the
/// workspace's compiled dependencies; then checks that the generated client has `method`.
fn crate_builds_with(spec: &str, method: &str) {
    let root = workspace();
    let copy = std::env::temp_dir().join(format!("xtask-regen-crate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    for entry in ["build.rs", "Cargo.lock", "README.md", "rustfmt.toml"] {
        std::fs::create_dir_all(&copy).unwrap();
        std::fs::copy(root.join(entry), copy.join(entry)).unwrap();
    }
    copy_dir(&root.join("src"), &copy.join("src"));
    std::fs::create_dir_all(copy.join("openapi")).unwrap();
    std::fs::write(copy.join("openapi/stytch-b2b-connected-apps.yaml"), spec).unwrap();
    let cargo_toml = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let standalone = cargo_toml.replace("[workspace]\nmembers = [\".\", \"xtask\"]", "[workspace]");
    assert_ne!(standalone, cargo_toml, "the workspace section moved; update this test");
    std::fs::write(copy.join("Cargo.toml"), standalone).unwrap();
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);

    let output = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--lib", "--message-format", "short"])
        .current_dir(&copy)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the crate does not build with the regenerated spec:\n{stderr}");
    let generated = std::fs::read_dir(target.join("debug/build"))
        .unwrap()
        .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path().join("out/stytch_b2b_connected_apps.rs")).ok())
        .any(|code| code.contains(&format!("pub fn {method}(")));
    assert!(generated, "no generated client with `{method}` under {}", target.display());
    let _ = std::fs::remove_dir_all(&copy);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn check_fails_when_the_vendored_spec_or_a_source_moves() {
    let scratch = Scratch::new(&b2b_only_manifest(&[]), None);
    std::fs::copy(upstream_b2b(), scratch.0.join("upstream.yml")).unwrap();
    assert_eq!(scratch.run(&["upstream.yml".into()], false).0, Ok(Status::Changed));
    assert_eq!(scratch.read("openapi/stytch-b2b-connected-apps.yaml"), committed_spec());

    // Hand-edit the vendored file.
    let edited = committed_spec().replace("nullable: true", "nullable: false");
    std::fs::write(scratch.0.join("openapi/stytch-b2b-connected-apps.yaml"), edited).unwrap();
    let (result, _) = scratch.run(&[], true);
    let err = result.unwrap_err();
    assert!(err.contains("is not what regen produces from the recorded sources"), "{err}");

    // Regenerate, then move the source under the lock.
    assert_eq!(scratch.run(&[], false).0, Ok(Status::Changed));
    let mut moved = std::fs::read_to_string(scratch.0.join("upstream.yml")).unwrap();
    moved.push_str("\n# a trailing comment changes the bytes\n");
    std::fs::write(scratch.0.join("upstream.yml"), moved).unwrap();
    let err = scratch.run(&[], true).0.unwrap_err();
    assert!(err.starts_with("upstream.yml changed since openapi/sources.lock was written"), "{err}");
}

#[test]
fn bad_sources_give_clear_errors() {
    let scratch = Scratch::new(&b2b_only_manifest(&[]), None);
    std::fs::write(scratch.0.join("v31.yml"), "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap();
    std::fs::write(scratch.0.join("page.txt"), "# Get Connected Apps\n\nNo OpenAPI here.\n\n```json\n{}\n```\n")
        .unwrap();
    std::fs::write(
        scratch.0.join("partial.yml"),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x: {get: {operationId: something_else, responses: {'200': {description: ok}}}}\n",
    )
    .unwrap();
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let unreachable = format!("http://127.0.0.1:{closed_port}/stytch-b2b-openapi.yml");

    let cases = [
        ("v31.yml".to_owned(), "v31.yml: OpenAPI 3.1.0; progenitor reads 3.0.x only".to_owned()),
        (
            "page.txt".to_owned(),
            "page.txt: neither an OpenAPI document nor a page with an embedded ```yaml OpenAPI block".to_owned(),
        ),
        (
            "partial.yml".to_owned(),
            "operation(s) named in openapi/manifest.yaml but in no source: api_organization_v1_ConnectedApps, \
             api_organization_v1_GetConnectedApp, api_organization_v1_organizations_members_GetConnectedApps, \
             api_organization_v1_organizations_members_connected_apps_Revoke"
                .to_owned(),
        ),
        (unreachable.clone(), format!("cannot fetch {unreachable}: ")),
        ("missing.yml".to_owned(), "cannot read ".to_owned()),
    ];
    for (source, expected) in cases {
        let err = scratch.run(std::slice::from_ref(&source), false).0.unwrap_err();
        assert!(err.starts_with(&expected), "{source}: {err}");
    }
    assert!(!scratch.0.join("openapi/stytch-b2b-connected-apps.yaml").exists(), "nothing is written on failure");
}

/// Serves `body` to exactly one request on 127.0.0.1; returns the URL and the server thread.
fn serve_once(body: Vec<u8>) -> (String, std::thread::JoinHandle<()>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/docs/api/organization-get-connected-apps", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0u8; 4096];
        let _ = stream.read(&mut request).unwrap();
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&body).unwrap();
    });
    (url, server)
}

#[test]
fn a_url_source_is_fetched_locked_and_checked_offline_from_the_cache() {
    let page = std::fs::read(shared("seeds/000_f0d63e745f4d56b7.txt")).unwrap();
    let scratch = Scratch::new(
        "output: stytch-b2b-connected-apps.yaml\ntitle: B1\noperations: [api_organization_v1_ConnectedApps]\n",
        None,
    );
    let (url, server) = serve_once(page.clone());

    let (result, out) = scratch.run(std::slice::from_ref(&url), false);

    server.join().unwrap();
    assert_eq!(result, Ok(Status::Changed), "{out}");
    let lock = scratch.read("openapi/sources.lock");
    assert!(lock.contains(&format!("source: {url}\n  sha256: {}", source::sha256_hex(&page))), "{lock}");
    // The server is gone: --check reproduces from the cached copy the lock pins.
    let (result, out) = scratch.run(&[], true);
    assert_eq!(result, Ok(Status::Unchanged), "{out}");
    // Without the cache, the same check needs the network and says so.
    std::fs::remove_dir_all(source::cache_dir(&scratch.0)).unwrap();
    let err = scratch.run(&[], true).0.unwrap_err();
    assert!(err.starts_with(&format!("cannot fetch {url}: ")), "{err}");
}
