//! The normalization rules, one file each under `rules/`: each fixes one way Stytch's published spec trips
//! progenitor or real responses (DESIGN.md §1 and §4, openapi/README.md), says why in its file, and reports every
//! change it makes. A patch that changes nothing says so: the upstream problem it patches may have been fixed.
//!
//! A finished document is one on which no rule would change anything ([`not_normalized`]): that is how
//! `check-spec` and regen's validation check every rule's invariant without restating it.

mod allow_unknown_fields;
mod drop_extensions;
mod no_response_enums;
mod nullable_logo_url;
mod one_session_argument;
mod opaque_subobjects;
mod optional_request_id;
mod plain_string_formats;
mod prune_unreferenced_schemas;
mod session_duration_bounds;
mod shared_error_envelope;
mod walk;

use serde_norway::Value;

use super::manifest::Manifest;

pub use prune_unreferenced_schemas::reachable;
pub use shared_error_envelope::{ENVELOPE, ENVELOPE_REF, ERROR_STATUSES};
pub use walk::status;

/// One named rule.
pub struct Rule {
    /// Its name, as printed.
    pub name: &'static str,
    /// Why it exists, in a line (its file says more).
    pub purpose: &'static str,
    /// `true` for a guard against something upstream does not do today (silence is expected), `false` for a patch
    /// of something upstream does today (silence means upstream changed).
    pub guard: bool,
    /// Applies it (the manifest configures some rules); returns one line per change.
    pub apply: fn(&mut Value, &Manifest) -> Vec<String>,
}

/// Every rule, in the order they run. Pruning is last: the rules before it cut schemas loose (opaque
/// sub-objects, upstream's error schemas replaced by the envelope).
pub const RULES: [Rule; 11] = [
    drop_extensions::RULE,
    opaque_subobjects::RULE,
    shared_error_envelope::RULE,
    nullable_logo_url::RULE,
    optional_request_id::RULE,
    one_session_argument::RULE,
    session_duration_bounds::RULE,
    no_response_enums::RULE,
    plain_string_formats::RULE,
    allow_unknown_fields::RULE,
    prune_unreferenced_schemas::RULE,
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

/// Where `document` is not normalized: each rule, run alone on a copy, must change nothing. One line per change
/// a rule would make, naming the rule and what it is for.
pub fn not_normalized(document: &Value, manifest: &Manifest) -> Vec<String> {
    let mut problems = Vec::new();
    for rule in &RULES {
        let mut copy = document.clone();
        for change in (rule.apply)(&mut copy, manifest) {
            problems.push(format!("not normalized: rule {} would change {change} ({})", rule.name, rule.purpose));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::walk::{doc, manifest};
    use super::*;

    /// Something for every rule to do, including upstream error schemas the envelope replaces.
    const UPSTREAM_LIKE: &str = "
paths:
  /x:
    get:
      operationId: op
      x-code-samples: [{lang: go}]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/R'}}}}
        '400': {description: Bad request}
        '401': {description: Unauthorized, content: {application/json: {schema: {$ref: '#/components/schemas/ApiAuthError'}}}}
        '500': {description: Error, content: {application/json: {schema: {$ref: '#/components/schemas/ApiServerError'}}}}
components:
  schemas:
    R:
      type: object
      additionalProperties: false
      properties:
        logo_url: {type: string}
        client_type: {type: string, enum: [first_party, third_party]}
        installed_at: {type: string, format: date-time}
        owner: {$ref: '#/components/schemas/Owner', description: the owner}
        factors: {type: array, items: {$ref: '#/components/schemas/Factor'}}
    Owner: {type: object, properties: {factor: {$ref: '#/components/schemas/Factor'}}}
    Factor: {type: object, properties: {kind: {type: string}}}
    ApiAuthError: {type: object, properties: {error_type: {type: string}, details: {$ref: '#/components/schemas/ApiErrorDetail'}}}
    ApiServerError: {type: object, properties: {error_type: {type: string}}}
    ApiErrorDetail: {type: object}
    Orphan: {type: object}
";

    #[test]
    fn pruning_runs_last_and_no_unreferenced_schema_survives() {
        assert_eq!(RULES.last().map(|r| r.name), Some("prune-unreferenced-schemas"));
        let mut document = doc(UPSTREAM_LIKE);
        let outcomes = apply_all(&mut document, &manifest());
        let pruned = &outcomes.last().unwrap().changes;
        assert_eq!(
            pruned,
            &["6 schema(s) dropped: ApiAuthError, ApiErrorDetail, ApiServerError, Factor, Orphan, Owner"],
            "the error schemas the envelope replaced go too"
        );
        let declared: std::collections::BTreeSet<String> = document["components"]["schemas"]
            .as_mapping()
            .unwrap()
            .keys()
            .filter_map(|k| k.as_str().map(str::to_owned))
            .collect();
        assert_eq!(declared, reachable(&document), "every declared schema is reachable");
    }

    #[test]
    fn rules_are_idempotent_and_say_when_they_match_nothing() {
        let mut document = doc(UPSTREAM_LIKE);
        apply_all(&mut document, &manifest());
        assert_eq!(not_normalized(&document, &manifest()), Vec::<String>::new());
        let again = apply_all(&mut document, &manifest());
        for outcome in &again {
            assert!(outcome.changes.is_empty(), "{outcome:?}");
            let expected = if outcome.guard { "nothing to do (a guard)" } else { "matched nothing" };
            assert!(outcome.report()[0].contains(expected), "{outcome:?}");
        }
    }

    #[test]
    fn a_hand_edit_is_named_with_the_rule_that_undoes_it() {
        let mut document = doc(UPSTREAM_LIKE);
        apply_all(&mut document, &manifest());
        document["components"]["schemas"]["R"]["properties"]["logo_url"]["nullable"] = false.into();
        document["components"]["schemas"]["Stray"] = doc("{type: object}");
        assert_eq!(
            not_normalized(&document, &manifest()),
            [
                "not normalized: rule nullable-logo-url would change R.logo_url: nullable (Stytch sends \
                 `logo_url: null`, which a plain optional string rejects)",
                "not normalized: rule prune-unreferenced-schemas would change 1 schema(s) dropped: Stray (schemas no \
                 operation reaches any more (after the rules above) are dropped)",
            ]
        );
    }
}
