//! One fetch at a time of something every caller of a client shares (the project's signing keys, its RBAC
//! policy), run in a task of its own, its outcome published to every caller waiting for it. The caches own their
//! state and their rules (when to fetch, what a miss means); this is the part they have in common:
//!
//! - **Its own task**: a caller that gives up (its deadline, a cancellation) cancels the fetch for nobody.
//! - **Ended and published at once**: a fetch stops counting as running in the same critical section in which its
//!   outcome is recorded and published, so no caller can join a fetch that has already ended.
//! - **Lost fetches**: a fetch whose task was dropped with its runtime, that ended without an outcome (a panic), or
//!   that is still running past `stuck_after` (its runtime is idle or blocked: a live fetch gives up by the
//!   client's deadline) is forgotten; a caller waiting for it is told so ([`Waited::Lost`]) and may ask again.
//! - **Newest wins**: a fetch that started before the one whose answer the cache holds (a forgotten, stuck fetch
//!   that ends late) records nothing: it cannot replace newer keys or a newer policy with older ones. What a fetch
//!   brings counts as fetched when the fetch started, however late it ended.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::{Error, TransportError};

/// The outcome of one fetch, as every caller waiting for it sees it (`None`: not yet).
type Outcome = Option<Result<(), Arc<Error>>>;

/// A cache whose state holds a [`Flight`].
pub(crate) trait Shared: Send + Sync + 'static {
    /// Everything the cache keeps, behind one lock.
    type State;
    /// What one fetch brings.
    type Fetched: Send + 'static;
    /// Locks the state.
    fn lock(&self) -> MutexGuard<'_, Self::State>;
    /// The state's flight.
    fn flight(state: &mut Self::State) -> &mut Flight;
    /// Records what a fetch that started at `started_at` brought (what it brought is that old, however late it
    /// ended): `Ok(true)` if it replaced what the cache held, `Ok(false)` if the cache kept it (an empty key set);
    /// an error is what every caller waiting for it gets.
    fn record(&self, state: &mut Self::State, fetched: Self::Fetched, started_at: Instant) -> Result<bool, Arc<Error>>;
}

/// Locks a cache's state. The states are plain data updated in single assignments: a panic elsewhere cannot leave
/// one half-written, so a poisoned lock is used as it is.
pub(crate) fn lock<T>(state: &Mutex<T>) -> MutexGuard<'_, T> {
    state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Records a failed fetch as a cache's last failure (as of now: its cooldown starts now) and returns it, for every
/// caller waiting for that fetch.
pub(crate) fn failed(last_failure: &mut Option<(Arc<Error>, Instant)>, error: Error) -> Arc<Error> {
    let failure = Arc::new(error);
    *last_failure = Some((failure.clone(), Instant::now()));
    failure
}

/// The fetch running now, if any, and when the one whose outcome the cache holds started.
#[derive(Default)]
pub(crate) struct Flight {
    fetch: Option<Fetch>,
    /// When the fetch that last recorded something started.
    recorded_from: Option<Instant>,
}

/// A fetch, as the callers that wait for it see it.
#[derive(Clone)]
pub(crate) struct Fetch {
    outcome: watch::Receiver<Outcome>,
    /// When it started: a caller that missed before then cannot trust its answer for something it lacked.
    pub(crate) started_at: Instant,
}

/// How a wait for a fetch ended (its failure, or the caller's deadline, is an error).
pub(crate) enum Waited {
    /// The fetch published an outcome: look again.
    Done,
    /// The fetch ended without one, or is stuck: ask again.
    Lost,
}

impl Flight {
    /// The fetch running now, if any. One whose task ended without an outcome, one that has an outcome already,
    /// and one running for `stuck_after` or longer are not running: they are forgotten here, so that they can
    /// neither block every later fetch nor be waited on for an answer given before the caller missed.
    pub(crate) fn running(&mut self, stuck_after: Duration) -> Option<Fetch> {
        let fetch = self.fetch.as_ref()?;
        let alive = fetch.outcome.borrow().is_none()
            && fetch.outcome.has_changed().is_ok()
            && fetch.started_at.elapsed() < stuck_after;
        if alive {
            Some(fetch.clone())
        } else {
            self.fetch = None;
            None
        }
    }

