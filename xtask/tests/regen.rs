//! `cargo xtask regen` end to end on the small upstream-shaped documents under `tests/fixtures/` (a base and one
//! overlay per realistic update), so a legitimate change of Stytch's real document cannot turn these red. Only the
//! first test reads the real document (through the lock), and only to check that regen reproduces the committed
//! spec and lock.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_norway::Value;
use xtask::regen::{self, Options, Status, manifest::Manifest, source};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(relative)
}

fn read_fixture(relative: &str) -> String {
    std::fs::read_to_string(fixture(relative)).unwrap()
}

/// The one test on the real document: whatever sources the lock records (Stytch's file today, a newer one after
/// an update), regen reproduces the committed spec and lock from them.
#[test]
fn regen_reproduces_the_committed_spec_and_lock_from_the_recorded_sources() {
    let options = Options { from: vec![], check: true, root: workspace() };
    let mut out = Vec::new();
    let result = regen::run(&options, &mut out);
    let out = String::from_utf8(out).unwrap();
    assert_eq!(result, Ok(Status::Unchanged), "{out}");
    assert!(out.ends_with("up to date\n"), "{out}");
}

/// A scratch repository root: the fixture manifest, the workspace's Cargo.toml (the crates the generated code may
/// name), and `upstream.yml`, the document regen reads. Removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::SeqCst);
        let root = std::env::temp_dir().join(format!("xtask-regen-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("openapi")).unwrap();
        std::fs::copy(fixture("manifest.yaml"), root.join("openapi/manifest.yaml")).unwrap();
        std::fs::copy(workspace().join("Cargo.toml"), root.join("Cargo.toml")).unwrap();
        Self(root)
    }

    /// A scratch root where regen already vendored the base fixture.
    fn vendored() -> Self {
        let scratch = Self::new();
        scratch.upstream(None);
        let (result, out) = scratch.run(&["upstream.yml"], false);
        assert_eq!(result, Ok(Status::Changed), "{out}");
        scratch
    }

    /// Writes `upstream.yml`: the base fixture, with the update `overlay` (under `fixtures/updates/`) merged over it
    /// by regen's own merge, as one document, as Stytch would publish it.
    fn upstream(&self, overlay: Option<&str>) {
        let mut sources = vec![source::load(&fixture("upstream.yml").display().to_string(), Path::new("/")).unwrap()];
        if let Some(overlay) = overlay {
            sources.push(
                source::load(&fixture(&format!("updates/{overlay}")).display().to_string(), Path::new("/")).unwrap(),
            );
        }
        let (merged, _) = regen::extract::merge(&sources);
        std::fs::write(self.0.join("upstream.yml"), serde_norway::to_string(&merged).unwrap()).unwrap();
    }

    fn run(&self, from: &[&str], check: bool) -> (Result<Status, String>, String) {
        let options = Options { from: from.iter().map(|s| s.to_string()).collect(), check, root: self.0.clone() };
        let mut out = Vec::new();
        let result = regen::run(&options, &mut out);
        (result, String::from_utf8(out).unwrap())
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.0.join(relative)).unwrap()
    }

    fn spec(&self) -> String {
        self.read("openapi/stytch-b2b-connected-apps.yaml")
    }

    /// The spec and lock, to show that a refused run wrote nothing.
    fn files(&self) -> (String, String) {
        (self.spec(), self.read("openapi/sources.lock"))
    }

    /// Applies update `overlay` to `upstream.yml` and runs regen from the lock's sources, as a maintainer would.
    fn update(&self, overlay: &str) -> (Result<Status, String>, String) {
        self.upstream(Some(overlay));
        self.run(&[], false)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The indented lines under the header line starting with `header`.
fn block<'a>(out: &'a str, header: &str) -> Vec<&'a str> {
    out.lines()
        .skip_while(|l| !l.starts_with(header))
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .map(str::trim)
        .collect()
}

