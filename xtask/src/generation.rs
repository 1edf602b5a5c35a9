//! A candidate spec through the library's own generation (`openapi/codegen.rs`, the function `build.rs` calls):
//! what progenitor refuses is named by operation, and generated code that names a crate the library does not
//! depend on (a `chrono` type for a date-time, say) is refused before rustc would.

use std::collections::BTreeSet;
use std::path::Path;

use serde_norway::{Mapping, Value};

use crate::regen::extract::{METHODS, entries};

#[path = "../../openapi/codegen.rs"]
mod codegen;

/// Crate-like roots the generated code may name besides the library's dependencies.
/// (`types`, `builder` and `defaults` are modules progenitor and typify generate; `operations`, the httpmock
/// generator's.)
const BUILTIN_ROOTS: [&str; 13] = [
    "std",
    "core",
    "alloc",
    "crate",
    "self",
    "super",
    "types",
    "builder",
    "defaults",
    "operations",
    "clippy",
    "rustfmt",
    "rustdoc",
];

/// One line per problem; empty when build.rs would generate code from `text` that names only crates the library
/// (`root`'s Cargo.toml) depends on: the client and models, and the `mock` feature's helpers. Generated with every
/// derive the library's features can add.
pub fn problems(text: &str, document: &Value, root: &Path) -> Vec<String> {
    let options = codegen::Options { schemars: true };
    let dependencies = library_dependencies(root);
    let mut problems = match codegen::generate(text, options) {
        Ok(code) => unknown_crates(&code, &dependencies),
        Err(whole) => return per_operation(document, options).unwrap_or_else(|| vec![whole]),
    };
    // The `mock` feature's helpers come from the same spec: a spec that breaks them breaks `--features mock`.
    match codegen::generate_mock(text, options) {
        Ok(code) => problems.extend(unknown_crates(&code, &dependencies)),
        Err(message) => problems.push(format!("the `mock` feature's httpmock helpers cannot be generated: {message}")),
    }
    problems
}

/// Generates each operation alone (with every component) to name the ones progenitor refuses; `None` when each
/// generates alone (the problem is then between operations, or in a component every one of them fails on).
fn per_operation(document: &Value, options: codegen::Options) -> Option<Vec<String>> {
    let mut failures = Vec::new();
    let mut total = 0;
    for (path, item) in entries(document.get("paths")) {
        for (method, operation) in entries(Some(item)) {
            if !method.as_str().is_some_and(|m| METHODS.contains(&m)) {
                continue;
            }
            total += 1;
            let mut alone = document.clone();
            let single_path = Mapping::from_iter([(method.clone(), operation.clone())]);
            alone["paths"] = Value::Mapping(Mapping::from_iter([(path.clone(), Value::Mapping(single_path))]));
            let Ok(text) = serde_norway::to_string(&alone) else { continue };
            if let Err(message) = codegen::generate(&text, options) {
                let id = operation.get("operationId").and_then(Value::as_str).unwrap_or("(no operationId)");
                let at = format!("{} {}", method.as_str().unwrap_or("?").to_uppercase(), path.as_str().unwrap_or("?"));
                failures.push(format!("progenitor cannot generate {id} ({at}): {message}"));
            }
        }
    }
    match failures.len() {
        0 => None,
        n if n == total && total > 1 => Some(vec![format!(
            "progenitor cannot generate any operation, even alone: the problem is probably in a shared component \
             schema; first: {}",
            failures[0]
        )]),
        _ => Some(failures),
    }
}

/// Absolute or crate-relative path roots in `code` (`::chrono::DateTime`, `uuid::Uuid`) that are neither built in
/// nor a dependency; doc comments are skipped.
fn unknown_crates(code: &str, dependencies: &BTreeSet<String>) -> Vec<String> {
    let mut unknown = BTreeSet::new();
    let mut in_block_comment = false;
    for line in code.lines().map(str::trim_start) {
        // Doc comments (`///`, and the `/** ... */` blocks prettyplease prints for multi-line docs) are prose.
        if in_block_comment || line.starts_with("/*") {
            in_block_comment = !line.contains("*/");
            continue;
        }
        if line.starts_with("//") {
            continue;
        }
        let line = &without_string_literals(line);
        let bytes = line.as_bytes();
        for (at, _) in line.match_indices("::") {
            let start = line[..at].rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
            let root = &line[start..at];
            // `a::b::` continues a path; `::b::` (after a space, `<`, `(`, ...) is an absolute one.
            let after_colons = start >= 2 && &bytes[start - 2..start] == b"::";
            let continues_path =
                after_colons && start >= 3 && (bytes[start - 3].is_ascii_alphanumeric() || bytes[start - 3] == b'_');
            let is_root = !continues_path && root.starts_with(|c: char| c.is_ascii_lowercase());
            if is_root && !BUILTIN_ROOTS.contains(&root) && !dependencies.contains(root) {
                unknown.insert(root.to_owned());
            }
        }
    }
    unknown
        .into_iter()
        .map(|name| {
            format!(
                "the generated code names crate `{name}`, which the library does not depend on: typify maps some \
                 string `format`s (chrono, uuid) and `pattern`s (regress) to crate types. Drop them with a rule \
                 (plain-string-formats drops the formats it knows), or add the crate to Cargo.toml"
            )
        })
        .collect()
}

