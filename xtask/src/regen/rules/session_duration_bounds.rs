//! `session-duration-bounds`: every integer `session_duration_minutes` gets `minimum: 5` and `maximum: 527040`.
//! Its description says "This value must be a minimum of 5 and a maximum of 527040 minutes (366 days)", but the
//! schema has no bounds: a fuzzer then expects `0` to be accepted, and the emulator (which answers 400, as Stytch
//! documents) looks wrong. progenitor keeps the field an `Option<i32>` either way (tested).

use serde_norway::Value;

use super::Rule;
use super::walk::each_schema;
use crate::regen::manifest::Manifest;

pub const RULE: Rule = Rule {
    name: "session-duration-bounds",
    guard: false,
    purpose: "session_duration_minutes must be 5 to 527040, which only its description says",
    apply,
};

const MINIMUM: u64 = 5;
const MAXIMUM: u64 = 527_040;

fn apply(document: &mut Value, _: &Manifest) -> Vec<String> {
    let mut changes = Vec::new();
    each_schema(document, &mut |at, schema| {
        let Some(Value::Mapping(field)) =
            schema.get_mut("properties").and_then(|p| p.get_mut("session_duration_minutes"))
        else {
            return;
        };
        if field.get("type").and_then(Value::as_str) != Some("integer") {
            return;
        }
        for (key, bound) in [("minimum", MINIMUM), ("maximum", MAXIMUM)] {
            if field.get(key).and_then(Value::as_u64) != Some(bound) {
                field.insert(key.into(), bound.into());
                changes.push(format!("{at}.session_duration_minutes: {key} {bound}"));
            }
        }
    });
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regen::rules::walk::{doc, manifest};

    #[test]
    fn the_documented_bounds_become_schema_bounds() {
        let mut document = doc("
components:
  schemas:
    Req: {properties: {session_duration_minutes: {type: integer, format: int32}}}
    Odd: {properties: {session_duration_minutes: {type: string}}}
");
        assert_eq!(
            apply(&mut document, &manifest()),
            ["Req.session_duration_minutes: minimum 5", "Req.session_duration_minutes: maximum 527040"]
        );
        assert_eq!(
            document["components"]["schemas"]["Req"]["properties"]["session_duration_minutes"]["maximum"],
            527040
        );
        assert!(apply(&mut document, &manifest()).is_empty(), "applied twice, it changes nothing");
    }
}
