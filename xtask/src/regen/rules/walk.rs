//! Walking a document: its operations, its component schemas, every schema nested in them, every `$ref`.

use serde_norway::{Mapping, Value};

use crate::regen::extract::METHODS;

/// Every operation as (operationId or `METHOD path`, operation).
pub fn operations_mut(document: &mut Value) -> Vec<(String, &mut Mapping)> {
    let mut out = Vec::new();
    let Some(Value::Mapping(paths)) = document.get_mut("paths") else { return out };
    for (path, item) in paths.iter_mut() {
        let Value::Mapping(item) = item else { continue };
        for (method, operation) in item.iter_mut() {
            let Some(method) = method.as_str().filter(|m| METHODS.contains(m)) else { continue };
            let Value::Mapping(operation) = operation else { continue };
            let name = operation
                .get("operationId")
                .and_then(Value::as_str)
                .map_or_else(|| format!("{} {}", method.to_uppercase(), path.as_str().unwrap_or("?")), str::to_owned);
            out.push((name, operation));
        }
    }
    out
}

/// The component schemas, by name.
pub fn schemas_mut(document: &mut Value) -> Option<&mut Mapping> {
    match document.get_mut("components")?.get_mut("schemas")? {
        Value::Mapping(schemas) => Some(schemas),
        _ => None,
    }
}

/// A response status key as text, whether the YAML quoted it or not.
pub fn status(code: &Value) -> String {
    code.as_str().map(str::to_owned).or_else(|| code.as_u64().map(|n| n.to_string())).unwrap_or_default()
}

/// Calls `visit(path, schema)` on every schema object under the component schemas, nested ones included.
pub fn each_schema(document: &mut Value, visit: &mut dyn FnMut(&str, &mut Mapping)) {
    fn walk(at: &str, value: &mut Value, visit: &mut dyn FnMut(&str, &mut Mapping)) {
        let Value::Mapping(schema) = value else { return };
        visit(at, schema);
        if let Some(Value::Mapping(properties)) = schema.get_mut("properties") {
            for (name, property) in properties.iter_mut() {
                walk(&format!("{at}.{}", name.as_str().unwrap_or("?")), property, visit);
            }
        }
        for key in ["items", "additionalProperties"] {
            if let Some(inner) = schema.get_mut(key) {
                walk(&format!("{at}.{key}"), inner, visit);
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Sequence(variants)) = schema.get_mut(key) {
                for (i, variant) in variants.iter_mut().enumerate() {
                    walk(&format!("{at}.{key}[{i}]"), variant, visit);
                }
            }
        }
    }
    if let Some(schemas) = schemas_mut(document) {
        for (name, schema) in schemas.iter_mut() {
            walk(name.as_str().unwrap_or("?"), schema, visit);
        }
    }
}

/// Every `#/components/KIND/NAME` under `value`, as (`KIND`, `NAME`).
pub fn collect_component_refs(value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Mapping(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    (Some("$ref"), Value::String(reference)) => {
                        if let Some((kind, name)) =
                            reference.strip_prefix("#/components/").and_then(|r| r.split_once('/'))
                        {
                            out.push((kind.to_owned(), name.to_owned()));
                        }
                    }
                    _ => collect_component_refs(inner, out),
                }
            }
        }
        Value::Sequence(items) => items.iter().for_each(|item| collect_component_refs(item, out)),
        _ => {}
    }
}

/// Parses test YAML.
#[cfg(test)]
pub fn doc(yaml: &str) -> Value {
    serde_norway::from_str(yaml).unwrap()
}

/// A manifest for rule tests: operation `op`, `R.owner` and `R.factors` opaque.
#[cfg(test)]
pub fn manifest() -> crate::regen::manifest::Manifest {
    crate::regen::manifest::Manifest::parse(
        "output: o.yaml\ntitle: t\noperations: [op]\nopaque: [R.owner, R.factors]\n",
    )
    .unwrap()
}