    /// Starts the one fetch of `owner` (whose state is `state`, locked by the caller), running `fetch` in a task of
    /// its own. Without a tokio runtime (the HTTP client needs one anyway) nothing can be fetched: `what` names it.
    pub(crate) fn start<S: Shared>(
        owner: &Arc<S>,
        state: &mut S::State,
        fetch: impl Future<Output = S::Fetched> + Send + 'static,
        what: &str,
    ) -> Result<Fetch, Error> {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Err(Error::Configuration(format!("fetching {what} needs a tokio runtime").into()));
        };
        let (done, outcome) = watch::channel(None);
        let started = Fetch { outcome, started_at: Instant::now() };
        S::flight(state).fetch = Some(started.clone());
        let owner = owner.clone();
        let started_at = started.started_at;
        // A task dropped before it ever ran (its runtime shut down) is noticed by `running`: its channel is closed
        // without an outcome. One that ends without publishing (a panic) is forgotten by its `Running` guard.
        runtime.spawn(async move {
            let running = Running { owner: &*owner, done: &done };
            let fetched = fetch.await;
            publish(running.owner, fetched, started_at, running.done);
        });
        Ok(started)
    }

    /// Clears the running fetch if it is the one whose sender is `done` (a later fetch may have replaced it).
    fn forget(&mut self, done: &watch::Sender<Outcome>) {
        if self.fetch.as_ref().is_some_and(|fetch| fetch.outcome.same_channel(&done.subscribe())) {
            self.fetch = None;
        }
    }
}

impl Fetch {
    /// Waits for the fetch's outcome until `deadline` (the caller's, if any) or until the fetch counts as stuck:
    /// [`Waited::Done`] once it has one (a failure is the error `failed` makes of it), [`Waited::Lost`] if it
    /// ended without one or is stuck. `operation` names the fetch in a deadline error.
    pub(crate) async fn wait(
        self,
        deadline: Option<Instant>,
        stuck_after: Duration,
        operation: &'static str,
        failed: fn(Arc<Error>) -> Error,
    ) -> Result<Waited, Error> {
        let stuck_at = self.started_at.checked_add(stuck_after);
        let mut outcome = self.outcome;
        let finished = outcome.wait_for(Option::is_some);
        let limit = match (deadline, stuck_at) {
            (Some(deadline), Some(stuck)) => Some(deadline.min(stuck)),
            (deadline, stuck) => deadline.or(stuck),
        };
        let outcome = match limit {
            Some(limit) => match tokio::time::timeout_at(limit.into(), finished).await {
                Ok(outcome) => outcome,
                Err(_) if deadline.is_some_and(|deadline| deadline <= limit) => {
                    return Err(Error::Transport(TransportError::deadline_while_waiting(operation)));
                }
                Err(_) => return Ok(Waited::Lost), // stuck: `running` forgets it from now on
            },
            None => finished.await,
        };
        match outcome.as_deref() {
            Ok(Some(Ok(()))) => Ok(Waited::Done),
            Ok(Some(Err(failure))) => Err(failed(failure.clone())),
            // The fetch's task ended without an outcome (dropped with its runtime).
            Ok(None) | Err(_) => Ok(Waited::Lost),
        }
    }
}

/// Records a fetch's outcome (unless a fetch started after it has recorded one already) and publishes it, in one
/// critical section with the end of the fetch: a caller either finds the fetch running and waits for this
/// outcome, or finds it ended and what it brought; never an ended fetch to wait on.
fn publish<S: Shared>(owner: &S, fetched: S::Fetched, started_at: Instant, done: &watch::Sender<Outcome>) {
    let mut state = owner.lock();
    let outdated = S::flight(&mut state).recorded_from.is_some_and(|newest| newest > started_at);
    // An outdated fetch's callers look again and find the newer outcome.
    let recorded = if outdated { Ok(false) } else { owner.record(&mut state, fetched, started_at) };
    let flight = S::flight(&mut state);
    if matches!(recorded, Ok(true)) {
        flight.recorded_from = Some(started_at);
    }
    flight.forget(done);
    let outcome = recorded.map(|_| ());
    // No receiver left (every caller gave up) is no error: the outcome is recorded all the same.
    let _ = done.send(Some(outcome));
}

/// Forgets its fetch when dropped, should its task end without publishing an outcome (a panic in the fetch).
struct Running<'a, S: Shared> {
    owner: &'a S,
    done: &'a watch::Sender<Outcome>,
}

