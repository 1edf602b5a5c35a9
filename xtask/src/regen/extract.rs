//! Merging sources and extracting the manifest's operations with every component they reference, transitively,
//! in a deterministic order.

use std::collections::{BTreeMap, BTreeSet};

use serde_norway::{Mapping, Value};

use super::manifest::Manifest;
use super::source::Source;

/// The HTTP methods of an OpenAPI path item.
pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Merges documents: every path's operations and every named component, later sources adding what earlier
/// ones lack and replacing what they define differently (reported in the returned notes).
pub fn merge(sources: &[Source]) -> (Value, Vec<String>) {
    let mut notes = Vec::new();
    let mut merged = Mapping::new();
    let Some(first) = sources.first() else { return (Value::Mapping(merged), notes) };
    for key in ["openapi", "info", "servers"] {
        if let Some(value) = first.document.get(key) {
            merged.insert(key.into(), value.clone());
        }
    }
    let mut paths = Mapping::new();
    let mut components = Mapping::new();
    for source in sources {
        for (path, item) in entries(source.document.get("paths")) {
            let target = paths.entry(path.clone()).or_insert_with(|| Value::Mapping(Mapping::new()));
            for (key, value) in entries(Some(item)) {
                let what = format!("{} {}", key.as_str().unwrap_or("?"), path.as_str().unwrap_or("?"));
                replace(target, key, value, &what, &source.origin, &mut notes);
            }
        }
        for (kind, named) in entries(source.document.get("components")) {
            let target = components.entry(kind.clone()).or_insert_with(|| Value::Mapping(Mapping::new()));
            for (name, value) in entries(Some(named)) {
                let what = format!("components.{}.{}", kind.as_str().unwrap_or("?"), name.as_str().unwrap_or("?"));
                replace(target, name, value, &what, &source.origin, &mut notes);
            }
        }
    }
    merged.insert("paths".into(), Value::Mapping(paths));
    merged.insert("components".into(), Value::Mapping(components));
    (Value::Mapping(merged), notes)
}

fn replace(target: &mut Value, key: &Value, value: &Value, what: &str, origin: &str, notes: &mut Vec<String>) {
    let Value::Mapping(map) = target else { return };
    if let Some(previous) = map.insert(key.clone(), value.clone())
        && &previous != value
    {
        notes.push(format!("{what}: {origin} replaces an earlier source's different definition"));
    }
}

/// The entries of a mapping (none for anything else).
pub fn entries(value: Option<&Value>) -> Vec<(&Value, &Value)> {
    match value {
        Some(Value::Mapping(map)) => map.iter().collect(),
        _ => Vec::new(),
    }
}

/// The vendored document: the manifest's operations, each from its own document (the B2B sources merged, and the
/// Consumer document), with the components they reference, and the header fields of the first. A path, or a
/// component of the same name and a different definition, in both documents is refused: which one the SDK wraps
/// would be ambiguous.
pub fn extract(merged: &Value, consumer: Option<&Value>, manifest: &Manifest) -> Result<Value, String> {
    let mut document = extract_from(merged, &manifest.operations, &manifest.title)?;
    let wanted = manifest.consumer_operations();
    if wanted.is_empty() {
        return Ok(document);
    }
    let Some(consumer) = consumer else {
        return Err(format!(
            "operation(s) of the Consumer document named in openapi/manifest.yaml, but no Consumer \
                            document was read: {}",
            wanted.join(", ")
        ));
    };
    let from_consumer = extract_from(consumer, wanted, &manifest.title)?;
    combine(&mut document, &from_consumer)?;
    Ok(document)
}

