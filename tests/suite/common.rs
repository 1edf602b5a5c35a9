//! Shared by the suite: credentials, fixtures, a client pointed at a loopback mock server, and the matcher that
//! pins down the exact request that must go out.

use httpmock::{MockServer, When};
use stytch_connected_apps::Client;
// The typed mocks (feature `mock`): their matchers are as strict as `Expect::matcher`, and
// `mock_helpers::a_request_that_differs_from_the_sdks_in_any_part_does_not_match` checks them against this file's
// independent constants (`BASIC_AUTH`, `USER_AGENT`).
// (The binaries that include this file by `#[path]` do not all use them.)
#[allow(unused_imports)]
pub use stytch_connected_apps::mock::{ConsumerMockServerExt, MockServerExt, SdkRequest};

pub const PROJECT_ID: &str = "project-test-6f3c1d2e-aaaa-bbbb-cccc-000000000001";
pub const SECRET: &str = "secret-test-K9s8T7u6V5w4X3y2Z1-TOPSECRET";
/// `Basic ` + base64(`PROJECT_ID:SECRET`), computed outside this crate (Python's `base64.b64encode`).
pub const BASIC_AUTH: &str = "Basic cHJvamVjdC10ZXN0LTZmM2MxZDJlLWFhYWEtYmJiYi1jY2NjLTAwMDAwMDAwMDAwMTpzZWNyZXQtdGVzdC1LOXM4VDd1NlY1dzRYM3kyWjEtVE9QU0VDUkVU";
/// The credential as it travels, without the scheme: must never be printed either.
pub const BASIC_CREDENTIAL: &str = "cHJvamVjdC10ZXN0LTZmM2MxZDJlLWFhYWEtYmJiYi1jY2NjLTAwMDAwMDAwMDAwMTpzZWNyZXQtdGVzdC1LOXM4VDd1NlY1dzRYM3kyWjEtVE9QU0VDUkVU";
pub const USER_AGENT: &str = concat!("stytch-connected-apps/", env!("CARGO_PKG_VERSION"), " (rust)");
pub const SESSION_TOKEN: &str = "mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q";
pub const SESSION_JWT: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJtZW1iZXItdGVzdCJ9.c2lnbmF0dXJlLXRlc3Q";
pub const REQUEST_ID: &str = "request-id-test-b05c992f-ebdc-489d-a754-c7e70ba13141";

pub const ORG: &str = "organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931";
pub const MEMBER: &str = "member-test-32fc5024-9c09-4da3-bd2e-c9ce4da9375f";
pub const USER: &str = "user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6";
pub const APP: &str = "connected-app-test-aeadeabc-a3a3-4796-83d0-b757e3001000";

pub mod fixtures {
    pub const B1_200: &str = include_str!("../fixtures/seed001_b1_200.json");
    pub const B2_200_SEED: &str = include_str!("../fixtures/seed002_b2_200.json");
    pub const B2_200_WITH_REQUEST_ID: &str = include_str!("../fixtures/b2_200_with_request_id.json");
    pub const B3_200_SEED: &str = include_str!("../fixtures/seed003_b3_200.json");
    pub const B3_200: &str = include_str!("../fixtures/b3_200.json");
    pub const C1_200: &str = include_str!("../fixtures/seed004_c1_200.json");
    pub const REVOKE_200: &str = include_str!("../fixtures/revoke_200.json");
    pub const E401: &str = include_str!("../fixtures/seed001_401.json");
    pub const E403_SESSION: &str = include_str!("../fixtures/error_403_session_authorization.json");
    pub const E403_TENANCY: &str = include_str!("../fixtures/error_403_tenancy.json");
    pub const E404_APP: &str = include_str!("../fixtures/error_404_connected_app.json");
    pub const E429: &str = include_str!("../fixtures/seed001_429.json");
    pub const E500: &str = include_str!("../fixtures/seed001_500.json");
    pub const E_OAUTH: &str = include_str!("../fixtures/error_oauth_alias.json");
    pub const E_UNKNOWN_TYPE: &str = include_str!("../fixtures/error_unknown_type.json");
    pub const HTML_502: &str = include_str!("../fixtures/proxy_502.html");
}

