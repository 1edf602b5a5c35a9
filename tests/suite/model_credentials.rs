//! No public model prints a credential: every field whose name is credential-shaped (the scrubber's key list,
//! `src/ext/hygiene/credential_keys.rs`, compiled in here) renders redacted in `{:?}` and `{:#?}`, of the model and of its
//! generated builder, stays readable through `Credential::expose`, and serializes to the JSON it was read from.
//!
//! The walk is complete by construction: every schema of the vendored spec with such a property (the generated
//! models) and every handwritten `pub struct` under `src/` with such a field must have a case below, or the first
//! test fails naming it. Each case reads a real instance (the seed documents' example bodies where there is one)
//! with a distinct planted value under every credential-shaped key, wherever it is nested. The generated request
//! builders, which hold a member session header as given, print every field but that one.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use stytch_connected_apps::ExposeSecrets;
use stytch_connected_apps::emulator::{self, Emulator, Fixture, MemberSessionRecord, Project, UserSessionRecord};
use stytch_connected_apps::generated::types::{
    self as generated, ApiB2bSessionV1AuthenticateRequest, ApiB2bSessionV1AuthenticateResponse,
};
use stytch_connected_apps::models::UserSessionAuthenticateResponse;

#[path = "../../src/ext/hygiene/credential_keys.rs"]
#[allow(dead_code)]
mod credential_keys;

use credential_keys::is_credential_key;

/// How `Credential` and `ClientSecret` show themselves in `Debug`.
const REDACTED: &str = "(<redacted>)";

/// `value` with every string (or string in an array) under a credential-shaped key replaced by a distinct planted
/// value; returns the planted values and the credential-shaped keys of the top level.
fn plant(value: &mut Value, planted: &mut Vec<String>) -> BTreeSet<String> {
    let mut top = BTreeSet::new();
    match value {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if is_credential_key(key) {
                    top.insert(key.clone());
                    let mut fresh = || {
                        planted.push(format!("planted-{key}-{}-Qx7v", planted.len()));
                        Value::String(planted[planted.len() - 1].clone())
                    };
                    match value {
                        Value::String(_) => *value = fresh(),
                        Value::Array(items) => items.iter_mut().for_each(|item| *item = fresh()),
                        other => panic!("{key} holds {other}, not a string: extend this test"),
                    }
                } else {
                    plant(value, planted);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| {
            plant(item, planted);
        }),
        _ => {}
    }
    top
}

fn assert_hidden(what: &str, shown: &str, planted: &[String]) {
    for value in planted {
        assert!(!shown.contains(value.as_str()), "{what} prints a credential ({value}): {shown}");
        // A part of one is a leak too.
        assert!(!shown.contains(&value[..value.len() - 4]), "{what} prints part of a credential: {shown}");
    }
    assert!(shown.contains(REDACTED), "{what} does not show where its credentials are: {shown}");
}

/// Reads `instance` (credentials planted) as `T`: neither form of `Debug` prints a planted value, the model
/// serializes back to what was read, and reads back equal. Returns the model, the planted values, and the
/// credential-shaped keys of its top level.
fn check<T>(what: &str, mut instance: Value) -> (T, Vec<String>, BTreeSet<String>)
where
    T: DeserializeOwned + Serialize + Debug + PartialEq,
{
    let mut planted = Vec::new();
    let top = plant(&mut instance, &mut planted);
    assert!(!planted.is_empty(), "{what}: the instance has no credential to plant");
    let model: T = serde_json::from_value(instance.clone()).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_hidden(what, &format!("{model:?}"), &planted);
    assert_hidden(what, &format!("{model:#?}"), &planted);
    // Asked explicitly (a returned client secret serializes only so); by itself, the model writes the same JSON or,
    // holding a client secret, refuses without printing it.
    let written = serde_json::to_value(ExposeSecrets(&model)).unwrap();
    match serde_json::to_value(&model) {
        Ok(plain) => assert_eq!(plain, written, "{what}: serialized differently when asked"),
        Err(refused) => {
            let refused = refused.to_string();
            assert!(refused.contains("ExposeSecrets"), "{what}: {refused}");
            assert_hidden(what, &format!("{refused} {REDACTED}"), &planted);
        }
    }
    assert_eq!(without_nulls(written.clone()), without_nulls(instance), "{what}: serialized differently");
    assert!(serde_json::from_value::<T>(written).unwrap() == model, "{what}: does not read back equal");
    (model, planted, top)
}

