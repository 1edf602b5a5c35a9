//! `cargo xtask regen`: vendor the spec from Stytch's published OpenAPI (files, URLs, or documentation pages),
//! normalize it by named rules, print an operation-level diff and the watched upstream operations that are not
//! vendored, validate the result as `check-spec` does (the library's own generation included), and only then write
//! it and record the sources in a lock file. `--check` reproduces the vendored spec from the recorded sources and
//! fails on any difference.
//!
//! Exit codes: 0 unchanged (or up to date, with `--check`), 3 changed (files rewritten), 1 failure or refusal
//! (nothing written), 2 usage.

pub mod consumer;
pub mod diff;
pub mod emit;
pub mod extract;
pub mod lock;
pub mod manifest;
pub mod relied_on;
pub mod rules;
pub mod source;
pub mod watch;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_norway::Value;

use lock::{Lock, Locked};
use manifest::Manifest;
use source::Source;

/// What `regen` was asked to do.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `--from` sources; empty: the lock's, else the manifest's.
    pub from: Vec<String>,
    /// `--check`: write nothing, fail unless the vendored spec is what the recorded sources produce.
    pub check: bool,
    /// The repository root.
    pub root: PathBuf,
}

/// How a successful run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Nothing changed (with `--check`: everything is up to date).
    Unchanged,
    /// The vendored spec or the lock was rewritten.
    Changed,
}

/// The vendored document regen produces from `sources`, and what was done to get it.
#[derive(Debug)]
pub struct Generated {
    /// The vendored file's text.
    pub text: String,
    /// The document.
    pub document: Value,
    /// One report block per rule.
    pub reports: Vec<String>,
    /// Notes from merging several sources.
    pub notes: Vec<String>,
    /// The watched upstream operations the manifest does not vendor ([`watch::unvendored`]).
    pub unvendored: Vec<String>,
}

/// Merges `sources` (the B2B documents), extracts the manifest's operations from them and from `consumer` (the
/// Consumer document, for the operations vendored from it), applies every rule, renders.
pub fn generate(sources: &[Source], consumer: Option<&Source>, manifest: &Manifest) -> Result<Generated, String> {
    let (merged, notes) = extract::merge(sources);
    let mut unvendored = watch::unvendored(&merged, manifest);
    if let Some(consumer) = consumer {
        unvendored.extend(watch::unvendored(&consumer.document, manifest));
        unvendored.sort();
        unvendored.dedup();
    }
    let mut document = extract::extract(&merged, consumer.map(|c| &c.document), manifest)?;
    let reports = rules::apply_all(&mut document, manifest).iter().flat_map(rules::Outcome::report).collect();
    let text = emit::render(&document)?;
    Ok(Generated { text, document, reports, notes, unvendored })
}

