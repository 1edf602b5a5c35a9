//! No session value, secret, or value of a credential-shaped key survives into any rendering of an error
//! (`Display`, `Debug`, `{:#?}`, the `source()` chain), whatever a hostile server answers: the two reproductions
//! from the security issue, and a property over random JSON and non-JSON bodies with credentials planted at random
//! offsets, every status, every operation.

use base64::Engine as _;
use proptest::prelude::*;
use serde_json::json;

use crate::common::*;
use crate::fault_server::{FaultServer, Step};
use stytch_connected_apps::{Client, Error, MemberSession, RetryPolicy, SessionVerification, UserSession};

/// Every rendering of an error a caller or a logger could produce.
pub fn renderings(err: &Error) -> String {
    let mut shown = format!("{err} | {err:?} | {err:#?}");
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        shown.push_str(&format!(" | {inner} | {inner:?}"));
        source = inner.source();
    }
    shown
}

fn client(url: &str) -> Client {
    Client::builder(PROJECT_ID, SECRET).base_url(url).retry_policy(RetryPolicy::disabled()).build().unwrap()
}

/// A JWT as Stytch mints them (RS256 header, claims naming `ORG` and `MEMBER`), different from the one sent.
fn minted_jwt(salt: &str) -> String {
    let encode = |v: serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.{}",
        encode(json!({"alg": "RS256", "kid": "jwk-test-1", "typ": "JWT"})),
        encode(json!({"sub": MEMBER, "https://stytch.com/organization": {"organization_id": ORG}, "jti": salt})),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("signature-{salt}"))
    )
}

