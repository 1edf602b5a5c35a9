//! Generates the B2B Connected Apps client from the vendored OpenAPI spec.
//!
//! Input: `openapi/stytch-b2b-connected-apps.yaml` (OpenAPI 3.0.x).
//! Output: `$OUT_DIR/stytch_b2b_connected_apps.rs`, included by `src/lib.rs` (module `generated`); with the `mock`
//! feature also `$OUT_DIR/stytch_b2b_connected_apps_httpmock.rs`, included by `src/ext/mock.rs`.
//! Nothing generated is edited by hand; change the spec (or `cargo xtask regen`) instead. The generation itself is
//! `openapi/codegen.rs`, which `cargo xtask regen` runs on a candidate spec before writing it.

use std::path::PathBuf;
use std::process::ExitCode;

#[path = "openapi/codegen.rs"]
mod codegen;

const SPEC: &str = "openapi/stytch-b2b-connected-apps.yaml";
const OUTPUT: &str = "stytch_b2b_connected_apps.rs";
const MOCK_OUTPUT: &str = "stytch_b2b_connected_apps_httpmock.rs";

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed=openapi/codegen.rs");
    println!("cargo:rerun-if-changed=src/ext/hygiene/credential_keys.rs");
    println!("cargo:rerun-if-changed=build.rs");
    match generate() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // Cargo shows a build script's stderr when it fails: one readable line per problem.
            eprintln!("error: cannot generate the Stytch client from {SPEC}: {message}");
            ExitCode::FAILURE
        }
    }
}

fn generate() -> Result<(), String> {
    let text = std::fs::read_to_string(SPEC).map_err(|e| format!("cannot read the file: {e}"))?;
    // Feature `schemars`: the models derive `JsonSchema` (cargo tells a build script its crate's features).
    let options = codegen::Options { schemars: std::env::var_os("CARGO_FEATURE_SCHEMARS").is_some() };
    // progenitor's panics come back as errors: keep its backtrace noise out of cargo's output.
    std::panic::set_hook(Box::new(|_| {}));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set (run through cargo)")?);
    write(&out_dir.join(OUTPUT), &codegen::generate(&text, options)?)?;
    // Feature `mock`: progenitor's typed httpmock extension, from the same spec. Not generated otherwise, so a
    // default build pays nothing for it.
    if std::env::var_os("CARGO_FEATURE_MOCK").is_some() {
        write(&out_dir.join(MOCK_OUTPUT), &codegen::generate_mock(&text, options)?)?;
    }
    Ok(())
}

fn write(path: &std::path::Path, code: &str) -> Result<(), String> {
    std::fs::write(path, code).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