/// Adds `other`'s paths (after `document`'s: the manifest's order), components (sorted by name, as extraction
/// sorts them) and tags to `document`.
fn combine(document: &mut Value, other: &Value) -> Result<(), String> {
    let Value::Mapping(target) = document else { return Err("the extracted document is not a mapping".into()) };
    for (path, item) in entries(other.get("paths")) {
        let paths = target.entry("paths".into()).or_insert_with(|| Value::Mapping(Mapping::new()));
        if let Value::Mapping(paths) = paths
            && paths.insert(path.clone(), item.clone()).is_some()
        {
            return Err(format!("path {} is vendored from both documents", path.as_str().unwrap_or("?")));
        }
    }
    for (kind, named) in entries(other.get("components")) {
        let components = target.entry("components".into()).or_insert_with(|| Value::Mapping(Mapping::new()));
        let Value::Mapping(components) = components else { continue };
        let kinds = components.entry(kind.clone()).or_insert_with(|| Value::Mapping(Mapping::new()));
        let Value::Mapping(kinds) = kinds else { continue };
        for (name, value) in entries(Some(named)) {
            match kinds.get(name) {
                Some(existing) if existing != value => {
                    return Err(format!(
                        "components.{}.{} differs between the B2B and Consumer documents: the vendored operations \
                         would need two types of one name",
                        kind.as_str().unwrap_or("?"),
                        name.as_str().unwrap_or("?")
                    ));
                }
                Some(_) => {}
                None => {
                    kinds.insert(name.clone(), value.clone());
                }
            }
        }
        sort_mapping(kinds);
    }
    let mut tags: BTreeSet<String> = BTreeSet::new();
    for document in [&*target, other.as_mapping().unwrap_or(&Mapping::new())] {
        for tag in document.get("tags").and_then(Value::as_sequence).into_iter().flatten() {
            if let Some(name) = tag.get("name").and_then(Value::as_str) {
                tags.insert(name.to_owned());
            }
        }
    }
    let tags = tags.into_iter().map(|name| Value::Mapping(Mapping::from_iter([("name".into(), name.into())])));
    target.insert("tags".into(), Value::Sequence(tags.collect()));
    Ok(())
}

/// Sorts a mapping by key (as text).
fn sort_mapping(map: &mut Mapping) {
    let mut items: Vec<(Value, Value)> = std::mem::take(map).into_iter().collect();
    items.sort_by(|(a, _), (b, _)| a.as_str().cmp(&b.as_str()));
    map.extend(items);
}

/// The operations `wanted` of `merged`, their components, and the header fields.
fn extract_from(merged: &Value, wanted: &[String], title: &str) -> Result<Value, String> {
    let mut by_id: BTreeMap<&str, (&Value, &Value, &Value)> = BTreeMap::new();
    for (path, item) in entries(merged.get("paths")) {
        for (method, operation) in entries(Some(item)) {
            if let (Some(m), Some(id)) = (method.as_str(), operation.get("operationId").and_then(Value::as_str))
                && METHODS.contains(&m)
                && let Some((other_path, other_method, _)) = by_id.insert(id, (path, method, operation))
                && wanted.iter().any(|vendored| vendored == id)
            {
                let at = |p: &Value, m: &Value| {
                    format!("{} {}", m.as_str().unwrap_or("?").to_uppercase(), p.as_str().unwrap_or("?"))
                };
                return Err(format!(
                    "operationId {id} names two operations in the sources ({} and {}): which one the SDK wraps is \
                     ambiguous",
                    at(other_path, other_method),
                    at(path, method)
                ));
            }
        }
    }
    let missing: Vec<&str> = wanted.iter().map(String::as_str).filter(|id| !by_id.contains_key(id)).collect();
    if !missing.is_empty() {
        return Err(format!("operation(s) named in openapi/manifest.yaml but in no source: {}", missing.join(", ")));
    }

    let mut paths = Mapping::new();
    let mut tags = BTreeSet::new();
    for id in wanted {
        let (path, method, operation) = by_id[id.as_str()];
        for tag in operation.get("tags").and_then(Value::as_sequence).into_iter().flatten() {
            if let Some(tag) = tag.as_str() {
                tags.insert(tag.to_owned());
            }
        }
        let operation = with_path_parameters(merged, path, operation);
        let item = paths.entry(path.clone()).or_insert_with(|| Value::Mapping(Mapping::new()));
        if let Value::Mapping(item) = item {
            item.insert(method.clone(), operation);
        }
    }
    let paths = Value::Mapping(paths);
    let components = referenced_components(merged, &paths)?;

    let mut info = Mapping::new();
    info.insert("title".into(), title.into());
    if let Some(version) = merged.get("info").and_then(|i| i.get("version")) {
        info.insert("version".into(), version.clone());
    }
    let mut document = Mapping::new();
    document.insert("openapi".into(), merged.get("openapi").cloned().unwrap_or(Value::Null));
    document.insert("info".into(), Value::Mapping(info));
    for key in ["servers"] {
        if let Some(value) = merged.get(key) {
            document.insert(key.into(), value.clone());
        }
    }
    let tags: Vec<Value> =
        tags.into_iter().map(|name| Value::Mapping(Mapping::from_iter([("name".into(), name.into())]))).collect();
    document.insert("tags".into(), Value::Sequence(tags));
    document.insert("paths".into(), paths);
    document.insert("components".into(), components);
    Ok(Value::Mapping(document))
}

