//! The HTTP side: an axum router on 127.0.0.1, and the [`Emulator`] handle tests and the binary hold.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use bytes::Bytes;

use super::connection::{EnvelopeBody, EnvelopeListener};
use super::faults::{Fault, JwtFlaw, LoggedRequest};
use super::fixture::Fixture;
use super::rate_limit::RateLimit;
use super::world::{Credentials, Reply, World};
use super::{Endpoint, SigningKey};
use crate::{Client, ClientBuilder, Credential};

#[derive(Debug)]
struct Shared {
    world: World,
    scripts: HashMap<Endpoint, VecDeque<Fault>>,
    latency: Duration,
    rate_limit: Option<RateLimit>,
    log: Vec<LoggedRequest>,
    /// Requests being served now, and the most at once since the last reset.
    in_flight: usize,
    peak_in_flight: usize,
}

/// Counts one request as in flight while it lives.
struct InFlight(SharedState);

impl InFlight {
    fn enter(shared: &SharedState) -> Self {
        let mut state = lock(shared);
        state.in_flight += 1;
        state.peak_in_flight = state.peak_in_flight.max(state.in_flight);
        Self(shared.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut state = lock(&self.0);
        state.in_flight = state.in_flight.saturating_sub(1);
    }
}

type SharedState = Arc<Mutex<Shared>>;

fn lock(shared: &SharedState) -> MutexGuard<'_, Shared> {
    // A handler that panicked while holding the lock leaves plain data behind: keep serving.
    shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A running emulator on 127.0.0.1. It stops when dropped.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use stytch_connected_apps::emulator::{Emulator, Fixture, SEED_ORGANIZATION};
///
/// let emulator = Emulator::start(Fixture::seed()).await?;
/// let client = emulator.client()?;
/// let apps = client.b2b().organization_connected_apps(SEED_ORGANIZATION).await?;
/// assert_eq!(apps.connected_apps.len(), 2);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Emulator {
    url: String,
    project_id: String,
    secret: Credential,
    shared: SharedState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Emulator {
    /// Starts on 127.0.0.1 with a port the system picks.
    pub async fn start(fixture: Fixture) -> std::io::Result<Self> {
        Self::start_on_port(0, fixture).await
    }

    /// Starts on 127.0.0.1:`port` (0: any free port).
    pub async fn start_on_port(port: u16, fixture: Fixture) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let (project_id, secret) = (fixture.project.project_id.clone(), fixture.project.secret.clone());
        let shared = Arc::new(Mutex::new(Shared {
            world: World::new(fixture),
            scripts: HashMap::new(),
            latency: Duration::ZERO,
            rate_limit: None,
            log: Vec::new(),
            in_flight: 0,
            peak_in_flight: 0,
        }));
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = router(shared.clone());
        let listener = EnvelopeListener::new(listener, parse_error_envelope(shared.clone()));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Self { url, project_id, secret, shared, shutdown: Some(shutdown) })
    }

    /// The base URL, e.g. `http://127.0.0.1:43117`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The fixture's project id.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// A client builder with the fixture's credentials, pointed at the emulator.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder(self.project_id.clone(), self.secret.expose()).base_url(&self.url)
    }

    /// A client with the fixture's credentials, pointed at the emulator.
    pub fn client(&self) -> Result<Client, crate::Error> {
        self.client_builder().build()
    }

    /// The next requests to `endpoint` get these faults, one each, in order; later ones are answered normally.
    pub fn script(&self, endpoint: Endpoint, faults: impl IntoIterator<Item = Fault>) {
        lock(&self.shared).scripts.entry(endpoint).or_default().extend(faults);
    }

    /// Every request waits this long before it is answered.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.shared).latency = latency;
    }

    /// Limits each endpoint to `per_second` requests per second (in bursts of up to as many), as Stytch limits
    /// each endpoint per project: a request over the limit is answered 429 `too_many_requests` with `Retry-After`
    /// (whole seconds, rounded up) before any latency or fault. `None` (the default) lifts the limit.
    pub fn set_rate_limit(&self, per_second: Option<u32>) {
        lock(&self.shared).rate_limit = per_second.map(RateLimit::new);
    }

    /// The most requests the emulator was serving at once since it started or since the last call of this
    /// method, which starts a new count.
    pub fn take_peak_in_flight(&self) -> usize {
        let mut shared = lock(&self.shared);
        let now = shared.in_flight;
        std::mem::replace(&mut shared.peak_in_flight, now)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared).log.clone()
    }

    /// Rotates the signing key, as Stytch does every few months: a new key (new `kid`) signs every JWT issued from
    /// now on, and both JWKS endpoints serve it beside the old ones until [`retire_old_signing_keys`]. Returns the
    /// new key.
    ///
    /// [`retire_old_signing_keys`]: Self::retire_old_signing_keys
    pub fn rotate_signing_key(&self) -> SigningKey {
        lock(&self.shared).world.rotate_keys()
    }

    /// Ends a rotation: the JWKS endpoints serve only the current signing key, and JWTs signed by the others (the
    /// fixture's among them, after a first rotation) are refused.
    pub fn retire_old_signing_keys(&self) {
        lock(&self.shared).world.retire_old_keys();
    }

    /// The key that signs the JWTs issued now.
    pub fn signing_key(&self) -> SigningKey {
        lock(&self.shared).world.signing_key()
    }

    /// A fresh member session JWT (issued now, valid 5 minutes, signed with the current key) for the member
    /// session with this token; `None` if there is none.
    pub fn issue_member_jwt(&self, session_token: &str) -> Option<String> {
        lock(&self.shared).world.issue_jwt(session_token, true, None)
    }

    /// A fresh consumer session JWT for the user session with this token; `None` if there is none.
    pub fn issue_user_jwt(&self, session_token: &str) -> Option<String> {
        lock(&self.shared).world.issue_jwt(session_token, false, None)
    }

    /// A member session JWT with `flaw`, for tests that verification refuses it.
    pub fn issue_flawed_member_jwt(&self, session_token: &str, flaw: JwtFlaw) -> Option<String> {
        lock(&self.shared).world.issue_jwt(session_token, true, Some(flaw))
    }

    /// A consumer session JWT with `flaw`.
    pub fn issue_flawed_user_jwt(&self, session_token: &str, flaw: JwtFlaw) -> Option<String> {
        lock(&self.shared).world.issue_jwt(session_token, false, Some(flaw))
    }

    /// An access token for Connected App `connected_app_id` acting for a member of `organization_id` with
    /// `scopes` (issued now, valid an hour, signed with the current key), minted against that member's consent
    /// grant (which B1–B3 list): `None` unless the member authorized the app for every one of `scopes`. Revoking
    /// the consent (B4, a bulk revocation) makes introspection answer `active: false` for it.
    pub fn issue_member_access_token(
        &self,
        organization_id: &str,
        member_id: &str,
        connected_app_id: &str,
        scopes: &[&str],
    ) -> Option<String> {
        lock(&self.shared).world.issue_access_token(Some(organization_id), member_id, connected_app_id, scopes)
    }

    /// The same for a consumer user's consent grant (C1 lists it, C2 revokes it).
    pub fn issue_user_access_token(&self, user_id: &str, connected_app_id: &str, scopes: &[&str]) -> Option<String> {
        lock(&self.shared).world.issue_access_token(None, user_id, connected_app_id, scopes)
    }

    /// The world as it is now (revocations applied).
    pub fn fixture(&self) -> Fixture {
        lock(&self.shared).world.fixture.clone()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

fn router(shared: SharedState) -> Router {
    let mut router = Router::new();
    for endpoint in Endpoint::ALL {
        // Path parameters arrive in template order. A route without any, or a segment that is not UTF-8, is a
        // rejection: both end as a list whose length `serve` checks against the template.
        let handler = move |state: State<SharedState>,
                            ids: Result<Path<Vec<String>>, PathRejection>,
                            method: Method,
                            uri: Uri,
                            headers: HeaderMap,
                            body: Result<Bytes, BytesRejection>| {
            let ids = ids.map(|Path(ids)| ids).unwrap_or_default();
            serve(state, endpoint, ids, method, uri, headers, body)
        };
        let handler = match endpoint.method() {
            "GET" => get(handler),
            "PUT" => put(handler),
            "DELETE" => delete(handler),
            _ => post(handler),
        };
        router = router.route(endpoint.path(), handler);
    }
    router
        .fallback(|s: State<SharedState>, m: Method, u: Uri| async move {
            let reply = lock(&s).world.error(404, "route_not_found", "No such endpoint.");
            log(&s, None, &m, &u, reply.0, None, None);
            json_response(reply)
        })
        // axum adds the `Allow` header to what this answers.
        .method_not_allowed_fallback(|s: State<SharedState>, m: Method, u: Uri| async move {
            let message = format!("{m} is not allowed on this endpoint.");
            let reply = lock(&s).world.error(405, "method_not_allowed", &message);
            log(&s, None, &m, &u, reply.0, None, None);
            json_response(reply)
        })
        .with_state(shared)
}

/// The envelope for an answer hyper gives on its own to a request it cannot parse (see `connection.rs`); logged
/// with an empty method and path, which could not be read.
fn parse_error_envelope(shared: SharedState) -> EnvelopeBody {
    Arc::new(move |status, error_type, message| {
        let mut shared = lock(&shared);
        let (status, body) = shared.world.error(status, error_type, message);
        let request = LoggedRequest {
            endpoint: None,
            method: String::new(),
            path: String::new(),
            status,
            session: None,
            fault: None,
            rate_limited: false,
        };
        shared.log.push(request);
        body.to_string()
    })
}

async fn serve(
    State(shared): State<SharedState>,
    endpoint: Endpoint,
    ids: Vec<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let _in_flight = InFlight::enter(&shared);
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let credentials = Credentials {
        authorization: text("authorization"),
        session_token: text("x-stytch-member-session"),
        session_jwt: text("x-stytch-member-sessionjwt"),
    };
    let session = match (&credentials.session_token, &credentials.session_jwt) {
        (Some(_), _) => Some("token"),
        (None, Some(_)) => Some("jwt"),
        (None, None) => None,
    };
    // A credential header that is present but unreadable is a bad request, never "no session": treating it as absent
    // would skip the member-session RBAC check (a revoke with `X-Stytch-Member-Session: \x80` was allowed).
    if let Some(name) = ["authorization", "x-stytch-member-session", "x-stytch-member-sessionjwt"]
        .into_iter()
        .find(|name| headers.get_all(*name).iter().any(|value| value.to_str().is_err()))
    {
        let message = format!("The {name} header is not valid text: it must be visible ASCII.");
        let reply = lock(&shared).world.error(400, "invalid_header", &message);
        log(&shared, Some(endpoint), &method, &uri, reply.0, None, None);
        return json_response(reply);
    }
    let body = match body {
        Ok(body) => body,
        // Over axum's 2 MiB body limit, or a body that broke off.
        Err(rejection) => {
            let status = rejection.status().as_u16();
            let error_type = if status == 413 { "request_too_large" } else { "bad_request" };
            let reply = lock(&shared).world.error(status, error_type, &rejection.body_text());
            log(&shared, Some(endpoint), &method, &uri, reply.0, None, None);
            return json_response(reply);
        }
    };
    if ids.len() != endpoint.parameters() {
        // Only a path segment that is not UTF-8 once percent-decoded gets here.
        let reply = lock(&shared).world.error(400, "invalid_path", "A path parameter is not valid UTF-8.");
        log(&shared, Some(endpoint), &method, &uri, reply.0, None, None);
        return json_response(reply);
    }
    let (latency, fault) = {
        let mut shared = lock(&shared);
        let over_limit = shared.rate_limit.as_mut().and_then(|limit| limit.take(endpoint, Instant::now()).err());
        if let Some(wait) = over_limit {
            let (status, body) = shared.world.error(429, "too_many_requests", Fault::envelope(429).1);
            shared.log.push(LoggedRequest {
                endpoint: Some(endpoint),
                method: method.to_string(),
                path: uri.path().to_owned(),
                status,
                session,
                fault: None,
                rate_limited: true,
            });
            drop(shared);
            let mut response = json_response((status, body));
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
            return response;
        }
        let fault = shared.scripts.get_mut(&endpoint).and_then(VecDeque::pop_front);
        (shared.latency, fault)
    };
    tokio::time::sleep(latency).await;
    let reply = match &fault {
        Some(Fault::Delay(wait)) => {
            tokio::time::sleep(*wait).await;
            None
        }
        Some(Fault::Reset) => {
            log(&shared, Some(endpoint), &method, &uri, 200, session, fault.clone());
            return broken_body();
        }
        Some(Fault::Status { status, retry_after }) => {
            let (error_type, message) = Fault::envelope(*status);
            let reply = lock(&shared).world.error(*status, error_type, message);
            log(&shared, Some(endpoint), &method, &uri, reply.0, session, fault.clone());
            let mut response = json_response(reply);
            if let Some(seconds) = retry_after {
                response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(*seconds));
            }
            return response;
        }
        None => None,
    };
    let reply: Reply = match reply {
        Some(reply) => reply,
        None => lock(&shared).world.handle(endpoint, &ids, &credentials, &body),
    };
    log(&shared, Some(endpoint), &method, &uri, reply.0, session, fault);
    json_response(reply)
}

fn log(
    shared: &SharedState,
    endpoint: Option<Endpoint>,
    method: &Method,
    uri: &Uri,
    status: u16,
    session: Option<&'static str>,
    fault: Option<Fault>,
) {
    lock(shared).log.push(LoggedRequest {
        endpoint,
        method: method.to_string(),
        path: uri.path().to_owned(),
        status,
        session,
        rate_limited: false,
        fault,
    });
}

fn json_response((status, body): Reply) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    response
}

/// A 200 that promises more body than it sends, then fails its body stream: hyper aborts the connection.
fn broken_body() -> Response {
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from_static(br#"{"status_code": 200, "request_id": "request-id-test-reset", "connected_"#)),
        Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected reset")),
    ];
    let mut response = Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
    response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    response.headers_mut().insert(header::CONTENT_LENGTH, header::HeaderValue::from(4096u32));
    response
}
