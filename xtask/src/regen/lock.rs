//! `openapi/sources.lock`: the sources a vendored spec was made from, so `regen --check` can reproduce it.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The lock file's path, relative to the repository root.
pub const PATH: &str = "openapi/sources.lock";

const HEADER: &str = "# Written by `cargo xtask regen`: the sources of the vendored spec and their sha256.\n\
                      # `cargo xtask regen --check` reproduces the spec from them and fails on any difference.\n";

/// The recorded sources.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// The B2B sources, in the order they were merged.
    pub sources: Vec<Locked>,
    /// The Consumer spec the handwritten models were checked against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer: Option<Locked>,
    /// sha256 of the vendored file regen wrote.
    pub output_sha256: String,
    /// The watched upstream operations that are not vendored, as `operationId (METHOD path)`: seen, so the next
    /// regen reports only what is new.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unvendored: Vec<String>,
}

/// One source: a path (relative to the repository root) or URL, and the sha256 of its bytes.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Locked {
    /// Path or URL, as given.
    pub source: String,
    /// sha256 of the bytes read, lowercase hex.
    pub sha256: String,
}

impl Lock {
    /// Reads the lock under `root`; `None` when there is none yet.
    pub fn read(root: &Path) -> Result<Option<Self>, String> {
        let path = root.join(PATH);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_norway::from_str(&text).map(Some).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// The lock file's text.
    pub fn render(&self) -> Result<String, String> {
        serde_norway::to_string(self).map(|body| format!("{HEADER}{body}")).map_err(|e| e.to_string())
    }
}
