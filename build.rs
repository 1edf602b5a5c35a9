//! Generates the B2B Connected Apps client from the vendored OpenAPI spec.
//!
//! Input: `openapi/stytch-b2b-connected-apps.yaml` (OpenAPI 3.0.x).
//! Output: `$OUT_DIR/stytch_b2b_connected_apps.rs`, included by `src/generated.rs`.
//! Nothing generated is edited by hand; change the spec (or `cargo xtask regen`) instead.

use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const SPEC: &str = "openapi/stytch-b2b-connected-apps.yaml";
const OUTPUT: &str = "stytch_b2b_connected_apps.rs";
const INNER_TYPE: &str = "crate::ext::transport::ClientState";

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed={SPEC}");
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
    let text = std::fs::read_to_string(SPEC).map_err(context("cannot read the file"))?;
    let spec: openapiv3::OpenAPI =
        serde_norway::from_str(&text).map_err(context("not a valid OpenAPI 3.0 document"))?;
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_derive("PartialEq")
        // Per-client state (timeouts, ...) for the hooks; `src/ext/transport.rs` implements
        // `ClientHooks` for the generated `Client`, and `Expected` makes forgetting it a compile error.
        .with_inner_type(tokens(INNER_TYPE)?)
        .with_hooks(progenitor::HooksMode::Expected);
    // Feature `schemars`: the models derive `JsonSchema` (cargo tells a build script its crate's features).
    if std::env::var_os("CARGO_FEATURE_SCHEMARS").is_some() {
        settings.with_derive("schemars::JsonSchema");
    }
    let mut generator = progenitor::Generator::new(&settings);
    // progenitor 0.15 panics on some valid specs (e.g. an operation mixing response types): turn that into a
    // readable error too.
    std::panic::set_hook(Box::new(|_| {}));
    let generated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| generator.generate_tokens(&spec)));
    let _ = std::panic::take_hook();
    let tokens = generated
        .map_err(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            format!(
                "progenitor panicked ({message}); an operation probably mixes response types (a content-less \
                 error beside typed ones, two error schemas, 200 beside 204, or a `default`): see openapi/README.md"
            )
        })?
        .map_err(context("progenitor rejected the spec"))?;
    let file: syn::File = syn::parse2(tokens).map_err(context("generated code does not parse"))?;
    let out_dir = std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set (run through cargo)")?;
    let out = PathBuf::from(out_dir).join(OUTPUT);
    std::fs::write(&out, prettyplease::unparse(&file)).map_err(context(display(&out)))?;
    Ok(())
}

fn tokens(s: &str) -> Result<proc_macro2::TokenStream, String> {
    s.parse().map_err(context(s))
}

fn display(path: &Path) -> String {
    format!("cannot write {}", path.display())
}

fn context<E: Display>(what: impl Display) -> impl FnOnce(E) -> String {
    move |e| format!("{what}: {e}")
}
