//! `cargo xtask check-spec`: the vendored spec's invariants (openapi/README.md, DESIGN.md §4).

use serde_norway::Value;

pub const DEFAULT_PATH: &str = "openapi/stytch-b2b-connected-apps.yaml";

use crate::regen::rules::{ENVELOPE_REF, ERROR_STATUSES};

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Checks the spec at `path` (relative to `root`) against the operations `root`'s manifest names.
pub fn run(root: &std::path::Path, path: &str) -> Result<String, Vec<String>> {
    let manifest = crate::regen::manifest::Manifest::read(root).map_err(|e| vec![e])?;
    let text = std::fs::read_to_string(root.join(path)).map_err(|e| vec![format!("cannot read {path}: {e}")])?;
    check(&text, &manifest.operations)
}

/// Every problem found, or a one-line summary. `operations`: exactly the operationIds the file must hold.
pub fn check(text: &str, operations: &[String]) -> Result<String, Vec<String>> {
    let spec: Value = serde_norway::from_str(text).map_err(|e| vec![format!("not YAML: {e}")])?;
    let mut problems = Vec::new();

    let version = spec.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("3.0.") {
        problems.push(format!("openapi is {version:?}: progenitor reads 3.0.x only"));
    }

    let mut found = Vec::new();
    for (path, item) in mapping(spec.get("paths")) {
        for (method, operation) in mapping(Some(item)) {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let id = operation.get("operationId").and_then(Value::as_str).unwrap_or("").to_owned();
            let at = format!("{} {path} ({id})", method.to_uppercase());
            if id.is_empty() {
                problems.push(format!("{at}: no operationId"));
            }
            check_operation(&at, operation, &mut problems);
            found.push(id);
        }
    }
    for expected in operations {
        if !found.contains(expected) {
            problems.push(format!("operation {expected} is missing"));
        }
    }
    for id in &found {
        if !operations.contains(id) {
            problems.push(format!("operation {id} is not in openapi/manifest.yaml"));
        }
    }

    let schemas = mapping(spec.get("components").and_then(|c| c.get("schemas")));
    if !schemas.iter().any(|(name, _)| name == "StytchErrorEnvelope") {
        problems.push("components.schemas.StytchErrorEnvelope is missing".into());
    }
    for (name, schema) in &schemas {
        check_schema(&format!("schema {name}"), schema, &mut problems);
    }
    if text.contains("x-code-samples") {
        problems.push("x-code-samples left in".into());
    }

    if problems.is_empty() {
        Ok(format!("{} operations, {} schemas", found.len(), schemas.len()))
    } else {
        Err(problems)
    }
}

fn check_operation(at: &str, operation: &Value, problems: &mut Vec<String>) {
    // `mapping` renders the status keys as strings, whether the YAML quoted them or not.
    let codes = mapping(operation.get("responses"));
    let successes = codes.iter().filter(|(code, _)| code.starts_with('2')).count();
    if successes != 1 {
        problems.push(format!("{at}: {successes} success responses (progenitor needs exactly one)"));
    }
    if codes.iter().any(|(code, _)| code == "default") {
        problems.push(format!("{at}: a `default` response makes progenitor panic"));
    }
    for expected in ERROR_STATUSES {
        match codes.iter().find(|(code, _)| code == expected) {
            None => problems.push(format!("{at}: error status {expected} is not declared")),
            Some((_, response)) => {
                let schema =
                    response.get("content").and_then(|c| c.get("application/json")).and_then(|j| j.get("schema"));
                if schema.and_then(|s| s.get("$ref")).and_then(Value::as_str) != Some(ENVELOPE_REF) {
                    problems.push(format!("{at}: error status {expected} does not use {ENVELOPE_REF}"));
                }
            }
        }
    }
    for (code, response) in codes.iter() {
        if code.starts_with(['4', '5']) && !ERROR_STATUSES.contains(&code.as_str()) {
            let schema = response.get("content").and_then(|c| c.get("application/json")).and_then(|j| j.get("schema"));
            if schema.and_then(|s| s.get("$ref")).and_then(Value::as_str) != Some(ENVELOPE_REF) {
                problems.push(format!("{at}: error status {code} does not use {ENVELOPE_REF}"));
            }
        }
    }
}

/// Walks a schema: no `enum`, no `additionalProperties: false`, and `logo_url` nullable wherever it appears.
fn check_schema(at: &str, schema: &Value, problems: &mut Vec<String>) {
    if schema.get("enum").is_some() {
        problems.push(format!("{at}: has an enum (an unknown value would fail the whole response)"));
    }
    if schema.get("additionalProperties").and_then(Value::as_bool) == Some(false) {
        problems.push(format!("{at}: denies unknown fields"));
    }
    for (name, property) in mapping(schema.get("properties")) {
        let here = format!("{at}.{name}");
        if name == "logo_url" && property.get("nullable").and_then(Value::as_bool) != Some(true) {
            problems.push(format!("{here}: must be nullable (Stytch sends null)"));
        }
        check_schema(&here, property, problems);
    }
    if let Some(items) = schema.get("items") {
        check_schema(&format!("{at}[]"), items, problems);
    }
}

/// A mapping's entries with string keys rendered; empty for anything else.
fn mapping(value: Option<&Value>) -> Vec<(String, &Value)> {
    let Some(Value::Mapping(map)) = value else { return Vec::new() };
    map.iter()
        .map(|(k, v)| {
            (k.as_str().map(str::to_owned).or_else(|| k.as_u64().map(|n| n.to_string())).unwrap_or_default(), v)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operations() -> Vec<String> {
        crate::regen::manifest::Manifest::read(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")))
            .expect("the manifest is in the repository")
            .operations
    }

    fn vendored() -> String {
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../", "openapi/stytch-b2b-connected-apps.yaml"))
            .expect("the vendored spec is in the repository")
    }

    #[test]
    fn the_vendored_spec_passes() {
        assert_eq!(check(&vendored(), &operations()), Ok("6 operations, 16 schemas".to_owned()));
    }

    #[test]
    fn each_broken_invariant_is_reported() {
        let spec = vendored();
        let cases = [
            ("openapi: 3.0.3", "openapi: 3.1.0", "progenitor reads 3.0.x only"),
            ("nullable: true", "nullable: false", "must be nullable"),
            ("'403':", "'418':", "error status 403 is not declared"),
            (
                "operationId: api_organization_v1_GetConnectedApp\n",
                "operationId: renamed\n",
                "api_organization_v1_GetConnectedApp is missing",
            ),
            (
                "        client_type:\n          type: string\n",
                "        client_type:\n          type: string\n          enum: [first_party]\n",
                "has an enum",
            ),
        ];
        for (from, to, expected) in cases {
            assert!(spec.contains(from), "fixture text {from:?} not found");
            let broken = spec.replacen(from, to, 1);
            let problems = check(&broken, &operations()).expect_err(expected);
            assert!(problems.iter().any(|p| p.contains(expected)), "{expected}: {problems:?}");
        }
    }

    #[test]
    fn the_raw_upstream_error_declarations_fail() {
        // Upstream's shape: a content-less 400 beside example-only errors (DESIGN.md §4).
        let spec = vendored().replacen(
            "'400':\n          description: Bad request\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/StytchErrorEnvelope'\n",
            "'400':\n          description: Bad request\n",
            1,
        );
        let problems = check(&spec, &operations()).expect_err("a content-less 400");
        assert!(problems.iter().any(|p| p.contains("error status 400 does not use")), "{problems:?}");
    }
}
