//! The one place the vendored spec becomes Rust: `build.rs` writes what [`generate`] returns to `OUT_DIR`, and
//! `cargo xtask regen` runs a candidate spec through the same function before it writes the spec, so build.rs
//! generates code from every spec regen writes. Both include this file as a module (`#[path]`): xtask must not
//! depend on the library crate, whose build would fail on the very spec being checked.

/// The `inner` state of the generated `Client`: `src/ext/transport.rs` implements progenitor's hooks for it.
pub const INNER_TYPE: &str = "crate::ext::transport::ClientState";

/// What the generated code looks like beyond the spec.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// The models derive `schemars::JsonSchema` (the library's `schemars` feature).
    pub schemars: bool,
}

/// The generated client and models for the OpenAPI 3.0 document `spec_text`, formatted; or one readable sentence
/// saying why progenitor cannot generate them.
///
/// progenitor 0.15 panics on some valid specs (an operation mixing response types, a `default` response): the
/// panic is caught and returned as an error. Callers that want a quiet stderr install their own panic hook.
pub fn generate(spec_text: &str, options: Options) -> Result<String, String> {
    let mut document: serde_norway::Value =
        serde_norway::from_str(spec_text).map_err(|e| format!("not a valid OpenAPI 3.0 document: {e}"))?;
    drop_constraint_only_alternatives(&mut document);
    let spec: openapiv3::OpenAPI =
        serde_norway::from_value(document).map_err(|e| format!("not a valid OpenAPI 3.0 document: {e}"))?;
    let inner_type: proc_macro2::TokenStream =
        INNER_TYPE.parse().map_err(|e| format!("{INNER_TYPE} is not a Rust path: {e}"))?;
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_derive("PartialEq")
        // Per-client state (timeouts, ...) for the hooks; `Expected` makes forgetting `ClientHooks` a compile error.
        .with_inner_type(inner_type)
        .with_hooks(progenitor::HooksMode::Expected);
    if options.schemars {
        settings.with_derive("schemars::JsonSchema");
    }
    let mut generator = progenitor::Generator::new(&settings);
    let generated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| generator.generate_tokens(&spec)));
    let tokens = generated
        .map_err(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            format!(
                "progenitor panicked ({message}); an operation probably mixes response types (a content-less \
                 error beside typed ones, two error schemas, 200 beside 204, or a `default`): see openapi/README.md"
            )
        })?
        .map_err(|e| format!("progenitor rejected the spec: {e}"))?;
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("the generated code does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// Removes every `oneOf`/`anyOf` whose alternatives only list `required` fields (regen's `one-session-argument`
/// rule writes one: exactly one of `session_token` and `session_jwt`). Such a list constrains which declared fields
/// are present and adds no type, but progenitor would turn the struct into an enum with one variant per
/// alternative. The constraint stays in the spec, for validators and fuzzers; the generated type is the plain struct.
fn drop_constraint_only_alternatives(value: &mut serde_norway::Value) {
    use serde_norway::Value;
    let constraint_only = |alternatives: &Value| {
        alternatives.as_sequence().is_some_and(|list| {
            !list.is_empty()
                && list.iter().all(|alternative| {
                    alternative.as_mapping().is_some_and(|m| m.len() == 1 && m.contains_key("required"))
                })
        })
    };
    match value {
        Value::Mapping(mapping) => {
            for key in ["oneOf", "anyOf"] {
                if mapping.get(key).is_some_and(constraint_only) {
                    mapping.shift_remove(key);
                }
            }
            for (_, inner) in mapping.iter_mut() {
                drop_constraint_only_alternatives(inner);
            }
        }
        Value::Sequence(list) => list.iter_mut().for_each(drop_constraint_only_alternatives),
        _ => {}
    }
}
