//! The one place the vendored spec becomes Rust: `build.rs` writes what [`generate`] returns to `OUT_DIR`, and
//! `cargo xtask regen` runs a candidate spec through the same function before it writes the spec, so build.rs
//! generates code from every spec regen writes. Both include this file as a module (`#[path]`): xtask must not
//! depend on the library crate, whose build would fail on the very spec being checked.

/// The `inner` state of the generated `Client`: `src/ext/transport/request.rs` implements progenitor's hooks for it.
pub const INNER_TYPE: &str = "crate::ext::transport::ClientState";

/// The type every credential-shaped model field gets (`src/ext/hygiene/credential.rs`): it never prints.
pub const CREDENTIAL_TYPE: &str = "crate::Credential";

/// The type of the client secrets Stytch returns once (`src/ext/hygiene/client_secret.rs`): it never prints, and
/// serde writes it only inside `ExposeSecrets`. Not [`CREDENTIAL_TYPE`], which must serialize by itself: the
/// credentials a caller sends (a session token in a request body) travel through the generated client's serde.
pub const CLIENT_SECRET_TYPE: &str = "crate::ClientSecret";

/// Whether a (credential-shaped) field gets [`CLIENT_SECRET_TYPE`]: a client secret the API returns and the caller
/// never sends back through it (`client_secret`, `next_client_secret`, and by the same suffix one Stytch adds
/// tomorrow, such as a `previous_client_secret`).
fn is_client_secret(name: &str) -> bool {
    name.ends_with("client_secret")
}

use proc_macro2::TokenTree;
use quote::ToTokens as _;

/// The scrubber's list of credential-shaped keys, shared with the library (plain `std`).
#[path = "../src/ext/hygiene/credential_keys.rs"]
#[allow(dead_code)]
mod credential_keys;

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
    let spec = parse(spec_text)?;
    let mut generator = progenitor::Generator::new(&settings(options)?);
    let tokens = without_panic(|| generator.generate_tokens(&spec))?;
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| format!("the generated code does not parse: {e}"))?;
    credential_fields(&mut file)?;
    redact_operation_builders(&mut file)?;
    Ok(prettyplease::unparse(&file))
}

