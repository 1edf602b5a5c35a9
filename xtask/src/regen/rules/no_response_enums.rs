//! `no-response-enums` (a guard): any `enum` is removed; the property stays a string. progenitor would generate a
//! Rust enum, and the whole response would fail to decode on a value Stytch adds later (a new `client_type`, say).

use serde_norway::Value;

use super::Rule;
use super::walk::each_schema;
use crate::regen::manifest::Manifest;

pub const RULE: Rule = Rule {
    name: "no-response-enums",
    guard: true,
    purpose: "an enum fails the whole response on a value Stytch adds later",
    apply,
};

fn apply(document: &mut Value, _: &Manifest) -> Vec<String> {
    let mut changes = Vec::new();
    each_schema(document, &mut |at, schema| {
        if let Some(values) = schema.shift_remove("enum") {
            let values = serde_norway::to_string(&values).unwrap_or_default().replace('\n', " ");
            changes.push(format!("{at}: dropped enum {}", values.trim()));
        }
    });
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regen::rules::walk::{doc, manifest};

    #[test]
    fn enums_go_the_type_stays() {
        let mut document = doc(
            "components: {schemas: {R: {properties: {client_type: {type: string, enum: [first_party, third_party]}}}}}",
        );
        assert_eq!(apply(&mut document, &manifest()), ["R.client_type: dropped enum - first_party - third_party"]);
        assert_eq!(document["components"]["schemas"]["R"]["properties"]["client_type"], doc("{type: string}"));
    }
}
