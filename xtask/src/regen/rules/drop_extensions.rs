//! `drop-extensions`: every `x-` extension is removed. Upstream carries `x-code-samples` (C#, Go, Java, ...) on
//! every operation: not part of the API contract, and they churn every diff. Under `properties` the keys are field
//! names and under `example(s)` they are data, so neither is touched there.

use serde_norway::Value;

use super::Rule;
use super::walk::{operations_mut, schemas_mut};
use crate::regen::manifest::Manifest;

pub const RULE: Rule = Rule {
    name: "drop-extensions",
    guard: false,
    purpose: "code samples and other x- extensions are not part of the API contract",
    apply,
};

fn apply(document: &mut Value, _: &Manifest) -> Vec<String> {
    let mut changes = Vec::new();
    for (name, operation) in operations_mut(document) {
        let mut value = Value::Mapping(std::mem::take(operation));
        walk(&mut value, &name, &mut changes);
        if let Value::Mapping(map) = value {
            *operation = map;
        }
    }
    if let Some(schemas) = schemas_mut(document) {
        for (name, schema) in schemas.iter_mut() {
            walk(schema, name.as_str().unwrap_or("?"), &mut changes);
        }
    }
    changes
}

/// Removes `x-` keys from `value` and below, except under `properties` (field names) and `example(s)` (data).
fn walk(value: &mut Value, at: &str, changes: &mut Vec<String>) {
    match value {
        Value::Mapping(map) => {
            let extensions: Vec<Value> =
                map.keys().filter(|k| k.as_str().is_some_and(|k| k.starts_with("x-"))).cloned().collect();
            for key in extensions {
                map.shift_remove(&key);
                changes.push(format!("{at}: removed {}", key.as_str().unwrap_or("?")));
            }
            for (key, inner) in map.iter_mut() {
                let key = key.as_str().unwrap_or("?");
                let here = format!("{at}.{key}");
                match (key, inner) {
                    ("example" | "examples", _) => {}
                    ("properties", Value::Mapping(fields)) => {
                        for (field, schema) in fields.iter_mut() {
                            walk(schema, &format!("{here}.{}", field.as_str().unwrap_or("?")), changes);
                        }
                    }
                    (_, inner) => walk(inner, &here, changes),
                }
            }
        }
        Value::Sequence(items) => {
            items.iter_mut().enumerate().for_each(|(i, item)| walk(item, &format!("{at}[{i}]"), changes))
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regen::rules::walk::{doc, manifest};

    #[test]
    fn extensions_go_field_names_and_examples_stay() {
        let mut document = doc("
paths: {/x: {get: {operationId: op, x-code-samples: [{lang: go}], responses: {'200': {description: ok, x-note: n}}}}}
components:
  schemas:
    R:
      x-internal-schema: true
      properties: {x-internal: {type: string, x-deprecated: true}}
      example: {x-data: 1}
");
        assert_eq!(
            apply(&mut document, &manifest()),
            [
                "op: removed x-code-samples",
                "op.responses.200: removed x-note",
                "R: removed x-internal-schema",
                "R.properties.x-internal: removed x-deprecated",
            ]
        );
        let schema = &document["components"]["schemas"]["R"];
        assert!(schema["properties"].get("x-internal").is_some(), "a field named x-internal is a field");
        assert_eq!(schema["example"]["x-data"], 1, "example data stays");
    }
}
