//! The handwritten consumer models (C1, C2) against the Consumer spec: field names, types and requiredness.
//! The models' side comes from their own `JsonSchema` derive, so the check reads what the code really declares.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

/// The handwritten models' JSON Schemas, by Rust name, as `tests/suite/consumer_model_schemas.rs` in the library
/// writes them (xtask does not depend on the library: see openapi/codegen.rs).
pub const SNAPSHOT: &str = "openapi/consumer-models.json";

/// Reads [`SNAPSHOT`] under `root`.
pub fn read_snapshot(root: &std::path::Path) -> Result<BTreeMap<String, Json>, String> {
    let path = root.join(SNAPSHOT);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The candidate vendored schema `name` in the shape [`drift`] reads for a model (`nullable: true` becomes a
/// `[type, "null"]` union, as schemars writes an `Option`).
pub fn openapi_as_model(vendored: &serde_norway::Value, name: &str) -> Option<Json> {
    let mut schema = serde_json::to_value(vendored.get("components")?.get("schemas")?.get(name)?).ok()?;
    if let Some(properties) = schema.get_mut("properties").and_then(Json::as_object_mut) {
        for property in properties.values_mut() {
            if property["nullable"] == Json::Bool(true)
                && let Some(ty) = property["type"].as_str().map(str::to_owned)
            {
                property["type"] = serde_json::json!([ty, "null"]);
            }
        }
    }
    Some(schema)
}

/// One field's shape, comparable across the two sides.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Field {
    ty: String,
    nullable: bool,
    required: bool,
}

/// Drift between each model (Rust name -> spec schema name) and the Consumer spec; empty when they agree.
/// A field our model makes nullable where the spec has it optional is allowed: Stytch documents `null` there.
/// Fields listed in `opaque` (`Model.field`) are kept as raw JSON on purpose: their type is not compared.
pub fn drift(
    consumer_spec: &Json,
    models: &BTreeMap<String, String>,
    opaque: &[String],
    model: impl Fn(&str) -> Option<Json>,
) -> Vec<String> {
    let rename: BTreeMap<&str, &str> = models.iter().map(|(rust, spec)| (rust.as_str(), spec.as_str())).collect();
    let mut lines = Vec::new();
    for (rust_name, spec_name) in models {
        let Some(ours) = model(rust_name) else {
            lines.push(format!("{rust_name}: not in {SNAPSHOT} (run the library test consumer_model_schemas)"));
            continue;
        };
        let Some(theirs) = consumer_spec.pointer(&format!("/components/schemas/{spec_name}")) else {
            lines.push(format!("{rust_name}: the Consumer spec has no schema {spec_name}"));
            continue;
        };
        let (ours, theirs) = (model_fields(&ours, &rename), spec_fields(theirs));
        for (name, field) in &theirs {
            match ours.get(name) {
                None => lines.push(format!(
                    "{rust_name}: missing field {name} ({}, {})",
                    field.ty,
                    requiredness(field.required)
                )),
                Some(mine) => {
                    let raw_json = opaque.contains(&format!("{rust_name}.{name}"));
                    if mine.ty != field.ty && !raw_json {
                        lines.push(format!("{rust_name}.{name}: type {} here, {} in {spec_name}", mine.ty, field.ty));
                    }
                    if mine.required != field.required {
                        lines.push(format!(
                            "{rust_name}.{name}: {} here, {} in {spec_name}",
                            requiredness(mine.required),
                            requiredness(field.required)
                        ));
                    }
                    if field.nullable && !mine.nullable {
                        lines.push(format!("{rust_name}.{name}: {spec_name} allows null, the model does not"));
                    }
                    if mine.nullable && !field.nullable && field.required {
                        lines.push(format!("{rust_name}.{name}: nullable here, required and non-null in {spec_name}"));
                    }
                }
            }
        }
        for name in ours.keys().filter(|name| !theirs.contains_key(*name)) {
            lines.push(format!("{rust_name}: field {name} is not in {spec_name}"));
        }
    }
    lines
}

fn requiredness(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

fn required_set(schema: &Json) -> BTreeSet<String> {
    schema["required"].as_array().into_iter().flatten().filter_map(|r| r.as_str().map(str::to_owned)).collect()
}

/// Fields of an OpenAPI 3.0 schema.
fn spec_fields(schema: &Json) -> BTreeMap<String, Field> {
    let required = required_set(schema);
    let Some(properties) = schema["properties"].as_object() else { return BTreeMap::new() };
    properties
        .iter()
        .map(|(name, property)| {
            let field = Field {
                ty: spec_type(property),
                nullable: property["nullable"].as_bool() == Some(true),
                required: required.contains(name),
            };
            (name.clone(), field)
        })
        .collect()
}

fn spec_type(property: &Json) -> String {
    if let Some(reference) = property["$ref"].as_str() {
        return reference.rsplit('/').next().unwrap_or(reference).to_owned();
    }
    match (property["type"].as_str(), property["format"].as_str()) {
        (Some("array"), _) => format!("array of {}", spec_type(&property["items"])),
        (Some(ty), Some(format)) => format!("{ty}/{format}"),
        (Some(ty), None) => ty.to_owned(),
        (None, _) => "any".into(),
    }
}

/// Fields of a schemars (JSON Schema 2020-12) schema; `$ref`s renamed to the spec's schema names.
fn model_fields(schema: &Json, rename: &BTreeMap<&str, &str>) -> BTreeMap<String, Field> {
    let required = required_set(schema);
    let Some(properties) = schema["properties"].as_object() else { return BTreeMap::new() };
    properties
        .iter()
        .map(|(name, property)| {
            let (ty, nullable) = model_type(property, rename);
            (name.clone(), Field { ty, nullable, required: required.contains(name) })
        })
        .collect()
}

fn model_type(property: &Json, rename: &BTreeMap<&str, &str>) -> (String, bool) {
    if let Some(reference) = property["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return (rename.get(name).copied().unwrap_or(name).to_owned(), false);
    }
    // `type` is a string, or `[ty, "null"]` for an Option.
    let (ty, nullable) = match &property["type"] {
        Json::String(ty) => (ty.clone(), false),
        Json::Array(types) => {
            let nullable = types.iter().any(|t| t == "null");
            let ty = types.iter().filter_map(Json::as_str).find(|t| *t != "null").unwrap_or("any").to_owned();
            (ty, nullable)
        }
        _ => ("any".into(), false),
    };
    let ty = match (ty.as_str(), property["format"].as_str()) {
        ("array", _) => format!("array of {}", model_type(&property["items"], rename).0),
        (ty, Some(format)) => format!("{ty}/{format}"),
        (ty, None) => ty.to_owned(),
    };
    (ty, nullable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Json {
        json!({"components": {"schemas": {
            "api_user_v1_RevokeResponse": {
                "properties": {"request_id": {"type": "string"}, "status_code": {"type": "integer", "format": "int32"}},
                "required": ["request_id", "status_code"]
            }
        }}})
    }

    fn models() -> BTreeMap<String, String> {
        BTreeMap::from([("RevokeUserConnectedAppResponse".to_owned(), "api_user_v1_RevokeResponse".to_owned())])
    }

    /// The committed snapshot of the real models.
    fn model_schema(rust_name: &str) -> Option<Json> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        read_snapshot(&root).expect("the snapshot is committed").get(rust_name).cloned()
    }

    #[test]
    fn the_real_model_matches() {
        assert_eq!(drift(&spec(), &models(), &[], model_schema), Vec::<String>::new());
    }

    #[test]
    fn every_kind_of_drift_is_reported() {
        let mut spec = spec();
        let schema = &mut spec["components"]["schemas"]["api_user_v1_RevokeResponse"];
        schema["properties"]["status_code"] = json!({"type": "string"});
        schema["properties"]["new_field"] = json!({"type": "boolean"});
        schema["required"] = json!(["status_code"]);
        schema["properties"].as_object_mut().unwrap().remove("request_id");
        assert_eq!(
            drift(&spec, &models(), &[], model_schema),
            [
                "RevokeUserConnectedAppResponse: missing field new_field (boolean, optional)",
                "RevokeUserConnectedAppResponse.status_code: type integer/int32 here, string in api_user_v1_RevokeResponse",
                "RevokeUserConnectedAppResponse: field request_id is not in api_user_v1_RevokeResponse",
            ]
        );
    }

    #[test]
    fn opaque_fields_are_compared_by_presence_only() {
        let spec = json!({"components": {"schemas": {"api_session_v1_Session": {
            "properties": {
                "session_id": {"type": "string"}, "user_id": {"type": "string"},
                "authentication_factors": {"type": "array", "items": {"$ref": "#/components/schemas/Factor"}},
                "roles": {"type": "array", "items": {"type": "string"}},
                "started_at": {"type": "string"}, "last_accessed_at": {"type": "string"}, "expires_at": {"type": "string"},
                "attributes": {"$ref": "#/components/schemas/Attributes"}, "custom_claims": {"type": "object"}
            },
            "required": ["session_id", "user_id", "authentication_factors", "roles"]
        }}}});
        let models = BTreeMap::from([("UserSessionDetails".to_owned(), "api_session_v1_Session".to_owned())]);
        let strict = drift(&spec, &models, &[], model_schema);
        assert_eq!(
            strict,
            [
                "UserSessionDetails.attributes: type object here, Attributes in api_session_v1_Session",
                "UserSessionDetails.authentication_factors: type array of object here, array of Factor in api_session_v1_Session",
            ]
        );
        let opaque =
            ["UserSessionDetails.attributes".to_owned(), "UserSessionDetails.authentication_factors".to_owned()];
        assert_eq!(drift(&spec, &models, &opaque, model_schema), Vec::<String>::new());
    }

    #[test]
    fn unknown_models_and_schemas_are_reported() {
        let models = BTreeMap::from([
            ("Nope".to_owned(), "api_user_v1_RevokeResponse".to_owned()),
            ("UserConnectedApp".to_owned(), "api_user_v1_Missing".to_owned()),
        ]);
        let lines = drift(&spec(), &models, &[], model_schema);
        assert_eq!(
            lines,
            [
                "Nope: not in openapi/consumer-models.json (run the library test consumer_model_schemas)",
                "UserConnectedApp: the Consumer spec has no schema api_user_v1_Missing",
            ]
        );
    }
}
