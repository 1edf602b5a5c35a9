//! An operation-level diff between two vendored documents: operations added or removed; per operation, statuses
//! and parameters added or removed; per schema, fields added, removed, or changed in type or requiredness.

use std::collections::{BTreeMap, BTreeSet};

use serde_norway::Value;

use super::extract::{METHODS, entries};

/// One line per difference; empty when the two describe the same API (descriptions and examples aside).
pub fn diff(old: &Value, new: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    let (old_ops, new_ops) = (operations(old), operations(new));
    for (id, (at, _)) in &new_ops {
        if !old_ops.contains_key(id) {
            lines.push(format!("+ operation {id} ({at})"));
        }
    }
    for (id, (at, _)) in &old_ops {
        if !new_ops.contains_key(id) {
            lines.push(format!("- operation {id} ({at})"));
        }
    }
    for (id, (new_at, new_op)) in &new_ops {
        if let Some((old_at, old_op)) = old_ops.get(id) {
            if old_at != new_at {
                lines.push(format!("~ {id}: moved from {old_at} to {new_at}"));
            }
            operation_diff(id, old_op, new_op, &mut lines);
        }
    }
    let (old_schemas, new_schemas) = (schemas(old), schemas(new));
    for (name, new_schema) in &new_schemas {
        match old_schemas.get(name) {
            None => lines.push(format!("+ schema {name}")),
            Some(old_schema) => schema_diff(name, old_schema, new_schema, &mut lines),
        }
    }
    for name in old_schemas.keys().filter(|name| !new_schemas.contains_key(*name)) {
        lines.push(format!("- schema {name}"));
    }
    lines
}

fn operations(document: &Value) -> BTreeMap<String, (String, &Value)> {
    let mut out = BTreeMap::new();
    for (path, item) in entries(document.get("paths")) {
        for (method, operation) in entries(Some(item)) {
            let Some(method) = method.as_str().filter(|m| METHODS.contains(m)) else { continue };
            let at = format!("{} {}", method.to_uppercase(), path.as_str().unwrap_or("?"));
            let id = operation.get("operationId").and_then(Value::as_str).map_or_else(|| at.clone(), str::to_owned);
            out.insert(id, (at, operation));
        }
    }
    out
}

fn schemas(document: &Value) -> BTreeMap<String, &Value> {
    entries(document.get("components").and_then(|c| c.get("schemas")))
        .into_iter()
        .filter_map(|(name, schema)| Some((name.as_str()?.to_owned(), schema)))
        .collect()
}

fn operation_diff(id: &str, old: &Value, new: &Value, lines: &mut Vec<String>) {
    let statuses = |op: &Value| -> BTreeMap<String, String> {
        entries(op.get("responses"))
            .into_iter()
            .map(|(code, response)| {
                let code = super::rules::status(code);
                let schema =
                    response.get("content").and_then(|c| c.get("application/json")).and_then(|j| j.get("schema"));
                (code, schema.map(describe).unwrap_or_else(|| "no content".into()))
            })
            .collect()
    };
    let (old_statuses, new_statuses) = (statuses(old), statuses(new));
    for (code, body) in &new_statuses {
        let kind = if code.starts_with(['4', '5']) { "error status" } else { "status" };
        match old_statuses.get(code) {
            None => lines.push(format!("~ {id}: {kind} {code} added ({body})")),
            Some(old_body) if old_body != body => {
                lines.push(format!("~ {id}: {kind} {code} body {old_body} -> {body}"))
            }
            Some(_) => {}
        }
    }
    for code in old_statuses.keys().filter(|code| !new_statuses.contains_key(*code)) {
        let kind = if code.starts_with(['4', '5']) { "error status" } else { "status" };
        lines.push(format!("~ {id}: {kind} {code} removed"));
    }
    let parameters = |op: &Value| -> BTreeMap<String, bool> {
        op.get("parameters")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .filter_map(|p| {
                let name = format!("{} {}", p.get("in")?.as_str()?, p.get("name")?.as_str()?);
                Some((name, p.get("required").and_then(Value::as_bool).unwrap_or(false)))
            })
            .collect()
    };
    let (old_params, new_params) = (parameters(old), parameters(new));
    for (name, required) in &new_params {
        match old_params.get(name) {
            None => lines.push(format!("~ {id}: parameter {name} added ({})", requiredness(*required))),
            Some(was) if was != required => {
                lines.push(format!("~ {id}: parameter {name} now {}", requiredness(*required)))
            }
            Some(_) => {}
        }
    }
    for name in old_params.keys().filter(|name| !new_params.contains_key(*name)) {
        lines.push(format!("~ {id}: parameter {name} removed"));
    }
}

