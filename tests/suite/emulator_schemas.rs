//! Every answer the emulator gives validates against the spec: the vendored B2B document for B1-B4 and every
//! error, Stytch's Consumer document (`../shared/upstream/`) for C1-C2 successes, and both of Stytch's full
//! documents for the `sessions/authenticate` answers (the vendored spec keeps `member` and `organization` opaque,
//! which would hide a missing field). The validator is strict about shape: required fields, types, enum values,
//! nullability, and no field the schema does not declare.

use std::path::Path;

use serde_json::{Value, json};
use stytch_connected_apps::emulator::*;

/// An OpenAPI 3.0 document as JSON.
fn document(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("{} is missing ({e}): the Consumer spec is read from ../shared/upstream/", path.display())
    });
    serde_norway::from_str(&text).unwrap()
}

fn b2b_spec() -> Value {
    document(&Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/stytch-b2b-connected-apps.yaml"))
}

fn consumer_spec() -> Value {
    document(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/upstream/stytch-consumer-openapi.yml"))
}

fn upstream_b2b_spec() -> Value {
    document(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/upstream/stytch-b2b-openapi.yml"))
}

/// Fields Stytch documents as `null` although the upstream schema does not say nullable (DESIGN.md §1).
const DOCUMENTED_NULLS: [&str; 1] = ["logo_url"];

/// Validates `value` against `schema` (resolving `$ref`s in `spec`); pushes one line per problem.
fn validate(spec: &Value, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return validate(spec, &spec["components"]["schemas"][name], value, at, problems);
    }
    let field = at.rsplit('.').next().unwrap_or("");
    if value.is_null() && (schema["nullable"] == json!(true) || DOCUMENTED_NULLS.contains(&field)) {
        return;
    }
    if let Some(values) = schema["enum"].as_array()
        && !values.contains(value)
    {
        problems.push(format!("{at}: {value} is not one of {}", Value::from(values.clone())));
    }
    match schema["type"].as_str() {
        Some("object") => {
            let Some(object) = value.as_object() else { return problems.push(format!("{at}: not an object: {value}")) };
            let properties = schema["properties"].as_object();
            for name in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                if !object.contains_key(name) {
                    problems.push(format!("{at}.{name}: required, missing"));
                }
            }
            for (name, inner) in object {
                match properties.and_then(|p| p.get(name)) {
                    Some(property) => validate(spec, property, inner, &format!("{at}.{name}"), problems),
                    None if schema["additionalProperties"] == json!(true) => {}
                    None => problems.push(format!("{at}.{name}: not in the schema")),
                }
            }
        }
        Some("array") => match value.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    validate(spec, &schema["items"], item, &format!("{at}[{i}]"), problems);
                }
            }
            None => problems.push(format!("{at}: not an array: {value}")),
        },
        Some("string") if !value.is_string() => problems.push(format!("{at}: not a string: {value}")),
        Some("integer") if !value.is_i64() => problems.push(format!("{at}: not an integer: {value}")),
        Some("boolean") if !value.is_boolean() => problems.push(format!("{at}: not a boolean: {value}")),
        _ => {}
    }
}

/// The schema `spec` declares for `method path-template` answering `status`.
fn response_schema<'a>(spec: &'a Value, method: &str, template: &str, status: u16) -> &'a Value {
    let schema =
        &spec["paths"][template][method]["responses"][status.to_string()]["content"]["application/json"]["schema"];
    assert!(!schema.is_null(), "{method} {template} declares no {status} response");
    schema
}

/// One request: method, path template, concrete path, session header, secret, expected status.
struct Case<'a>(&'a str, &'a str, String, Option<(&'a str, &'a str)>, &'a str, u16);

/// One raw request to the emulator, as Stytch's clients send it.
async fn call(
    emulator: &Emulator,
    method: &str,
    path: &str,
    session: Option<(&str, &str)>,
    secret: &str,
) -> (u16, Value) {
    call_with(emulator, method, path, session, secret, json!({})).await
}

