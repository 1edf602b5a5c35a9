//! The project's session signing keys (one JWKS endpoint's), cached per client and shared by its clones.
//!
//! - **Lazy**: nothing is fetched until a JWT needs a key.
//! - **Single-flight**: concurrent verifications that need a fetch wait for one request; a fetch that fails is
//!   shared by every verification that waited for it (an outage is not multiplied by the number of callers).
//! - **Stale keys keep verifying**: once the keys are older than the refresh interval, the call that notices
//!   starts a refresh in the background and verifies with the keys it has.
//! - **Unknown `kid`**: one refetch (a rotation shows up at once), then none for the cooldown, so a flood of
//!   forged `kid`s costs at most one JWKS request per cooldown.
//! - **Outages**: a failed fetch keeps the keys already known; a 200 with no usable key keeps them too.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use serde::Deserialize;
use serde_json::Value;

use crate::ext::ids;
use crate::ext::jwt_error::{JwtError, JwtErrorKind};
use crate::ext::jwt_verify::KeySet;
use crate::ext::operations::{self, Operation};
use crate::ext::transport::CallOptions;
use crate::models::ResponseMeta;
use crate::{Client, Consumer, Error};

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

#[derive(Default)]
struct State {
    keys: Arc<KeySet>,
    /// The last fetch that brought keys (`None`: never).
    fetched_at: Option<Instant>,
    /// Fetch attempts completed so far: a waiter that sees it move knows a fetch finished while it waited.
    attempts: u64,
    /// The error of the last attempt, if it failed.
    last_failure: Option<Arc<Error>>,
    last_attempt_at: Option<Instant>,
    /// When the last unknown-`kid` refetch was asked for, and `attempts` at that moment.
    unknown_kid_refetch: Option<(Instant, u64)>,
    /// A background refresh is running.
    refreshing: bool,
    /// A fetch is running now (cleared when it ends or is cancelled).
    in_flight: bool,
}

/// The keys of one JWKS endpoint.
pub(crate) struct KeyCache {
    source: KeySource,
    timings: CacheTimings,
    state: Mutex<State>,
    /// Held while a fetch runs: the single flight.
    fetching: tokio::sync::Mutex<()>,
}

/// What a lookup that missed must do.
enum Miss {
    /// Fetch (or wait for the fetch that `attempts` says is running), then look again.
    Fetch { observed: u64 },
    /// Answer at once.
    Fail(Error),
}

impl KeyCache {
    pub(crate) fn new(source: KeySource, timings: CacheTimings) -> Self {
        Self { source, timings, state: Mutex::new(State::default()), fetching: tokio::sync::Mutex::new(()) }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is plain data updated in single assignments: a panic elsewhere cannot leave it half-written.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The key named `kid`, fetching or refreshing the key set as the module docs describe. `options` bound a
    /// fetch this call makes (its deadline is the caller's).
    pub(crate) async fn key(
        self: &Arc<Self>,
        kid: &str,
        what: &'static str,
        client: &Client,
    ) -> Result<Arc<DecodingKey>, Error> {
        let miss = {
            let mut state = self.state();
            if let Some(key) = state.keys.get(kid) {
                if self.refresh_due(&state) {
                    state.refreshing = true;
                    drop(state);
                    self.refresh_in_background(client);
                }
                return Ok(key);
            }
            self.on_miss(&mut state, what)
        };
        let observed = match miss {
            Miss::Fail(error) => return Err(error),
            Miss::Fetch { observed } => observed,
        };
        self.fetch_once(observed, client).await?;
        self.state().keys.get(kid).ok_or_else(|| JwtError::new(what, JwtErrorKind::UnknownKey).into())
    }

    /// Decides what a lookup that found no key does: the first fetch, a refetch for an unknown `kid`, or none.
    fn on_miss(&self, state: &mut State, what: &'static str) -> Miss {
        let now = Instant::now();
        let recently = |at: Option<Instant>| at.is_some_and(|at| now.duration_since(at) < self.timings.cooldown);
        if state.fetched_at.is_none() {
            // No keys yet. After a failure, the next attempt waits for the cooldown; meanwhile, the same failure.
            return match &state.last_failure {
                Some(failure) if recently(state.last_attempt_at) => Miss::Fail(Error::Jwks(failure.clone())),
                _ => Miss::Fetch { observed: state.attempts },
            };
        }
        match state.unknown_kid_refetch {
            // The refetch asked for is still running: wait for it rather than answer "unknown". (One that was
            // cancelled is not: then the cooldown below applies, so cancelled callers cannot defeat it.)
            Some((_, asked_at)) if asked_at == state.attempts && state.in_flight => Miss::Fetch { observed: asked_at },
            Some((at, _)) if recently(Some(at)) => Miss::Fail(JwtError::new(what, JwtErrorKind::UnknownKey).into()),
            _ => {
                state.unknown_kid_refetch = Some((now, state.attempts));
                Miss::Fetch { observed: state.attempts }
            }
        }
    }

    /// Keys older than the refresh interval, no refresh running, and no failed attempt within the cooldown.
    fn refresh_due(&self, state: &State) -> bool {
        let Some(fetched_at) = state.fetched_at else { return false };
        let failed_recently = state.last_failure.is_some()
            && state.last_attempt_at.is_some_and(|at| at.elapsed() < self.timings.cooldown);
        !state.refreshing && !failed_recently && fetched_at.elapsed() >= self.timings.refresh_after
    }

    /// Starts a refresh that outlives the call that noticed the keys were stale. Without a tokio runtime (the
    /// HTTP client needs one anyway) the refresh is left to a later call.
    fn refresh_in_background(self: &Arc<Self>, client: &Client) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.state().refreshing = false;
            return;
        };
        let (cache, client) = (self.clone(), client.clone());
        runtime.spawn(async move {
            // Cleared however the task ends (completed, cancelled with its runtime, or panicked).
            let _refreshing = Flag(&cache, |state| state.refreshing = false);
            let observed = cache.state().attempts;
            // A failure is recorded in the state; the known keys stay in use.
            let _ = cache.fetch_once(observed, &client).await;
        });
    }

    /// Fetches the key set, unless a fetch completed since `observed` (then its outcome is this one's). The fetch
    /// runs with the client's own timeouts and retries, never one caller's: its outcome is shared by everyone.
    async fn fetch_once(&self, observed: u64, client: &Client) -> Result<(), Error> {
        let _flight = self.fetching.lock().await;
        {
            let mut state = self.state();
            if state.attempts != observed {
                return match &state.last_failure {
                    None => Ok(()),
                    Some(failure) => Err(Error::Jwks(failure.clone())),
                };
            }
            state.in_flight = true;
        }
        let _in_flight = Flag(self, |state| state.in_flight = false);
        let operation = self.source.operation();
        let path = operation.path.replace("{project_id}", &ids::encode(client.project_id()));
        let options = CallOptions::default().starting_now();
        let fetched = Consumer::new(client, options).key_set(operation, path).await;
        let mut state = self.state();
        state.attempts += 1;
        state.last_attempt_at = Some(Instant::now());
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
                state.last_failure = Some(failure.clone());
                Err(Error::Jwks(failure))
            }
        }
    }
}

/// Resets a state flag when dropped: a fetch or refresh that is cancelled must not leave its flag set.
struct Flag<'a>(&'a KeyCache, fn(&mut State));

impl Drop for Flag<'_> {
    fn drop(&mut self) {
        (self.1)(&mut self.0.state());
    }
}