/// A mock server on 127.0.0.1 and a client that talks to it, retries off: these suites pin exactly one request
/// per call. Retries have their own suite (`faults.rs`).
pub async fn start() -> (MockServer, Client) {
    let server = MockServer::start_async().await;
    let client = Client::builder(PROJECT_ID, SECRET)
        .base_url(server.base_url())
        .retry_policy(stytch_connected_apps::RetryPolicy::disabled())
        .build()
        .expect("valid test config");
    (server, client)
}

/// A mock that answers anything: assert `calls_async() == 0` on it to prove nothing was sent.
pub async fn catch_all(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body(fixtures::B1_200);
        })
        .await
}

/// Which member-session header the request must carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Session {
    None,
    Token,
    Jwt,
    /// This JWT (not the standard `SESSION_JWT`).
    JwtValue(String),
}

/// The one request that must go out.
#[derive(Clone, Debug)]
pub struct Expect {
    /// `GET` or `POST`.
    pub method: &'static str,
    pub path: String,
    pub session: Session,
    /// `None`: no body and no content type (GETs). `Some(b)`: exactly `b`, as JSON.
    pub body: Option<String>,
}

impl Expect {
    pub fn get(path: impl Into<String>) -> Self {
        Self { method: "GET", path: path.into(), session: Session::None, body: None }
    }

    pub fn revoke(path: impl Into<String>) -> Self {
        Self { method: "POST", path: path.into(), session: Session::None, body: Some("{}".into()) }
    }

    /// A POST of exactly this JSON (compact, as serde_json writes it).
    pub fn post_json(path: impl Into<String>, body: serde_json::Value) -> Self {
        Self { method: "POST", path: path.into(), session: Session::None, body: Some(body.to_string()) }
    }

    pub fn with_session_jwt(mut self, jwt: &str) -> Self {
        self.session = Session::JwtValue(jwt.to_owned());
        self
    }

    pub fn with_session(mut self, session: Session) -> Self {
        self.session = session;
        self
    }

    /// Matches only this exact request: method, raw (still percent-encoded) path, no query, Basic auth, user
    /// agent, `Accept`, no `api-version`, the session header (or none) and the body (or none).
    pub fn matcher(&self, when: When) -> When {
        let when = when
            .method(self.method)
            .path(self.path.clone())
            .is_true(|req| req.uri().query().is_none())
            .header("authorization", BASIC_AUTH)
            .header("user-agent", USER_AGENT)
            .header("accept", "application/json")
            .header_missing("api-version");
        let when = match &self.session {
            Session::None => {
                when.header_missing("x-stytch-member-session").header_missing("x-stytch-member-sessionjwt")
            }
            Session::JwtValue(jwt) => {
                when.header("x-stytch-member-sessionjwt", jwt.as_str()).header_missing("x-stytch-member-session")
            }
            Session::Token => {
                when.header("x-stytch-member-session", SESSION_TOKEN).header_missing("x-stytch-member-sessionjwt")
            }
            Session::Jwt => {
                when.header("x-stytch-member-sessionjwt", SESSION_JWT).header_missing("x-stytch-member-session")
            }
        };
        match &self.body {
            Some(body) => when.header("content-type", "application/json").body(body.as_str()),
            None => when
                .header_missing("content-type")
                .header_missing("content-length")
                .is_true(|req| req.body().is_empty()),
        }
    }
}

pub fn b1_path(org: &str) -> String {
    format!("/v1/b2b/organizations/{org}/connected_apps")
}

pub fn b2_path(org: &str, app: &str) -> String {
    format!("/v1/b2b/organizations/{org}/connected_apps/{app}")
}

pub fn b3_path(org: &str, member: &str) -> String {
    format!("/v1/b2b/organizations/{org}/members/{member}/connected_apps")
}

