//! The watch list: every upstream operation under the paths the manifest's `watch:` names that is not vendored.
//! The lock records the list, so an operation Stytch adds there is reported once, by name, and changes the lock
//! (exit 3) until a maintainer has seen it.

use std::collections::BTreeSet;

use serde_norway::Value;

use super::extract::{METHODS, entries};
use super::manifest::Manifest;

/// `operationId (METHOD path)` of every watched operation in `merged` that the manifest does not vendor, sorted.
pub fn unvendored(merged: &Value, manifest: &Manifest) -> Vec<String> {
    let mut found = BTreeSet::new();
    for (path, item) in entries(merged.get("paths")) {
        let Some(path) = path.as_str() else { continue };
        if !manifest.watch.iter().any(|w| w.matches(path)) {
            continue;
        }
        for (method, operation) in entries(Some(item)) {
            let Some(method) = method.as_str().filter(|m| METHODS.contains(m)) else { continue };
            let id = operation.get("operationId").and_then(Value::as_str).unwrap_or("(no operationId)");
            if !manifest.vendored().any(|vendored| vendored == id) {
                found.insert(format!("{id} ({} {path})", method.to_uppercase()));
            }
        }
    }
    found.into_iter().collect()
}

/// The report: what is new since `recorded` (the lock's list, if any), what is gone, and how many are known.
pub fn report(current: &[String], recorded: Option<&[String]>) -> Vec<String> {
    let recorded = recorded.unwrap_or_default();
    let new: Vec<&String> = current.iter().filter(|op| !recorded.contains(op)).collect();
    let gone: Vec<&String> = recorded.iter().filter(|op| !current.contains(op)).collect();
    let mut lines = Vec::new();
    if !new.is_empty() {
        lines.push(format!("new upstream operations, not vendored: {}", new.len()));
        lines.extend(new.iter().map(|op| format!("    {op}")));
        lines.push(
            "    (vendor one by adding its operationId to `operations:` in openapi/manifest.yaml; the lock records \
             the rest as seen)"
                .into(),
        );
    }
    if !gone.is_empty() {
        lines.push(format!("watched operations no longer upstream: {}", gone.len()));
        lines.extend(gone.iter().map(|op| format!("    {op}")));
    }
    let known = current.len() - new.len();
    lines.push(format!(
        "watched upstream operations, not vendored: {} ({known} already in {})",
        current.len(),
        super::lock::PATH
    ));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_watched_operations_that_are_not_vendored() {
        let manifest = Manifest::parse(
            "output: o.yaml\ntitle: t\noperations: [B1]\nwatch: [{segment: connected_apps}, {prefix: /v1/b2b/sessions}]\n",
        )
        .unwrap();
        let merged: Value = serde_norway::from_str(
            "paths:
  /v1/b2b/organizations/{id}/connected_apps: {get: {operationId: B1}, parameters: []}
  /v1/b2b/organizations/{id}/connected_apps/{app}/audit: {get: {operationId: Audit}, post: {operationId: Reset}}
  /v1/b2b/sessions: {get: {operationId: SessionGet}}
  /v1/b2b/sessions/jwks/{p}: {get: {operationId: Jwks}}
  /v1/b2b/sessionsx: {get: {operationId: NotUnderThePrefix}}
  /v1/b2b/organizations/{id}: {get: {operationId: Unwatched}}",
        )
        .unwrap();
        let current = unvendored(&merged, &manifest);
        assert_eq!(
            current,
            [
                "Audit (GET /v1/b2b/organizations/{id}/connected_apps/{app}/audit)",
                "Jwks (GET /v1/b2b/sessions/jwks/{p})",
                "Reset (POST /v1/b2b/organizations/{id}/connected_apps/{app}/audit)",
                "SessionGet (GET /v1/b2b/sessions)",
            ]
        );
        let recorded = vec![current[1].clone(), current[3].clone(), "Old (GET /v1/b2b/sessions/old)".to_owned()];
        let report = report(&current, Some(&recorded));
        assert_eq!(report[0], "new upstream operations, not vendored: 2");
        assert_eq!(report[1], "    Audit (GET /v1/b2b/organizations/{id}/connected_apps/{app}/audit)");
        assert_eq!(report[4], "watched operations no longer upstream: 1");
        assert_eq!(
            report.last().unwrap(),
            "watched upstream operations, not vendored: 4 (2 already in openapi/sources.lock)"
        );
    }
}
