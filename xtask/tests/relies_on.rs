//! The manifest's `relies_on:` list is complete: the crate (library with every feature, examples, benches, doc
//! tests) still builds from the vendored spec stripped to the fields and parameters listed there. A field the
//! handwritten code uses that the list forgets fails this test with rustc's error.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_norway::Value;
use xtask::regen::manifest::Manifest;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// The vendored spec with every schema property and every non-path parameter the manifest does not list removed.
fn stripped_spec(manifest: &Manifest) -> String {
    let text = std::fs::read_to_string(workspace().join("openapi/stytch-b2b-connected-apps.yaml")).unwrap();
    let mut spec: Value = serde_norway::from_str(&text).unwrap();
    let listed: Vec<&str> = manifest.relies_on.iter().flat_map(|r| r.uses.keys()).map(String::as_str).collect();
    for (name, schema) in spec["components"]["schemas"].as_mapping_mut().unwrap() {
        let name = name.as_str().unwrap().to_owned();
        if name == "StytchErrorEnvelope" {
            continue; // The SDK's own schema, not upstream's.
        }
        let keep = |field: &str| listed.contains(&format!("{name}.{field}").as_str());
        if let Some(Value::Mapping(properties)) = schema.get_mut("properties") {
            properties.retain(|field, _| keep(field.as_str().unwrap()));
        }
        if let Some(Value::Sequence(required)) = schema.get_mut("required") {
            required.retain(|field| keep(field.as_str().unwrap()));
        }
    }
    for (_, item) in spec["paths"].as_mapping_mut().unwrap() {
        for (_, operation) in item.as_mapping_mut().unwrap() {
            let id = operation["operationId"].as_str().unwrap().to_owned();
            if let Some(Value::Sequence(parameters)) = operation.get_mut("parameters") {
                parameters.retain(|p| {
                    p["in"] == "path" || listed.contains(&format!("{id}({})", p["name"].as_str().unwrap()).as_str())
                });
            }
        }
    }
    serde_norway::to_string(&spec).unwrap()
}

/// Runs cargo in `dir` with the workspace's target directory (its compiled dependencies are reused).
fn cargo(dir: &Path, args: &[&str]) {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace().join("target"), PathBuf::from);
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    assert!(
        output.status.success(),
        "`cargo {}` fails on a spec stripped to `relies_on:`: add what the code uses to openapi/manifest.yaml\n{}\n\n{stderr}",
        args.join(" "),
        errors.join("\n")
    );
}

#[test]
fn the_crate_builds_from_a_spec_stripped_to_the_relied_on_fields() {
    let root = workspace();
    let manifest = Manifest::read(&root).unwrap();
    assert!(!manifest.relies_on.is_empty(), "the manifest lists what the handwritten code uses");
    let copy = std::env::temp_dir().join(format!("xtask-relies-on-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    std::fs::create_dir_all(copy.join("openapi")).unwrap();
    for file in ["build.rs", "Cargo.lock", "README.md", "rustfmt.toml", "openapi/codegen.rs"] {
        std::fs::copy(root.join(file), copy.join(file)).unwrap();
    }
    // `tests/fixtures`: the `mock` feature's examples are built from them.
    for dir in ["src", "examples", "benches", "tests/fixtures"] {
        copy_dir(&root.join(dir), &copy.join(dir));
    }
    std::fs::write(copy.join("openapi/stytch-b2b-connected-apps.yaml"), stripped_spec(&manifest)).unwrap();
    let cargo_toml = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    // A package name of its own: cargo hashes a path package's artifacts by name, version and path relative to
    // its workspace root, so the copy would otherwise share (and overwrite) the real crate's generated code in the
    // shared target directory. The library keeps its crate name, so the examples and doc tests compile unchanged.
    let standalone = cargo_toml
        .replacen("members = [\".\", \"xtask\"]\n", "", 1)
        .replacen("[package]\nname = \"stytch-connected-apps\"\n", "[package]\nname = \"relies-on-check\"\n", 1)
        .replacen(
            "stytch-connected-apps = { path = \".\",",
            "stytch-connected-apps = { package = \"relies-on-check\", path = \".\",",
            1,
        )
        + "\n[lib]\nname = \"stytch_connected_apps\"\n";
    // (The binary keeps its name `stytch-connected-apps`: only the package's name must have moved.)
    for moved in ["members = [", "[package]\nname = \"stytch-connected-apps\"", "{ path = \".\","] {
        assert!(!standalone.contains(moved), "the root Cargo.toml changed shape ({moved}); update this test");
    }
    std::fs::write(copy.join("Cargo.toml"), standalone).unwrap();

    // The features `cargo test --workspace` builds the library with (its defaults, and those the dev-dependency on
    // itself turns on): every crate they need is one that command has already downloaded, so `--offline` holds on
    // a machine whose cargo cache holds nothing else. (`--all-features` would also need the crates of
    // `rustls-ring` and `native-tls`, which that command never downloads: on a fresh machine the check failed with
    // "failed to download". Those features add TLS code, not uses of the models; clippy builds them in CI against
    // the full spec.)
    let features = tested_features(&cargo_toml).join(",");
    cargo(&copy, &["check", "--offline", "--quiet", "--lib", "--examples", "--benches", "--features", &features]);
    cargo(&copy, &["test", "--offline", "--quiet", "--doc", "--features", "emulator"]);
    let _ = std::fs::remove_dir_all(&copy);
}

/// The features of the dev-dependency on the crate itself (`stytch-connected-apps = { path = ".", ... features =
/// [...] }`), which `cargo test --workspace` builds the library with.
fn tested_features(cargo_toml: &str) -> Vec<String> {
    let line = cargo_toml
        .lines()
        .find(|line| line.starts_with("stytch-connected-apps = { path = \".\","))
        .expect("Cargo.toml has the dev-dependency on the crate itself; update this test if it moved");
    let list = line.split_once("features = [").and_then(|(_, rest)| rest.split_once(']')).map(|(list, _)| list);
    let features: Vec<String> = list
        .expect("that dev-dependency lists its features")
        .split(',')
        .map(|f| f.trim().trim_matches('"').to_owned())
        .collect();
    assert!(features.iter().all(|f| !f.is_empty()), "a feature list this test can read: {line}");
    features
}

/// Copies a directory tree, leaving out build output (`target/`) and separate crates (`benches/official`).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == "official" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