pub fn b4_path(org: &str, member: &str, app: &str) -> String {
    format!("/v1/b2b/organizations/{org}/members/{member}/connected_apps/{app}/revoke")
}

pub fn c1_path(user: &str) -> String {
    format!("/v1/users/{user}/connected_apps")
}

pub fn c2_path(user: &str, app: &str) -> String {
    format!("/v1/users/{user}/connected_apps/{app}/revoke")
}

/// The six operations, for tests that run the same case against each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    B1,
    B2,
    B3,
    B4,
    C1,
    C2,
}

impl Op {
    pub const ALL: [Op; 6] = [Op::B1, Op::B2, Op::B3, Op::B4, Op::C1, Op::C2];
    pub const B2B: [Op; 4] = [Op::B1, Op::B2, Op::B3, Op::B4];

    /// The exact request this operation sends for the standard ids, without a session.
    pub fn expect(self) -> Expect {
        match self {
            Op::B1 => Expect::get(b1_path(ORG)),
            Op::B2 => Expect::get(b2_path(ORG, APP)),
            Op::B3 => Expect::get(b3_path(ORG, MEMBER)),
            Op::B4 => Expect::revoke(b4_path(ORG, MEMBER, APP)),
            Op::C1 => Expect::get(c1_path(USER)),
            Op::C2 => Expect::revoke(c2_path(USER, APP)),
        }
    }

    /// The operation name errors report.
    pub fn operation(self) -> &'static str {
        match self {
            Op::B1 => "api_organization_v1_connected_apps",
            Op::B2 => "api_organization_v1_get_connected_app",
            Op::B3 => "api_organization_v1_organizations_members_get_connected_apps",
            Op::B4 => "api_organization_v1_organizations_members_connected_apps_revoke",
            Op::C1 => "api_user_v1_connected_apps",
            Op::C2 => "api_user_v1_revoke",
        }
    }

    /// A success body for this operation.
    pub fn success_body(self) -> &'static str {
        match self {
            Op::B1 => fixtures::B1_200,
            Op::B2 => fixtures::B2_200_WITH_REQUEST_ID,
            Op::B3 => fixtures::B3_200,
            Op::C1 => fixtures::C1_200,
            Op::B4 | Op::C2 => fixtures::REVOKE_200,
        }
    }

    /// Calls the operation with the standard ids; the typed result re-serialized for uniform comparison.
    pub async fn call(self, client: &Client) -> Result<serde_json::Value, stytch_connected_apps::Error> {
        fn json(value: impl serde::Serialize) -> serde_json::Value {
            serde_json::to_value(value).expect("models serialize")
        }
        Ok(match self {
            Op::B1 => json(client.b2b().organization_connected_apps(ORG).await?),
            Op::B2 => json(client.b2b().connected_app(ORG, APP).await?),
            Op::B3 => json(client.b2b().member_connected_apps(ORG, MEMBER).await?),
            Op::B4 => json(client.b2b().revoke_member_connected_app(ORG, MEMBER, APP).await?),
            Op::C1 => json(client.consumer().user_connected_apps(USER).await?),
            Op::C2 => json(client.consumer().revoke_user_connected_app(USER, APP).await?),
        })
    }
}

/// Runs each of `ops` once with `client` and asserts that exactly its request went out, carrying `session`.
pub async fn assert_each_sends(server: &MockServer, client: &Client, ops: &[Op], session: Session) {
    for &op in ops {
        let expect = op.expect().with_session(session.clone());
        let mock = server
            .mock_async(|when, then| {
                expect.matcher(when);
                then.status(200).body(op.success_body());
            })
            .await;
        op.call(client).await.unwrap_or_else(|e| panic!("{op:?} with {session:?}: {e}"));
        mock.assert_async().await;
        mock.delete_async().await;
    }
}

