//! `opaque-subobjects`: the properties listed under `opaque:` in the manifest become free-form JSON objects (or
//! arrays of them). The SDK only reads `member_session.organization_id` and `member_id` of a `sessions/authenticate`
//! answer; typing its `member` and `organization` pulls in some 80 schemas whose many required fields would fail the
//! whole response on any omission. The values stay available as `serde_json::Map`.

use serde_norway::{Mapping, Value};

use super::Rule;
use super::walk::schemas_mut;
use crate::regen::manifest::Manifest;

pub const RULE: Rule = Rule {
    name: "opaque-subobjects",
    guard: false,
    purpose: "properties the SDK does not read, whose typing would pull in many strict schemas, stay raw JSON \
              objects (listed under `opaque:` in the manifest)",
    apply,
};

fn apply(document: &mut Value, manifest: &Manifest) -> Vec<String> {
    let mut changes = Vec::new();
    for entry in &manifest.opaque {
        let Some((schema_name, property)) = entry.split_once('.') else { continue };
        let Some(Value::Mapping(target)) = schemas_mut(document)
            .and_then(|s| s.get_mut(schema_name))
            .and_then(|s| s.get_mut("properties"))
            .and_then(|p| p.get_mut(property))
        else {
            continue;
        };
        let free_form: Mapping =
            Mapping::from_iter([("type".into(), "object".into()), ("additionalProperties".into(), true.into())]);
        let is_array = target.get("type").and_then(Value::as_str) == Some("array");
        let mut replacement = if is_array {
            Mapping::from_iter([("type".into(), "array".into()), ("items".into(), Value::Mapping(free_form))])
        } else {
            free_form
        };
        if let Some(description) = target.get("description") {
            replacement.insert("description".into(), description.clone());
        }
        if *target != replacement {
            *target = replacement;
            changes.push(format!("{entry}: raw JSON {}", if is_array { "objects" } else { "object" }));
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regen::rules::walk::{doc, manifest};

    #[test]
    fn listed_properties_become_raw_json_keeping_their_description() {
        let mut document = doc("
components:
  schemas:
    R:
      properties:
        owner: {$ref: '#/components/schemas/Owner', description: the owner}
        factors: {type: array, items: {$ref: '#/components/schemas/Factor'}}
        kept: {$ref: '#/components/schemas/Owner'}
");
        assert_eq!(apply(&mut document, &manifest()), ["R.owner: raw JSON object", "R.factors: raw JSON objects"]);
        let properties = &document["components"]["schemas"]["R"]["properties"];
        assert_eq!(properties["owner"], doc("{type: object, additionalProperties: true, description: the owner}"));
        assert_eq!(properties["factors"]["items"], doc("{type: object, additionalProperties: true}"));
        assert_eq!(properties["kept"]["$ref"], "#/components/schemas/Owner", "only listed properties change");
    }
}
