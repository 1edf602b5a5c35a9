//! `shared-error-envelope`: every operation declares `400`, `401`, `403`, `404`, `429` and `500` (and any other
//! 4xx/5xx upstream adds), each with the one `StytchErrorEnvelope` schema, keeping upstream's descriptions and
//! examples; a `default` response is removed. Upstream has a content-less `400` beside example-only `401`/`429`/`500`:
//! progenitor 0.15 panics on mixed error bodies (`response_types.len() <= 1`) and types nothing from schema-less
//! ones. `403` and `404` are documented by Stytch but absent upstream. The error schemas upstream declares are
//! replaced, so `prune-unreferenced-schemas` must run after this rule.

use serde_norway::{Mapping, Value};

use super::Rule;
use super::walk::{operations_mut, schemas_mut, status};
use crate::regen::manifest::Manifest;

pub const RULE: Rule = Rule {
    name: "shared-error-envelope",
    guard: false,
    purpose: "progenitor panics on mixed error bodies; every error status gets the one envelope schema",
    apply,
};

/// The error statuses every operation declares, all with the one envelope.
pub const ERROR_STATUSES: [&str; 6] = ["400", "401", "403", "404", "429", "500"];
/// The envelope's schema name.
pub const ENVELOPE: &str = "StytchErrorEnvelope";
/// The envelope's reference.
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

fn apply(document: &mut Value, _: &Manifest) -> Vec<String> {
    let mut changes = Vec::new();
    // Parsing a constant that the unit test parses too; an error here is a bug in this file, reported as a change
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
            let code = status(code);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regen::rules::walk::{doc, manifest};

    const OPERATION: &str = "
paths:
  /x:
    get:
      operationId: op
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/R'}}}}
        '400': {description: Bad request}
        '401': {description: Unauthorized, content: {application/json: {example: {error_type: unauthorized_credentials}}}}
        '409': {description: Conflict, content: {application/json: {schema: {$ref: '#/components/schemas/ConflictError'}}}}
        default: {description: anything else}
components: {schemas: {R: {type: object}, ConflictError: {type: object}}}
";

    #[test]
    fn every_error_status_gets_the_envelope_keeping_upstream_text() {
        let mut document = doc(OPERATION);
        let changes = apply(&mut document, &manifest());
        assert_eq!(
            changes,
            [
                "op: removed the `default` response (progenitor panics on it)",
                "op: 403 added",
                "op: 404 added",
                "op: 429 added",
                "op: 500 added",
                "op: 400 had no content; now the envelope",
                "op: 401 had an example without schema; now the envelope",
                "op: 409 had another schema; now the envelope",
                "components.schemas.StytchErrorEnvelope: added",
            ]
        );
        let responses = document["paths"]["/x"]["get"]["responses"].as_mapping().unwrap();
        let codes: Vec<&str> = responses.keys().filter_map(Value::as_str).collect();
        assert_eq!(codes, ["200", "400", "401", "403", "404", "409", "429", "500"]);
        for (_, response) in responses.iter().skip(1) {
            assert_eq!(response["content"]["application/json"]["schema"]["$ref"], ENVELOPE_REF);
        }
        assert_eq!(
            responses["401"]["content"]["application/json"]["example"]["error_type"],
            "unauthorized_credentials"
        );
        assert_eq!(responses["409"]["description"], "Conflict", "upstream descriptions are kept");
        assert_eq!(responses["403"]["description"], default_description("403"));
        let schemas: Vec<&str> =
            document["components"]["schemas"].as_mapping().unwrap().keys().filter_map(Value::as_str).collect();
        assert_eq!(schemas, ["ConflictError", "R", "StytchErrorEnvelope"], "sorted; pruning is another rule's job");
    }
}
