//! `prune-unreferenced-schemas` (a guard, and the last rule): schemas no operation reaches any more are dropped,
//! so none survives as an unused public type. Earlier rules cut schemas loose: `opaque-subobjects` the typed
//! sub-objects, `shared-error-envelope` upstream's own error schemas. Running last is what makes it complete.

use std::collections::BTreeSet;

use serde_norway::Value;

use super::Rule;
use super::walk::{collect_component_refs, schemas_mut};
use crate::regen::manifest::Manifest;

pub const RULE: Rule = Rule {
    name: "prune-unreferenced-schemas",
    guard: true,
    purpose: "schemas no operation reaches any more (after the rules above) are dropped",
    apply,
};

fn apply(document: &mut Value, _: &Manifest) -> Vec<String> {
    let reachable = reachable(document);
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

/// The schemas the paths reference, then what those reference, transitively, through shared responses,
/// parameters and request bodies (`#/components/responses/X`, ...) as well.
pub fn reachable(document: &Value) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut queue = Vec::new();
    collect_component_refs(document.get("paths").unwrap_or(&Value::Null), &mut queue);
    while let Some((kind, name)) = queue.pop() {
        if seen.insert((kind.clone(), name.clone()))
            && let Some(component) =
                document.get("components").and_then(|c| c.get(kind.as_str())).and_then(|k| k.get(name.as_str()))
        {
            collect_component_refs(component, &mut queue);
        }
    }
    seen.into_iter().filter(|(kind, _)| kind == "schemas").map(|(_, name)| name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regen::rules::walk::{doc, manifest};

    #[test]
    fn only_what_the_paths_reach_stays() {
        let mut document = doc("
paths: {/x: {get: {operationId: op, responses: {'200': {content: {application/json: {schema: {$ref: '#/components/schemas/R'}}}}}}}}
components:
  schemas:
    R: {properties: {owner: {$ref: '#/components/schemas/Owner'}}}
    Owner: {type: object}
    Orphan: {properties: {f: {$ref: '#/components/schemas/OrphanChild'}}}
    OrphanChild: {type: object}
    Shared: {type: object}
  responses:
    SharedError: {description: e, content: {application/json: {schema: {$ref: '#/components/schemas/Shared'}}}}
");
        document["paths"]["/x"]["get"]["responses"]["400"] = doc("{$ref: '#/components/responses/SharedError'}");
        assert_eq!(apply(&mut document, &manifest()), ["2 schema(s) dropped: Orphan, OrphanChild"]);
        let names: Vec<&str> =
            document["components"]["schemas"].as_mapping().unwrap().keys().filter_map(Value::as_str).collect();
        assert_eq!(names, ["R", "Owner", "Shared"], "a schema reached through a shared response stays");
    }
}
