//! The project's session signing keys (one JWKS endpoint's), cached per client and shared by its clones.
//!
//! - **Lazy**: nothing is fetched until a JWT needs a key.
//! - **Single-flight**: there is at most one fetch at a time, run in a task of its own; every verification that
//!   needs it waits for its outcome (each until its own deadline), a failure included, so an outage is not
//!   multiplied by the number of callers, and a caller that gives up cancels nothing.
//! - **Stale keys keep verifying**: once the keys are older than the refresh interval, the call that notices
//!   starts a refresh in the background and verifies with the keys it has. After a failed fetch, neither a
//!   refresh nor a first fetch is tried again within the cooldown.
//! - **Unknown `kid`**: one refetch (a rotation shows up at once), then none for the cooldown, so a flood of
//!   forged `kid`s costs at most one JWKS request per cooldown besides the refreshes.
//! - **Outages**: a failed fetch keeps the keys already known; a 200 with no usable key keeps them too.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::watch;

use crate::ext::ids;
use crate::ext::jwt_error::{JwtError, JwtErrorKind};
use crate::ext::jwt_verify::KeySet;
use crate::ext::operations::{self, Operation};
use crate::ext::transport::CallOptions;
use crate::models::ResponseMeta;
use crate::{Client, Consumer, Error, TransportError};

/// Which of the two JWKS endpoints a cache reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeySource {
    /// `GET /v1/b2b/sessions/jwks/{project_id}`: member session JWTs.
    Member,
    /// `GET /v1/sessions/jwks/{project_id}`: consumer session JWTs.
    User,
}

impl KeySource {
    fn operation(self) -> &'static Operation {
        match self {
            KeySource::Member => &operations::B2B_JWKS,
            KeySource::User => &operations::USER_JWKS,
        }
    }
}

/// How often keys are refreshed and refetched.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CacheTimings {
    /// Keys older than this are refreshed in the background.
    pub(crate) refresh_after: Duration,
    /// After an unknown-`kid` refetch, or a failed fetch, no other for this long.
    pub(crate) cooldown: Duration,
}

/// A JWKS body, read leniently: each key is judged on its own by [`KeySet::from_jwks`].
#[derive(Deserialize)]
pub(crate) struct RawJwks {
    keys: Vec<Value>,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    status_code: i32,
}

impl ResponseMeta for RawJwks {
    fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    fn status_code(&self) -> i32 {
        self.status_code
    }
}

/// The outcome of one fetch, as every caller waiting for it sees it.
type Outcome = Option<Result<(), Arc<Error>>>;

#[derive(Default)]
struct State {
    keys: Arc<KeySet>,
    /// The last fetch that brought keys (`None`: never).
    fetched_at: Option<Instant>,
    /// The error of the last fetch, if it failed, and when it ended.
    last_failure: Option<(Arc<Error>, Instant)>,
    /// When the last refetch for an unknown `kid` started.
    unknown_kid_refetch_at: Option<Instant>,
    /// The fetch running now, if any: its outcome, once it has one. There is never more than one.
    fetch: Option<watch::Receiver<Outcome>>,
}

/// The keys of one JWKS endpoint.
pub(crate) struct KeyCache {
    source: KeySource,
    timings: CacheTimings,
    state: Mutex<State>,
}

/// What a lookup that missed must do.
enum Miss {
    /// Wait for this fetch (started or joined), then look again.
    Wait(watch::Receiver<Outcome>),
    /// Answer at once.
    Fail(Error),
}

