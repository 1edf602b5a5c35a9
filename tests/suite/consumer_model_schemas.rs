//! `openapi/consumer-models.json` is the JSON Schema of every handwritten consumer model, as its `schemars` derive
//! declares it. `cargo xtask regen` compares that file with Stytch's Consumer spec: xtask does not depend on this
//! crate (a spec that breaks the crate's build must not break the tool that repairs it), so the models' shape
//! reaches it through this file, and this test keeps the file true.
//!
//! After changing a consumer model: `UPDATE_CONSUMER_MODELS=1 cargo test --test suite consumer_model_schemas`.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use stytch_connected_apps::models::{
    RevokeUserConnectedAppResponse, UserConnectedApp, UserConnectedAppsResponse, UserJwksResponse,
    UserSessionAuthenticateResponse, UserSessionDetails,
};

const SNAPSHOT: &str = "openapi/consumer-models.json";

/// The JSON Schema of a model named in `openapi/manifest.yaml` (`consumer.models`), by its Rust name.
fn model_schema(rust_name: &str) -> Option<Value> {
    let schema = match rust_name {
        "UserConnectedAppsResponse" => schemars::schema_for!(UserConnectedAppsResponse),
        "UserConnectedApp" => schemars::schema_for!(UserConnectedApp),
        "RevokeUserConnectedAppResponse" => schemars::schema_for!(RevokeUserConnectedAppResponse),
        "UserSessionAuthenticateResponse" => schemars::schema_for!(UserSessionAuthenticateResponse),
        "UserSessionDetails" => schemars::schema_for!(UserSessionDetails),
        "UserJwksResponse" => schemars::schema_for!(UserJwksResponse),
        _ => return None,
    };
    Some(serde_json::to_value(schema).expect("a schemars schema is JSON"))
}

fn manifest_models() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/manifest.yaml");
    let manifest: Value = serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let models = manifest["consumer"]["models"].as_object().expect("manifest: consumer.models is a mapping");
    models.keys().cloned().collect()
}

#[test]
fn the_snapshot_is_what_the_models_declare() {
    let mut expected = BTreeMap::new();
    for name in manifest_models() {
        let schema = model_schema(&name)
            .unwrap_or_else(|| panic!("openapi/manifest.yaml names {name}: add it to model_schema() in this file"));
        expected.insert(name, schema);
    }
    let text = serde_json::to_string_pretty(&expected).unwrap() + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SNAPSHOT);
    if std::env::var_os("UPDATE_CONSUMER_MODELS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "{SNAPSHOT} is stale: run `UPDATE_CONSUMER_MODELS=1 cargo test --test suite consumer_model_schemas`, then \
         `cargo xtask regen --check` (it compares the file with the Consumer spec)"
    );
}