/// The same JSON with `null` members dropped (a model writes an absent optional field by leaving it out).
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, without_nulls(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// [`check`] for a generated model, and `Debug` of its generated builder too.
fn check_generated<T, B>(what: &str, instance: Value) -> (T, Vec<String>, BTreeSet<String>)
where
    T: DeserializeOwned + Serialize + Debug + PartialEq + Clone,
    B: From<T> + Debug,
{
    let (model, planted, top) = check::<T>(what, instance);
    let builder = B::from(model.clone());
    assert_hidden(&format!("{what}'s builder"), &format!("{builder:?} {builder:#?}"), &planted);
    (model, planted, top)
}

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Every `schema.property` of the vendored spec whose name is credential-shaped, nested inline objects included
/// (`schema.outer.inner`).
fn spec_credential_fields() -> BTreeSet<String> {
    fn walk(schema: &serde_norway::Value, at: &str, found: &mut BTreeSet<String>) {
        if let Some(properties) = schema.get("properties").and_then(|p| p.as_mapping()) {
            for (name, property) in properties {
                let name = name.as_str().unwrap();
                if is_credential_key(name) {
                    found.insert(format!("{at}.{name}"));
                }
                walk(property, &format!("{at}.{name}"), found);
            }
        }
        if let Some(items) = schema.get("items") {
            walk(items, at, found);
        }
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/stytch-b2b-connected-apps.yaml");
    let spec: serde_norway::Value = serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut found = BTreeSet::new();
    for (name, schema) in spec["components"]["schemas"].as_mapping().unwrap() {
        walk(schema, name.as_str().unwrap(), &mut found);
    }
    found
}

/// Every `Struct.field` of a handwritten `pub struct` under `src/` whose public field's name is credential-shaped.
fn source_credential_fields() -> BTreeSet<String> {
    fn walk(dir: &Path, found: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let mut current = None;
            for line in text.lines() {
                let line = line.trim();
                if let Some(rest) = line.strip_prefix("pub struct ") {
                    current = rest.split(|c: char| !c.is_alphanumeric() && c != '_').next().map(str::to_owned);
                } else if line == "}" {
                    current = None;
                } else if let (Some(model), Some(rest)) = (&current, line.strip_prefix("pub "))
                    && let Some((field, _)) = rest.split_once(':')
                    && !field.contains(' ')
                    && !field.contains('(')
                    && is_credential_key(field)
                {
                    found.insert(format!("{model}.{field}"));
                }
            }
        }
    }
    let mut found = BTreeSet::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
    found
}

/// What a case covers, its model dropped.
fn drop_model<T>((_, planted, top): (T, Vec<String>, BTreeSet<String>)) -> (Vec<String>, BTreeSet<String>) {
    (planted, top)
}

/// The cases: each model's name as the spec or the source names it, and what it covers.
fn every_case() -> Vec<(String, Vec<String>, BTreeSet<String>)> {
    let mut cases = Vec::new();
    let mut add = |name: &str, (planted, top): (Vec<String>, BTreeSet<String>)| {
        cases.push((name.to_owned(), planted, top));
    };

    // Generated (B2B spec): the member session's authenticate answer (fixture from Stytch's example) and request.
    let (response, planted, top) = check_generated::<
        ApiB2bSessionV1AuthenticateResponse,
        generated::builder::ApiB2bSessionV1AuthenticateResponse,
    >(
        "MemberSessionAuthenticateResponse",
        fixture("member_session_authenticate_200.json"),
    );
    // Readable through the one explicit call.
    assert!(response.session_token.expose().starts_with("planted-session_token-"), "{planted:?}");
    add("api_b2b_session_v1_AuthenticateResponse", (planted, top));
    let request = json!({"session_token": "t", "session_jwt": "j", "session_duration_minutes": 60});
    add(
        "api_b2b_session_v1_AuthenticateRequest",
        drop_model(check_generated::<
            ApiB2bSessionV1AuthenticateRequest,
            generated::builder::ApiB2bSessionV1AuthenticateRequest,
        >("ApiB2bSessionV1AuthenticateRequest", request)),
    );

    // Generated (Consumer document): a created client's secret, a rotation's next secret (fixtures built from the
    // schema; no documentation page shows one), and the consent grant's session arguments and authorization code.
    let created = fixture("client_create_200.json")["connected_app"].clone();
    let (app, planted, top) = check_generated::<
        generated::ApiConnectedappsV1ConnectedAppWithClientSecret,
        generated::builder::ApiConnectedappsV1ConnectedAppWithClientSecret,
    >("ConnectedAppClientWithSecret", created);
    assert!(app.client_secret.as_ref().is_some_and(|s| s.expose().starts_with("planted-client_secret-")));
    add("api_connectedapps_v1_ConnectedAppWithClientSecret", (planted, top));
    let rotating = fixture("client_rotate_start_200.json")["connected_app"].clone();
    add(
        "api_connectedapps_v1_ConnectedAppWithNextClientSecret",
        drop_model(check_generated::<
            generated::ApiConnectedappsV1ConnectedAppWithNextClientSecret,
            generated::builder::ApiConnectedappsV1ConnectedAppWithNextClientSecret,
        >("ConnectedAppClientWithNextSecret", rotating)),
    );
    let grant = |extra: Value| {
        let mut request = json!({"client_id": "connected-app-test-1", "redirect_uri": "https://app.example.com/cb",
                                 "response_type": "code", "scopes": ["openid"], "session_token": "t", "session_jwt": "j"});
        request.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        request
    };
    let answer = json!({"request_id": "request-id-test-1", "redirect_uri": "https://app.example.com/cb?code=c",
                        "status_code": 200, "authorization_code": "c"});
    macro_rules! grant_cases {
        ($($name:literal => $model:ident, $instance:expr;)*) => {$(
            add($name, drop_model(check_generated::<generated::$model, generated::builder::$model>($name, $instance)));
        )*};
    }
    grant_cases! {
        "api_b2b_idp_v1_b2b_idp_oauth_AuthorizeStartRequest" => ApiB2bIdpV1B2bIdpOauthAuthorizeStartRequest, grant(json!({}));
        "api_b2b_idp_v1_b2b_idp_oauth_AuthorizeRequest" => ApiB2bIdpV1B2bIdpOauthAuthorizeRequest, grant(json!({"consent_granted": true}));
        "api_b2b_idp_v1_b2b_idp_oauth_AuthorizeResponse" => ApiB2bIdpV1B2bIdpOauthAuthorizeResponse, answer.clone();
        "api_idp_v1_idp_oauth_AuthorizeStartRequest" => ApiIdpV1IdpOauthAuthorizeStartRequest, grant(json!({}));
        "api_idp_v1_idp_oauth_AuthorizeRequest" => ApiIdpV1IdpOauthAuthorizeRequest, grant(json!({"consent_granted": false}));
        "api_idp_v1_idp_oauth_AuthorizeResponse" => ApiIdpV1IdpOauthAuthorizeResponse, answer;
    }

    // Handwritten: the consumer authenticate answer (fixture from Stytch's example).
    let (response, planted, top) = check::<UserSessionAuthenticateResponse>(
        "UserSessionAuthenticateResponse",
        fixture("user_session_authenticate_200.json"),
    );
    assert!(planted.contains(&response.session_jwt.expose().to_owned()));
    add("UserSessionAuthenticateResponse", (planted, top));

    // Handwritten: the emulator's fixture records (and the fixture holding them).
    let seed = serde_json::to_value(Fixture::seed()).unwrap();
    let member_session = seed["sessions"][0].clone();
    add("MemberSessionRecord", drop_model(check::<MemberSessionRecord>("MemberSessionRecord", member_session)));
    let user_session = seed["user_sessions"][0].clone();
    add("UserSessionRecord", drop_model(check::<UserSessionRecord>("UserSessionRecord", user_session)));
    add("Project", drop_model(check::<Project>("Project", seed["project"].clone())));
    // The seed's first app has a client secret (introspection as that app presents it).
    let mut app = seed["connected_apps"][0].clone();
    app["next_client_secret"] = json!("rotating"); // a rotation under way

    add("ConnectedApp", drop_model(check::<stytch_connected_apps::emulator::ConnectedApp>("ConnectedApp", app)));
    let (_, planted, _) = check::<Fixture>("Fixture", seed);
    assert!(planted.len() > 4, "the seed world's secret and every session: {planted:?}");
    cases
}

#[test]
fn every_model_with_a_credential_field_is_walked_and_none_prints_one() {
    let mut covered = BTreeSet::new();
    for (name, _, top) in every_case() {
        covered.extend(top.into_iter().map(|field| format!("{name}.{field}")));
    }
    let mut expected = spec_credential_fields();
    expected.extend(source_credential_fields());
    assert!(expected.contains("api_b2b_session_v1_AuthenticateResponse.session_token"), "{expected:?}");
    assert!(expected.contains("UserSessionAuthenticateResponse.session_jwt"), "{expected:?}");
    let missing: Vec<_> = expected.difference(&covered).collect();
    assert!(missing.is_empty(), "credential fields no case walks (add a case): {missing:?}");
    let stale: Vec<_> = covered.difference(&expected).collect();
    assert!(stale.is_empty(), "cases for fields neither the spec nor src/ has: {stale:?}");
}

/// What a user would log: the answers of both `sessions/authenticate` calls, from the emulator (B2B through the
/// generated client, consumer decoded into the public model), the emulator, and its fixture.
#[tokio::test]
async fn the_authenticate_answers_a_user_would_log_print_no_session() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let client = emulator.client().unwrap();
    let fixture = emulator.fixture();
    let token = fixture.session_of(emulator::SEED_ADMIN).unwrap().session_token.clone().unwrap();
    let body = ApiB2bSessionV1AuthenticateRequest { session_token: Some(token.clone()), ..Default::default() };
    let answer = client.generated().api_b2b_session_v1_authenticate().body(body).send().await.unwrap().into_inner();
    let user_token = fixture.user_session_of(emulator::SEED_USER).unwrap().session_token.clone().unwrap();
    let user_answer: UserSessionAuthenticateResponse = reqwest::Client::new()
        .post(format!("{}/v1/sessions/authenticate", emulator.url()))
        .basic_auth(emulator.project_id(), Some(fixture.project.secret.expose()))
        .json(&json!({"session_token": user_token.expose()}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let shown = format!("{answer:?} {answer:#?} {user_answer:?} {user_answer:#?} {emulator:?} {fixture:?}");
    let never = [&token, &answer.session_token, &answer.session_jwt, &user_token, &user_answer.session_jwt];
    for value in never.iter().map(|c| c.expose()).chain([fixture.project.secret.expose()]) {
        assert!(value.len() > 8 && !shown.contains(value), "a credential is printed: {shown}");
    }
    assert!(shown.contains(REDACTED));
    // Still there for whoever asks explicitly, and on the wire unchanged.
    assert_eq!(answer.session_token.expose(), token.expose());
    let wire = serde_json::to_value(&answer).unwrap();
    assert_eq!(wire["session_jwt"], answer.session_jwt.expose());
    assert_eq!(serde_json::to_value(&user_answer).unwrap()["session_token"], user_answer.session_token.expose());
}

/// Every operation of the vendored spec with a credential-shaped parameter (header, query or path).
fn spec_operations_with_credential_parameters() -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/stytch-b2b-connected-apps.yaml");
    let spec: serde_norway::Value = serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut found = BTreeSet::new();
    for (_, item) in spec["paths"].as_mapping().unwrap() {
        for (_, operation) in item.as_mapping().unwrap() {
            let parameters = operation.get("parameters").and_then(|p| p.as_sequence()).cloned().unwrap_or_default();
            if parameters.iter().any(|p| is_credential_key(p["name"].as_str().unwrap())) {
                found.insert(operation["operationId"].as_str().unwrap().to_owned());
            }
        }
    }
    found
}

/// The generated request builders hold the member session as given to `.x_stytch_member_session(..)` until they
/// send: logging one with `{:?}` shows every other field but never a session.
#[test]
fn the_generated_request_builders_never_print_a_session() {
    let (token, jwt) =
        ("session-token-in-a-builder-9Kq2", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtIn0.c2lnbmF0dXJlLWJ1aWxkZXI");
    let client =
        stytch_connected_apps::Client::builder("project-test-builders", "secret-test-builders-Zx81").build().unwrap();
    let generated = client.generated();
    let shown = [
        (
            "api_organization_v1_ConnectedApps",
            format!(
                "{:?}",
                generated
                    .api_organization_v1_connected_apps()
                    .organization_id("org-shown")
                    .x_stytch_member_session(token)
                    .x_stytch_member_session_jwt(jwt)
            ),
        ),
        (
            "api_organization_v1_GetConnectedApp",
            format!(
                "{:#?}",
                generated
                    .api_organization_v1_get_connected_app()
                    .organization_id("org-shown")
                    .x_stytch_member_session(token)
                    .x_stytch_member_session_jwt(jwt)
            ),
        ),
        (
            "api_organization_v1_organizations_members_GetConnectedApps",
            format!(
                "{:?}",
                generated
                    .api_organization_v1_organizations_members_get_connected_apps()
                    .organization_id("org-shown")
                    .x_stytch_member_session(token)
                    .x_stytch_member_session_jwt(jwt)
            ),
        ),
        (
            "api_organization_v1_organizations_members_connected_apps_Revoke",
            format!(
                "{:#?}",
                generated
                    .api_organization_v1_organizations_members_connected_apps_revoke()
                    .organization_id("org-shown")
                    .x_stytch_member_session(token)
                    .x_stytch_member_session_jwt(jwt)
            ),
        ),
    ];
    let listed: BTreeSet<String> = shown.iter().map(|(operation, _)| operation.to_string()).collect();
    assert_eq!(listed, spec_operations_with_credential_parameters(), "an operation takes a credential: add it here");
    for (operation, shown) in &shown {
        assert!(!shown.contains(token) && !shown.contains(jwt) && !shown.contains("9Kq2"), "{operation}: {shown}");
        assert!(shown.contains("org-shown") && shown.contains("<redacted>"), "{operation}: {shown}");
    }
    // The authenticate request's body: its builder holds the session as a `Credential`.
    let body = ApiB2bSessionV1AuthenticateRequest { session_token: Some(token.into()), ..Default::default() };
    let shown = format!("{:?}", generated.api_b2b_session_v1_authenticate().body(body));
    assert!(!shown.contains(token) && shown.contains(REDACTED), "{shown}");
}
