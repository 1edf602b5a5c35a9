//! Loading sources: a local path or an http(s) URL, holding either a full OpenAPI 3.0 document or a Stytch
//! documentation page with an embedded ```yaml OpenAPI block.

use std::path::Path;
use std::time::Duration;

use serde_norway::Value;
use sha2::{Digest, Sha256};

/// One loaded source.
#[derive(Clone, Debug)]
pub struct Source {
    /// The path or URL as given.
    pub origin: String,
    /// sha256 of the raw bytes, lowercase hex.
    pub sha256: String,
    /// The OpenAPI document it holds.
    pub document: Value,
}

/// Reads `origin` (a URL, or a path relative to `root`) and finds the OpenAPI document in it.
pub fn load(origin: &str, root: &Path) -> Result<Source, String> {
    load_pinned(origin, root, None)
}

/// Like [`load`]; a URL whose content is `pinned` (a sha256 from the lock) and was fetched before is read from
/// the cache under `target/`, so `regen --check` reproduces URL sources offline. Every fetched URL is cached.
pub fn load_pinned(origin: &str, root: &Path, pinned: Option<&str>) -> Result<Source, String> {
    let bytes = if is_url(origin) {
        let cached = pinned
            .and_then(|sha| std::fs::read(cache_dir(root).join(sha)).ok())
            .filter(|bytes| Some(sha256_hex(bytes).as_str()) == pinned);
        match cached {
            Some(bytes) => bytes,
            None => {
                let bytes = fetch(origin)?;
                // A cache that cannot be written only costs a later fetch.
                let _ = std::fs::create_dir_all(cache_dir(root))
                    .and_then(|()| std::fs::write(cache_dir(root).join(sha256_hex(&bytes)), &bytes));
                bytes
            }
        }
    } else {
        read(origin, root)?
    };
    let text = String::from_utf8(bytes.clone()).map_err(|_| format!("{origin}: not UTF-8 text"))?;
    Ok(Source { origin: origin.to_owned(), sha256: sha256_hex(&bytes), document: parse(&text, origin)? })
}

/// Where fetched URL sources are kept, by sha256.
pub fn cache_dir(root: &Path) -> std::path::PathBuf {
    root.join("target/xtask-regen-cache")
}

fn is_url(origin: &str) -> bool {
    origin.starts_with("http://") || origin.starts_with("https://")
}

/// The raw bytes of `origin`.
pub fn read(origin: &str, root: &Path) -> Result<Vec<u8>, String> {
    if is_url(origin) {
        fetch(origin)
    } else {
        let path = root.join(origin);
        std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    }
}

fn fetch(url: &str) -> Result<Vec<u8>, String> {
    let fail = |e: reqwest::Error| format!("cannot fetch {url}: {e}");
    let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build().map_err(fail)?;
    let response = client.get(url).send().map_err(fail)?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("cannot fetch {url}: HTTP {status}"));
    }
    response.bytes().map(|b| b.to_vec()).map_err(fail)
}

/// lowercase hex sha256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The OpenAPI document in `text`: the text itself, or the first fenced ```yaml block that is one.
pub fn parse(text: &str, origin: &str) -> Result<Value, String> {
    if let Ok(document) = serde_norway::from_str::<Value>(text)
        && document.get("openapi").is_some()
    {
        return checked(document, origin);
    }
    for block in fenced_yaml_blocks(text) {
        if let Ok(document) = serde_norway::from_str::<Value>(&block)
            && document.get("openapi").is_some()
        {
            return checked(document, origin);
        }
    }
    Err(format!("{origin}: neither an OpenAPI document nor a page with an embedded ```yaml OpenAPI block"))
}

fn checked(document: Value, origin: &str) -> Result<Value, String> {
    let version = match document.get("openapi") {
        Some(Value::String(v)) => v.clone(),
        Some(other) => serde_norway::to_string(other).unwrap_or_default().trim().to_owned(),
        None => String::new(),
    };
    if !version.starts_with("3.0.") {
        return Err(format!("{origin}: OpenAPI {version}; progenitor reads 3.0.x only"));
    }
    if !matches!(document.get("paths"), Some(Value::Mapping(_))) {
        return Err(format!("{origin}: the OpenAPI document has no paths"));
    }
    Ok(document)
}

/// The bodies of fenced code blocks whose info string starts with `yaml` (``` or ```` fences, or longer).
fn fenced_yaml_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let fence_len = trimmed.chars().take_while(|&c| c == '`').count();
        if fence_len < 3 || !trimmed[fence_len..].trim_start().starts_with("yaml") {
            continue;
        }
        let fence = &trimmed[..fence_len];
        let mut body = String::new();
        for inner in lines.by_ref() {
            if inner.trim() == fence {
                break;
            }
            body.push_str(inner);
            body.push('\n');
        }
        blocks.push(body);
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_yaml_block_of_a_page() {
        let page = "# Title\n\nprose\n\n````yaml GET /x\nopenapi: 3.0.3\npaths: {}\n````\n\nmore prose\n";
        let document = parse(page, "page").unwrap();
        assert_eq!(document.get("openapi").and_then(Value::as_str), Some("3.0.3"));
    }

    #[test]
    fn rejects_31_and_pages_without_yaml() {
        let err = parse("openapi: 3.1.0\npaths: {}\n", "new.yml").unwrap_err();
        assert_eq!(err, "new.yml: OpenAPI 3.1.0; progenitor reads 3.0.x only");
        let err = parse("# A page\n\n```json\n{}\n```\n", "page.txt").unwrap_err();
        assert!(err.contains("neither an OpenAPI document nor a page"), "{err}");
        let err = parse("```yaml\nnot: openapi\n```\n", "page.txt").unwrap_err();
        assert!(err.contains("neither"), "{err}");
    }

    #[test]
    fn hashes_the_raw_bytes() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
