//! What the handwritten code uses from the generated client (`relies_on:` in the manifest), checked on a candidate
//! spec: a removal or a change of shape upstream would break the crate's build with a rustc error far from its
//! cause, so regen refuses the spec and names the code instead.
//!
//! Entries and their shapes:
//! - an operationId: `METHOD path[, body CONTENT-TYPE TYPE] -> STATUS CONTENT-TYPE TYPE`, its route, request body and
//!   success response (the generated method's argument and return types, and the hand-written paths);
//! - `Schema`: `schema` (the generated type exists), `schema, no required field` (the code builds it with
//!   `..Default::default()`, which progenitor derives only when every field is optional), or
//!   `schema, no properties` (the code passes a raw JSON object, which typify accepts only for an empty object);
//! - `Schema.field`: the field's type as regen's diff prints it, then `required` or `optional`
//!   (`string, required`, `integer/int32, required`, `array of X, required`, `string | null, optional`);
//! - `operationId(name)`: a parameter, `in` and type and requiredness (`path string, required`).

use serde_norway::Value;

use super::diff::describe;
use super::extract::{METHODS, entries};
use super::manifest::Manifest;

/// One line per relied-on item the document lacks or shapes differently.
pub fn check(document: &Value, manifest: &Manifest) -> Vec<String> {
    let mut problems = Vec::new();
    for reliance in &manifest.relies_on {
        for (item, expected) in &reliance.uses {
            let actual = shape(document, item, expected);
            let code = &reliance.code;
            match actual {
                None => problems.push(format!(
                    "breaking change: {item} is gone, and {code} uses it ({expected}); adapt that code and its \
                     `relies_on:` entry in openapi/manifest.yaml, or add a rule that keeps it"
                )),
                Some(actual) if &actual != expected => problems.push(format!(
                    "breaking change: {item} is now `{actual}`, and {code} relies on `{expected}`; adapt that code \
                     and its `relies_on:` entry in openapi/manifest.yaml, or add a rule that keeps the old shape"
                )),
                Some(_) => {}
            }
        }
    }
    problems
}

/// The shape of `item` in `document`, in the manifest's notation; `None` when it is not there.
pub fn shape(document: &Value, item: &str, expected: &str) -> Option<String> {
    if let Some((operation_id, rest)) = item.split_once('(') {
        let name = rest.strip_suffix(')')?;
        return parameter(document, operation_id, name);
    }
    if let Some(route) = operation(document, item) {
        return Some(route);
    }
    let schemas = document.get("components")?.get("schemas")?;
    match item.split_once('.') {
        None => {
            let schema = schemas.get(item)?;
            if expected.ends_with("no properties") {
                let properties = entries(schema.get("properties")).into_iter().map(|(name, _)| name.as_str());
                let properties: Vec<&str> = properties.map(|name| name.unwrap_or("?")).collect();
                return Some(if properties.is_empty() {
                    "schema, no properties".into()
                } else {
                    format!("schema, properties: {}", properties.join(", "))
                });
            }
            if !expected.contains("no required field") {
                return Some("schema".into());
            }
            let required = required(schema);
            Some(if required.is_empty() {
                "schema, no required field".into()
            } else {
                format!("schema, required: {}", required.join(", "))
            })
        }
        Some((schema_name, field)) => {
            let schema = schemas.get(schema_name)?;
            let property = schema.get("properties")?.get(field)?;
            let requiredness = if required(schema).iter().any(|r| r == field) { "required" } else { "optional" };
            Some(format!("{}, {requiredness}", describe(property)))
        }
    }
}

fn required(schema: &Value) -> Vec<String> {
    schema
        .get("required")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_str().map(str::to_owned))
        .collect()
}

/// (`METHOD`, path, operation) of the operation `operation_id` names.
fn find<'a>(document: &'a Value, operation_id: &str) -> Option<(String, String, &'a Value)> {
    entries(document.get("paths")).into_iter().find_map(|(path, item)| {
        entries(Some(item)).into_iter().find_map(|(method, operation)| {
            let method = method.as_str().filter(|m| METHODS.contains(m))?;
            (operation.get("operationId").and_then(Value::as_str) == Some(operation_id))
                .then(|| (method.to_uppercase(), path.as_str().unwrap_or("?").to_owned(), operation))
        })
    })
}

