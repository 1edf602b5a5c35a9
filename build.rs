//! Generates the B2B Connected Apps client from the vendored OpenAPI spec.
//!
//! Input: `openapi/stytch-b2b-connected-apps.yaml` (OpenAPI 3.0.x).
//! Output: `$OUT_DIR/stytch_b2b_connected_apps.rs`, included by `src/generated.rs`.
//! Nothing generated is edited by hand; change the spec (or `cargo xtask regen`) instead. The generation itself is
//! `openapi/codegen.rs`, which `cargo xtask regen` runs on a candidate spec before writing it.

use std::path::PathBuf;
use std::process::ExitCode;

#[path = "openapi/codegen.rs"]
mod codegen;

const SPEC: &str = "openapi/stytch-b2b-connected-apps.yaml";
const OUTPUT: &str = "stytch_b2b_connected_apps.rs";

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed=openapi/codegen.rs");
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
    let code = codegen::generate(&text, options)?;
    let out_dir = std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set (run through cargo)")?;
    let out = PathBuf::from(out_dir).join(OUTPUT);
    std::fs::write(&out, code).map_err(|e| format!("cannot write {}: {e}", out.display()))
}