/// One raw HTTP/1.1 exchange with `address` (`host:port`) on a fresh connection (the request should close it): the
/// status, the head (lower-case) and the body. Raw, for requests reqwest cannot or would not send.
pub fn raw_exchange(address: &str, request: &[u8]) -> (u16, String, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    // A server may answer (and close) before it has read a huge request: a failed write is not the test's concern.
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no HTTP answer: {text:?}"));
    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no status: {head}"));
    (status, head.to_ascii_lowercase(), body.to_owned())
}

/// Bounds a call so that a hang fails the test instead of stalling the suite (not a performance assertion).
pub async fn bounded<T>(call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(std::time::Duration::from_secs(20), call).await.expect("the call hung")
}

/// Session JWTs signed like Stytch's (RS256, the emulator's first test key) for `PROJECT_ID`, and the JWKS that
/// verifies them, for the httpmock suites.
pub mod jwt {
    use std::time::{SystemTime, UNIX_EPOCH};

    use serde_json::{Value, json};
    use stytch_connected_apps::emulator::SigningKey;

    use super::{MEMBER, ORG, PROJECT_ID, USER};

    pub fn now() -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
    }

    /// A member session's claims, issued now, valid 5 minutes.
    pub fn member_claims() -> Value {
        let now = now();
        json!({
            "sub": MEMBER, "iss": format!("stytch.com/{PROJECT_ID}"), "aud": [PROJECT_ID],
            "iat": now, "nbf": now, "exp": now + 300,
            "https://stytch.com/organization": {"organization_id": ORG, "slug": "acme"},
            "https://stytch.com/session": {
                "id": "member-session-test-1", "started_at": "2021-08-28T00:41:58Z",
                "last_accessed_at": "2021-08-28T00:41:58Z", "expires_at": "2100-01-01T00:00:00Z",
                "roles": ["stytch_member", "stytch_admin"], "authentication_factors": [], "attributes": {}
            }
        })
    }

    /// A user session's claims, issued now, valid 5 minutes.
    pub fn user_claims() -> Value {
        let mut claims = member_claims();
        claims["sub"] = json!(USER);
        claims.as_object_mut().unwrap().remove("https://stytch.com/organization");
        claims
    }

    /// Unpadded base64url.
    pub fn b64(bytes: &[u8]) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// `header.payload.signature` with these JSON parts and raw signature bytes (a forgery's shape).
    pub fn compact(header: &Value, claims: &Value, signature: &[u8]) -> String {
        format!("{}.{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()), b64(signature))
    }

    /// `claims` with the value at `pointer` replaced.
    pub fn with(mut claims: Value, pointer: &str, value: Value) -> Value {
        *claims.pointer_mut(pointer).unwrap() = value;
        claims
    }

    /// `claims` without the top-level claim `name`.
    pub fn without(mut claims: Value, name: &str) -> Value {
        claims.as_object_mut().unwrap().remove(name);
        claims
    }

    /// `claims` as HS256 JWTs naming key 0's `kid`, keyed with that key's public parts (the classic key
    /// confusion), in two forms a confused verifier might use: the modulus, and the JWK's JSON.
    pub fn key_confusions(claims: &Value) -> [String; 2] {
        use base64::Engine as _;
        let key = SigningKey::generation(0);
        let header = json!({"alg": "HS256", "typ": "JWT", "kid": key.kid()});
        let message = format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()));
        let modulus =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(key.jwk()["n"].as_str().unwrap()).unwrap();
        let hs256 = |secret: &[u8]| {
            let tag = ring::hmac::sign(&ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret), message.as_bytes());
            format!("{message}.{}", b64(tag.as_ref()))
        };
        [hs256(&modulus), hs256(key.jwk().to_string().as_bytes())]
    }

    /// Key 0's header and `claims`, with key 1's signature: another key under a served `kid`.
    pub fn under_another_key(claims: &Value) -> String {
        let valid = SigningKey::generation(0).sign(claims);
        let other = SigningKey::generation(1).sign(claims);
        format!("{}.{}", valid.rsplit_once('.').unwrap().0, other.rsplit_once('.').unwrap().1)
    }

    /// `valid` with its payload replaced by `claims`, its header and signature kept.
    pub fn tampered(valid: &str, claims: &Value) -> String {
        let parts: Vec<&str> = valid.split('.').collect();
        format!("{}.{}.{}", parts[0], b64(claims.to_string().as_bytes()), parts[2])
    }

    /// The Connected App the test access tokens were issued to.
    pub const CLIENT_ID: &str = "connected-app-test-d731954d-dab3-4a2b-bdee-07f3ad1be885";

    /// A B2B access token's claims (a member acting through a Connected App), issued now, valid 5 minutes.
    pub fn access_claims() -> Value {
        let now = now();
        json!({
            "sub": MEMBER, "iss": format!("stytch.com/{PROJECT_ID}"), "aud": [PROJECT_ID],
            "iat": now, "nbf": now, "exp": now + 300, "jti": "access-token-test-1",
            "client_id": CLIENT_ID, "scope": "openid read:users",
            "https://stytch.com/organization": {"organization_id": ORG, "slug": "acme"}
        })
    }

    /// A consumer access token's claims (a user acting through a Connected App).
    pub fn user_access_claims() -> Value {
        let mut claims = access_claims();
        claims["sub"] = json!(USER);
        claims.as_object_mut().unwrap().remove("https://stytch.com/organization");
        claims
    }

    pub fn member() -> String {
        SigningKey::generation(0).sign(&member_claims())
    }

    pub fn user() -> String {
        SigningKey::generation(0).sign(&user_claims())
    }

    /// The JWKS body with the keys of these generations.
    pub fn jwks(generations: &[u32]) -> Value {
        let keys: Vec<Value> = generations.iter().map(|g| SigningKey::generation(*g).jwk()).collect();
        json!({"keys": keys, "request_id": super::REQUEST_ID, "status_code": 200})
    }

    pub fn member_jwks_path() -> String {
        format!("/v1/b2b/sessions/jwks/{PROJECT_ID}")
    }

    pub fn user_jwks_path() -> String {
        format!("/v1/sessions/jwks/{PROJECT_ID}")
    }
}