/// The operation builders (`builder::ApiOrganizationV1ConnectedApps`, ...) hold a member session given to
/// `.x_stytch_member_session(..)` as a plain `String`, and derive `Debug`: each with a credential-shaped field gets
/// a `Debug` of its own instead, which prints `<redacted>` for that field. (Their fields are private and feed the
/// request's headers, so their type stays; what a user can log is the builder.)
fn redact_operation_builders(file: &mut syn::File) -> Result<(), String> {
    let changed = |what: &str| format!("progenitor's output changed shape ({what}); see openapi/codegen.rs");
    let Some(builders) = module_items(&mut file.items, "builder") else {
        return Ok(()); // a spec without operations: no request builder to print anything
    };
    let mut added: Vec<syn::Item> = Vec::new();
    for item in builders.iter_mut() {
        let syn::Item::Struct(builder) = item else { continue };
        let syn::Fields::Named(fields) = &builder.fields else { continue };
        let names: Vec<syn::Ident> = fields.named.iter().filter_map(|field| field.ident.clone()).collect();
        if !names.iter().any(|name| credential_keys::is_credential_key(&name.to_string())) {
            continue;
        }
        if !without_derived_debug(&mut builder.attrs)? {
            return Err(changed(&format!("builder {} does not derive Debug", builder.ident)));
        }
        let ident = &builder.ident;
        let label = ident.to_string();
        let (impl_generics, type_generics, where_clause) = builder.generics.split_for_impl();
        let entries = names.iter().map(|name| {
            let label = name.to_string();
            if credential_keys::is_credential_key(&label) {
                quote::quote!(.field(#label, &::std::format_args!("<redacted>")))
            } else {
                quote::quote!(.field(#label, &self.#name))
            }
        });
        added.push(syn::parse_quote! {
            impl #impl_generics ::std::fmt::Debug for #ident #type_generics #where_clause {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct(#label) #(#entries)* .finish()
                }
            }
        });
    }
    builders.extend(added);
    Ok(())
}

/// Removes `Debug` from the `#[derive(..)]` lists in `attrs`; whether there was one.
fn without_derived_debug(attrs: &mut [syn::Attribute]) -> Result<bool, String> {
    use syn::punctuated::Punctuated;
    let mut removed = false;
    for attribute in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let derived = attribute
            .parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            .map_err(|e| format!("a derive list that does not parse: {e}"))?;
        let kept: Vec<&syn::Path> =
            derived.iter().filter(|path| path.segments.last().is_none_or(|s| s.ident != "Debug")).collect();
        if kept.len() < derived.len() {
            removed = true;
            *attribute = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    Ok(removed)
}

/// Gives every model field whose JSON name is credential-shaped (`credential_keys::is_credential_key`, the list
/// the scrubber cuts values by) the type [`CREDENTIAL_TYPE`] instead of `String` (also inside `Option` and
/// `Vec`), in the model and in its builder (the field, and its setter's `TryInto` bound), so that `{:?}` of a
/// model never prints a session token or a client secret, while serde reads and writes the same JSON.
///
/// Why a pass here rather than typify's own routes: a type replacement (`with_replacement`) and `x-rust-type`
/// both act on a *named schema*, and Stytch declares each credential as an inline `type: string` property. Using
/// them would mean rewriting the vendored spec (a `$ref` to a made-up schema per credential, by a regen rule)
/// and keeping that rewrite in step with every upstream change; keyed on the property's name, this pass covers a
/// credential Stytch adds tomorrow (`next_client_secret`) with nothing to update, by the same list as the
/// scrubber. A credential-shaped field of any other type is refused, so that none slips through as printable.
/// Fields whose name is no credential's but whose value carries one, by model: `authorize`'s `redirect_uri` holds
/// the authorization code as a query parameter (the browser must follow it, so the SDK cannot cut it out).
const CARRIES_A_CREDENTIAL: [(&str, &str); 2] = [
    ("ApiB2bIdpV1B2bIdpOauthAuthorizeResponse", "redirect_uri"),
    ("ApiIdpV1IdpOauthAuthorizeResponse", "redirect_uri"),
];

fn credential_fields(file: &mut syn::File) -> Result<(), String> {
    let changed = |what: &str| format!("progenitor's output changed shape ({what}); see openapi/codegen.rs");
    let credential: syn::Type =
        syn::parse_str(CREDENTIAL_TYPE).map_err(|e| format!("{CREDENTIAL_TYPE} is not a Rust type: {e}"))?;
    let client_secret: syn::Type =
        syn::parse_str(CLIENT_SECRET_TYPE).map_err(|e| format!("{CLIENT_SECRET_TYPE} is not a Rust type: {e}"))?;
    let never_prints = |name: &str| if is_client_secret(name) { &client_secret } else { &credential };
    let types = module_items(&mut file.items, "types").ok_or_else(|| changed("no `mod types`"))?;
    // (model, field) -> (the type it had, the type it has now)
    let mut retyped = std::collections::BTreeMap::new();
    for item in types.iter_mut() {
        if let syn::Item::Enum(choice) = item {
            // A variant with named fields (typify's type for a `oneOf` of objects) holds a model's fields too.
            for variant in choice.variants.iter_mut() {
                let syn::Fields::Named(fields) = &mut variant.fields else { continue };
                for field in fields.named.iter_mut() {
                    let name = json_name(field);
                    if credential_keys::is_credential_key(&name) {
                        field.ty = with_credential(&field.ty, never_prints(&name)).ok_or_else(|| {
                            format!(
                                "{}::{}.{name} is credential-shaped but its type `{}` is not a string (or an Option \
                                 or Vec of strings): give it a type that never prints in openapi/codegen.rs",
                                choice.ident,
                                variant.ident,
                                field.ty.to_token_stream()
                            )
                        })?;
                    }
                }
            }
            continue;
        }
        let syn::Item::Struct(model) = item else { continue };
        let syn::Fields::Named(fields) = &mut model.fields else { continue };
        let model_name = model.ident.to_string();
        for field in fields.named.iter_mut() {
            let name = json_name(field);
            let carries_one = CARRIES_A_CREDENTIAL.contains(&(model_name.as_str(), name.as_str()));
            if !credential_keys::is_credential_key(&name) && !carries_one {
                continue;
            }
            let old = field.ty.clone();
            field.ty = with_credential(&old, never_prints(&name)).ok_or_else(|| {
                format!(
                    "{}.{name} is credential-shaped but its type `{}` is not a string (or an Option or Vec of strings): \
                     give it a type that never prints in openapi/codegen.rs",
                    model.ident,
                    old.to_token_stream()
                )
            })?;
            let field_ident = field.ident.clone().ok_or_else(|| changed("a named field without a name"))?;
            retyped.insert((model.ident.to_string(), field_ident.to_string()), (old, field.ty.clone()));
        }
    }
    let Some(builders) = module_items(types, "builder") else {
        return Ok(()); // no struct builders generated: nothing more holds the field
    };
    let mut patched = std::collections::BTreeMap::new();
    for item in builders.iter_mut() {
        match item {
            // `field: Result<T, String>` becomes `Result<Credential, String>`.
            syn::Item::Struct(builder) => {
                let syn::Fields::Named(fields) = &mut builder.fields else { continue };
                for field in fields.named.iter_mut() {
                    let Some(ident) = &field.ident else { continue };
                    let key = (builder.ident.to_string(), ident.to_string());
                    let Some((old, new)) = retyped.get(&key) else { continue };
                    if !replace_type(&mut field.ty, old, new) {
                        return Err(changed(&format!(
                            "builder field {}.{} is not `Result<{}, _>`",
                            key.0,
                            key.1,
                            old.to_token_stream()
                        )));
                    }
                    *patched.entry(key).or_insert(0) += 1;
                }
            }
            // `fn field<T>(..) where T: TryInto<T>` becomes `TryInto<Credential>`.
            syn::Item::Impl(block) if block.trait_.is_none() => {
                let syn::Type::Path(self_type) = &*block.self_ty else { continue };
                let Some(builder) = self_type.path.get_ident().map(ToString::to_string) else { continue };
                for member in block.items.iter_mut() {
                    let syn::ImplItem::Fn(setter) = member else { continue };
                    let key = (builder.clone(), setter.sig.ident.to_string());
                    let Some((old, new)) = retyped.get(&key) else { continue };
                    let Some(clause) = &mut setter.sig.generics.where_clause else { continue };
                    let mut replaced = false;
                    for predicate in clause.predicates.iter_mut() {
                        let syn::WherePredicate::Type(bound) = predicate else { continue };
                        for bound in bound.bounds.iter_mut() {
                            let syn::TypeParamBound::Trait(bound) = bound else { continue };
                            let Some(last) = bound.path.segments.last_mut() else { continue };
                            if last.ident != "TryInto" {
                                continue;
                            }
                            let syn::PathArguments::AngleBracketed(arguments) = &mut last.arguments else { continue };
                            for argument in arguments.args.iter_mut() {
                                if let syn::GenericArgument::Type(ty) = argument
                                    && same_type(ty, old)
                                {
                                    *ty = new.clone();
                                    replaced = true;
                                }
                            }
                        }
                    }
                    if replaced {
                        *patched.entry(key).or_insert(0) += 1;
                    }
                }
            }
            _ => {}
        }
    }
    for (model, field) in retyped.keys() {
        let count = patched.get(&(model.clone(), field.clone())).copied().unwrap_or(0);
        if count != 2 {
            return Err(changed(&format!("the builder of {model} has {count} of 2 places typed for `{field}`")));
        }
    }
    Ok(())
}

/// The items of the inline module `name` among `items`.
fn module_items<'a>(items: &'a mut [syn::Item], name: &str) -> Option<&'a mut Vec<syn::Item>> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == name => module.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// A field's name in JSON: its `#[serde(rename = "...")]`, else its identifier (without `r#`).
fn json_name(field: &syn::Field) -> String {
    let mut renamed = None;
    for attribute in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attribute.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let name: syn::LitStr = meta.value()?.parse()?;
                renamed = Some(name.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?; // skip `other = value`
            }
            Ok(())
        });
    }
    renamed.unwrap_or_else(|| {
        field.ident.as_ref().map(|i| i.to_string().trim_start_matches("r#").to_owned()).unwrap_or_default()
    })
}