#[test]
fn the_base_fixture_vendors_to_the_expected_file_and_reproduces() {
    let scratch = Scratch::new();
    scratch.upstream(None);

    let (result, out) = scratch.run(&["upstream.yml"], false);

    assert_eq!(result, Ok(Status::Changed), "{out}");
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(fixture("vendored.yaml"), scratch.spec()).unwrap();
    }
    assert!(
        scratch.spec() == read_fixture("vendored.yaml"),
        "regen's output moved: see tests/fixtures/vendored.yaml\n{}",
        scratch.spec()
    );
    assert_eq!(
        block(&out, "new upstream operations, not vendored: 1"),
        [
            "api_b2b_session_v1_Get (GET /v1/b2b/sessions)",
            "(vendor one by adding its operationId to `operations:` in openapi/manifest.yaml; the lock records the rest as seen)"
        ],
        "{out}"
    );
    assert!(!out.contains("api_organization_v1_Get "), "an unwatched path is not listed: {out}");
    assert!(out.contains("rule optional-request-id-on-get-connected-app: 1 change(s)"), "{out}");
    assert!(out.contains("checked: generates"), "{out}");
    let lock = scratch.read("openapi/sources.lock");
    assert!(lock.contains("unvendored:\n- api_b2b_session_v1_Get (GET /v1/b2b/sessions)\n"), "{lock}");

    let (result, out) = scratch.run(&[], false);
    assert_eq!(result, Ok(Status::Unchanged), "{out}");
    assert!(out.contains("watched upstream operations, not vendored: 1 (1 already in openapi/sources.lock)"), "{out}");
    assert_eq!(scratch.run(&[], true).0, Ok(Status::Unchanged));
}

#[test]
fn a_204_beside_the_200_is_refused_naming_the_operation_and_status_and_nothing_is_written() {
    let scratch = Scratch::vendored();
    let before = scratch.files();

    let (result, out) = scratch.update("adds-204.yml");

    let err = result.unwrap_err();
    assert!(
        err.starts_with(
            "refused: the candidate openapi/stytch-b2b-connected-apps.yaml fails 2 check(s); nothing was written"
        ),
        "{err}"
    );
    assert!(
        err.contains("api_organization_v1_ConnectedApps (GET /v1/b2b/organizations/{organization_id}/connected_apps): success statuses [200, 204]; progenitor generates one success type per operation"),
        "{err}"
    );
    assert!(err.contains("No rule handles this: add one under xtask/src/regen/rules/"), "{err}");
    assert!(err.contains("breaking change: api_organization_v1_ConnectedApps is now `GET /v1/b2b/organizations/{organization_id}/connected_apps -> 200 application/json api_organization_v1_ConnectedAppsResponse -> 204 no content`"), "{err}");
    assert!(
        block(&out, "diff against").contains(&"~ api_organization_v1_ConnectedApps: status 204 added (no content)"),
        "the diff is shown first: {out}"
    );
    assert_eq!(scratch.files(), before, "the spec and the lock are untouched");
    // The tool still works on the untouched files: check-spec, and --check against the lock (which the update moved).
    let manifest = Manifest::read(&scratch.0).unwrap();
    assert!(xtask::check_spec::check(&scratch.spec(), &manifest, &scratch.0).is_ok());
    let err = scratch.run(&[], true).0.unwrap_err();
    assert!(err.starts_with("upstream.yml changed since openapi/sources.lock was written"), "{err}");
}

#[test]
fn removing_a_field_the_handwritten_code_uses_is_refused_naming_that_code() {
    let scratch = Scratch::vendored();
    let before = scratch.files();

    let (result, out) = scratch.update("removes-used-field.yml");

    let err = result.unwrap_err();
    assert!(
        err.contains("breaking change: api_organization_v1_OrganizationConnectedApp.name is gone, and examples/quickstart.rs (prints each app's name) uses it (string, required)"),
        "{err}"
    );
    assert!(
        block(&out, "diff against").contains(&"~ api_organization_v1_OrganizationConnectedApp: field name removed"),
        "{out}"
    );
    assert_eq!(scratch.files(), before);
}

#[test]
fn a_new_watched_operation_is_named_once_and_exits_changed() {
    let scratch = Scratch::vendored();
    let spec = scratch.spec();

    let (result, out) = scratch.update("new-watched-operation.yml");

    assert_eq!(result, Ok(Status::Changed), "{out}");
    assert_eq!(
        block(&out, "new upstream operations, not vendored: 1")[0],
        "api_organization_v1_ConnectedAppMemberCount (GET /v1/b2b/organizations/{organization_id}/connected_apps/{connected_app_id}/member_count)",
        "{out}"
    );
    assert_eq!(block(&out, "diff against"), ["(unchanged)"], "not vendored: the spec does not change");
    assert_eq!(scratch.spec(), spec);
    assert!(scratch.read("openapi/sources.lock").contains("- api_organization_v1_ConnectedAppMemberCount (GET "));
    let (result, out) = scratch.run(&[], false);
    assert_eq!(result, Ok(Status::Unchanged), "seen once, then recorded: {out}");
    assert!(!out.contains("new upstream operations"), "{out}");
    assert!(out.contains("watched upstream operations, not vendored: 2 (2 already in openapi/sources.lock)"), "{out}");
}