/// `operation` with the path item's own `parameters` (shared by its methods) added, unless the operation declares
/// one of the same name and location: only operations are vendored, so the path item's list would be lost.
fn with_path_parameters(merged: &Value, path: &Value, operation: &Value) -> Value {
    let mut operation = operation.clone();
    let shared = merged.get("paths").and_then(|p| p.get(path)).and_then(|i| i.get("parameters"));
    let Some(Value::Sequence(shared)) = shared else { return operation };
    let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned(), p.get("$ref").cloned());
    let own: Vec<_> = operation.get("parameters").and_then(Value::as_sequence).into_iter().flatten().map(key).collect();
    let mut parameters: Vec<Value> = shared.iter().filter(|p| !own.contains(&key(p))).cloned().collect();
    parameters.extend(operation.get("parameters").and_then(Value::as_sequence).into_iter().flatten().cloned());
    if let Value::Mapping(map) = &mut operation {
        map.insert("parameters".into(), Value::Sequence(parameters));
    }
    operation
}

/// Every `#/components/...` entry `paths` references, transitively; kinds and names sorted. Security schemes are
/// left out: authentication is the SDK's own, and progenitor ignores them.
fn referenced_components(merged: &Value, paths: &Value) -> Result<Value, String> {
    let mut wanted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut queue = Vec::new();
    collect_refs(paths, &mut queue);
    while let Some(reference) = queue.pop() {
        let Some(rest) = reference.strip_prefix("#/components/") else {
            return Err(format!("unsupported $ref {reference:?} (only #/components/... is)"));
        };
        let Some((kind, name)) = rest.split_once('/') else { return Err(format!("malformed $ref {reference:?}")) };
        if !wanted.entry(kind.to_owned()).or_default().insert(name.to_owned()) {
            continue;
        }
        let target = merged
            .get("components")
            .and_then(|c| c.get(kind))
            .and_then(|k| k.get(name))
            .ok_or_else(|| format!("$ref {reference:?} points at nothing in the sources"))?;
        collect_refs(target, &mut queue);
    }
    let mut components = Mapping::new();
    for (kind, names) in wanted {
        let mut named = Mapping::new();
        for name in names {
            if let Some(value) =
                merged.get("components").and_then(|c| c.get(kind.as_str())).and_then(|k| k.get(name.as_str()))
            {
                named.insert(name.into(), value.clone());
            }
        }
        components.insert(kind.into(), Value::Mapping(named));
    }
    Ok(Value::Mapping(components))
}

/// Pushes every `$ref` string under `value`.
fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Mapping(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    (Some("$ref"), Value::String(reference)) => out.push(reference.clone()),
                    _ => collect_refs(inner, out),
                }
            }
        }
        Value::Sequence(items) => items.iter().for_each(|item| collect_refs(item, out)),
        Value::Tagged(tagged) => collect_refs(&tagged.value, out),
        _ => {}
    }
}
