//! The project's session signing keys (one JWKS endpoint's), cached per client and shared by its clones.
//!
//! - **Lazy**: nothing is fetched until a JWT needs a key.
//! - **Single-flight**: there is at most one fetch at a time, run in a task of its own; every verification that
//!   needs it waits for its outcome (each until its own deadline), a failure included, so an outage is not
//!   multiplied by the number of callers, and a caller that gives up cancels nothing.
//! - **Stale keys keep verifying**: once the keys are older than the refresh interval, the call that notices
//!   starts a refresh in the background and verifies with the keys it has. After a failed fetch, no fetch at all
//!   (first fetch, refresh, or refetch for an unknown `kid`) is tried again within the cooldown: meanwhile a miss
//!   gets that failure.
//! - **Unknown `kid`**: one refetch (a rotation shows up at once), then none for the cooldown. A lookup that
//!   joined a fetch started before it missed (a refresh, a cold fetch or a refetch someone else started, whose
//!   keys may predate a rotation) and still misses is owed a fetch started after it: it asks again, and the
//!   cooldown still allows one follow-up refetch for such lookups. So a flood of forged `kid`s costs at most two
//!   JWKS requests per cooldown besides the refreshes, and every lookup is answered by a fetch that started after
//!   it missed, except one that misses within the cooldown of a refetch (and of its follow-up) that had already
//!   ended when it asked: it is refused at once, and a key first served in that window verifies once the
//!   cooldown is over (at most 30 s by default).
//! - **One fetch, shared** ([`single_flight`](crate::ext::transport::single_flight)): it stops counting as running
//!   in the same instant its outcome is published; a lost or stuck fetch (its runtime gone, idle or blocked past
//!   the client's deadline) is forgotten and a lookup waiting for it asks again (at most three waits in all); a
//!   stuck fetch that ends late cannot replace newer keys.
//! - **Outages**: a failed fetch keeps the keys already known; a 200 with no usable key keeps them too.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;

use crate::ext::jwt::error::{JwtError, JwtErrorKind};
use crate::ext::jwt::jwks::RawJwks;
use crate::ext::jwt::key_set::KeySet;
use crate::ext::transport::single_flight::{self, Fetch, Flight, Shared, Waited, failed};
use crate::{Error, TransportError};

/// Where a key cache gets its keys (one JWKS endpoint): the cache knows nothing else of the client.
pub(crate) trait FetchKeys: Send + Sync {
    /// The operation fetched, for errors.
    fn operation_id(&self) -> &'static str;
    /// Fetches the key set once, with the client's own timeouts and retries (never one caller's: the outcome is
    /// everyone's).
    fn fetch(&self) -> Pin<Box<dyn Future<Output = Result<RawJwks, Error>> + Send + '_>>;
}

/// How often keys are refreshed and refetched.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CacheTimings {
    /// Keys older than this are refreshed in the background.
    pub(crate) refresh_after: Duration,
    /// After an unknown-`kid` refetch, or a failed fetch, no other for this long.
    pub(crate) cooldown: Duration,
    /// A fetch still running after this long is stuck (its task is no longer driven: its runtime is idle or
    /// blocked), since the fetch itself gives up by the client's deadline: it is forgotten, and a new one may start.
    pub(crate) stuck_after: Duration,
}

#[derive(Default)]
pub(crate) struct State {
    keys: Arc<KeySet>,
    /// The last fetch that brought keys (`None`: never).
    fetched_at: Option<Instant>,
    /// The error of the last fetch, if it failed, and when it ended.
    last_failure: Option<(Arc<Error>, Instant)>,
    /// When the last refetch for an unknown `kid` started.
    unknown_kid_refetch_at: Option<Instant>,
    /// When the last follow-up refetch started (see [`KeyCache::on_miss`]).
    follow_up_at: Option<Instant>,
    /// The fetch running now, if any. There is never more than one; it is cleared when its outcome is published.
    flight: Flight,
}

/// The keys of one JWKS endpoint.
pub(crate) struct KeyCache {
    fetcher: Arc<dyn FetchKeys>,
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
    pub(crate) fn new(fetcher: Arc<dyn FetchKeys>, timings: CacheTimings) -> Self {
        Self { fetcher, timings, state: Mutex::new(State::default()) }
    }