#[test]
fn a_new_optional_field_is_vendored_and_reported() {
    let scratch = Scratch::vendored();

    let (result, out) = scratch.update("new-optional-field.yml");

    assert_eq!(result, Ok(Status::Changed), "{out}");
    assert_eq!(
        block(&out, "diff against"),
        ["~ api_organization_v1_OrganizationConnectedApp: field installed_by added (string, optional)"],
        "{out}"
    );
    assert!(scratch.spec().contains("installed_by:"));
    assert_eq!(scratch.run(&[], true).0, Ok(Status::Unchanged));
}

#[test]
fn a_new_enum_value_changes_nothing_vendored() {
    let scratch = Scratch::vendored();
    let spec = scratch.spec();

    let (result, out) = scratch.update("new-enum-value.yml");

    assert_eq!(result, Ok(Status::Changed), "the lock records the new source: {out}");
    assert_eq!(
        block(&out, "rule no-response-enums: 1 change(s)"),
        [
            "api_organization_v1_OrganizationConnectedApp.client_type: dropped enum - first_party - third_party - first_party_public"
        ],
        "{out}"
    );
    assert_eq!(block(&out, "diff against"), ["(unchanged)"], "{out}");
    assert_eq!(scratch.spec(), spec);
}

#[test]
fn a_date_time_field_stays_a_string() {
    let scratch = Scratch::vendored();

    let (result, out) = scratch.update("date-time.yml");

    assert_eq!(result, Ok(Status::Changed), "{out}");
    assert_eq!(
        block(&out, "rule plain-string-formats: 1 change(s)"),
        ["api_organization_v1_OrganizationConnectedApp.installed_at: format date-time dropped (stays a string)"],
        "{out}"
    );
    assert_eq!(
        block(&out, "diff against"),
        ["~ api_organization_v1_OrganizationConnectedApp: field installed_at added (string, optional)"],
        "{out}"
    );
    assert!(!scratch.spec().contains("date-time"));
}

#[test]
fn error_schemas_of_upstream_are_replaced_and_none_survives() {
    let scratch = Scratch::vendored();

    let (result, out) = scratch.update("two-error-schemas.yml");

    assert_eq!(result, Ok(Status::Changed), "{out}");
    let envelope = block(&out, "rule shared-error-envelope: ");
    assert!(envelope.contains(&"api_organization_v1_ConnectedApps: 401 had another schema; now the envelope"), "{out}");
    assert!(envelope.contains(&"api_organization_v1_ConnectedApps: 500 had another schema; now the envelope"), "{out}");
    assert_eq!(
        block(&out, "rule prune-unreferenced-schemas: 1 change(s)"),
        ["3 schema(s) dropped: api_ApiAuthError, api_ApiErrorDetails, api_ApiServerError"],
        "{out}"
    );
    assert!(!scratch.spec().contains("api_Api"), "{}", scratch.spec());
    let document: Value = serde_norway::from_str(&scratch.spec()).unwrap();
    let declared = document["components"]["schemas"].as_mapping().unwrap().len();
    assert_eq!(declared, xtask::regen::rules::reachable(&document).len(), "every declared schema is reachable");
}

#[test]
fn the_page_gives_the_same_b1_as_the_document_and_both_merge() {
    let manifest =
        Manifest::parse("output: b1.yaml\ntitle: B1 only\noperations:\n  - api_organization_v1_ConnectedApps\n")
            .unwrap();
    let page = source::load(&fixture("page.md").display().to_string(), Path::new("/")).unwrap();
    let full = source::load(&fixture("upstream.yml").display().to_string(), Path::new("/")).unwrap();

    let from_page = regen::generate(std::slice::from_ref(&page), None, &manifest).unwrap().document;
    let from_full = regen::generate(std::slice::from_ref(&full), None, &manifest).unwrap().document;
    let merged = regen::generate(&[page, full], None, &manifest).unwrap();

    assert_eq!(from_page["paths"], from_full["paths"]);
    assert_eq!(from_page["components"], from_full["components"]);
    assert_eq!(merged.notes, Vec::<String>::new(), "the page agrees with the document: no conflict");
    assert_eq!(merged.document, from_full);
}

