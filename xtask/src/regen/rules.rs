//! The normalization rules: each fixes one way Stytch's published spec trips progenitor or real responses
//! (DESIGN.md §1 and §4, openapi/README.md), and reports every change it makes. A rule that changes nothing says
//! so: the upstream problem it patches may have been fixed.

use std::collections::BTreeSet;

use serde_norway::{Mapping, Value};

use super::extract::METHODS;
use super::manifest::Manifest;

/// The error statuses every operation declares, all with the one envelope.
pub const ERROR_STATUSES: [&str; 6] = ["400", "401", "403", "404", "429", "500"];
/// The envelope's schema name and reference.
pub const ENVELOPE: &str = "StytchErrorEnvelope";
pub const ENVELOPE_REF: &str = "#/components/schemas/StytchErrorEnvelope";

const ENVELOPE_SCHEMA: &str = "
type: object
description: Stytch's error envelope, shared by every error status. Every field is optional so that partial or OAuth-style bodies still decode.
properties:
  status_code: {type: integer, format: int32, description: 'The HTTP status code, repeated in the body.'}
  request_id: {type: string, description: 'Globally unique id of the request; quote it to Stytch support.'}
  error_type: {type: string, description: 'Machine-readable error type, e.g. `unauthorized_credentials`.'}
  error_message: {type: string, description: Human-readable description of the error.}
  error_url: {type: string, description: Link to the documentation of this error type.}
  error_details: {type: object, additionalProperties: true, description: 'Structured details, when Stytch sends them.'}
  error: {type: string, description: 'OAuth-style alias of `error_type`.'}
  error_description: {type: string, description: 'OAuth-style alias of `error_message`.'}
  error_uri: {type: string, description: 'OAuth-style alias of `error_url`.'}
";

const REQUEST_ID_DESCRIPTION: &str = "Globally unique UUID that is returned with every API call. This value is important \
    to log for debugging purposes; we may ask for this value to help identify a specific API call when helping you debug an issue.";

/// One named rule.
pub struct Rule {
    /// Its name, as printed.
    pub name: &'static str,
    /// Why it exists.
    pub purpose: &'static str,
    /// `true` for a guard against something upstream does not do today (silence is expected), `false` for a patch
    /// of something upstream does today (silence means upstream changed).
    pub guard: bool,
    /// Applies it (the manifest configures some rules); returns one line per change.
    pub apply: fn(&mut Value, &Manifest) -> Vec<String>,
}

/// Every rule, in the order they run.
pub const RULES: [Rule; 9] = [
    Rule {
        name: "drop-extensions",
        guard: false,
        purpose: "code samples and other x- extensions are not part of the API contract",
        apply: drop_extensions,
    },
    Rule {
        name: "opaque-subobjects",
        guard: false,
        purpose: "properties the SDK does not read, whose typing would pull in many strict schemas, stay raw JSON \
                  objects (listed under `opaque:` in the manifest)",
        apply: opaque_subobjects,
    },
    Rule {
        name: "prune-unreferenced-schemas",
        guard: true,
        purpose: "schemas no operation reaches any more (after opaque-subobjects) are dropped",
        apply: prune_unreferenced_schemas,
    },
    Rule {
        name: "shared-error-envelope",
        guard: false,
        purpose: "progenitor panics on mixed error bodies; every error status gets the one envelope schema",
        apply: shared_error_envelope,
    },
    Rule {
        name: "nullable-logo-url",
        guard: false,
        purpose: "Stytch sends `logo_url: null`, which a plain optional string rejects",
        apply: nullable_logo_url,
    },
    Rule {
        name: "optional-request-id-on-get-connected-app",
        guard: false,
        purpose: "B2's request_id is in the documented examples but not in the schema",
        apply: optional_request_id_on_get_connected_app,
    },
    Rule {
        name: "no-response-enums",
        guard: true,
        purpose: "an enum fails the whole response on a value Stytch adds later",
        apply: no_response_enums,
    },
    Rule {
        name: "plain-string-formats",
        guard: true,
        purpose: "progenitor maps date-time/uuid/... formats to chrono/uuid types: a new dependency, and a malformed \
                  value would fail the whole response",
        apply: plain_string_formats,
    },
    Rule {
        name: "allow-unknown-fields",
        guard: true,
        purpose: "additionalProperties: false fails the whole response on a field Stytch adds later",
        apply: allow_unknown_fields,
    },
];