#[tokio::test]
async fn an_undecodable_consumer_authenticate_answer_keeps_no_token() {
    let fresh_jwt = minted_jwt("consumer");
    // `session` renamed (so the body does not decode), then cut short: both carry the tokens.
    let renamed = json!({
        "status_code": 200, "request_id": REQUEST_ID, "sessionn": {"user_id": USER},
        "session_token": SESSION_TOKEN, "session_jwt": fresh_jwt, "user": {"user_id": USER}
    })
    .to_string();
    let cut_short = renamed[..renamed.find(&fresh_jwt).unwrap() + 40].to_owned();
    for body in [renamed, cut_short] {
        let server = FaultServer::start(vec![Step::json(200, &body)]).await;
        let err = client(&server.url).as_user(UserSession::token(SESSION_TOKEN).unwrap()).connected_apps().await;
        let err = err.unwrap_err();

        let Error::UnexpectedBody(unexpected) = &err else { panic!("{err:?}") };
        assert_eq!(unexpected.operation, "api_session_v1_authenticate");
        assert_eq!(unexpected.status.as_u16(), 200);
        // Keys sorted: the JWT comes first, and the cut-short body ends inside it.
        assert!(unexpected.body_excerpt.contains(r#""session_jwt":"<redacted>"#), "{}", unexpected.body_excerpt);
        assert!(unexpected.body_excerpt.contains(REQUEST_ID), "the rest stays useful: {}", unexpected.body_excerpt);
        let shown = renderings(&err);
        for leaked in [SESSION_TOKEN, fresh_jwt.as_str(), &fresh_jwt[..40], SECRET] {
            assert!(!shown.contains(leaked), "leaks {leaked}: {shown}");
        }
        assert_eq!(server.hits(), 1, "nothing after a failed authenticate");
    }
}

#[tokio::test]
async fn an_undecodable_b2b_authenticate_answer_keeps_no_token_in_its_first_kib() {
    let fresh_jwt = minted_jwt("b2b");
    // `member_session` missing; the tokens in the first KiB, as Stytch orders its fields.
    let body = json!({
        "session_token": SESSION_TOKEN, "session_jwt": fresh_jwt, "status_code": 200, "request_id": REQUEST_ID,
        "member": {"member_id": MEMBER}, "organization": {"organization_id": ORG}
    })
    .to_string();
    let server = FaultServer::start(vec![Step::json(200, &body)]).await;
    let client = client(&server.url);
    let member = client.as_member(MemberSession::token(SESSION_TOKEN).unwrap());

    for err in [member.organization_connected_apps().await.unwrap_err(), member.identity().await.unwrap_err()] {
        let Error::UnexpectedBody(unexpected) = &err else { panic!("{err:?}") };
        assert_eq!(unexpected.operation, "api_b2b_session_v1_authenticate");
        assert!(unexpected.reason.contains("member_session"), "the reason stays useful: {}", unexpected.reason);
        let shown = renderings(&err);
        assert!(!shown.contains(SESSION_TOKEN) && !shown.contains(&fresh_jwt), "leaks a token: {shown}");
    }
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn an_error_envelope_echoing_credentials_keeps_its_fields_not_the_credentials() {
    let body = json!({
        "status_code": 401, "request_id": REQUEST_ID, "error_type": "unauthorized_credentials",
        "error_message": format!("Bad credentials {BASIC_CREDENTIAL} for session {SESSION_JWT}"),
        "error_url": "https://stytch.com/docs/api/errors/401",
        "error_details": {"client_secret": "cs-123456789", "hint": "client_secret was cs-123456789", "n": 1}
    });
    let server = FaultServer::start(vec![Step::json(401, &body.to_string())]).await;
    let client = client(&server.url).with_member_session(MemberSession::jwt(SESSION_JWT).unwrap());

    for op in Op::ALL {
        let err = op.call(&client).await.unwrap_err();
        let api = err.as_api().unwrap_or_else(|| panic!("{op:?}: {err:?}"));
        assert_eq!(api.request_id(), Some(REQUEST_ID));
        assert_eq!(api.message.as_deref(), Some("Bad credentials <redacted> for session <redacted>"));
        let details = api.details.as_ref().and_then(|d| d.as_object()).expect("details");
        assert_eq!(details["client_secret"], "<redacted>");
        assert_eq!(details["hint"], "client_secret was <redacted>");
        assert_eq!(details["n"], 1);
        let shown = renderings(&err);
        for leaked in [BASIC_CREDENTIAL, SESSION_JWT, SECRET, "cs-123456789"] {
            assert!(!shown.contains(leaked), "{op:?} leaks {leaked}: {shown}");
        }
    }
}

/// The credential-shaped keys a server may use (those the issue names and more the specs mark as secrets).
const KEYS: [&str; 12] = [
    "session_token",
    "session_jwt",
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "intermediate_session_token",
    "bearer_token",
    "password",
    "totp_code",
    "next_client_secret",
    "authorization_code",
];

/// One thing planted in a body.
#[derive(Clone, Debug)]
enum Plant {
    /// A value the call sent: 0 its session (token or JWT), 1 the project secret, 2 the Basic credential.
    Sent(usize),
    /// A credential-shaped key with a value: JSON (`"k": "v"`) or text (`k=v`), the key's first letter possibly
    /// escaped (`\u0073ession_token`).
    Pair { key: usize, escaped: bool, json: bool, value: String },
}

impl Plant {
    fn text(&self, jwt: bool) -> String {
        match self {
            Plant::Sent(which) => sent_values(jwt)[*which].to_owned(),
            Plant::Pair { key, escaped, json, value } => {
                let key = KEYS[*key];
                let key = if *escaped { format!("\\u{:04x}{}", key.as_bytes()[0], &key[1..]) } else { key.into() };
                if *json { format!(r#""{key}": "{value}""#) } else { format!("{key}={value}") }
            }
        }
    }

    /// What must never show.
    fn secret(&self, jwt: bool) -> String {
        match self {
            Plant::Sent(which) => sent_values(jwt)[*which].to_owned(),
            Plant::Pair { value, .. } => value.clone(),
        }
    }
}

fn sent_values(jwt: bool) -> [&'static str; 3] {
    [if jwt { SESSION_JWT } else { SESSION_TOKEN }, SECRET, BASIC_CREDENTIAL]
}

fn plant() -> impl Strategy<Value = Plant> {
    prop_oneof![
        (0..3usize).prop_map(Plant::Sent),
        (0..KEYS.len(), any::<bool>(), any::<bool>(), "[A-Za-z0-9_-]{12,40}")
            .prop_map(|(key, escaped, json, value)| Plant::Pair { key, escaped, json, value }),
    ]
}

/// A base body: a Stytch-like JSON object (an error envelope or a success payload, with a filler field that can
/// push the plants past 1 KiB), an HTML proxy page, or plain text.
fn base() -> impl Strategy<Value = String> {
    let filler = "[ -~]{0,2500}";
    prop_oneof![
        filler.prop_map(|filler| json!({
            "status_code": 400, "request_id": REQUEST_ID, "error_type": "invalid_argument",
            "error_message": "Something was wrong.", "filler": filler
        })
        .to_string()),
        filler.prop_map(|filler| json!({
            "status_code": 200, "request_id": REQUEST_ID, "member": {"member_id": MEMBER}, "filler": filler
        })
        .to_string()),
        filler.prop_map(|filler| format!(
            "<html><head><title>502 Bad Gateway</title></head><body>{filler}</body></html>"
        )),
        filler,
    ]
}

/// A valid error envelope (so that it decodes, on the generated path too) carrying credentials as top-level keys,
/// echoed in `error_message`, `request_id` and `error_details`; and whether the call sends a JWT.
fn echoing_envelope() -> impl Strategy<Value = (String, Vec<String>, bool)> {
    // One value per key: a JSON object keeps only the last of a repeated key.
    let pairs = prop::collection::btree_map(0..KEYS.len(), "[A-Za-z0-9_-]{12,40}", 1..4);
    (pairs, any::<bool>()).prop_map(|(pairs, jwt)| {
        let sent = sent_values(jwt)[0];
        let echoed: Vec<&str> = pairs.values().map(String::as_str).collect();
        let mut envelope = json!({
            "status_code": 403, "error_type": "session_authorization_error", "error_url": "https://stytch.com/docs",
            "request_id": format!("req-{}", echoed[0]),
            "error_message": format!("echo {} and {sent}", echoed.join(" ")),
            "error_details": {"echo": echoed.last(), "sent": sent},
        });
        for (key, value) in &pairs {
            envelope[KEYS[*key]] = json!(value);
        }
        let mut secrets: Vec<String> = echoed.iter().map(|value| value.to_string()).collect();
        secrets.push(sent.to_owned());
        (envelope.to_string(), secrets, jwt)
    })
}

/// Every operation, each run the way it sends what is planted: B1–B4 carrying a member session, C1 and C2 for the
/// user behind a session, both `sessions/authenticate` calls, the eight Connected Apps client calls, and the four
/// consent-grant calls with the session in their body.
#[derive(Clone, Copy, Debug)]
enum Call {
    Op(Op),
    MemberAuthenticate,
    UserAuthenticate,
    Client(ClientCall),
    Grant(GrantCall),
}

impl Call {
    /// Whether the call sends the session (B1–B4 in a header, C1–C2 and both authenticates through
    /// `sessions/authenticate`, the consent grant in its body): then the session is one of its secrets.
    fn sends_a_session(self) -> bool {
        !matches!(self, Call::Client(_))
    }
}

#[derive(Clone, Copy, Debug)]
enum ClientCall {
    Create,
    Get,
    Update,
    Delete,
    Search,
    StartRotation,
    CompleteRotation,
    CancelRotation,
}

#[derive(Clone, Copy, Debug)]
enum GrantCall {
    MemberStart,
    MemberDecide,
    UserStart,
    UserDecide,
}

fn call() -> impl Strategy<Value = Call> {
    use ClientCall::*;
    use GrantCall::*;
    let clients = [Create, Get, Update, Delete, Search, StartRotation, CompleteRotation, CancelRotation];
    prop_oneof![
        prop::sample::select(Op::ALL.to_vec()).prop_map(Call::Op),
        Just(Call::MemberAuthenticate),
        Just(Call::UserAuthenticate),
        prop::sample::select(clients.to_vec()).prop_map(Call::Client),
        prop::sample::select(vec![MemberStart, MemberDecide, UserStart, UserDecide]).prop_map(Call::Grant),
    ]
}

/// One Connected Apps client call.
async fn client_call(which: ClientCall, client: &Client) -> Result<(), Error> {
    use stytch_connected_apps::models::{CreateClientRequest, SearchClientsRequest, UpdateClientRequest};
    let apps = client.connected_apps();
    match which {
        ClientCall::Create => {
            apps.create(CreateClientRequest::builder().client_type("third_party".to_owned())).await.map(drop)
        }
        ClientCall::Get => apps.get(APP).await.map(drop),
        ClientCall::Update => {
            apps.update(APP, UpdateClientRequest::builder().client_name(Some("n".to_owned()))).await.map(drop)
        }
        ClientCall::Delete => apps.delete(APP).await.map(drop),
        ClientCall::Search => apps.search(SearchClientsRequest::builder()).await.map(drop),
        ClientCall::StartRotation => apps.start_secret_rotation(APP).await.map(drop),
        ClientCall::CompleteRotation => apps.complete_secret_rotation(APP).await.map(drop),
        ClientCall::CancelRotation => apps.cancel_secret_rotation(APP).await.map(drop),
    }
}

/// One consent-grant call, the session in its body.
async fn grant_call(which: GrantCall, client: &Client, member: MemberSession, user: UserSession) -> Result<(), Error> {
    use stytch_connected_apps::models::{
        MemberAuthorizeRequest, MemberAuthorizeStartRequest, UserAuthorizeRequest, UserAuthorizeStartRequest,
    };
    let (redirect, scopes) = ("https://app.example.com/cb".to_owned(), vec!["openid".to_owned()]);
    match which {
        GrantCall::MemberStart => {
            let request = MemberAuthorizeStartRequest::builder()
                .client_id(APP.to_owned())
                .redirect_uri(redirect)
                .response_type("code".to_owned())
                .scopes(scopes);
            client.as_member(member).authorize_start(request).await.map(drop)
        }
        GrantCall::MemberDecide => {
            let request = MemberAuthorizeRequest::builder()
                .client_id(APP.to_owned())
                .redirect_uri(redirect)
                .response_type("code".to_owned())
                .scopes(scopes)
                .consent_granted(true);
            client.as_member(member).authorize(request).await.map(drop)
        }
        GrantCall::UserStart => {
            let request = UserAuthorizeStartRequest::builder()
                .client_id(APP.to_owned())
                .redirect_uri(redirect)
                .response_type("code".to_owned())
                .scopes(scopes);
            client.as_user(user).authorize_start(request).await.map(drop)
        }
        GrantCall::UserDecide => {
            let request = UserAuthorizeRequest::builder()
                .client_id(APP.to_owned())
                .redirect_uri(redirect)
                .response_type("code".to_owned())
                .scopes(scopes)
                .consent_granted(true);
            client.as_user(user).authorize(request).await.map(drop)
        }
    }
}

async fn run(call: Call, client: &Client, jwt: bool) -> Result<(), Error> {
    let member = if jwt { MemberSession::jwt(SESSION_JWT) } else { MemberSession::token(SESSION_TOKEN) }.unwrap();
    let user = if jwt { UserSession::jwt(SESSION_JWT) } else { UserSession::token(SESSION_TOKEN) }.unwrap();
    match call {
        Call::Op(op @ (Op::B1 | Op::B2 | Op::B3 | Op::B4)) => {
            op.call(&client.with_member_session(member)).await.map(drop)
        }
        // Remote: the body under test is sessions/authenticate's or the call's (a local JWT check would stop first).
        Call::Op(Op::C1) => {
            client.as_user(user).verification(SessionVerification::Remote).connected_apps().await.map(drop)
        }
        Call::Op(Op::C2) => {
            client.as_user(user).verification(SessionVerification::Remote).revoke_connected_app(APP).await.map(drop)
        }
        // Remote: these calls exist to reach sessions/authenticate, whose answer is the body under test.
        Call::MemberAuthenticate => {
            client.as_member(member).verification(SessionVerification::Remote).identity().await.map(drop)
        }
        Call::UserAuthenticate => {
            client.as_user(user).verification(SessionVerification::Remote).user_id().await.map(drop)
        }
        Call::Client(which) => client_call(which, client).await,
        Call::Grant(which) => grant_call(which, client, member, user).await,
    }
}

/// A create or rotation answer that holds the secret Stytch returns once but fails to decode (a required field
/// missing, or the body cut short in the secret): the error keeps neither secret, in any rendering.
#[tokio::test]
async fn an_undecodable_create_or_rotation_answer_keeps_no_secret() {
    let created =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/client_create_200.json"));
    let started =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/client_rotate_start_200.json"));
    let (created, started) = (created.unwrap(), started.unwrap());
    let secret = "secret-test-5fDw2oWpn6HcdNuTB8wEhPmDWcmTpgv7Qx";
    let next = "secret-test-NextQ9rAa2bCc3dDd4eEe5fFf6gGg7hHh8iJ";
    let broken = |body: &str| body.replace("\"client_type\"", "\"client_kind\"");
    let cut = |body: &str, at: &str| body[..body.find(at).unwrap() + 20].to_owned();
    for (call, body, value) in [
        (ClientCall::Create, broken(&created), secret),
        (ClientCall::Create, cut(&created, secret), secret),
        (ClientCall::StartRotation, broken(&started), next),
        (ClientCall::StartRotation, cut(&started, next), next),
    ] {
        let server = FaultServer::start(vec![Step::json(200, &body)]).await;
        let err = client_call(call, &client(&server.url)).await.unwrap_err();
        assert!(matches!(err, Error::UnexpectedBody(_)), "{call:?}: {err:?}");
        let shown = renderings(&err);
        assert!(!shown.contains(&value[..20]) && !shown.contains(&value[20..]), "{call:?} leaks the secret: {shown}");
        assert!(shown.contains(REQUEST_ID_OF_FIXTURES) || shown.contains("client_"), "still useful: {shown}");
    }
}

/// The request id the client fixtures carry.
const REQUEST_ID_OF_FIXTURES: &str = "request-id-test-b05c992f-ebdc-489d-a754-c7e70ba1314";

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn an_envelope_echoing_credentials_under_its_own_keys_shows_none_of_them(
        (body, secrets, jwt) in echoing_envelope(),
        status in prop::sample::select(vec![400u16, 401, 403, 404, 429, 500, 502]),
        call in call(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let err = runtime.block_on(async {
            let server = FaultServer::start(vec![Step::json(status, &body)]).await;
            run(call, &client(&server.url), jwt).await
        }).expect_err("an error status");
        prop_assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        prop_assert_eq!(err.error_type().map(|t| t.as_str()), Some("session_authorization_error"), "the envelope decoded");
        let shown = renderings(&err);
        // The session value is a secret of the calls that send it; the client calls send none, so it is only text
        // to them (the last of `secrets`).
        let held = if call.sends_a_session() { &secrets[..] } else { &secrets[..secrets.len() - 1] };
        for secret in held {
            prop_assert!(!shown.contains(secret.as_str()), "{:?} leaks {:?}:\n{}", call, secret, shown);
        }
    }

    #[test]
    fn no_rendering_of_any_error_contains_a_planted_credential(
        base in base(),
        plants in prop::collection::vec((plant(), 0.0..1.0f64), 1..6),
        status in prop::sample::select(vec![200u16, 201, 302, 400, 401, 403, 404, 409, 429, 500, 502, 503]),
        call in call(),
        jwt in any::<bool>(),
    ) {
        // Insert at offsets of the base, last first, so that no plant splits another.
        let mut body = base.clone();
        let mut at: Vec<(usize, &Plant)> = plants.iter().map(|(plant, offset)| {
            let mut index = (offset * base.len() as f64) as usize;
            while !base.is_char_boundary(index) { index -= 1; }
            (index, plant)
        }).collect();
        at.sort_by_key(|(index, _)| std::cmp::Reverse(*index));
        for (index, plant) in &at {
            body.insert_str(*index, &plant.text(jwt));
        }

        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let outcome = runtime.block_on(async {
            let server = FaultServer::start(vec![Step::json(status, &body)]).await;
            run(call, &client(&server.url), jwt).await
        });
        // A revoke answered 2xx with a JSON body whose plants fell inside strings decodes: that is the caller's
        // data, not an error. Every other outcome is an error, and it must not show a planted credential.
        let Err(err) = outcome else { return Ok(()) };
        let shown = renderings(&err);
        for (plant, _) in &plants {
            if matches!(plant, Plant::Sent(0)) && !call.sends_a_session() {
                continue; // a session the call never held is only text to it
            }
            let secret = plant.secret(jwt);
            prop_assert!(!shown.contains(&secret), "{:?} leaks {:?} ({:?}) from {:?}:\n{}", call, secret, plant, body, shown);
        }
    }
}

/// One error for `body` answered with `status` on B1 (generated path) and on C1 (handwritten path).
async fn both_paths(status: u16, body: &str) -> [Error; 2] {
    let server = FaultServer::start(vec![Step::json(status, body)]).await;
    let client = client(&server.url);
    [Op::B1.call(&client).await.unwrap_err(), Op::C1.call(&client).await.unwrap_err()]
}

#[tokio::test]
async fn top_level_credential_keys_are_seen_on_the_generated_path_too() {
    let body = r#"{"status_code":403,"request_id":"r","error_type":"session_authorization_error","error_message":"echo value-under-top-level-key-777","session_token":"value-under-top-level-key-777"}"#;
    for err in both_paths(403, body).await {
        assert_eq!(err.error_type().map(|t| t.as_str()), Some("session_authorization_error"));
        assert_eq!(err.as_api().and_then(|e| e.message.as_deref()), Some("echo <redacted>"), "{err:?}");
    }
}

#[tokio::test]
async fn a_body_with_more_credentials_than_can_be_tracked_is_blanked_not_partly_shown() {
    let many: String = (0..300).map(|i| format!(r#""x{i}_token":"aaaaaa{i:04}","#)).collect();
    let short: String = (0..300).map(|i| format!(r#""code":"{i}","#)).collect();
    for filler in [many, short] {
        let body = format!(
            r#"{{"request_id":"r1","error_type":"bad","error_message":"echo zz-value-of-a-credential-key-QQQ",{filler}"session_token":"zz-value-of-a-credential-key-QQQ"}}"#
        );
        for err in both_paths(400, &body).await {
            assert!(!renderings(&err).contains("zz-value-of-a-credential-key-QQQ"), "{err}");
            assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
        }
    }
}

#[tokio::test]
async fn escaped_credentials_and_jwts_are_cut_even_at_the_excerpt_boundary() {
    let escaped = |text: &str| text.chars().map(|c| format!("\\u{:04x}", c as u32)).collect::<String>();
    // The project secret, fully escaped or with its first letter escaped, running across the 1 KiB cut.
    // At 904, 20 of its characters (6 bytes each) fit before the cut; at 1000, 19.
    for (at, secret) in [(904, escaped(SECRET)), (1000, format!("\\u0073{}", &SECRET[1..]))] {
        let body = format!("<html>{}{secret} and more</html>", "x".repeat(at - 6));
        for err in both_paths(502, &body).await {
            let excerpt = err.as_api().and_then(|e| e.body_excerpt.clone()).expect("an excerpt");
            assert!(excerpt.ends_with("<redacted>"), "{excerpt}");
            assert!(excerpt.starts_with("<html>xxx"), "the rest stays: {excerpt}");
        }
    }
    // A JWT with its first letter escaped, and one with base64 padding.
    let jwt = minted_jwt("escaped");
    let padded = jwt.split('.').map(|part| format!("{part}==")).collect::<Vec<_>>().join(".");
    let body = format!(r#"{{"note": "minted \u0065{} and {padded}"}}"#, &jwt[1..]);
    for err in both_paths(502, &body).await {
        let excerpt = err.as_api().and_then(|e| e.body_excerpt.clone()).expect("an excerpt");
        assert!(!excerpt.contains(&jwt[1..40]) && !excerpt.contains("eyJ"), "{excerpt}");
        assert!(excerpt.starts_with(r#"{"note": "minted "#), "{excerpt}");
    }
}

#[tokio::test]
async fn numbers_xml_name_value_pairs_and_bearer_lines_are_cut() {
    let cases = [
        r#"{"request_id":"r","error_message":"m","session_token":12345678901234,"error_details":{"n":12345678901234}}"#,
        "<error><session_token>abcdefgh12345</session_token></error>",
        r#"{"params":[{"name":"session_token","value":"abcdefgh12345"}]}"#,
        r#"{"params":[["session_token","abcdefgh12345"]]}"#,
        r#"{"params":[{"key":"old_password","value":"abcdefgh12345"}]}"#,
        "upstream got:\nBearer abcdefgh12345abcdefgh12345\n",
    ];
    for body in cases {
        for err in both_paths(400, body).await {
            let shown = renderings(&err);
            assert!(!shown.contains("12345678901234") && !shown.contains("abcdefgh12345"), "{body}: {shown}");
        }
    }
}

#[tokio::test]
async fn session_values_stytch_answered_with_are_cut_from_the_second_request() {
    let rotated_jwt = "jwt-not-shaped-ABCDEF123";
    let authenticated = json!({
        "status_code": 200, "request_id": REQUEST_ID,
        "session": {"session_id": "s", "user_id": USER, "authentication_factors": [], "roles": []},
        "session_token": "rotated-session-token-XYZ123456", "session_jwt": rotated_jwt, "user": {"user_id": USER}
    });
    let echo = json!({"status_code": 403, "request_id": "r", "error_type": "forbidden",
        "error_message": format!("holds rotated-session-token-XYZ123456, jwt {rotated_jwt}")});
    let server =
        FaultServer::start(vec![Step::json(200, &authenticated.to_string()), Step::json(403, &echo.to_string())]).await;
    let client = client(&server.url);
    let err = client.as_user(UserSession::token(SESSION_TOKEN).unwrap()).connected_apps().await.unwrap_err();
    assert_eq!(err.as_api().and_then(|e| e.message.as_deref()), Some("holds <redacted>, jwt <redacted>"), "{err:?}");
}

#[tokio::test]
async fn a_huge_jwt_like_request_id_on_a_success_costs_little() {
    // 2 MiB of `eyJ`: a quadratic JWT scan would take hours; the span keeps at most 1 KiB of it.
    let body = format!(r#"{{"request_id":"{}","status_code":200,"connected_apps":[]}}"#, "eyJ".repeat(700_000));
    let server = FaultServer::start(vec![Step::json(200, &body)]).await;
    let client = client(&server.url);
    let b2b = client.b2b();
    let call = b2b.organization_connected_apps(ORG);
    let apps = tokio::time::timeout(std::time::Duration::from_secs(60), call).await.expect("the call hung");
    assert_eq!(apps.unwrap().request_id.len(), 2_100_000);
}

#[tokio::test]
async fn a_backslash_before_a_credential_does_not_hide_it() {
    // Read as JSON escapes, `\n` and `\t` would turn the first letter into a control character.
    let token = "nZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q";
    let echo = json!({"request_id": "r", "error_type": "session_not_found", "error_message": format!("no session for \\{token}")});
    let server = FaultServer::start(vec![Step::json(404, &echo.to_string())]).await;
    let client = client(&server.url);
    let err = client.as_user(UserSession::token(token).unwrap()).connected_apps().await.unwrap_err();
    assert_eq!(err.as_api().and_then(|e| e.message.as_deref()), Some("no session for \\<redacted>"), "{err:?}");

    let html = format!("<html>header value:\\{token}</html>");
    let server = FaultServer::start(vec![Step::json(403, &html)]).await;
    let client = self::client(&server.url).with_member_session(MemberSession::token(token).unwrap());
    let err = Op::B1.call(&client).await.unwrap_err();
    assert!(!renderings(&err).contains(&token[1..]), "{err:?}");

    let body =
        r#"{"request_id":"r","error_message":"see \\tQ9x7LmZpA2","error_details":{"access_token":"tQ9x7LmZpA2"}}"#;
    for err in both_paths(400, body).await {
        assert_eq!(err.as_api().and_then(|e| e.message.as_deref()), Some("see \\<redacted>"), "{err:?}");
    }
}

#[tokio::test]
async fn numbers_inside_a_credentials_array_or_object_are_cut() {
    for details in [r#"{"recovery_codes":[83920175,11223344]}"#, r#"{"totp_code":{"value":83920175}}"#] {
        let body = format!(
            r#"{{"request_id":"r","error_message":"recovery code 83920175 was already used","error_details":{details}}}"#
        );
        for err in both_paths(400, &body).await {
            assert!(!renderings(&err).contains("83920175"), "{details}: {err:?}");
        }
    }
}

#[tokio::test]
async fn ordinary_errors_keep_their_words() {
    let envelopes = [
        (
            r#"{"request_id":"r","error_type":"invalid_code","error_message":"The code you entered is incorrect."}"#,
            "The code you entered is incorrect.",
        ),
        (
            r#"{"request_id":"r","error_type":"weak_password","error_message":"The password is too weak."}"#,
            "The password is too weak.",
        ),
        (
            r#"{"request_id":"r","error_type":"invalid_session_token","error_message":"Session token is invalid."}"#,
            "Session token is invalid.",
        ),
        (
            r#"{"request_id":"r","error_message":"The field is missing.","error_details":{"field":"session_token","problem":"missing"}}"#,
            "The field is missing.",
        ),
    ];
    for (body, message) in envelopes {
        for err in both_paths(400, body).await {
            assert_eq!(err.as_api().and_then(|e| e.message.as_deref()), Some(message), "{err:?}");
        }
    }
    let pages = [
        "<p>Upstream error <code>ECONNRESET</code>: ECONNRESET means the peer reset the connection.</p>",
        "Error code: 520 Web server is returning an unknown error",
        r#"{"error":{"code":503,"message":"Service Unavailable"}}"#,
    ];
    for page in pages {
        for err in both_paths(502, page).await {
            assert_eq!(err.as_api().and_then(|e| e.body_excerpt.as_deref()), Some(page), "{err:?}");
        }
    }
}

#[tokio::test]
async fn a_huge_credential_value_costs_little_however_many_texts_the_error_has() {
    // 5 000 detail strings, each a text to scrub, and a 4 MB credential value: searching every text for the value
    // took 40 s before (the searcher is built in the value's length); it must not hang the caller.
    let empties = vec![""; 5_000];
    let body = json!({
        "request_id": "r", "error_type": "t", "error_message": "m",
        "error_details": {"a": empties}, "session_token": "v".repeat(4_000_000)
    })
    .to_string();
    let call = both_paths(400, &body);
    let errors = tokio::time::timeout(std::time::Duration::from_secs(20), call).await.expect("error handling hung");
    for err in errors {
        assert_eq!(err.request_id(), Some("r"));
    }
}