#[test]
fn check_fails_when_the_vendored_spec_or_a_source_moves() {
    let scratch = Scratch::vendored();

    let edited = scratch.spec().replace("nullable: true", "nullable: false");
    std::fs::write(scratch.0.join("openapi/stytch-b2b-connected-apps.yaml"), edited).unwrap();
    let err = scratch.run(&[], true).0.unwrap_err();
    assert!(err.contains("is not what regen produces from the recorded sources"), "{err}");

    assert_eq!(scratch.run(&[], false).0, Ok(Status::Changed));
    let mut moved = scratch.read("upstream.yml");
    moved.push_str("\n# a trailing comment changes the bytes\n");
    std::fs::write(scratch.0.join("upstream.yml"), moved).unwrap();
    let err = scratch.run(&[], true).0.unwrap_err();
    assert!(err.starts_with("upstream.yml changed since openapi/sources.lock was written"), "{err}");
}

#[test]
fn bad_sources_give_clear_errors() {
    let scratch = Scratch::new();
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
             api_organization_v1_GetConnectedApp"
                .to_owned(),
        ),
        (unreachable.clone(), format!("cannot fetch {unreachable}: ")),
        ("missing.yml".to_owned(), "cannot read ".to_owned()),
    ];
    for (source, expected) in cases {
        let err = scratch.run(&[source.as_str()], false).0.unwrap_err();
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
    let page = std::fs::read(fixture("page.md")).unwrap();
    let scratch = Scratch::new();
    std::fs::write(
        scratch.0.join("openapi/manifest.yaml"),
        "output: stytch-b2b-connected-apps.yaml\ntitle: B1\noperations: [api_organization_v1_ConnectedApps]\n",
    )
    .unwrap();
    let (url, server) = serve_once(page.clone());

    let (result, out) = scratch.run(&[url.as_str()], false);

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

fn inline_source(origin: &str, yaml: &str) -> source::Source {
    source::Source { origin: origin.into(), sha256: String::new(), document: serde_norway::from_str(yaml).unwrap() }
}

#[test]
fn a_vendored_operation_id_named_twice_is_refused_and_path_parameters_are_kept() {
    let manifest = Manifest::parse("output: o.yaml\ntitle: t\noperations: [B1]\n").unwrap();
    let twice = inline_source(
        "twice.yml",
        "openapi: 3.0.3\npaths:\n  /a: {get: {operationId: B1, responses: {'200': {description: ok}}}}\n  /b: {post: {operationId: B1, responses: {'200': {description: ok}}}}\n",
    );
    let err = regen::generate(&[twice], None, &manifest).unwrap_err();
    assert_eq!(
        err,
        "operationId B1 names two operations in the sources (GET /a and POST /b): which one the SDK wraps is ambiguous"
    );

    let shared = inline_source(
        "shared.yml",
        "openapi: 3.0.3\npaths:\n  /orgs/{organization_id}/apps:\n    parameters: [{name: organization_id, in: path, required: true, schema: {type: string}}]\n    get: {operationId: B1, parameters: [{name: limit, in: query, schema: {type: integer}}], responses: {'200': {description: ok}}}\n",
    );
    let document = regen::generate(&[shared], None, &manifest).unwrap().document;
    let parameters = document["paths"]["/orgs/{organization_id}/apps"]["get"]["parameters"].as_sequence().unwrap();
    let names: Vec<&str> = parameters.iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names, ["organization_id", "limit"], "the path item's parameters move into the vendored operation");
}