/// `ty` with its `String` replaced by `credential`, when `ty` is `String`, or `Option`/`Vec` of one (nested).
fn with_credential(ty: &syn::Type, credential: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let text = path.to_token_stream().to_string().replace(' ', "");
    if matches!(text.as_str(), "::std::string::String" | "std::string::String" | "String") {
        return Some(credential.clone());
    }
    let last = path.path.segments.last()?;
    if !(last.ident == "Option" || last.ident == "Vec") {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else { return None };
    let [syn::GenericArgument::Type(inner)] = arguments.args.iter().collect::<Vec<_>>()[..] else { return None };
    let inner = with_credential(inner, credential)?;
    let mut wrapped = path.clone();
    let last = wrapped.path.segments.last_mut()?;
    last.arguments = syn::PathArguments::AngleBracketed(syn::parse_quote!(<#inner>));
    Some(syn::Type::Path(wrapped))
}

/// In `Result<old, E>`, `old` becomes `new`; whether it did.
fn replace_type(ty: &mut syn::Type, old: &syn::Type, new: &syn::Type) -> bool {
    let syn::Type::Path(path) = ty else { return false };
    let Some(last) = path.path.segments.last_mut() else { return false };
    let syn::PathArguments::AngleBracketed(arguments) = &mut last.arguments else { return false };
    match arguments.args.first_mut() {
        Some(syn::GenericArgument::Type(inner)) if last.ident == "Result" && same_type(inner, old) => {
            *inner = new.clone();
            true
        }
        _ => false,
    }
}

fn same_type(a: &syn::Type, b: &syn::Type) -> bool {
    a.to_token_stream().to_string() == b.to_token_stream().to_string()
}

/// The library's `mock` module body for `spec_text` (feature `mock`): progenitor's typed `httpmock` extension
/// (`MockServerExt`, and a `When`/`Then` pair per operation in `operations`), with two changes made here:
///
/// - **Path parameters match what the client sends.** progenitor puts the caller's value into a regex as is:
///   `a.b` would also match `axb`, an external id `a|b` splits the pattern in two, `(` panics, and `a/b` never
///   matches because the client sends it percent-encoded. Each value goes through
///   `crate::ext::mock::path_segment` (percent-encoded as the client does, then regex-escaped).
/// - **Each `When` learns its operation's id and method**, through an impl of `crate::ext::mock::sealed::Operation`
///   placed in the module (where the wrapped `When` is reachable), which the handwritten `SdkRequest` matchers
///   build on (what the SDK sends for each operation is known by id on the handwritten side).
///
/// An error names what no longer has the expected shape when a progenitor upgrade changes its output.
pub fn generate_mock(spec_text: &str, options: Options) -> Result<String, String> {
    let spec = parse(spec_text)?;
    let mut generator = progenitor::Generator::new(&settings(options)?);
    let tokens = without_panic(|| generator.httpmock(&spec, "crate::generated"))?;
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("the generated mock code does not parse: {e}"))?;
    complete_mock(&mut file)?;
    Ok(prettyplease::unparse(&file))
}

fn parse(spec_text: &str) -> Result<openapiv3::OpenAPI, String> {
    let mut document: serde_norway::Value =
        serde_norway::from_str(spec_text).map_err(|e| format!("not a valid OpenAPI 3.0 document: {e}"))?;
    drop_constraint_only_alternatives(&mut document);
    serde_norway::from_value(document).map_err(|e| format!("not a valid OpenAPI 3.0 document: {e}"))
}

fn settings(options: Options) -> Result<progenitor::GenerationSettings, String> {
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
    Ok(settings)
}

/// Runs one progenitor generation, its panics turned into an error.
fn without_panic(
    generate: impl FnOnce() -> Result<proc_macro2::TokenStream, progenitor::Error>,
) -> Result<proc_macro2::TokenStream, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(generate))
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
        .map_err(|e| format!("progenitor rejected the spec: {e}"))
}

