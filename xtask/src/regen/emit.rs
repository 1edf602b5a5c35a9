//! The vendored file's text: a fixed header and the document, emitted deterministically (mappings keep the
//! order extraction gave them, which depends only on the sources and the manifest).

use serde_norway::Value;

/// The comment every vendored file starts with.
pub const HEADER: &str = "\
# Vendored subset of Stytch's B2B OpenAPI, written by `cargo xtask regen` from the sources recorded in
# openapi/sources.lock and normalized by the rules listed in openapi/README.md. Do not edit by hand.
";

/// The vendored file's text.
pub fn render(document: &Value) -> Result<String, String> {
    serde_norway::to_string(document).map(|body| format!("{HEADER}{body}")).map_err(|e| e.to_string())
}