/// Runs regen, printing to `out`.
pub fn run(options: &Options, out: &mut dyn Write) -> Result<Status, String> {
    let root = options.root.as_path();
    let manifest = Manifest::read(root)?;
    let lock = Lock::read(root)?;
    let origins = choose_sources(options, &manifest, lock.as_ref())?;
    let mut sources = Vec::new();
    for origin in &origins {
        let recorded = lock.as_ref().and_then(|l| l.sources.iter().find(|s| &s.source == origin));
        let pinned = recorded.filter(|_| options.check).map(|r| r.sha256.as_str());
        let source = source::load_pinned(origin, root, pinned)?;
        if let Some(recorded) = recorded.filter(|_| options.check)
            && recorded.sha256 != source.sha256
        {
            return Err(format!(
                "{origin} changed since openapi/sources.lock was written (sha256 {} now, {} recorded): \
                 run `cargo xtask regen` and review the diff",
                source.sha256, recorded.sha256
            ));
        }
        sources.push(source);
    }

    // The Consumer document: the operations vendored from it (the output depends on it, so `--check` pins it as it
    // pins the B2B sources), and the handwritten consumer models' reference.
    let consumer = match &manifest.consumer {
        Some(check) => {
            let recorded = lock.as_ref().and_then(|l| l.consumer.as_ref()).filter(|c| c.source == check.source);
            let pinned = recorded.filter(|_| options.check).map(|r| r.sha256.as_str());
            let source = source::load_pinned(&check.source, root, pinned)?;
            if let Some(recorded) = recorded.filter(|_| options.check && !manifest.consumer_operations().is_empty())
                && recorded.sha256 != source.sha256
            {
                return Err(format!(
                    "{} changed since openapi/sources.lock was written (sha256 {} now, {} recorded): run `cargo \
                     xtask regen` and review the diff",
                    check.source, source.sha256, recorded.sha256
                ));
            }
            Some(source)
        }
        None => None,
    };
    let generated = generate(&sources, consumer.as_ref(), &manifest)?;
    let say = |out: &mut dyn Write, line: &str| writeln!(out, "{line}").map_err(|e| e.to_string());
    for line in generated.notes.iter().chain(&generated.reports) {
        say(out, line)?;
    }

    let output_path = root.join("openapi").join(&manifest.output);
    let previous = match std::fs::read_to_string(&output_path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot read {}: {e}", output_path.display())),
    };
    let previous_document: Value = match &previous {
        Some(text) => serde_norway::from_str(text).map_err(|e| format!("{}: {e}", output_path.display()))?,
        None => Value::Null,
    };
    let changes = diff::diff(&previous_document, &generated.document);
    let spec_changed = previous.as_deref() != Some(generated.text.as_str());
    say(out, &format!("diff against {}:", display(root, &output_path)))?;
    if changes.is_empty() {
        say(
            out,
            if spec_changed {
                "    (no API change; text such as descriptions or examples differs)"
            } else {
                "    (unchanged)"
            },
        )?;
    }
    for line in &changes {
        say(out, &format!("    {line}"))?;
    }
    if !manifest.watch.is_empty() {
        for line in watch::report(&generated.unvendored, lock.as_ref().map(|l| l.unvendored.as_slice())) {
            say(out, &line)?;
        }
    }

    let consumer_lock = match (&manifest.consumer, &consumer) {
        (Some(check), Some(document)) => {
            let lock = options.check.then_some(lock.as_ref()).flatten();
            let locked = check_consumer_models(check, document, &generated.document, root, lock, out)?;
            Some(locked)
        }
        _ => None,
    };

    // Validate before anything is written: a spec the build or the handwritten code cannot take is refused.
    if let Err(problems) = crate::check_spec::check(&generated.text, &manifest, root) {
        return Err(format!(
            "refused: the candidate {} fails {} check(s); nothing was written:\n    {}",
            display(root, &output_path),
            problems.len(),
            problems.join("\n    ")
        ));
    }
    say(out, "checked: generates, every rule's invariant holds, nothing the handwritten code uses changed")?;

    let new_lock = Lock {
        sources: sources.iter().map(|s| Locked { source: s.origin.clone(), sha256: s.sha256.clone() }).collect(),
        consumer: consumer_lock,
        output_sha256: source::sha256_hex(generated.text.as_bytes()),
        unvendored: generated.unvendored.clone(),
    };
    if options.check {
        if spec_changed {
            return Err(format!(
                "{} is not what regen produces from the recorded sources: run `cargo xtask regen`",
                display(root, &output_path)
            ));
        }
        if lock.as_ref() != Some(&new_lock) {
            return Err(format!("{} is out of date: run `cargo xtask regen`", lock::PATH));
        }
        say(out, "up to date")?;
        return Ok(Status::Unchanged);
    }

    let lock_changed = lock.as_ref() != Some(&new_lock);
    if spec_changed {
        std::fs::write(&output_path, &generated.text)
            .map_err(|e| format!("cannot write {}: {e}", output_path.display()))?;
        say(out, &format!("wrote {}", display(root, &output_path)))?;
    }
    if lock_changed {
        let path = root.join(lock::PATH);
        std::fs::write(&path, new_lock.render()?).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        say(out, &format!("wrote {}", lock::PATH))?;
    }
    Ok(if spec_changed || lock_changed { Status::Changed } else { Status::Unchanged })
}

fn choose_sources(options: &Options, manifest: &Manifest, lock: Option<&Lock>) -> Result<Vec<String>, String> {
    if !options.from.is_empty() {
        return Ok(options.from.clone());
    }
    if let Some(lock) = lock.filter(|l| !l.sources.is_empty()) {
        return Ok(lock.sources.iter().map(|s| s.source.clone()).collect());
    }
    if !manifest.sources.is_empty() {
        return Ok(manifest.sources.clone());
    }
    Err("no sources: pass --from PATH_OR_URL (or list defaults under `sources:` in openapi/manifest.yaml)".into())
}

/// Compares the handwritten consumer models with the Consumer spec; drift fails the run.
/// Types the SDK takes from the candidate B2B spec for consumer calls too (`generated:`) are compared with that
/// candidate, not with the snapshot, which shows the types generated from the committed spec.
fn check_consumer_models(
    check: &manifest::ConsumerCheck,
    document: &Source,
    candidate: &Value,
    root: &Path,
    lock: Option<&Lock>,
    out: &mut dyn Write,
) -> Result<Locked, String> {
    let sha256 = document.sha256.clone();
    if let Some(recorded) = lock.and_then(|l| l.consumer.as_ref()).filter(|c| c.source == check.source)
        && recorded.sha256 != sha256
    {
        writeln!(out, "note: {} changed since the lock was written", check.source).map_err(|e| e.to_string())?;
    }
    let spec: serde_json::Value =
        serde_json::to_value(&document.document).map_err(|e| format!("{}: {e}", check.source))?;
    let snapshot = consumer::read_snapshot(root)?;
    let mut models = check.models.clone();
    models.extend(check.generated.clone());
    let drift = consumer::drift(&spec, &models, &check.opaque, |name| match check.generated.get(name) {
        Some(schema) => consumer::openapi_as_model(candidate, schema),
        None => snapshot.get(name).cloned(),
    });
    if !drift.is_empty() {
        return Err(format!(
            "the handwritten consumer models (src/ext/models.rs, as {} records them) drifted from {}:\n    {}",
            consumer::SNAPSHOT,
            check.source,
            drift.join("\n    ")
        ));
    }
    let agree = check.models.len() + check.generated.len();
    writeln!(out, "consumer models: {agree} agree with {}", check.source).map_err(|e| e.to_string())?;
    Ok(Locked { source: check.source.clone(), sha256 })
}

fn display(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}