/// The two changes [`generate_mock`] makes to progenitor's httpmock output. Every path matcher must be patched:
/// each `When` has as many (`fn` calling `path_matches` with a `format!`ed value) as its `new` pattern has
/// parameters, and any other use of `format!` or `path_matches` is refused rather than left unpatched.
fn complete_mock(file: &mut syn::File) -> Result<(), String> {
    let changed = |what: &str| format!("progenitor's httpmock output changed shape ({what}); see openapi/codegen.rs");
    let operation_ids = operation_ids(file).ok_or_else(|| changed("no `trait MockServerExt` naming each `When`"))?;
    let operations = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "operations" => module.content.as_mut(),
            _ => None,
        })
        .ok_or_else(|| changed("no `mod operations`"))?;
    let mut added = Vec::new();
    for item in operations.1.iter_mut() {
        let syn::Item::Impl(block) = item else { continue };
        let syn::Type::Path(self_type) = &*block.self_ty else { continue };
        let Some(name) = self_type.path.get_ident().cloned() else { continue };
        if name.to_string().ends_with("Then") {
            expose_secrets_in_answers(&name, block).map_err(|e| changed(&e))?;
            continue;
        }
        if !name.to_string().ends_with("When") {
            continue;
        }
        let (mut method, mut parameters, mut patched) = (None, None, 0);
        for member in block.items.iter_mut() {
            let syn::ImplItem::Fn(function) = member else { continue };
            let body = function.block.to_token_stream();
            if function.sig.ident == "new" {
                method = http_method(body.clone());
                parameters = path_literal(body).map(|pattern| pattern.matches("[^/]*").count());
                continue;
            }
            let (formats, matches_path) =
                (contains_ident(body.clone(), "format"), contains_ident(body.clone(), "path_matches"));
            if !formats && !matches_path {
                continue;
            }
            let (patched_body, count) = patch_path_values(body);
            if !(formats && matches_path && count == 1) {
                return Err(changed(&format!("{name}::{} builds a pattern some other way", function.sig.ident)));
            }
            function.block = syn::parse2(patched_body).map_err(|e| changed(&e.to_string()))?;
            patched += 1;
        }
        let method = method.ok_or_else(|| changed(&format!("no HTTP method in {name}::new")))?;
        if parameters != Some(patched) {
            return Err(changed(&format!("{name} matches {patched} path parameters, its path has {parameters:?}")));
        }
        let id = operation_ids
            .get(&name.to_string())
            .ok_or_else(|| changed(&format!("no MockServerExt method takes {name}")))?;
        added.push(syn::parse_quote! {
            impl crate::ext::mock::sealed::Operation for #name {
                const OPERATION_ID: &'static str = #id;
                const METHOD: &'static str = #method;
                fn map_when(self, change: impl FnOnce(::httpmock::When) -> ::httpmock::When) -> Self {
                    Self(change(self.0))
                }
            }
        });
    }
    if added.is_empty() {
        return Err(changed("no `...When` type in `mod operations`"));
    }
    operations.1.push(syn::parse_quote!(
        use crate::ext::mock::path_segment;
    ));
    operations.1.extend(added);
    Ok(())
}