/// Like [`call`], with this JSON body on POSTs.
async fn call_with(
    emulator: &Emulator,
    method: &str,
    path: &str,
    session: Option<(&str, &str)>,
    secret: &str,
    body: Value,
) -> (u16, Value) {
    let http = reqwest::Client::new();
    let url = format!("{}{path}", emulator.url());
    let mut request = match method {
        "post" => http.post(url).json(&body),
        "put" => http.put(url).json(&body),
        "delete" => http.delete(url),
        _ => http.get(url),
    };
    request = request.basic_auth(emulator.project_id(), Some(secret));
    if let Some((name, value)) = session {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn every_emulator_answer_validates_against_the_specs() {
    let (b2b, consumer) = (b2b_spec(), consumer_spec());
    let fixture = Fixture::seed();
    let emulator = Emulator::start(fixture.clone()).await.unwrap();
    let member_token = fixture.session_of(SEED_MEMBER).unwrap().session_token.clone().unwrap().into_exposed();
    let foreign_jwt = fixture.session_of(SEED_OTHER_ADMIN).unwrap().session_jwt.clone().unwrap().into_exposed();
    let (org, admin, app, user) = (SEED_ORGANIZATION, SEED_ADMIN, SEED_APP, SEED_USER);
    let b1 = "/v1/b2b/organizations/{organization_id}/connected_apps";
    let b2 = "/v1/b2b/organizations/{organization_id}/connected_apps/{connected_app_id}";
    let b3 = "/v1/b2b/organizations/{organization_id}/members/{member_id}/connected_apps";
    let b4 = "/v1/b2b/organizations/{organization_id}/members/{member_id}/connected_apps/{connected_app_id}/revoke";
    let c1 = "/v1/users/{user_id}/connected_apps";
    let c2 = "/v1/users/{user_id}/connected_apps/{connected_app_id}/revoke";
    let token = Some(("X-Stytch-Member-Session", member_token.as_str()));
    let foreign = Some(("X-Stytch-Member-SessionJWT", foreign_jwt.as_str()));
    let wrong = "secret-test-wrong";
    let right = SEED_SECRET;

    let cases: Vec<Case> = vec![
        Case("get", b1, format!("/v1/b2b/organizations/{org}/connected_apps"), None, right, 200),
        Case("get", b2, format!("/v1/b2b/organizations/{org}/connected_apps/{app}"), None, right, 200),
        Case("get", b3, format!("/v1/b2b/organizations/{org}/members/{admin}/connected_apps"), None, right, 200),
        Case("get", b3, format!("/v1/b2b/organizations/{org}/members/{SEED_MEMBER}/connected_apps"), token, right, 200),
        Case("get", b1, format!("/v1/b2b/organizations/{org}/connected_apps"), None, wrong, 401),
        Case("get", b1, format!("/v1/b2b/organizations/{org}/connected_apps"), token, right, 403),
        Case("get", b2, format!("/v1/b2b/organizations/{org}/connected_apps/{app}"), foreign, right, 403),
        Case("get", b1, "/v1/b2b/organizations/organization-test-nope/connected_apps".into(), None, right, 404),
        Case(
            "get",
            b2,
            format!("/v1/b2b/organizations/{org}/connected_apps/connected-app-test-nope"),
            None,
            right,
            404,
        ),
        Case(
            "get",
            b3,
            format!("/v1/b2b/organizations/{org}/members/member-test-nope/connected_apps"),
            None,
            right,
            404,
        ),
        Case(
            "post",
            b4,
            format!("/v1/b2b/organizations/{org}/members/{admin}/connected_apps/{app}/revoke"),
            token,
            right,
            403,
        ),
        Case(
            "post",
            b4,
            format!("/v1/b2b/organizations/{org}/members/{admin}/connected_apps/{app}/revoke"),
            None,
            right,
            200,
        ),
        Case("get", c1, format!("/v1/users/{user}/connected_apps"), None, right, 200),
        Case("get", c1, "/v1/users/user-test-nope/connected_apps".into(), None, right, 404),
        Case("post", c2, format!("/v1/users/{user}/connected_apps/{app}/revoke"), None, right, 200),
        Case("post", c2, format!("/v1/users/{user}/connected_apps/{app}/revoke"), None, wrong, 401),
    ];
    let mut problems = Vec::new();
    for Case(method, template, path, session, secret, expected) in cases {
        let (status, body) = call(&emulator, method, &path, session, secret).await;
        assert_eq!(status, expected, "{method} {path}: {body}");
        // C1/C2 successes are Consumer endpoints; errors everywhere share the vendored envelope.
        let (spec, schema) = match (template.starts_with("/v1/users"), status) {
            (true, 200) => (&consumer, response_schema(&consumer, method, template, 200)),
            (_, status) if status != 200 => (&b2b, response_schema(&b2b, "get", b1, status)),
            _ => (&b2b, response_schema(&b2b, method, template, status)),
        };
        validate(spec, schema, &body, &format!("{method} {path} -> {status}"), &mut problems);
        assert_eq!(body["status_code"], json!(status), "{body}");
        assert!(body["request_id"].as_str().is_some_and(|id| id.starts_with("request-id-test-")), "{body}");
        if status != 200 {
            for field in ["error_type", "error_message", "error_url"] {
                assert!(body[field].is_string(), "{method} {path}: {field} missing in {body}");
            }
        }
    }
    assert!(problems.is_empty(), "the emulator's answers do not match the specs:\n{}", problems.join("\n"));
}

#[tokio::test]
async fn the_session_endpoints_validate_against_the_specs() {
    let (b2b, consumer) = (b2b_spec(), consumer_spec());
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let cases = [
        ("/v1/b2b/sessions/authenticate", json!({"session_token": SEED_ADMIN_SESSION}), 200, &b2b),
        ("/v1/b2b/sessions/authenticate", json!({"session_token": "session-token-nobody"}), 404, &b2b),
        ("/v1/sessions/authenticate", json!({"session_token": SEED_USER_SESSION}), 200, &consumer),
        ("/v1/sessions/authenticate", json!({"session_jwt": "eyJ.nobody.sig"}), 404, &b2b),
    ];
    let mut problems = Vec::new();
    for (path, body, expected, spec) in cases {
        let (status, answer) = call_with(&emulator, "post", path, None, SEED_SECRET, body).await;
        assert_eq!(status, expected, "{path}: {answer}");
        let schema = if status == 200 {
            response_schema(spec, "post", path, 200)
        } else {
            response_schema(&b2b, "get", "/v1/b2b/organizations/{organization_id}/connected_apps", status)
        };
        validate(spec, schema, &answer, &format!("POST {path} -> {status}"), &mut problems);
    }
    assert!(problems.is_empty(), "the emulator's session answers do not match the specs:\n{}", problems.join("\n"));
}

#[tokio::test]
async fn authenticate_answers_carry_every_field_the_full_upstream_schemas_require() {
    let (b2b, consumer) = (upstream_b2b_spec(), consumer_spec());
    // The seed, plus a session whose member and organization the fixture does not list, and a user without an
    // email address: the objects must still be whole.
    let fixture = Fixture::seed()
        .member_session("session-token-orphan", "organization-test-unlisted", "member-test-unlisted")
        .user("user-test-no-email", Some("crm-42"))
        .user_session("session-token-no-email", "user-test-no-email");
    let emulator = Emulator::start(fixture.clone()).await.unwrap();
    let other_admin_jwt = fixture.session_of(SEED_OTHER_ADMIN).unwrap().session_jwt.clone().unwrap().into_exposed();
    let check = json!({"organization_id": SEED_ORGANIZATION, "resource_id": "stytch.member", "action": "*"});
    let b2b_path = "/v1/b2b/sessions/authenticate";
    let consumer_path = "/v1/sessions/authenticate";
    let cases = [
        (b2b_path, json!({"session_token": SEED_ADMIN_SESSION, "authorization_check": check}), &b2b),
        (b2b_path, json!({"session_token": SEED_MEMBER_SESSION, "session_duration_minutes": 60}), &b2b),
        (b2b_path, json!({"session_jwt": other_admin_jwt}), &b2b),
        (b2b_path, json!({"session_token": "session-token-orphan"}), &b2b),
        (consumer_path, json!({"session_token": SEED_USER_SESSION}), &consumer),
        (consumer_path, json!({"session_token": "session-token-no-email"}), &consumer),
    ];
    let mut problems = Vec::new();
    for (path, body, spec) in cases {
        let (status, answer) = call_with(&emulator, "post", path, None, SEED_SECRET, body.clone()).await;
        assert_eq!(status, 200, "{path} {body}: {answer}");
        let schema = response_schema(spec, "post", path, 200);
        validate(spec, schema, &answer, &format!("POST {path} {body}"), &mut problems);
    }
    assert!(problems.is_empty(), "the authenticate answers miss what upstream requires:\n{}", problems.join("\n"));
}

#[test]
fn the_validator_reads_the_full_member_schema_and_catches_a_missing_name() {
    let spec = upstream_b2b_spec();
    let schema = json!({"$ref": "#/components/schemas/api_organization_v1_Member"});
    let mut problems = Vec::new();
    validate(&spec, &schema, &json!({"member_id": "m", "status": "active"}), "member", &mut problems);
    assert!(problems.contains(&"member.name: required, missing".to_owned()), "{problems:?}");
    assert_eq!(problems.len(), 17, "19 required, 2 present: {problems:?}");
}

#[test]
fn the_validator_catches_shape_errors() {
    let spec = b2b_spec();
    let schema = json!({"$ref": "#/components/schemas/api_organization_v1_ConnectedAppsResponse"});
    let mut problems = Vec::new();
    let bad = json!({"status_code": "200", "connected_apps": [{"connected_app_id": 1, "name": "n", "description": "d", "client_type": "first_party", "extra": true}]});
    validate(&spec, &schema, &bad, "body", &mut problems);
    assert_eq!(
        problems,
        [
            "body.request_id: required, missing",
            "body.connected_apps[0].connected_app_id: not a string: 1",
            "body.connected_apps[0].extra: not in the schema",
            "body.status_code: not an integer: \"200\"",
        ]
    );
}

/// The Connected Apps clients and the consent grant, through a whole lifecycle: each answer validates against the
/// vendored spec and against the upstream document its operation comes from (the Consumer document for the clients
/// and the consumer grant, the B2B document for the member grant); an error against the vendored envelope.
#[tokio::test]
async fn the_clients_and_consent_answers_validate_against_the_specs() {
    let (vendored, consumer, upstream_b2b) = (b2b_spec(), consumer_spec(), upstream_b2b_spec());
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let redirect = "https://partner.example.com/cb";
    let mut problems = Vec::new();
    let mut check = |method: &str, template: &str, upstream: &Value, status: u16, body: &Value, at: &str| {
        assert_eq!(status, 200, "{at}: {body}");
        validate(
            &vendored,
            response_schema(&vendored, method, template, 200),
            body,
            &format!("{at} (vendored)"),
            &mut problems,
        );
        validate(
            upstream,
            response_schema(upstream, method, template, 200),
            body,
            &format!("{at} (upstream)"),
            &mut problems,
        );
    };
    let clients = "/v1/connected_apps/clients";
    let one = "/v1/connected_apps/clients/{client_id}";
    let create = json!({"client_type": "third_party", "client_name": "Schema", "redirect_urls": [redirect],
                        "client_description": "d", "full_access_allowed": false});
    let (status, created) = call_with(&emulator, "post", clients, None, SEED_SECRET, create).await;
    check("post", clients, &consumer, status, &created, "create");
    let id = created["connected_app"]["client_id"].as_str().unwrap().to_owned();
    let path = format!("{clients}/{id}");
    let (status, body) = call(&emulator, "get", &path, None, SEED_SECRET).await;
    check("get", one, &consumer, status, &body, "get");
    let update = json!({"client_name": "Schema 2", "logo_url": "https://partner.example.com/logo.png"});
    let (status, body) = call_with(&emulator, "put", &path, None, SEED_SECRET, update).await;
    check("put", one, &consumer, status, &body, "update");
    let (status, body) =
        call_with(&emulator, "post", &format!("{clients}/search"), None, SEED_SECRET, json!({"limit": 1})).await;
    check("post", "/v1/connected_apps/clients/search", &consumer, status, &body, "search");
    for (step, template) in [
        ("rotate/start", "/v1/connected_apps/clients/{client_id}/secrets/rotate/start"),
        ("rotate", "/v1/connected_apps/clients/{client_id}/secrets/rotate"),
        ("rotate/start", "/v1/connected_apps/clients/{client_id}/secrets/rotate/start"),
        ("rotate/cancel", "/v1/connected_apps/clients/{client_id}/secrets/rotate/cancel"),
    ] {
        let (status, body) = call(&emulator, "post", &format!("{path}/secrets/{step}"), None, SEED_SECRET).await;
        check("post", template, &consumer, status, &body, step);
    }

    let ask =
        json!({"client_id": id, "redirect_uri": redirect, "response_type": "code", "scopes": ["openid", "profile"]});
    let mut member = ask.clone();
    member["organization_id"] = json!(SEED_ORGANIZATION);
    member["member_id"] = json!(SEED_ADMIN);
    let mut user = ask.clone();
    user["user_id"] = json!(SEED_USER);
    for (prefix, upstream, request) in [("/v1/b2b/idp", &upstream_b2b, member), ("/v1/idp", &consumer, user)] {
        let start = format!("{prefix}/oauth/authorize/start");
        let (status, body) = call_with(&emulator, "post", &start, None, SEED_SECRET, request.clone()).await;
        check("post", &start, upstream, status, &body, &start);
        let decide = format!("{prefix}/oauth/authorize");
        let mut granted = request.clone();
        granted["consent_granted"] = json!(true);
        granted["state"] = json!("s");
        let (status, body) = call_with(&emulator, "post", &decide, None, SEED_SECRET, granted).await;
        check("post", &decide, upstream, status, &body, &decide);
        let mut refused = request;
        refused["consent_granted"] = json!(false);
        let (status, body) = call_with(&emulator, "post", &decide, None, SEED_SECRET, refused).await;
        check("post", &decide, upstream, status, &body, &format!("{decide} refused"));
    }

    let (status, body) = call(&emulator, "delete", &path, None, SEED_SECRET).await;
    check("delete", one, &consumer, status, &body, "delete");
    let (status, body) = call(&emulator, "get", &path, None, SEED_SECRET).await;
    assert_eq!(status, 404, "{body}");
    let b1 = "/v1/b2b/organizations/{organization_id}/connected_apps";
    validate(&vendored, response_schema(&vendored, "get", b1, 404), &body, "get after delete", &mut problems);
    assert_eq!(body["error_type"], "connected_app_not_found");
    assert!(problems.is_empty(), "the emulator's answers do not match the specs:\n{}", problems.join("\n"));
}