impl<S: Shared> Drop for Running<'_, S> {
    fn drop(&mut self) {
        S::flight(&mut self.owner.lock()).forget(self.done);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use tokio::sync::oneshot;

    use super::*;

    /// A cache of one string: each fetch brings the value it is given.
    #[derive(Default)]
    struct Value {
        state: Mutex<(Option<&'static str>, Flight)>,
    }

    impl Shared for Value {
        type State = (Option<&'static str>, Flight);
        type Fetched = &'static str;
        fn lock(&self) -> MutexGuard<'_, Self::State> {
            self.state.lock().unwrap()
        }
        fn flight(state: &mut Self::State) -> &mut Flight {
            &mut state.1
        }
        /// `"empty"` is kept out, as an empty key set is.
        fn record(&self, state: &mut Self::State, fetched: &'static str, _: Instant) -> Result<bool, Arc<Error>> {
            let replaced = fetched != "empty";
            if replaced {
                state.0 = Some(fetched);
            }
            Ok(replaced)
        }
    }

    const STUCK_AFTER: Duration = Duration::from_millis(20);

    fn start(cache: &Arc<Value>, fetch: impl Future<Output = &'static str> + Send + 'static) -> Fetch {
        let mut state = cache.lock();
        Flight::start(cache, &mut state, fetch, "a value").unwrap()
    }

    async fn wait(fetch: Fetch) -> Waited {
        fetch.wait(None, STUCK_AFTER, "op", |failure| Error::Configuration(failure.to_string().into())).await.unwrap()
    }

    /// A stuck fetch is forgotten and a newer one records its value; when the stuck one ends at last, it records
    /// nothing (it would put back an older value), and its waiters are told to look again.
    #[tokio::test]
    async fn a_stuck_fetch_that_ends_late_cannot_replace_a_newer_outcome() {
        let cache = Arc::new(Value::default());
        let (release, released) = oneshot::channel::<()>();
        let stuck = start(&cache, async move {
            let _ = released.await;
            "older"
        });
        assert!(cache.lock().1.running(STUCK_AFTER).is_some());
        assert!(matches!(wait(stuck.clone()).await, Waited::Lost), "stuck after 20 ms");
        assert!(cache.lock().1.running(STUCK_AFTER).is_none(), "a stuck fetch is forgotten");

        let newer = start(&cache, async { "newer" });
        assert!(matches!(wait(newer).await, Waited::Done));
        assert_eq!(cache.lock().0, Some("newer"));

        release.send(()).unwrap();
        let mut outcome = stuck.outcome;
        let published = outcome.wait_for(Option::is_some).await.unwrap().clone();
        assert!(matches!(published, Some(Ok(()))));
        assert_eq!(cache.lock().0, Some("newer"), "the late, older fetch recorded nothing");
    }

    /// A newer fetch that brought nothing usable (the cache kept what it had) does not make an older one that
    /// ends later outdated: the older one's value is recorded.
    #[tokio::test]
    async fn a_newer_fetch_that_kept_nothing_does_not_outdate_a_late_older_one() {
        let cache = Arc::new(Value::default());
        let (release, released) = oneshot::channel::<()>();
        let stuck = start(&cache, async move {
            let _ = released.await;
            "rotated"
        });
        assert!(matches!(wait(stuck.clone()).await, Waited::Lost));
        assert!(matches!(wait(start(&cache, async { "empty" })).await, Waited::Done));
        assert_eq!(cache.lock().0, None);
        release.send(()).unwrap();
        let mut outcome = stuck.outcome;
        outcome.wait_for(Option::is_some).await.unwrap();
        assert_eq!(cache.lock().0, Some("rotated"));
    }

    /// A fetch whose task is dropped before it publishes (its runtime shut down) is lost to its waiters.
    #[test]
    fn a_fetch_dropped_with_its_runtime_is_lost_to_its_waiters() {
        let cache = Arc::new(Value::default());
        let doomed = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let fetch = doomed.block_on(async { start(&cache, std::future::pending()) });
        drop(doomed);
        let main = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let waited =
            main.block_on(fetch.wait(Some(Instant::now() + Duration::from_secs(5)), Duration::MAX, "op", |_| {
                Error::Configuration("failed".into())
            }));
        assert!(matches!(waited, Ok(Waited::Lost)));
        assert!(cache.lock().1.running(Duration::MAX).is_none());
    }
}