    /// The key named `kid`, fetching or refreshing the key set as the module docs describe. A caller waits for a
    /// fetch until `deadline` at most (its call's); the fetch itself runs in a task of its own, so a caller that
    /// gives up (deadline, cancellation) never cancels it for the others.
    pub(crate) async fn key(
        self: &Arc<Self>,
        kid: &str,
        what: &'static str,
        deadline: Option<Instant>,
    ) -> Result<Arc<DecodingKey>, Error> {
        let asked_at = Instant::now();
        let mut miss = {
            let mut state = self.lock();
            if let Some(key) = state.keys.get(kid) {
                if self.refresh_due(&mut state) {
                    // In the background: this call verifies with the keys it has.
                    drop(self.start_fetch(&mut state));
                }
                return Ok(key);
            }
            self.on_miss(&mut state, what, None)
        };
        // At most three waits: the fetch this lookup started or joined; if that one started before the lookup
        // missed (its keys may predate a rotation), or ended without an outcome (stuck, or dropped with its
        // runtime), a fetch started since; and once more if that one too was lost.
        let mut lost = false;
        for wait in 1..=3 {
            let fetch = match miss {
                Miss::Fail(error) => return Err(error),
                Miss::Wait(fetch) => fetch,
            };
            let joined_older = fetch.started_at < asked_at;
            let waited =
                fetch.wait(deadline, self.timings.stuck_after, self.fetcher.operation_id(), Error::Jwks).await?;
            let mut state = self.lock();
            if let Some(key) = state.keys.get(kid) {
                return Ok(key);
            }
            lost = matches!(waited, Waited::Lost);
            if wait == 3 {
                break; // no fetch is started that nobody would wait for
            }
            miss = match waited {
                Waited::Lost => self.on_miss(&mut state, what, Some(asked_at)),
                Waited::Done if joined_older => self.on_miss(&mut state, what, Some(asked_at)),
                // A fetch that started after this lookup missed has answered: the key set has no such key.
                Waited::Done => return Err(JwtError::new(what, JwtErrorKind::UnknownKey).into()),
            };
        }
        Err(match lost {
            // Three fetches in a row ended without an outcome: their runtimes are going away.
            true => Error::Transport(TransportError::abandoned(self.fetcher.operation_id())),
            false => JwtError::new(what, JwtErrorKind::UnknownKey).into(),
        })
    }

    /// Decides what a lookup that found no key does: join the running fetch, start the first one or a refetch
    /// for an unknown `kid`, or answer at once (a recent failure, or the unknown-`kid` cooldown).
    ///
    /// `asked_again` is when the lookup first missed, if it is asking again after waiting for a fetch that started
    /// before that (or that was lost): the cooldown then still allows one follow-up refetch, if the refetch that
    /// set it also started before the lookup missed (a fetch started later has answered it already). One
    /// follow-up per cooldown: a flood of unknown `kid`s costs at most two refetches per cooldown.
    fn on_miss(self: &Arc<Self>, state: &mut State, what: &'static str, asked_again: Option<Instant>) -> Miss {
        if let Some(running) = state.flight.running(self.timings.stuck_after) {
            return Miss::Wait(running);
        }
        let recently = |at: Option<Instant>| at.is_some_and(|at| at.elapsed() < self.timings.cooldown);
        let failed_recently = state.last_failure.as_ref().filter(|(_, at)| recently(Some(*at)));
        if state.fetched_at.is_none() {
            // No keys yet. After a failure, the next attempt waits for the cooldown; meanwhile, the same failure.
            return match failed_recently {
                Some((failure, _)) => Miss::Fail(Error::Jwks(failure.clone())),
                None => self.start_fetch(state),
            };
        }
        // Known keys, but the JWKS failed within the cooldown: no refetch yet (the key set cannot be checked now).
        if let Some((failure, _)) = failed_recently {
            return Miss::Fail(Error::Jwks(failure.clone()));
        }
        if !recently(state.unknown_kid_refetch_at) {
            state.unknown_kid_refetch_at = Some(Instant::now());
            return self.start_fetch(state);
        }
        let owed = asked_again.is_some_and(|asked| state.unknown_kid_refetch_at.is_some_and(|at| at < asked));
        if owed && !recently(state.follow_up_at) {
            state.follow_up_at = Some(Instant::now());
            return self.start_fetch(state);
        }
        Miss::Fail(JwtError::new(what, JwtErrorKind::UnknownKey).into())
    }

    /// Keys older than the refresh interval, no fetch running, and no failed fetch within the cooldown.
    fn refresh_due(&self, state: &mut State) -> bool {
        let Some(fetched_at) = state.fetched_at else { return false };
        let failed_recently = state.last_failure.as_ref().is_some_and(|(_, at)| at.elapsed() < self.timings.cooldown);
        state.flight.running(self.timings.stuck_after).is_none()
            && !failed_recently
            && fetched_at.elapsed() >= self.timings.refresh_after
    }

    /// Starts the one fetch, in a task of its own (see [`Flight::start`]).
    fn start_fetch(self: &Arc<Self>, state: &mut State) -> Miss {
        let cache = self.clone();
        let fetch = async move { cache.fetcher.fetch().await };
        match Flight::start(self, state, fetch, "the JWKS") {
            Ok(fetch) => Miss::Wait(fetch),
            Err(error) => Miss::Fail(error),
        }
    }
}

impl Shared for KeyCache {
    type State = State;
    type Fetched = Result<RawJwks, Error>;

    fn lock(&self) -> MutexGuard<'_, State> {
        single_flight::lock(&self.state)
    }

    fn flight(state: &mut State) -> &mut Flight {
        &mut state.flight
    }

    /// The keys a fetch brought, or its failure (the keys already known are kept).
    fn record(
        &self,
        state: &mut State,
        fetched: Result<RawJwks, Error>,
        started_at: Instant,
    ) -> Result<bool, Arc<Error>> {
        match fetched {
            Ok(raw) => {
                let keys = KeySet::from_jwks(&raw.keys);
                tracing::debug!(
                    operation = self.fetcher.operation_id(),
                    usable_keys = keys.len(),
                    "stytch.jwks fetched"
                );
                state.fetched_at = Some(started_at);
                state.last_failure = None;
                // A key set with no usable key would disable every known key: keep those instead.
                let replaced = keys.len() > 0 || state.keys.len() == 0;
                if replaced {
                    state.keys = Arc::new(keys);
                }
                Ok(replaced)
            }
            Err(error) => Err(failed(&mut state.last_failure, error)),
        }
    }
}
