//! The call paths measured, each done twice: through the SDK, and as a plain reqwest + serde user would write it
//! (same URL, method, headers and body, decoded into the same model type). The plain side is the floor.

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue};
use stytch_connected_apps::models::{
    MemberConnectedAppsResponse, OrganizationConnectedAppResponse, OrganizationConnectedAppsResponse,
    RevokeMemberConnectedAppResponse, RevokeUserConnectedAppResponse, UserConnectedAppsResponse,
};
use stytch_connected_apps::{Client, MemberSession};

use crate::harness::Caller;
use crate::server::LARGE_ORG;

// Shared with `benches/official`, which includes this file.
pub const PROJECT: &str = "project-test-00000000-0000-0000-0000-000000000000";
pub const SECRET: &str = "secret-test-11111111111111111111111111111111";
pub const ORG: &str = "organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931";
pub const MEMBER: &str = "member-test-32fc5024-9c09-4da3-bd2e-c9ce4da9375f";
pub const APP: &str = "connected-app-test-aeadeabc-a3a3-4796-83d0-b757e3001000";
pub const USER: &str = "user-test-e3795c81-f849-4167-bfda-e4a6e9c280fd";
pub const SESSION: &str = "session-token-test-2222222222222222222222222222222222222";

/// One call path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Path {
    B1,
    B1Session,
    B2,
    B3,
    B4,
    C1,
    C2,
    B1Large,
}

impl Path {
    /// The paths with a small body, in table order.
    pub const SMALL: [Path; 7] = [Path::B1, Path::B1Session, Path::B2, Path::B3, Path::B4, Path::C1, Path::C2];

    /// Its name on the command line and in the table.
    pub fn name(self) -> &'static str {
        match self {
            Path::B1 => "b1",
            Path::B1Session => "b1-session",
            Path::B2 => "b2",
            Path::B3 => "b3",
            Path::B4 => "b4",
            Path::C1 => "c1",
            Path::C2 => "c2",
            Path::B1Large => "b1-large",
        }
    }

    /// The path named `name`.
    pub fn parse(name: &str) -> Option<Path> {
        Self::SMALL.into_iter().chain([Path::B1Large]).find(|path| path.name() == name)
    }
}

/// The two clients, set up the same way: Basic credentials as a default header, HTTP/1.1, no proxy.
#[derive(Clone)]
pub struct Sides {
    pub sdk: Client,
    pub plain: reqwest::Client,
    pub base_url: std::sync::Arc<str>,
}

impl Sides {
    pub fn new(base_url: &str) -> Sides {
        let sdk = Client::builder(PROJECT, SECRET).base_url(base_url).build().expect("SDK client");
        let credential = base64_basic(PROJECT, SECRET);
        let mut auth = HeaderValue::from_str(&credential).expect("header");
        auth.set_sensitive(true);
        let plain = reqwest::Client::builder()
            .default_headers(HeaderMap::from_iter([(AUTHORIZATION, auth)]))
            .http1_only()
            .no_proxy()
            .build()
            .expect("plain client");
        Sides { sdk, plain, base_url: base_url.into() }
    }

    /// One call through the SDK; returns a number from the answer (so nothing is optimised away).
    pub async fn sdk(&self, path: Path) -> usize {
        let b2b = self.sdk.b2b();
        match path {
            Path::B1 => b2b.organization_connected_apps(ORG).await.expect("B1").connected_apps.len(),
            Path::B1Large => b2b.organization_connected_apps(LARGE_ORG).await.expect("B1").connected_apps.len(),
            Path::B1Session => {
                let session = MemberSession::token(SESSION).expect("session");
                let b2b = b2b.with_session(&session);
                b2b.organization_connected_apps(ORG).await.expect("B1").connected_apps.len()
            }
            Path::B2 => b2b.connected_app(ORG, APP).await.expect("B2").active_members.len(),
            Path::B3 => b2b.member_connected_apps(ORG, MEMBER).await.expect("B3").connected_apps.len(),
            Path::B4 => b2b.revoke_member_connected_app(ORG, MEMBER, APP).await.expect("B4").request_id.len(),
            Path::C1 => self.sdk.consumer().user_connected_apps(USER).await.expect("C1").connected_apps.len(),
            Path::C2 => self.sdk.consumer().revoke_user_connected_app(USER, APP).await.expect("C2").request_id.len(),
        }
    }

    /// The same call with plain reqwest + serde.
    pub async fn plain(&self, path: Path) -> usize {
        let base = &self.base_url;
        match path {
            Path::B1 | Path::B1Session | Path::B1Large => {
                let org = if path == Path::B1Large { LARGE_ORG } else { ORG };
                let mut request = self.plain.get(format!("{base}/v1/b2b/organizations/{org}/connected_apps"));
                if path == Path::B1Session {
                    request = request.header("X-Stytch-Member-Session", SESSION);
                }
                get::<OrganizationConnectedAppsResponse>(request).await.connected_apps.len()
            }
            Path::B2 => {
                let url = format!("{base}/v1/b2b/organizations/{ORG}/connected_apps/{APP}");
                get::<OrganizationConnectedAppResponse>(self.plain.get(url)).await.active_members.len()
            }
            Path::B3 => {
                let url = format!("{base}/v1/b2b/organizations/{ORG}/members/{MEMBER}/connected_apps");
                get::<MemberConnectedAppsResponse>(self.plain.get(url)).await.connected_apps.len()
            }
            Path::B4 => {
                let url = format!("{base}/v1/b2b/organizations/{ORG}/members/{MEMBER}/connected_apps/{APP}/revoke");
                let request = self.plain.post(url).json(&serde_json::Map::new());
                get::<RevokeMemberConnectedAppResponse>(request).await.request_id.len()
            }
            Path::C1 => {
                let url = format!("{base}/v1/users/{USER}/connected_apps");
                get::<UserConnectedAppsResponse>(self.plain.get(url)).await.connected_apps.len()
            }
            Path::C2 => {
                let url = format!("{base}/v1/users/{USER}/connected_apps/{APP}/revoke");
                let request = self.plain.post(url).json(&serde_json::Map::new());
                get::<RevokeUserConnectedAppResponse>(request).await.request_id.len()
            }
        }
    }
}

/// The plain reqwest + serde side.
#[derive(Clone)]
pub struct Plain(pub Sides);

impl Caller for Plain {
    fn side(&self) -> &'static str {
        "plain"
    }

    fn call(&self, path: Path) -> impl std::future::Future<Output = usize> + Send {
        self.0.plain(path)
    }
}

/// The SDK side.
#[derive(Clone)]
pub struct Sdk(pub Sides);

impl Caller for Sdk {
    fn side(&self) -> &'static str {
        "sdk"
    }

    fn call(&self, path: Path) -> impl std::future::Future<Output = usize> + Send {
        self.0.sdk(path)
    }
}

async fn get<T: serde::de::DeserializeOwned>(request: reqwest::RequestBuilder) -> T {
    let response = request.header(ACCEPT, "application/json").send().await.expect("send");
    response.error_for_status().expect("status").json().await.expect("decode")
}

fn base64_basic(user: &str, password: &str) -> String {
    use base64::Engine;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}
