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
//!   forged `kid`s costs at most one JWKS request per cooldown besides the refreshes. A lookup is answered only by
//!   a fetch that started after it missed: one that joined an older fetch (a refresh, or a cold fetch someone else
//!   started) and still misses asks again, and so gets the refetch or the cooldown's answer, never the older
//!   fetch's word.
//! - **A fetch stops counting as running in the same instant its outcome is published** (both under the state
//!   lock), so no lookup can join a fetch that has already ended.
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
    /// The fetch running now, if any. There is never more than one; it is cleared when its outcome is published.
    fetch: Option<Fetch>,
}

/// A fetch, as the lookups that wait for it see it.
#[derive(Clone)]
struct Fetch {
    /// Its outcome, once it has one.
    outcome: watch::Receiver<Outcome>,
    /// When it started: a lookup that missed before then cannot trust its answer for a `kid` it lacks.
    started_at: Instant,
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
    Wait(Fetch),
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
        let asked_at = Instant::now();
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
        let joined_older = fetch.started_at < asked_at;
        self.wait(fetch, deadline).await?;
        let miss = {
            let mut state = self.state();
            match state.keys.get(kid) {
                Some(key) => return Ok(key),
                // The fetch this lookup waited for started before it missed: its keys may predate a rotation.
                // Asking again starts the unknown-`kid` refetch (or joins one that started since, or gets the
                // cooldown's answer). Any fetch running now started after this lookup missed.
                None if joined_older => self.on_miss(&mut state, what, client),
                None => return Err(JwtError::new(what, JwtErrorKind::UnknownKey).into()),
            }
        };
        match miss {
            Miss::Fail(error) => return Err(error),
            Miss::Wait(fetch) => self.wait(fetch, deadline).await?,
        }
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

    /// Starts the one fetch, in a task of its own. `state.fetch` holds it until its outcome is published (or its
    /// task ends without one). Without a tokio runtime (the HTTP client needs one anyway) nothing can be fetched.
    fn start_fetch(self: &Arc<Self>, state: &mut State, client: &Client) -> Miss {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Miss::Fail(Error::Configuration("fetching the JWKS needs a tokio runtime".into()));
        };
        let (done, outcome) = watch::channel(None);
        let fetch = Fetch { outcome, started_at: Instant::now() };
        state.fetch = Some(fetch.clone());
        let (cache, client) = (self.clone(), client.clone());
        // A task dropped before it ever ran (its runtime shut down) is noticed by `running`: its channel is closed
        // without an outcome. One that ends without publishing (a panic) is forgotten by its `Running` guard.
        runtime.spawn(async move {
            let running = Running { cache: &cache, fetch: &done };
            let fetched = cache.fetch_keys(&client).await;
            cache.publish(fetched, running.fetch);
        });
        Miss::Wait(fetch)
    }

    /// Waits for a fetch's outcome, until `deadline` (if any).
    async fn wait(&self, fetch: Fetch, deadline: Option<Instant>) -> Result<(), Error> {
        let operation = self.source.operation().id;
        let mut outcome = fetch.outcome;
        let finished = outcome.wait_for(Option::is_some);
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
    /// everyone's).
    async fn fetch_keys(&self, client: &Client) -> Result<RawJwks, Error> {
        let operation = self.source.operation();
        let path = operation.path.replace("{project_id}", &ids::encode(client.project_id()));
        Consumer::new(client, CallOptions::default()).key_set(operation, path).await
    }

    /// Records a fetch's outcome and publishes it, in one critical section: the keys, the failure, the end of the
    /// fetch (`state.fetch` cleared) and the outcome its waiters see. A lookup either finds the fetch running and
    /// waits for this outcome, or finds it ended and the keys it brought; never an ended fetch to wait on.
    fn publish(&self, fetched: Result<RawJwks, Error>, done: &watch::Sender<Outcome>) {
        let operation = self.source.operation();
        let mut state = self.state();
        let outcome = match fetched {
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
        };
        forget(&mut state, done);
        // No receiver left (every caller gave up) is no error: the keys are recorded all the same.
        let _ = done.send(Some(outcome));
    }
}

/// The fetch running now, if any. One whose task ended without an outcome (dropped before it ran, with its
/// runtime), or that has an outcome already, is not running: it is forgotten here, so that it can neither block
/// every later fetch nor be waited on for an answer it gave before the lookup missed.
fn running(state: &mut State) -> Option<Fetch> {
    let fetch = state.fetch.as_ref()?;
    let alive = fetch.outcome.borrow().is_none() && fetch.outcome.has_changed().is_ok();
    if alive {
        Some(fetch.clone())
    } else {
        state.fetch = None;
        None
    }
}

/// Clears `state.fetch` if it is the fetch whose sender is `done` (a later fetch may have replaced it).
fn forget(state: &mut State, done: &watch::Sender<Outcome>) {
    if state.fetch.as_ref().is_some_and(|fetch| fetch.outcome.same_channel(&done.subscribe())) {
        state.fetch = None;
    }
}

/// Forgets its fetch when dropped, should its task end without publishing an outcome (a panic in the fetch).
struct Running<'a> {
    cache: &'a KeyCache,
    fetch: &'a watch::Sender<Outcome>,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        forget(&mut self.cache.state(), self.fetch);
    }
}