impl KeyCache {
    pub(crate) fn new(source: KeySource, timings: CacheTimings) -> Self {
        Self { source, timings, state: Mutex::new(State::default()) }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is plain data updated in single assignments: a panic elsewhere cannot leave it half-written.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The key named `kid`, fetching or refreshing the key set as the module docs describe. A caller waits for a
    /// fetch until `deadline` at most (its call's); the fetch itself runs in a task of its own, so a caller that
    /// gives up (deadline, cancellation) never cancels it for the others.
    pub(crate) async fn key(
        self: &Arc<Self>,
        kid: &str,
        what: &'static str,
        client: &Client,
        deadline: Option<Instant>,
    ) -> Result<Arc<DecodingKey>, Error> {
        let miss = {
            let mut state = self.state();
            if let Some(key) = state.keys.get(kid) {
                if self.refresh_due(&mut state) {
                    // In the background: this call verifies with the keys it has.
                    drop(self.start_fetch(&mut state, client));
                }
                return Ok(key);
            }
            self.on_miss(&mut state, what, client)
        };
        let fetch = match miss {
            Miss::Fail(error) => return Err(error),
            Miss::Wait(fetch) => fetch,
        };
        self.wait(fetch, deadline).await?;
        self.state().keys.get(kid).ok_or_else(|| JwtError::new(what, JwtErrorKind::UnknownKey).into())
    }

    /// Decides what a lookup that found no key does: join the running fetch, start the first one or a refetch
    /// for an unknown `kid`, or answer at once (a recent failure, or the unknown-`kid` cooldown).
    fn on_miss(self: &Arc<Self>, state: &mut State, what: &'static str, client: &Client) -> Miss {
        if let Some(running) = running(state) {
            return Miss::Wait(running);
        }
        let recently = |at: Option<Instant>| at.is_some_and(|at| at.elapsed() < self.timings.cooldown);
        if state.fetched_at.is_none() {
            // No keys yet. After a failure, the next attempt waits for the cooldown; meanwhile, the same failure.
            return match &state.last_failure {
                Some((failure, at)) if recently(Some(*at)) => Miss::Fail(Error::Jwks(failure.clone())),
                _ => self.start_fetch(state, client),
            };
        }
        if recently(state.unknown_kid_refetch_at) {
            return Miss::Fail(JwtError::new(what, JwtErrorKind::UnknownKey).into());
        }
        state.unknown_kid_refetch_at = Some(Instant::now());
        self.start_fetch(state, client)
    }

    /// Keys older than the refresh interval, no fetch running, and no failed fetch within the cooldown.
    fn refresh_due(&self, state: &mut State) -> bool {
        let Some(fetched_at) = state.fetched_at else { return false };
        let failed_recently = state.last_failure.as_ref().is_some_and(|(_, at)| at.elapsed() < self.timings.cooldown);
        running(state).is_none() && !failed_recently && fetched_at.elapsed() >= self.timings.refresh_after
    }

    /// Starts the one fetch, in a task of its own; `state.fetch` holds it until it ends, however it ends. Without
    /// a tokio runtime (the HTTP client needs one anyway) nothing can be fetched.
    fn start_fetch(self: &Arc<Self>, state: &mut State, client: &Client) -> Miss {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Miss::Fail(Error::Configuration("fetching the JWKS needs a tokio runtime".into()));
        };
        let (done, outcome) = watch::channel(None);
        state.fetch = Some(outcome.clone());
        let (cache, client) = (self.clone(), client.clone());
        // `state.fetch` is cleared when the task ends; a task dropped before it ever ran (its runtime shut down)
        // is noticed by `running`: its channel is closed without an outcome.
        runtime.spawn(async move {
            let _running = Running(&cache);
            let result = cache.fetch(&client).await;
            let _ = done.send(Some(result));
        });
        Miss::Wait(outcome)
    }

    /// Waits for a fetch's outcome, until `deadline` (if any).
    async fn wait(&self, mut fetch: watch::Receiver<Outcome>, deadline: Option<Instant>) -> Result<(), Error> {
        let operation = self.source.operation().id;
        let finished = fetch.wait_for(Option::is_some);
        let outcome = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline.into(), finished)
                .await
                .map_err(|_| Error::Transport(TransportError::deadline_while_waiting(operation)))?,
            None => finished.await,
        };
        match outcome.as_deref() {
            Ok(Some(Ok(()))) => Ok(()),
            Ok(Some(Err(failure))) => Err(Error::Jwks(failure.clone())),
            // The fetch's task ended without an outcome (dropped with its runtime).
            Ok(None) | Err(_) => Err(Error::Transport(TransportError::abandoned(operation))),
        }
    }

    /// Fetches the key set with the client's own timeouts and retries (never one caller's: the outcome is
    /// everyone's), and records the outcome.
    async fn fetch(&self, client: &Client) -> Result<(), Arc<Error>> {
        let operation = self.source.operation();
        let path = operation.path.replace("{project_id}", &ids::encode(client.project_id()));
        let fetched = Consumer::new(client, CallOptions::default()).key_set(operation, path).await;
        let mut state = self.state();
        match fetched {
            Ok(raw) => {
                let keys = KeySet::from_jwks(&raw.keys);
                tracing::debug!(operation = operation.id, usable_keys = keys.len(), "stytch.jwks fetched");
                // A key set with no usable key would disable every known key: keep those instead.
                if keys.len() > 0 || state.keys.len() == 0 {
                    state.keys = Arc::new(keys);
                }
                state.fetched_at = Some(Instant::now());
                state.last_failure = None;
                Ok(())
            }
            Err(error) => {
                let failure = Arc::new(error);
                state.last_failure = Some((failure.clone(), Instant::now()));
                Err(failure)
            }
        }
    }
}

/// The fetch running now, if any. A fetch whose task ended without an outcome (dropped before it ran, with its
/// runtime) is forgotten here, so that it cannot block every later fetch.
fn running(state: &mut State) -> Option<watch::Receiver<Outcome>> {
    let fetch = state.fetch.as_ref()?;
    let alive = fetch.borrow().is_some() || fetch.has_changed().is_ok();
    if alive {
        Some(fetch.clone())
    } else {
        state.fetch = None;
        None
    }
}

/// Marks the running fetch as ended when dropped.
struct Running<'a>(&'a KeyCache);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.state().fetch = None;
    }
}
