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
}

/// The handwritten consumer models and the Consumer spec they mirror.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConsumerCheck {
    /// The Consumer OpenAPI document.
    pub source: String,
    /// Rust model name -> Consumer spec schema name.
    pub models: BTreeMap<String, String>,
    /// `Model.field` entries the models keep as raw JSON: only their presence and requiredness are compared.
    #[serde(default)]
    pub opaque: Vec<String>,
}

impl Manifest {
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
        Ok(manifest)
    }
}
