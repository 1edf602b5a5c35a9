//! `cargo xtask check-spec`, and the validation regen runs before it writes: a spec passes when build.rs would
//! generate the client from it, every rule's invariant holds (no rule would change anything), it holds exactly the
//! manifest's operations (the B2B document's and the Consumer document's), and everything the handwritten code relies on is there in the shape it expects.
//! Each problem names the operation, status or schema, and what would fix it.

use std::path::Path;

use serde_norway::Value;

use crate::generation;
use crate::regen::extract::{METHODS, entries};
use crate::regen::manifest::Manifest;
use crate::regen::{relied_on, rules};

pub const DEFAULT_PATH: &str = "openapi/stytch-b2b-connected-apps.yaml";

/// Checks the spec at `path` (relative to `root`) against `root`'s manifest.
pub fn run(root: &Path, path: &str) -> Result<String, Vec<String>> {
    let manifest = Manifest::read(root).map_err(|e| vec![e])?;
    let text = std::fs::read_to_string(root.join(path)).map_err(|e| vec![format!("cannot read {path}: {e}")])?;
    check(&text, &manifest, root)
}

/// Every problem found, or a one-line summary. `root` is the repository whose Cargo.toml says which crates the
/// generated code may name.
pub fn check(text: &str, manifest: &Manifest, root: &Path) -> Result<String, Vec<String>> {
    let document: Value = serde_norway::from_str(text).map_err(|e| vec![format!("not YAML: {e}")])?;
    let mut problems = structure(&document, manifest);
    problems.extend(rules::not_normalized(&document, manifest));
    problems.extend(relied_on::check(&document, manifest));
    if problems.is_empty() {
        // Generation last: its errors are the least specific, and the checks above explain most of them.
        problems.extend(generation::problems(text, &document, root));
    }
    if problems.is_empty() {
        let schemas = entries(document.get("components").and_then(|c| c.get("schemas"))).len();
        Ok(format!("{} operations, {schemas} schemas; generates", manifest.vendored().count()))
    } else {
        Err(problems)
    }
}

/// What no rule establishes: the OpenAPI version, the operations, one success response each.
fn structure(document: &Value, manifest: &Manifest) -> Vec<String> {
    let mut problems = Vec::new();
    let version = document.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("3.0.") {
        problems.push(format!("openapi is {version:?}: progenitor reads 3.0.x only"));
    }
    let mut found = Vec::new();
    for (path, item) in entries(document.get("paths")) {
        for (method, operation) in entries(Some(item)) {
            let Some(method) = method.as_str().filter(|m| METHODS.contains(m)) else { continue };
            let id = operation.get("operationId").and_then(Value::as_str).unwrap_or("").to_owned();
            let at = format!("{id} ({} {})", method.to_uppercase(), path.as_str().unwrap_or("?"));
            if id.is_empty() {
                problems.push(format!("{at}: no operationId (progenitor names the method after it)"));
            }
            let mut successes: Vec<String> = entries(operation.get("responses"))
                .into_iter()
                .map(|(code, _)| rules::status(code))
                .filter(|code| code.starts_with('2'))
                .collect();
            successes.sort();
            if successes.len() != 1 {
                problems.push(format!(
                    "{at}: success statuses [{}]; progenitor generates one success type per operation and needs \
                     exactly one. No rule handles this: add one under xtask/src/regen/rules/ that keeps the status the \
                     SDK decodes (openapi/README.md, \"When Stytch updates the spec\"), and teach the handwritten \
                     layer the other",
                    successes.join(", ")
                ));
            }
            found.push(id);
        }
    }
    for expected in manifest.vendored() {
        if !found.contains(expected) {
            problems.push(format!("operation {expected} is missing"));
        }
    }
    for id in found.iter().filter(|id| !id.is_empty()) {
        if !manifest.vendored().any(|vendored| vendored == id) {
            problems.push(format!("operation {id} is not in openapi/manifest.yaml"));
        }
    }
    problems
}