/// The B2B (`member`) or consumer JWKS endpoint answering with key 0, as Stytch's SDKs request it (Basic auth).
pub async fn mount_jwks(server: &MockServer, member: bool) -> httpmock::Mock<'_> {
    let path = if member { jwt::member_jwks_path() } else { jwt::user_jwks_path() };
    server
        .mock_async(|when, then| {
            Expect::get(path).matcher(when);
            then.status(200).json_body(jwt::jwks(&[0]));
        })
        .await
}

/// The member JWKS, answered after `delay`: a cold key fetch that takes time.
pub async fn mount_slow_jwks(server: &MockServer, delay: std::time::Duration) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            Expect::get(jwt::member_jwks_path()).matcher(when);
            then.status(200).json_body(jwt::jwks(&[0])).delay(delay);
        })
        .await
}

/// Records each wait instead of sleeping (the client's and a bulk run's pacing waits), so tests cost no time.
#[allow(dead_code)]
#[derive(Debug, Default)]
pub struct RecordingSleep(pub std::sync::Mutex<Vec<std::time::Duration>>);

impl stytch_connected_apps::Sleep for RecordingSleep {
    fn sleep(&self, duration: std::time::Duration) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        self.0.lock().unwrap().push(duration);
        Box::pin(async {})
    }
}

#[allow(dead_code)]
impl RecordingSleep {
    pub fn waits_ms(&self) -> Vec<u128> {
        self.0.lock().unwrap().iter().map(std::time::Duration::as_millis).collect()
    }
}

/// A mock that requires exactly `expect` (the SDK's request) and answers `status` with `body`.
pub async fn mount(server: &MockServer, expect: Expect, status: u16, body: serde_json::Value) -> httpmock::Mock<'_> {
    server
        .mock_async(move |when, then| {
            expect.matcher(when);
            then.status(status).json_body(body);
        })
        .await
}
