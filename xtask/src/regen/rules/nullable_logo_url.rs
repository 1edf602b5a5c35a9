//! `nullable-logo-url`: every `logo_url` property gets `nullable: true`. Every documented example sends
//! `"logo_url": null`, which a plain optional string rejects, failing the whole response.

use serde_norway::Value;

use super::Rule;
use super::walk::each_schema;
use crate::regen::manifest::Manifest;

pub const RULE: Rule = Rule {
    name: "nullable-logo-url",
    guard: false,
    purpose: "Stytch sends `logo_url: null`, which a plain optional string rejects",
    apply,
};

fn apply(document: &mut Value, _: &Manifest) -> Vec<String> {
    let mut changes = Vec::new();
    each_schema(document, &mut |at, schema| {
        if let Some(Value::Mapping(logo)) = schema.get_mut("properties").and_then(|p| p.get_mut("logo_url"))
            && logo.get("nullable") != Some(&Value::Bool(true))
        {
            logo.insert("nullable".into(), true.into());
            changes.push(format!("{at}.logo_url: nullable"));
        }
    });
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regen::rules::walk::{doc, manifest};

    #[test]
    fn logo_url_becomes_nullable_wherever_it_is() {
        let mut document = doc("
components:
  schemas:
    A: {properties: {logo_url: {type: string}}}
    B: {properties: {apps: {type: array, items: {properties: {logo_url: {type: string, nullable: false}}}}}}
    C: {properties: {logo_url: {type: string, nullable: true}}}
");
        assert_eq!(apply(&mut document, &manifest()), ["A.logo_url: nullable", "B.apps.items.logo_url: nullable"]);
        assert_eq!(document["components"]["schemas"]["A"]["properties"]["logo_url"]["nullable"], true);
    }
}
