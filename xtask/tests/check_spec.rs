//! `cargo xtask check-spec` (and regen's validation before it writes) on the fixture's vendored file: every broken
//! invariant is reported with the operation, status or schema, and the rule or code that explains it.

use std::path::{Path, PathBuf};

use xtask::check_spec::check;
use xtask::regen::manifest::Manifest;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn manifest() -> Manifest {
    Manifest::parse(&std::fs::read_to_string(fixtures().join("manifest.yaml")).unwrap()).unwrap()
}

fn vendored() -> String {
    std::fs::read_to_string(fixtures().join("vendored.yaml")).unwrap()
}

/// The workspace root: its Cargo.toml says which crates the generated code may name.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn the_fixture_and_the_committed_spec_pass() {
    assert_eq!(check(&vendored(), &manifest(), &root()), Ok("2 operations, 5 schemas; generates".to_owned()));
    let committed = std::fs::read_to_string(root().join("openapi/stytch-b2b-connected-apps.yaml")).unwrap();
    let summary = check(&committed, &Manifest::read(&root()).unwrap(), &root()).unwrap();
    assert!(summary.ends_with("; generates"), "{summary}");
}

#[test]
fn each_broken_invariant_is_reported_with_its_rule() {
    let spec = vendored();
    let cases = [
        ("openapi: 3.0.3", "openapi: 3.1.0", "openapi is \"3.1.0\": progenitor reads 3.0.x only"),
        (
            "        logo_url:\n          type: string\n          nullable: true\n",
            "        logo_url:\n          type: string\n",
            "rule nullable-logo-url would change api_organization_v1_GetConnectedAppResponse.logo_url: nullable",
        ),
        (
            "        '403':",
            "        '418':",
            "rule shared-error-envelope would change api_organization_v1_ConnectedApps: 403 added",
        ),
        (
            "operationId: api_organization_v1_GetConnectedApp\n",
            "operationId: renamed\n",
            "operation api_organization_v1_GetConnectedApp is missing",
        ),
        (
            "        client_type:\n          type: string\n",
            "        client_type:\n          type: string\n          enum: [first_party]\n",
            "rule no-response-enums would change api_organization_v1_OrganizationConnectedApp.client_type: dropped enum",
        ),
        (
            "        connected_app_id:\n          type: string\n",
            "        connected_app_id:\n          type: string\n          format: uuid\n",
            "rule plain-string-formats would change api_organization_v1_GetConnectedAppResponse.connected_app_id: format uuid dropped",
        ),
        (
            "  schemas:\n",
            "  schemas:\n    api_ApiAuthError:\n      type: object\n",
            "rule prune-unreferenced-schemas would change 1 schema(s) dropped: api_ApiAuthError",
        ),
        (
            "        '400':\n",
            "        '204':\n          description: No content\n        '400':\n",
            "api_organization_v1_ConnectedApps (GET /v1/b2b/organizations/{organization_id}/connected_apps): success statuses [200, 204]",
        ),
        (
            "      - connected_app_id\n      - name\n      - description\n      - client_type\n",
            "      - connected_app_id\n      - description\n      - client_type\n",
            "breaking change: api_organization_v1_OrganizationConnectedApp.name is now `string, optional`, and examples/quickstart.rs (prints each app's name) relies on `string, required`",
        ),
        (
            "              schema:\n                $ref: '#/components/schemas/api_organization_v1_ConnectedAppsResponse'\n",
            "              schema:\n                $ref: '#/components/schemas/api_organization_v1_ConnectedAppsResponse'\n            text/plain:\n              schema:\n                type: string\n",
            "breaking change: api_organization_v1_ConnectedApps is now `GET /v1/b2b/organizations/{organization_id}/connected_apps -> 200 application/json api_organization_v1_ConnectedAppsResponse + text/plain string`, and src/ext/calls/b2b.rs (B1's route and response type) relies on",
        ),
        (
            "  /v1/b2b/organizations/{organization_id}/connected_apps:\n",
            "  /v2/b2b/organizations/{organization_id}/connected_apps:\n",
            "breaking change: api_organization_v1_ConnectedApps is now `GET /v2/b2b/organizations/{organization_id}/connected_apps -> 200",
        ),
    ];
    for (from, to, expected) in cases {
        assert!(spec.contains(from), "fixture text {from:?} not found");
        let broken = spec.replacen(from, to, 1);
        let problems = check(&broken, &manifest(), &root()).expect_err(expected);
        assert!(problems.iter().any(|p| p.contains(expected)), "{expected}:\n{problems:#?}");
    }
}

#[test]
fn what_only_progenitor_refuses_is_named_by_operation() {
    // B2's path parameter refers to a schema that does not exist: no rule or invariant notices, progenitor does.
    let spec = vendored().replacen(
        "      - name: connected_app_id\n        in: path\n        required: true\n        schema:\n          type: string\n",
        "      - name: connected_app_id\n        in: path\n        required: true\n        schema:\n          $ref: '#/components/schemas/Missing'\n",
        1,
    );
    assert_ne!(spec, vendored());
    let problems = check(&spec, &manifest(), &root()).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].starts_with(
            "progenitor cannot generate api_organization_v1_GetConnectedApp (GET /v1/b2b/organizations/{organization_id}/connected_apps/{connected_app_id}): "
        ),
        "{problems:#?}"
    );
}
