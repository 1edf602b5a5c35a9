//! `optional-request-id-on-get-connected-app`: `request_id` is added to B2's response schema
//! (`api_organization_v1_GetConnectedAppResponse`) as optional. It is absent from the schema and from seed 002's
//! example, but present in other documentation examples: optional accepts both.

use serde_norway::{Mapping, Value};

use super::Rule;
use super::walk::schemas_mut;
use crate::regen::manifest::Manifest;

pub const RULE: Rule = Rule {
    name: "optional-request-id-on-get-connected-app",
    guard: false,
    purpose: "B2's request_id is in the documented examples but not in the schema",
    apply,
};

const SCHEMA: &str = "api_organization_v1_GetConnectedAppResponse";

const REQUEST_ID_DESCRIPTION: &str = "Globally unique UUID that is returned with every API call. This value is important \
    to log for debugging purposes; we may ask for this value to help identify a specific API call when helping you debug an issue.";

fn apply(document: &mut Value, _: &Manifest) -> Vec<String> {
    let mut changes = Vec::new();
    let Some(Value::Mapping(schema)) = schemas_mut(document).and_then(|s| s.get_mut(SCHEMA)) else { return changes };
    if let Some(Value::Sequence(required)) = schema.get_mut("required") {
        let before = required.len();
        required.retain(|name| name.as_str() != Some("request_id"));
        if required.len() != before {
            changes.push(format!("{SCHEMA}.request_id: no longer required"));
        }
    }
    let properties = schema.entry("properties".into()).or_insert_with(|| Value::Mapping(Mapping::new()));
    if let Value::Mapping(properties) = properties
        && !properties.contains_key("request_id")
    {
        let property = Mapping::from_iter([
            ("type".into(), "string".into()),
            ("description".into(), REQUEST_ID_DESCRIPTION.into()),
        ]);
        let rest = std::mem::take(properties);
        properties.insert("request_id".into(), Value::Mapping(property));
        properties.extend(rest);
        changes.push(format!("{SCHEMA}.request_id: added, optional"));
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regen::rules::walk::{doc, manifest};

    #[test]
    fn request_id_is_added_to_b2_only_when_missing() {
        let yaml = "components: {schemas: {api_organization_v1_GetConnectedAppResponse: {type: object, properties: {name: {type: string}}, required: [name]}}}";
        let mut document = doc(yaml);
        assert_eq!(
            apply(&mut document, &manifest()),
            ["api_organization_v1_GetConnectedAppResponse.request_id: added, optional"]
        );
        let schema = &document["components"]["schemas"][SCHEMA];
        let names: Vec<&str> = schema["properties"].as_mapping().unwrap().keys().filter_map(Value::as_str).collect();
        assert_eq!(names, ["request_id", "name"]);
        let required_upstream = "components: {schemas: {api_organization_v1_GetConnectedAppResponse: {properties: {request_id: {type: string}}, required: [request_id]}}}";
        let mut document = doc(required_upstream);
        assert_eq!(
            apply(&mut document, &manifest()),
            ["api_organization_v1_GetConnectedAppResponse.request_id: no longer required"]
        );
    }
}
