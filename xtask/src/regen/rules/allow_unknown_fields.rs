//! `allow-unknown-fields` (a guard): any `additionalProperties: false` is removed. progenitor would add
//! `#[serde(deny_unknown_fields)]`, and the whole response would fail on a field Stytch adds later.

use serde_norway::Value;

use super::Rule;
use super::walk::each_schema;
use crate::regen::manifest::Manifest;

pub const RULE: Rule = Rule {
    name: "allow-unknown-fields",
    guard: true,
    purpose: "additionalProperties: false fails the whole response on a field Stytch adds later",
    apply,
};

fn apply(document: &mut Value, _: &Manifest) -> Vec<String> {
    let mut changes = Vec::new();
    each_schema(document, &mut |at, schema| {
        if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
            schema.shift_remove("additionalProperties");
            changes.push(format!("{at}: no longer denies unknown fields"));
        }
    });
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regen::rules::walk::{doc, manifest};

    #[test]
    fn closed_objects_open() {
        let mut document = doc(
            "components: {schemas: {R: {additionalProperties: false, properties: {m: {type: object, additionalProperties: true}}}}}",
        );
        assert_eq!(apply(&mut document, &manifest()), ["R: no longer denies unknown fields"]);
        assert_eq!(document["components"]["schemas"]["R"]["properties"]["m"]["additionalProperties"], true);
    }
}
