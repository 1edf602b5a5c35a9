//! `plain-string-formats` (a guard): `format: date-time`, `date`, `time`, `uuid`, `ip`, `ipv4`, `ipv6` are dropped
//! from strings. progenitor (typify) would emit `chrono`/`uuid` types: dependencies the crate does not have (it
//! stops building), and a malformed value would fail the whole response. Found by regen's simulated update.

use serde_norway::Value;

use super::Rule;
use super::walk::each_schema;
use crate::regen::manifest::Manifest;

pub const RULE: Rule = Rule {
    name: "plain-string-formats",
    guard: true,
    purpose: "progenitor maps date-time/uuid/... formats to chrono/uuid types: a new dependency, and a malformed \
              value would fail the whole response",
    apply,
};

/// The string formats progenitor (typify) turns into types other than `String`.
const TYPED_STRING_FORMATS: [&str; 7] = ["date-time", "date", "time", "uuid", "ip", "ipv4", "ipv6"];

fn apply(document: &mut Value, _: &Manifest) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regen::rules::walk::{doc, manifest};

    #[test]
    fn typed_formats_go_others_stay() {
        let mut document = doc("
components:
  schemas:
    R:
      properties:
        installed_at: {type: string, format: date-time}
        id: {type: string, format: uuid}
        count: {type: integer, format: int32}
        secret: {type: string, format: password}
");
        assert_eq!(
            apply(&mut document, &manifest()),
            ["R.installed_at: format date-time dropped (stays a string)", "R.id: format uuid dropped (stays a string)"]
        );
        assert_eq!(document["components"]["schemas"]["R"]["properties"]["count"]["format"], "int32");
    }
}