fn schema_diff(name: &str, old: &Value, new: &Value, lines: &mut Vec<String>) {
    let fields = |schema: &Value| -> BTreeMap<String, String> {
        entries(schema.get("properties"))
            .into_iter()
            .filter_map(|(field, property)| Some((field.as_str()?.to_owned(), describe(property))))
            .collect()
    };
    let required = |schema: &Value| -> BTreeSet<String> {
        schema
            .get("required")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .filter_map(|r| Some(r.as_str()?.to_owned()))
            .collect()
    };
    let (old_fields, new_fields) = (fields(old), fields(new));
    let (old_required, new_required) = (required(old), required(new));
    for (field, ty) in &new_fields {
        let now_required = new_required.contains(field);
        match old_fields.get(field) {
            None => lines.push(format!("~ {name}: field {field} added ({ty}, {})", requiredness(now_required))),
            Some(old_ty) => {
                if old_ty != ty {
                    lines.push(format!("~ {name}.{field}: type {old_ty} -> {ty}"));
                }
                if old_required.contains(field) != now_required {
                    lines.push(format!("~ {name}.{field}: now {}", requiredness(now_required)));
                }
            }
        }
    }
    for field in old_fields.keys().filter(|field| !new_fields.contains_key(*field)) {
        lines.push(format!("~ {name}: field {field} removed"));
    }
}

fn requiredness(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

/// A schema's type in a few words: `string`, `integer/int32`, `array of X`, `X` for a `$ref`, `| null` when
/// nullable, `enum [...]` when constrained.
pub fn describe(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return reference.rsplit('/').next().unwrap_or(reference).to_owned();
    }
    let mut text = match schema.get("type").and_then(Value::as_str) {
        Some("array") => format!("array of {}", schema.get("items").map(describe).unwrap_or_else(|| "anything".into())),
        Some(ty) => match schema.get("format").and_then(Value::as_str) {
            Some(format) => format!("{ty}/{format}"),
            None => ty.to_owned(),
        },
        None => "any".to_owned(),
    };
    if let Some(values) = schema.get("enum").and_then(Value::as_sequence) {
        let values: Vec<String> =
            values.iter().map(|v| v.as_str().map_or_else(|| format!("{v:?}"), str::to_owned)).collect();
        text.push_str(&format!(" enum [{}]", values.join(", ")));
    }
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        text.push_str(" | null");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_fields_statuses_parameters_and_operations() {
        let old: Value = serde_norway::from_str(
            "paths: {/a: {get: {operationId: A, parameters: [{name: id, in: path, required: true}], responses: {'200': {description: ok}, '400': {description: x}}}}}
components: {schemas: {S: {properties: {a: {type: string}, b: {type: integer, format: int32}, gone: {type: string}}, required: [a]}, Old: {}}}",
        )
        .unwrap();
        let new: Value = serde_norway::from_str(
            "paths: {/a: {get: {operationId: A, parameters: [{name: id, in: path, required: true}, {name: q, in: query}], responses: {'200': {description: ok}, '409': {description: y}}}},
        /b: {post: {operationId: B, responses: {'200': {description: ok}}}}}
components: {schemas: {S: {properties: {a: {type: string, nullable: true}, b: {type: string}, c: {type: array, items: {$ref: '#/components/schemas/T'}}}, required: [a, b]}, T: {}}}",
        )
        .unwrap();
        assert_eq!(
            diff(&old, &new),
            [
                "+ operation B (POST /b)",
                "~ A: error status 409 added (no content)",
                "~ A: error status 400 removed",
                "~ A: parameter query q added (optional)",
                "~ S.a: type string -> string | null",
                "~ S.b: type integer/int32 -> string",
                "~ S.b: now required",
                "~ S: field c added (array of T, optional)",
                "~ S: field gone removed",
                "+ schema T",
                "- schema Old",
            ]
        );
        assert!(diff(&new, &new).is_empty());
        let moved: Value = serde_norway::from_str("paths: {/b: {post: {operationId: A}}}").unwrap();
        let was: Value = serde_norway::from_str("paths: {/a: {get: {operationId: A}}}").unwrap();
        assert_eq!(diff(&was, &moved), ["~ A: moved from GET /a to POST /b"]);
    }
}