/// `line` with the contents of its string literals blanked (a `"a::b"` in a serde attribute is not a path).
fn without_string_literals(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in line.chars() {
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (_, false, '"') => {
                in_string = !in_string;
                out.push(c);
            }
            (true, false, _) => {}
            (false, _, _) => out.push(c),
        }
    }
    out
}

/// The library's `[dependencies]`, as Rust names: what the generated code may use.
fn library_dependencies(root: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(root.join("Cargo.toml")).unwrap_or_default();
    let mut names = BTreeSet::new();
    let mut in_dependencies = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]";
        } else if in_dependencies
            && let Some((name, _)) = line.split_once('=')
            && !line.starts_with('#')
        {
            names.insert(name.trim().replace('-', "_"));
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_roots_outside_the_dependencies_are_named() {
        let code = "let x: &mut ::std::string::String = operations::A;\n/// e.g. `chrono::Utc` in a doc comment is fine\n/**Two lines:\n`stytch::Client` too.*/\n#[serde(default = \"defaults::default_u64::<i32, 60>\", rename = \"a::b\")]\npub struct A { pub at: ::chrono::DateTime<::chrono::Utc>, pub id: uuid::Uuid, pub m: ::serde_json::Map<String, ::serde_json::Value>, pub s: ::std::string::String, pub t: types::builder::X }\n";
        let dependencies = BTreeSet::from(["serde_json".to_owned()]);
        let problems = unknown_crates(code, &dependencies);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("crate `chrono`") && problems[1].contains("crate `uuid`"), "{problems:?}");
    }

    #[test]
    fn constraint_only_one_of_and_integer_bounds_leave_the_generated_request_a_plain_struct() {
        let spec = |constraint: &str| {
            format!(
                "openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /a:
    post:
      operationId: authenticate
      requestBody: {{required: true, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Req'}}}}}}}}
      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {{type: object}}}}}}}}}}
components:
  schemas:
    Req:
      type: object
      properties: {{session_token: {{type: string}}, session_jwt: {{type: string}}, session_duration_minutes: {{type: integer, format: int32, minimum: 5, maximum: 527040}}}}
{constraint}"
            )
        };
        let options = codegen::Options::default();
        let plain = codegen::generate(&spec(""), options).unwrap();
        let constrained = codegen::generate(
            &spec("      oneOf: [{required: [session_token]}, {required: [session_jwt]}]\n"),
            options,
        )
        .unwrap();
        assert!(plain.contains("pub struct Req"), "{plain}");
        // regen's `session-duration-bounds`: bounds leave the field a plain integer.
        assert!(plain.contains("pub session_duration_minutes: ::std::option::Option<i32>"), "{plain}");
        assert_eq!(constrained, plain, "the oneOf of `required` lists changed the generated code");
        // A real alternative (its own properties) is still progenitor's to type.
        let typed = spec("      oneOf: [{required: [session_token]}, {properties: {x: {type: string}}}]\n");
        let typed = codegen::generate(&typed, options).unwrap();
        assert_ne!(typed, plain);
        // Its variants' credential-shaped fields never print either (the same post-pass as the struct's).
        assert!(plain.contains("pub session_jwt: ::std::option::Option<crate::Credential>"), "{plain}");
        assert!(!typed.contains("session_jwt: ::std::option::Option<::std::string::String>"), "{typed}");
        assert!(typed.contains("session_jwt: ::std::option::Option<crate::Credential>"), "{typed}");
    }

    #[test]
    fn the_library_dependencies_are_read_from_its_cargo_toml() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let names = library_dependencies(&root);
        for name in ["progenitor_client", "reqwest", "serde", "serde_json", "httpmock", "regex"] {
            assert!(names.contains(name), "{name}: {names:?}");
        }
        assert!(!names.contains("progenitor"), "a build-dependency is not a dependency of the generated code");
    }
}