/// What one rule did.
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    pub rule: &'static str,
    pub guard: bool,
    pub changes: Vec<String>,
}

impl Outcome {
    /// The report lines for this rule.
    pub fn report(&self) -> Vec<String> {
        match (self.changes.is_empty(), self.guard) {
            (true, true) => return vec![format!("rule {}: nothing to do (a guard)", self.rule)],
            (true, false) => {
                return vec![format!(
                    "rule {}: matched nothing (the upstream problem it patches may be fixed; consider retiring it)",
                    self.rule
                )];
            }
            (false, _) => {}
        }
        let mut lines = vec![format!("rule {}: {} change(s)", self.rule, self.changes.len())];
        lines.extend(self.changes.iter().map(|change| format!("    {change}")));
        lines
    }
}

/// Applies every rule in order.
pub fn apply_all(document: &mut Value, manifest: &Manifest) -> Vec<Outcome> {
    RULES
        .iter()
        .map(|rule| Outcome { rule: rule.name, guard: rule.guard, changes: (rule.apply)(document, manifest) })
        .collect()
}

/// Every operation as (operationId or `METHOD path`, operation).
fn operations_mut(document: &mut Value) -> Vec<(String, &mut Mapping)> {
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
fn schemas_mut(document: &mut Value) -> Option<&mut Mapping> {
    match document.get_mut("components")?.get_mut("schemas")? {
        Value::Mapping(schemas) => Some(schemas),
        _ => None,
    }
}

fn drop_extensions(document: &mut Value, _: &Manifest) -> Vec<String> {
    /// Removes `x-` keys from `value` and below. Under `properties` the keys are field names and under
    /// `example(s)` they are data, so neither is touched there.
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

fn shared_error_envelope(document: &mut Value, _: &Manifest) -> Vec<String> {
    let mut changes = Vec::new();
    // Parsing a constant that the unit tests parse too; an error here is a bug in this file, reported as a change
    // that cannot go unnoticed rather than a panic.
    let envelope: Value = match serde_norway::from_str(ENVELOPE_SCHEMA) {
        Ok(schema) => schema,
        Err(e) => return vec![format!("BUG: the envelope schema does not parse: {e}")],
    };
    for (name, operation) in operations_mut(document) {
        let Some(Value::Mapping(responses)) = operation.get("responses") else { continue };
        let mut successes = Mapping::new();
        let mut errors: Vec<(String, Value)> = Vec::new();
        for (code, response) in responses {
            let code =
                code.as_str().map(str::to_owned).or_else(|| code.as_u64().map(|n| n.to_string())).unwrap_or_default();
            if code == "default" {
                changes.push(format!("{name}: removed the `default` response (progenitor panics on it)"));
            } else if code.starts_with(['4', '5']) {
                errors.push((code, response.clone()));
            } else {
                successes.insert(code.into(), response.clone());
            }
        }
        for status in ERROR_STATUSES {
            if !errors.iter().any(|(code, _)| code == status) {
                errors.push((status.to_owned(), Value::Null));
                changes.push(format!("{name}: {status} added"));
            }
        }
        errors.sort_by(|a, b| a.0.cmp(&b.0));
        let mut normalized = successes;
        for (code, response) in errors {
            let new = envelope_response(&code, &response);
            if response != new && !response.is_null() {
                let had = match response.get("content").and_then(|c| c.get("application/json")) {
                    None => "no content",
                    Some(json) if json.get("schema").is_none() => "an example without schema",
                    Some(_) => "another schema",
                };
                changes.push(format!("{name}: {code} had {had}; now the envelope"));
            }
            normalized.insert(code.into(), new);
        }
        operation.insert("responses".into(), Value::Mapping(normalized));
    }
    if let Some(schemas) = schemas_mut(document)
        && schemas.get(ENVELOPE) != Some(&envelope)
    {
        schemas.insert(ENVELOPE.into(), envelope);
        let mut sorted: Vec<(Value, Value)> = std::mem::take(schemas).into_iter().collect();
        sorted.sort_by(|a, b| a.0.as_str().cmp(&b.0.as_str()));
        schemas.extend(sorted);
        changes.push(format!("components.schemas.{ENVELOPE}: added"));
    }
    changes
}

/// An error response with the envelope schema, keeping the upstream description and example.
fn envelope_response(code: &str, upstream: &Value) -> Value {
    let description = upstream.get("description").cloned().unwrap_or_else(|| default_description(code).into());
    let mut json = Mapping::new();
    json.insert("schema".into(), Value::Mapping(Mapping::from_iter([("$ref".into(), ENVELOPE_REF.into())])));
    if let Some(example) =
        upstream.get("content").and_then(|c| c.get("application/json")).and_then(|j| j.get("example"))
    {
        json.insert("example".into(), example.clone());
    }
    let content = Mapping::from_iter([("application/json".into(), Value::Mapping(json))]);
    Value::Mapping(Mapping::from_iter([
        ("description".into(), description),
        ("content".into(), Value::Mapping(content)),
    ]))
}

fn default_description(code: &str) -> &'static str {
    match code {
        "400" => "Bad request",
        "401" => "Unauthorized",
        "403" => "Forbidden: the member session lacks the permission, or belongs to another organization",
        "404" => "Not found: organization, member or connected app",
        "429" => "Too Many Requests",
        "500" => "Internal server error",
        _ => "Error",
    }
}

/// Calls `visit(path, schema)` on every schema object under the component schemas, nested ones included.
fn each_schema(document: &mut Value, visit: &mut dyn FnMut(&str, &mut Mapping)) {
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

fn nullable_logo_url(document: &mut Value, _: &Manifest) -> Vec<String> {
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

fn optional_request_id_on_get_connected_app(document: &mut Value, _: &Manifest) -> Vec<String> {
    const SCHEMA: &str = "api_organization_v1_GetConnectedAppResponse";
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

fn no_response_enums(document: &mut Value, _: &Manifest) -> Vec<String> {
    let mut changes = Vec::new();
    each_schema(document, &mut |at, schema| {
        if let Some(values) = schema.shift_remove("enum") {
            let values = serde_norway::to_string(&values).unwrap_or_default().replace('\n', " ");
            changes.push(format!("{at}: dropped enum {}", values.trim()));
        }
    });
    changes
}

/// The string formats progenitor (typify) turns into types other than `String`.
const TYPED_STRING_FORMATS: [&str; 7] = ["date-time", "date", "time", "uuid", "ip", "ipv4", "ipv6"];

fn plain_string_formats(document: &mut Value, _: &Manifest) -> Vec<String> {
    let mut changes = Vec::new();
    each_schema(document, &mut |at, schema| {
        let format = schema.get("format").and_then(Value::as_str).map(str::to_owned);
        if schema.get("type").and_then(Value::as_str) == Some("string")
            && let Some(format) = format.filter(|f| TYPED_STRING_FORMATS.contains(&f.as_str()))
        {
            schema.shift_remove("format");
            changes.push(format!("{at}: format {format} dropped (stays a string)"));
        }
    });
    changes
}

fn allow_unknown_fields(document: &mut Value, _: &Manifest) -> Vec<String> {
    let mut changes = Vec::new();
    each_schema(document, &mut |at, schema| {
        if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
            schema.shift_remove("additionalProperties");
            changes.push(format!("{at}: no longer denies unknown fields"));
        }
    });
    changes
}

fn opaque_subobjects(document: &mut Value, manifest: &Manifest) -> Vec<String> {
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

fn prune_unreferenced_schemas(document: &mut Value, _: &Manifest) -> Vec<String> {
    // Reachable: what paths reference, then what those reference, transitively.
    let mut reachable = BTreeSet::new();
    let mut queue = Vec::new();
    collect_schema_refs(document.get("paths").unwrap_or(&Value::Null), &mut queue);
    while let Some(name) = queue.pop() {
        if reachable.insert(name.clone())
            && let Some(schema) =
                document.get("components").and_then(|c| c.get("schemas")).and_then(|s| s.get(name.as_str()))
        {
            collect_schema_refs(schema, &mut queue);
        }
    }
    let Some(schemas) = schemas_mut(document) else { return Vec::new() };
    let unreachable: Vec<String> =
        schemas.keys().filter_map(Value::as_str).filter(|name| !reachable.contains(*name)).map(str::to_owned).collect();
    for name in &unreachable {
        schemas.shift_remove(name.as_str());
    }
    if unreachable.is_empty() {
        Vec::new()
    } else {
        vec![format!("{} schema(s) dropped: {}", unreachable.len(), unreachable.join(", "))]
    }
}

/// Every `#/components/schemas/X` under `value`, as `X`.
fn collect_schema_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Mapping(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    (Some("$ref"), Value::String(reference)) => {
                        if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                            out.push(name.to_owned());
                        }
                    }
                    _ => collect_schema_refs(inner, out),
                }
            }
        }
        Value::Sequence(items) => items.iter().for_each(|item| collect_schema_refs(item, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(yaml: &str) -> Value {
        serde_norway::from_str(yaml).unwrap()
    }

    fn manifest() -> Manifest {
        Manifest::parse("output: o.yaml\ntitle: t\noperations: [op]\nopaque: [R.owner, R.factors]\n").unwrap()
    }

    const OPERATION: &str = "
paths:
  /x:
    get:
      operationId: op
      x-code-samples: [{lang: go}]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/R'}}}}
        '400': {description: Bad request}
        '401': {description: Unauthorized, content: {application/json: {example: {error_type: unauthorized_credentials}}}}
components:
  schemas:
    R:
      type: object
      additionalProperties: false
      properties:
        logo_url: {type: string}
        client_type: {type: string, enum: [first_party, third_party]}
        x-internal: {type: string}
        installed_at: {type: string, format: date-time}
        count: {type: integer, format: int32}
        owner: {$ref: '#/components/schemas/Owner', description: the owner}
        factors: {type: array, items: {$ref: '#/components/schemas/Factor'}}
    Owner: {type: object, properties: {factor: {$ref: '#/components/schemas/Factor'}}}
    Factor: {type: object, properties: {kind: {type: string}}}
    Orphan: {type: object}
";

    #[test]
    fn every_rule_reports_its_changes() {
        let mut document = doc(OPERATION);
        let outcomes = apply_all(&mut document, &manifest());
        let changes = |rule: &str| outcomes.iter().find(|o| o.rule == rule).unwrap().changes.clone();
        assert_eq!(changes("drop-extensions"), ["op: removed x-code-samples"]);
        let envelope = changes("shared-error-envelope");
        assert!(envelope.contains(&"op: 400 had no content; now the envelope".to_owned()), "{envelope:?}");
        assert!(envelope.contains(&"op: 401 had an example without schema; now the envelope".to_owned()));
        assert!(envelope.contains(&"op: 403 added".to_owned()));
        assert!(envelope.contains(&"components.schemas.StytchErrorEnvelope: added".to_owned()));
        assert_eq!(changes("nullable-logo-url"), ["R.logo_url: nullable"]);
        assert_eq!(changes("optional-request-id-on-get-connected-app"), Vec::<String>::new());
        assert_eq!(changes("no-response-enums"), ["R.client_type: dropped enum - first_party - third_party"]);
        assert_eq!(changes("allow-unknown-fields"), ["R: no longer denies unknown fields"]);
        assert_eq!(changes("plain-string-formats"), ["R.installed_at: format date-time dropped (stays a string)"]);
        assert_eq!(changes("opaque-subobjects"), ["R.owner: raw JSON object", "R.factors: raw JSON objects"]);
        assert_eq!(changes("prune-unreferenced-schemas"), ["3 schema(s) dropped: Owner, Factor, Orphan"]);
        let owner = &document["components"]["schemas"]["R"]["properties"]["owner"];
        assert_eq!(owner["type"], "object");
        assert_eq!(owner["additionalProperties"], true);
        assert_eq!(owner["description"], "the owner");

        let responses = document["paths"]["/x"]["get"]["responses"].as_mapping().unwrap();
        let codes: Vec<&str> = responses.keys().filter_map(Value::as_str).collect();
        assert_eq!(codes, ["200", "400", "401", "403", "404", "429", "500"]);
        assert_eq!(responses["401"]["content"]["application/json"]["schema"]["$ref"], ENVELOPE_REF);
        assert_eq!(
            responses["401"]["content"]["application/json"]["example"]["error_type"], "unauthorized_credentials",
            "upstream examples are kept"
        );
        // The schema property named x-internal is a field, not an extension: it stays.
        assert!(document["components"]["schemas"]["R"]["properties"].get("x-internal").is_some());
    }

    #[test]
    fn rules_are_idempotent_and_say_when_they_match_nothing() {
        let mut document = doc(OPERATION);
        apply_all(&mut document, &manifest());
        let again = apply_all(&mut document, &manifest());
        for outcome in &again {
            assert!(outcome.changes.is_empty(), "{outcome:?}");
            let expected = if outcome.guard { "nothing to do (a guard)" } else { "matched nothing" };
            assert!(outcome.report()[0].contains(expected), "{outcome:?}");
        }
    }

    #[test]
    fn a_default_response_is_removed() {
        let mut document = doc(
            "paths: {/x: {get: {operationId: op, responses: {'200': {description: ok}, default: {description: d}}}}}\ncomponents: {schemas: {}}",
        );
        let changes = shared_error_envelope(&mut document, &manifest());
        assert!(
            changes.contains(&"op: removed the `default` response (progenitor panics on it)".to_owned()),
            "{changes:?}"
        );
        assert!(document["paths"]["/x"]["get"]["responses"].get("default").is_none());
    }

    #[test]
    fn request_id_is_added_to_b2_only_when_missing() {
        let yaml = "components: {schemas: {api_organization_v1_GetConnectedAppResponse: {type: object, properties: {name: {type: string}}, required: [name]}}}";
        let mut document = doc(yaml);
        assert_eq!(
            optional_request_id_on_get_connected_app(&mut document, &manifest()),
            ["api_organization_v1_GetConnectedAppResponse.request_id: added, optional"]
        );
        let schema = &document["components"]["schemas"]["api_organization_v1_GetConnectedAppResponse"];
        let names: Vec<&str> = schema["properties"].as_mapping().unwrap().keys().filter_map(Value::as_str).collect();
        assert_eq!(names, ["request_id", "name"]);
        let required_upstream = "components: {schemas: {api_organization_v1_GetConnectedAppResponse: {properties: {request_id: {type: string}}, required: [request_id]}}}";
        let mut document = doc(required_upstream);
        assert_eq!(
            optional_request_id_on_get_connected_app(&mut document, &manifest()),
            ["api_organization_v1_GetConnectedAppResponse.request_id: no longer required"]
        );
    }
}
