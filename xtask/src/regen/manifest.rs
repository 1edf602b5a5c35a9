//! `openapi/manifest.yaml`: what regen vendors.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

/// The manifest's path, relative to the repository root.
pub const PATH: &str = "openapi/manifest.yaml";

/// What regen vendors.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The vendored file, relative to `openapi/`.
    pub output: String,
    /// `info.title` of the vendored file.
    pub title: String,
    /// Default sources, relative to the repository root or http(s) URLs.
    #[serde(default)]
    pub sources: Vec<String>,
    /// The operations to vendor, by operationId.
    pub operations: Vec<String>,
    /// `Schema.property` entries kept as raw JSON objects (rule `opaque-subobjects`).
    #[serde(default)]
    pub opaque: Vec<String>,
    /// The consumer-model drift check.
    pub consumer: Option<ConsumerCheck>,
    /// The upstream paths the SDK tracks: regen lists every operation under them that is not vendored.
    #[serde(default)]
    pub watch: Vec<Watch>,
    /// What the handwritten code uses from the generated client, by code location.
    #[serde(default)]
    pub relies_on: Vec<Reliance>,
}

/// One watched part of the upstream document: a path prefix, or a path segment anywhere.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Watch {
    /// Paths equal to this, or below it (`/v1/b2b/sessions` watches `/v1/b2b/sessions/jwks/{project_id}`).
    pub prefix: Option<String>,
    /// Paths with this segment anywhere (`connected_apps`).
    pub segment: Option<String>,
}

impl Watch {
    /// Whether `path` is watched.
    pub fn matches(&self, path: &str) -> bool {
        let under_prefix = self.prefix.as_deref().is_some_and(|prefix| {
            path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        });
        let has_segment = self.segment.as_deref().is_some_and(|segment| path.split('/').any(|s| s == segment));
        under_prefix || has_segment
    }
}

/// Handwritten code and what it uses: `Schema` (the type exists), `Schema.field` or `operationId(parameter)`,
/// each with its expected shape (see `relied_on.rs`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Reliance {
    /// The code, as a path and a few words (`src/ext/models.rs (ResponseMeta)`).
    pub code: String,
    /// What it uses -> the shape it expects.
    pub uses: BTreeMap<String, String>,
}

/// The Consumer OpenAPI document: the operations vendored from it, and the handwritten consumer models it is the
/// reference for.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConsumerCheck {
    /// The Consumer OpenAPI document.
    pub source: String,
    /// The operations vendored from it (by operationId), into the same vendored file as the B2B ones.
    #[serde(default)]
    pub operations: Vec<String>,
    /// Rust model name -> Consumer spec schema name.
    pub models: BTreeMap<String, String>,
    /// `Model.field` entries the models keep as raw JSON: only their presence and requiredness are compared.
    #[serde(default)]
    pub opaque: Vec<String>,
    /// Types generated from the vendored B2B spec that the consumer calls use too: Rust name -> the schema name
    /// both specs share; the Consumer spec's schema is compared with the candidate vendored one (not a snapshot).
    #[serde(default)]
    pub generated: BTreeMap<String, String>,
}

impl Manifest {
    /// Every vendored operation: the B2B document's, then the Consumer document's.
    pub fn vendored(&self) -> impl Iterator<Item = &String> {
        self.operations.iter().chain(self.consumer.iter().flat_map(|consumer| &consumer.operations))
    }

    /// The operations vendored from the Consumer document.
    pub fn consumer_operations(&self) -> &[String] {
        self.consumer.as_ref().map_or(&[], |consumer| consumer.operations.as_slice())
    }

    /// Reads the manifest under `root`.
    pub fn read(root: &Path) -> Result<Self, String> {
        let path = root.join(PATH);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses manifest text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let manifest: Self = serde_norway::from_str(text).map_err(|e| e.to_string())?;
        if manifest.operations.is_empty() {
            return Err("names no operations".into());
        }
        let mut seen = std::collections::BTreeSet::new();
        if let Some(twice) = manifest.vendored().find(|id| !seen.insert(id.as_str())) {
            return Err(format!("operation {twice} is listed twice"));
        }
        if let Some(watch) = manifest.watch.iter().find(|w| w.prefix.is_some() == w.segment.is_some()) {
            return Err(format!("a `watch:` entry needs exactly one of `prefix` and `segment`: {watch:?}"));
        }
        Ok(manifest)
    }
}