/// A mock answers with what Stytch would send, client secrets included: each `Then` method's
/// `json_body_obj(value)` becomes `json_body_obj(&crate::ExposeSecrets(value))` (a `ClientSecret` serializes only
/// inside it, and httpmock's `json_body_obj` panics on a serialization error).
fn expose_secrets_in_answers(name: &syn::Ident, block: &mut syn::ItemImpl) -> Result<(), String> {
    const GENERATED: &str = ". json_body_obj (value)";
    const PATCHED: &str = ". json_body_obj (& crate :: ExposeSecrets (value))";
    for member in block.items.iter_mut() {
        let syn::ImplItem::Fn(function) = member else { continue };
        let body = function.block.to_token_stream().to_string();
        if !body.contains("json_body_obj") {
            continue;
        }
        if body.matches("json_body_obj").count() != 1 || !body.contains(GENERATED) {
            return Err(format!("{name}::{} answers with a body some other way", function.sig.ident));
        }
        function.block = syn::parse_str(&body.replace(GENERATED, PATCHED)).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Each `When` type's operation id (progenitor's snake-case one), from the `MockServerExt` method that takes it.
fn operation_ids(file: &syn::File) -> Option<std::collections::BTreeMap<String, String>> {
    let trait_item = file.items.iter().find_map(|item| match item {
        syn::Item::Trait(t) if t.ident == "MockServerExt" => Some(t),
        _ => None,
    })?;
    let mut ids = std::collections::BTreeMap::new();
    for member in &trait_item.items {
        let syn::TraitItem::Fn(function) = member else { continue };
        let signature = function.sig.to_token_stream().to_string().replace(' ', "");
        let when = signature.split("operations::").nth(1)?.split(',').next()?.to_owned();
        ids.insert(when, function.sig.ident.to_string());
    }
    (!ids.is_empty()).then_some(ids)
}

/// The path pattern literal a `When::new` body passes to the regex (`"^/v1/.../connected_apps$"`).
fn path_literal(body: proc_macro2::TokenStream) -> Option<String> {
    flatten(body).into_iter().find_map(|tree| match tree {
        TokenTree::Literal(literal) => {
            let text = literal.to_string();
            text.starts_with("\"^/").then(|| text.trim_matches('"').to_owned())
        }
        _ => None,
    })
}

/// Whether the identifier `name` appears anywhere in `stream`.
fn contains_ident(stream: proc_macro2::TokenStream, name: &str) -> bool {
    flatten(stream).iter().any(|tree| matches!(tree, TokenTree::Ident(ident) if ident == name))
}

/// The method a `When::new` body sets (`::httpmock::Method::GET` gives `"GET"`).
fn http_method(body: proc_macro2::TokenStream) -> Option<String> {
    let tokens = flatten(body);
    tokens.windows(4).find_map(|window| match window {
        [TokenTree::Ident(method), TokenTree::Punct(a), TokenTree::Punct(b), TokenTree::Ident(name)]
            if method == "Method" && a.as_char() == ':' && b.as_char() == ':' =>
        {
            Some(name.to_string())
        }
        _ => None,
    })
}

/// Every token, groups opened (their delimiters dropped).
fn flatten(stream: proc_macro2::TokenStream) -> Vec<TokenTree> {
    stream
        .into_iter()
        .flat_map(|tree| match tree {
            TokenTree::Group(group) => flatten(group.stream()),
            other => vec![other],
        })
        .collect()
}

/// Inside each `format!(...)` of `stream`, `value.to_string()` becomes `path_segment(&value.to_string())` (the
/// module imports `crate::ext::mock::path_segment`); returns the new stream and how many were replaced.
fn patch_path_values(stream: proc_macro2::TokenStream) -> (proc_macro2::TokenStream, usize) {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    let mut count = 0;
    let mut index = 0;
    while index < trees.len() {
        let is_format = matches!(
            (&trees[index], trees.get(index + 1), trees.get(index + 2)),
            (TokenTree::Ident(name), Some(TokenTree::Punct(bang)), Some(TokenTree::Group(_)))
                if name == "format" && bang.as_char() == '!'
        );
        if is_format {
            let TokenTree::Group(group) = &trees[index + 2] else { unreachable!("matched just above") };
            let (arguments, replaced) = replace_value_to_string(group.stream());
            count += replaced;
            let mut patched = proc_macro2::Group::new(group.delimiter(), arguments);
            patched.set_span(group.span());
            out.extend([trees[index].clone(), trees[index + 1].clone(), TokenTree::Group(patched)]);
            index += 3;
            continue;
        }
        match &trees[index] {
            TokenTree::Group(group) => {
                let (inner, replaced) = patch_path_values(group.stream());
                count += replaced;
                let mut patched = proc_macro2::Group::new(group.delimiter(), inner);
                patched.set_span(group.span());
                out.push(TokenTree::Group(patched));
            }
            other => out.push(other.clone()),
        }
        index += 1;
    }
    (out.into_iter().collect(), count)
}

/// `value . to_string ()` at the top level of a `format!` argument list, wrapped in the path-segment escape.
fn replace_value_to_string(arguments: proc_macro2::TokenStream) -> (proc_macro2::TokenStream, usize) {
    let trees: Vec<TokenTree> = arguments.into_iter().collect();
    let mut out: Vec<TokenTree> = Vec::with_capacity(trees.len());
    let mut count = 0;
    let mut index = 0;
    while index < trees.len() {
        let is_value_to_string = matches!(
            &trees[index..trees.len().min(index + 4)],
            [TokenTree::Ident(value), TokenTree::Punct(dot), TokenTree::Ident(method), TokenTree::Group(call)]
                if value == "value" && dot.as_char() == '.' && method == "to_string"
                    && call.delimiter() == proc_macro2::Delimiter::Parenthesis && call.stream().is_empty()
        );
        if is_value_to_string {
            out.extend(quote::quote!(path_segment(&value.to_string())));
            count += 1;
            index += 4;
        } else {
            out.push(trees[index].clone());
            index += 1;
        }
    }
    (out.into_iter().collect(), count)
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

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /v1/orgs/{organization_id}/apps/{app_id}:
    get:
      operationId: get_app
      parameters:
      - {name: organization_id, in: path, required: true, schema: {type: string}}
      - {name: app_id, in: path, required: true, schema: {type: string}}
      - {name: X-Stytch-Member-Session, in: header, required: false, schema: {type: string}}
      responses: {'200': {description: ok, content: {application/json: {schema: {type: object}}}}}
  /v1/sessions/authenticate:
    post:
      operationId: authenticate
      requestBody: {required: true, content: {application/json: {schema: {type: object}}}}
      responses: {'200': {description: ok, content: {application/json: {schema: {type: object}}}}}
";

    #[test]
    fn every_path_parameter_is_matched_through_path_segment_and_each_when_knows_its_operation() {
        let code = generate_mock(SPEC, Options::default()).unwrap();
        // prettyplease spaces macro arguments its own way: compare without whitespace.
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(code.matches("format!(").count(), 2, "{code}");
        assert_eq!(code.matches("path_segment(&value.to_string())").count(), 2, "{code}");
        assert!(code.contains("usecrate::ext::mock::path_segment;"), "{code}");
        let get = code.split("implcrate::ext::mock::sealed::OperationforGetAppWhen").nth(1).expect("GET impl");
        assert!(get.contains(r#"METHOD:&'staticstr="GET""#) && get.contains(r#"OPERATION_ID:&'staticstr="get_app""#));
        let post = code.split("implcrate::ext::mock::sealed::OperationforAuthenticateWhen").nth(1).expect("POST impl");
        assert!(post.contains(r#"METHOD:&'staticstr="POST""#) && post.contains(r#"ID:&'staticstr="authenticate""#));
    }

    #[test]
    fn output_of_another_shape_is_an_error_not_unpatched_code() {
        let mut no_operations: syn::File = syn::parse_quote! { pub trait MockServerExt {} };
        assert!(complete_mock(&mut no_operations).unwrap_err().contains("changed shape"));
        // One `When` with one path parameter, its matcher written by `matcher`.
        let with = |matcher: syn::ImplItemFn| -> syn::File {
            syn::parse_quote! {
                pub mod operations {
                    pub struct GetWhen(::httpmock::When);
                    impl GetWhen {
                        pub fn new(inner: ::httpmock::When) -> Self {
                            Self(inner.method(::httpmock::Method::GET).path_matches(regex::Regex::new("^/a/[^/]*$").unwrap()))
                        }
                        #matcher
                    }
                }
                pub trait MockServerExt {
                    fn get<F>(&self, config_fn: F) -> ::httpmock::Mock<'_> where F: FnOnce(operations::GetWhen, operations::GetThen);
                }
            }
        };
        let progenitors: syn::ImplItemFn = syn::parse_quote! {
            pub fn id(self, value: &str) -> Self {
                let re = regex::Regex::new(&format!("^/a/{}$", value.to_string())).unwrap();
                Self(self.0.path_matches(re))
            }
        };
        assert_eq!(complete_mock(&mut with(progenitors)), Ok(()));
        let refused: [syn::ImplItemFn; 4] = [
            // The value put in without `to_string()`.
            syn::parse_quote! {
                pub fn id(self, value: &str) -> Self {
                    let re = regex::Regex::new(&format!("^/a/{}$", value)).unwrap();
                    Self(self.0.path_matches(re))
                }
            },
            // A pattern built without `format!`.
            syn::parse_quote! {
                pub fn id(self, value: &str) -> Self {
                    let re = regex::Regex::new(&["^/a/", value, "$"].concat()).unwrap();
                    Self(self.0.path_matches(re))
                }
            },
            // `format!` for something else than a path pattern (a header, say).
            syn::parse_quote! {
                pub fn id(self, value: &str) -> Self {
                    Self(self.0.header("x-id", format!("{}", value.to_string())))
                }
            },
            // No matcher for the path parameter at all.
            syn::parse_quote! {
                pub fn other(self, value: &str) -> Self {
                    Self(self.0.header("x-id", value.to_string()))
                }
            },
        ];
        for matcher in refused {
            let shown = matcher.to_token_stream().to_string();
            assert!(complete_mock(&mut with(matcher)).unwrap_err().contains("changed shape"), "{shown}");
        }
    }
}