#[test]
fn a_consumer_type_generated_from_the_b2b_spec_is_compared_with_the_candidate() {
    let scratch = Scratch::vendored();
    let consumer = "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    api_organization_v1_OrganizationConnectedAppActiveMember:\n      properties: {member_id: {type: string}, granted_scopes: {type: array, items: {type: string}}, since: {type: string}}\n      required: [member_id, granted_scopes]\n";
    std::fs::write(scratch.0.join("consumer.yml"), consumer).unwrap();
    std::fs::write(scratch.0.join("openapi/consumer-models.json"), "{}").unwrap();
    let manifest = format!(
        "{}consumer:\n  source: consumer.yml\n  models: {{}}\n  generated:\n    ApiOrganizationV1OrganizationConnectedAppActiveMember: api_organization_v1_OrganizationConnectedAppActiveMember\n",
        read_fixture("manifest.yaml")
    );
    std::fs::write(scratch.0.join("openapi/manifest.yaml"), manifest).unwrap();

    let err = scratch.run(&[], false).0.unwrap_err();
    // The candidate B2B schema, not a snapshot: the Consumer spec's extra field is drift.
    assert!(
        err.contains("ApiOrganizationV1OrganizationConnectedAppActiveMember: missing field since (string, optional)"),
        "{err}"
    );

    let agreeing = consumer.replace(", since: {type: string}", "");
    std::fs::write(scratch.0.join("consumer.yml"), agreeing).unwrap();
    let (result, out) = scratch.run(&[], false);
    assert_eq!(result, Ok(Status::Changed), "{out}");
    assert!(out.contains("consumer models: 1 agree with consumer.yml"), "{out}");
}

#[test]
fn xtask_does_not_depend_on_the_library_crate() {
    // Cargo's own view: every kind of dependency (normal, dev, build), by package name even when renamed.
    let output = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(workspace())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let xtask = metadata["packages"].as_array().unwrap().iter().find(|p| p["name"] == "xtask").unwrap();
    let names: Vec<&str> =
        xtask["dependencies"].as_array().unwrap().iter().filter_map(|d| d["name"].as_str()).collect();
    assert!(names.contains(&"progenitor"), "{names:?}");
    assert!(
        !names.contains(&"stytch-connected-apps"),
        "xtask must run when the library does not build (a bad spec): it includes openapi/codegen.rs instead"
    );
}

/// Operations of the Consumer document are extracted from it alone and added to the B2B ones, in the manifest's
/// order; a component of one name defined differently in the two documents, or a path in both, is refused; a
/// manifest naming Consumer operations with no Consumer document read is refused too.
#[test]
fn consumer_operations_are_vendored_beside_the_b2b_ones_and_conflicts_are_refused() {
    let manifest = Manifest::parse(
        "output: o.yaml\ntitle: t\noperations: [B1]\nconsumer:\n  source: c.yml\n  operations: [C9]\n  models: {}\n",
    )
    .unwrap();
    let schema = |extra: &str| {
        format!("components:\n  schemas:\n    Shared: {{type: object, properties: {{id: {{type: string}}{extra}}}}}\n")
    };
    let op = |id: &str, path: &str| {
        format!(
            "  {path}: {{get: {{operationId: {id}, responses: {{'200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Shared'}}}}}}}}}}}}}}\n"
        )
    };
    let b2b = inline_source("b.yml", &format!("openapi: 3.0.3\npaths:\n{}{}", op("B1", "/b"), schema("")));
    let consumer = inline_source("c.yml", &format!("openapi: 3.0.3\npaths:\n{}{}", op("C9", "/c"), schema("")));
    let document = regen::generate(std::slice::from_ref(&b2b), Some(&consumer), &manifest).unwrap().document;
    let paths: Vec<&str> = document["paths"].as_mapping().unwrap().keys().filter_map(|k| k.as_str()).collect();
    assert_eq!(paths, ["/b", "/c"]);
    assert!(document["components"]["schemas"]["Shared"].is_mapping());

    let differing =
        inline_source("c.yml", &format!("openapi: 3.0.3\npaths:\n{}{}", op("C9", "/c"), schema(", x: {type: string}")));
    let err = regen::generate(std::slice::from_ref(&b2b), Some(&differing), &manifest).unwrap_err();
    assert!(err.contains("components.schemas.Shared differs between the B2B and Consumer documents"), "{err}");

    let same_path = inline_source("c.yml", &format!("openapi: 3.0.3\npaths:\n{}{}", op("C9", "/b"), schema("")));
    let err = regen::generate(std::slice::from_ref(&b2b), Some(&same_path), &manifest).unwrap_err();
    assert_eq!(err, "path /b is vendored from both documents");

    let err = regen::generate(std::slice::from_ref(&b2b), None, &manifest).unwrap_err();
    assert!(err.contains("no Consumer document was read: C9"), "{err}");
    assert!(
        Manifest::parse(
            "output: o\ntitle: t\noperations: [B1]\nconsumer:\n  source: c\n  operations: [B1]\n  models: {}\n"
        )
        .unwrap_err()
        .contains("operation B1 is listed twice")
    );
}