/// An operation's route, request body and success response, when `operation_id` names one.
fn operation(document: &Value, operation_id: &str) -> Option<String> {
    let (method, path, operation) = find(document, operation_id)?;
    let mut shape = format!("{method} {path}");
    if let Some(body) = operation.get("requestBody") {
        shape.push_str(&format!(", body {}", content(body)));
    }
    let mut successes: Vec<(String, &Value)> = entries(operation.get("responses"))
        .into_iter()
        .map(|(code, response)| (super::rules::status(code), response))
        .filter(|(code, _)| code.starts_with('2'))
        .collect();
    successes.sort_by(|a, b| a.0.cmp(&b.0));
    for (code, response) in successes {
        shape.push_str(&format!(" -> {code} {}", content(response)));
    }
    Some(shape)
}

/// `CONTENT-TYPE TYPE` of each media type of a request body or response, or `no content`.
fn content(body: &Value) -> String {
    let media: Vec<String> = entries(body.get("content"))
        .into_iter()
        .map(|(kind, media)| {
            let ty = media.get("schema").map(describe).unwrap_or_else(|| "no schema".into());
            format!("{} {ty}", kind.as_str().unwrap_or("?"))
        })
        .collect();
    if media.is_empty() { "no content".into() } else { media.join(" + ") }
}

/// `value`, or what its `$ref` (`#/components/KIND/NAME`) points at.
fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    let target = value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/"))
        .and_then(|r| r.split_once('/'))
        .and_then(|(kind, name)| document.get("components")?.get(kind)?.get(name));
    target.unwrap_or(value)
}

fn parameter(document: &Value, operation_id: &str, name: &str) -> Option<String> {
    let (_, _, operation) = find(document, operation_id)?;
    let parameter = operation
        .get("parameters")
        .and_then(Value::as_sequence)?
        .iter()
        .map(|p| resolve(document, p))
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name))?;
    let location = parameter.get("in").and_then(Value::as_str).unwrap_or("?");
    let ty = parameter.get("schema").map(describe).unwrap_or_else(|| "any".into());
    let required = parameter.get("required").and_then(Value::as_bool) == Some(true);
    Some(format!("{location} {ty}, {}", if required { "required" } else { "optional" }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(uses: &str) -> Manifest {
        Manifest::parse(&format!(
            "output: o.yaml\ntitle: t\noperations: [op]\nrelies_on:\n  - code: src/ext/x.rs (reads it)\n    uses: {uses}\n"
        ))
        .unwrap()
    }

    const DOCUMENT: &str = "
paths: {'/x/{id}': {get: {operationId: op, parameters: [{name: id, in: path, required: true, schema: {type: string}}]}}}
components:
  schemas:
    R: {properties: {request_id: {type: string}, count: {type: integer, format: int32}, apps: {type: array, items: {$ref: '#/components/schemas/A'}}}, required: [request_id]}
    Req: {properties: {token: {type: string}}}
";

    #[test]
    fn every_kind_of_entry_reads_its_shape() {
        let document: Value = serde_norway::from_str(DOCUMENT).unwrap();
        let uses = "{R: schema, Req: 'schema, no required field', R.request_id: 'string, required', \
                    R.count: 'integer/int32, optional', R.apps: 'array of A, optional', 'op(id)': 'path string, required'}";
        assert_eq!(check(&document, &manifest(uses)), Vec::<String>::new());
    }

    #[test]
    fn removals_and_changes_name_the_code() {
        let document: Value = serde_norway::from_str(DOCUMENT).unwrap();
        let uses = "{R.gone: 'string, required', R.count: 'integer/int64, required', Req: 'schema, no required field', 'op(other)': 'query string, optional'}";
        let mut document = document;
        document["components"]["schemas"]["Req"]["required"] = serde_norway::from_str("[token]").unwrap();
        assert_eq!(
            check(&document, &manifest(uses)),
            [
                "breaking change: R.count is now `integer/int32, optional`, and src/ext/x.rs (reads it) relies on \
                 `integer/int64, required`; adapt that code and its `relies_on:` entry in openapi/manifest.yaml, or \
                 add a rule that keeps the old shape",
                "breaking change: R.gone is gone, and src/ext/x.rs (reads it) uses it (string, required); adapt that \
                 code and its `relies_on:` entry in openapi/manifest.yaml, or add a rule that keeps it",
                "breaking change: Req is now `schema, required: token`, and src/ext/x.rs (reads it) relies on \
                 `schema, no required field`; adapt that code and its `relies_on:` entry in openapi/manifest.yaml, \
                 or add a rule that keeps the old shape",
                "breaking change: op(other) is gone, and src/ext/x.rs (reads it) uses it (query string, optional); \
                 adapt that code and its `relies_on:` entry in openapi/manifest.yaml, or add a rule that keeps it",
            ]
        );
    }
}
