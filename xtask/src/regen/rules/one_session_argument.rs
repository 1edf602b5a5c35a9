//! `one-session-argument`: a request schema with both `session_token` and `session_jwt`, neither required, gets
//! `oneOf: [{required: [session_token]}, {required: [session_jwt]}]`. Stytch documents that `sessions/authenticate`
//! "requires either a `session_jwt` or `session_token` ... It will return an error if both are present", but the
//! schema allows `{}` and both: an OpenAPI fuzzer then expects `{}` to be accepted, and the emulator (which answers
//! 400, as Stytch does) looks wrong. The alternatives only say what is required, so they add no type:
//! `openapi/codegen.rs` drops such constraint-only `oneOf`s before progenitor (which would otherwise turn the
//! request struct into an enum of two variants).
//!
//! A request that can name its subject by id instead (`member_id` or `user_id`, as the consent grant's
//! `authorize/start` and `authorize` do) is left alone: there, neither session argument may be sent.

use serde_norway::{Mapping, Value};

use super::Rule;
use super::walk::schemas_mut;
use crate::regen::manifest::Manifest;

pub const RULE: Rule = Rule {
    name: "one-session-argument",
    guard: false,
    purpose: "Stytch requires exactly one of session_token and session_jwt, which the schema does not say",
    apply,
};

const ARGUMENTS: [&str; 2] = ["session_token", "session_jwt"];

/// `oneOf: [{required: [session_token]}, {required: [session_jwt]}]`.
fn exactly_one() -> Value {
    let alternative = |name: &str| {
        let mut required = Mapping::new();
        required.insert("required".into(), Value::Sequence(vec![name.into()]));
        Value::Mapping(required)
    };
    Value::Sequence(ARGUMENTS.iter().map(|name| alternative(name)).collect())
}

fn apply(document: &mut Value, _: &Manifest) -> Vec<String> {
    let mut changes = Vec::new();
    let Some(schemas) = schemas_mut(document) else { return changes };
    for (name, schema) in schemas.iter_mut() {
        let Value::Mapping(schema) = schema else { continue };
        let has = |argument: &str| schema.get("properties").and_then(|p| p.get(argument)).is_some();
        if !ARGUMENTS.iter().all(|argument| has(argument)) || ["member_id", "user_id"].iter().any(|id| has(id)) {
            continue;
        }
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if ARGUMENTS.iter().any(|argument| required.contains(argument)) {
            continue;
        }
        if schema.get("oneOf") != Some(&exactly_one()) {
            schema.insert("oneOf".into(), exactly_one());
            changes.push(format!("{}: exactly one of session_token and session_jwt", name.as_str().unwrap_or("?")));
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regen::rules::walk::{doc, manifest};

    #[test]
    fn a_schema_with_both_optional_session_arguments_requires_exactly_one() {
        let mut document = doc("
components:
  schemas:
    AuthenticateRequest: {type: object, properties: {session_token: {type: string}, session_jwt: {type: string}}}
    AuthenticateResponse: {type: object, properties: {session_token: {type: string}, session_jwt: {type: string}}, required: [session_token, session_jwt]}
    Other: {type: object, properties: {session_token: {type: string}}}
");
        assert_eq!(
            apply(&mut document, &manifest()),
            ["AuthenticateRequest: exactly one of session_token and session_jwt"]
        );
        assert_eq!(document["components"]["schemas"]["AuthenticateRequest"]["oneOf"], exactly_one());
        assert!(document["components"]["schemas"]["AuthenticateResponse"].get("oneOf").is_none());
        assert!(apply(&mut document, &manifest()).is_empty(), "applied twice, it changes nothing");
    }
}
