//! Pacing one bulk run, so that many calls slow down together instead of hammering a server that says it is
//! overloaded. Every attempt of every call of the run takes a slot first:
//!
//! - **At most `limit` attempts in flight.** The limit starts at the run's concurrency and follows AIMD: a
//!   congestion signal (429, a retryable 5xx, a timeout or a dropped connection) halves it, once per signal
//!   generation (the attempts already in flight when it was halved do not halve it again); `limit` successes in a
//!   row raise it by one, never above the concurrency asked for.
//! - **A shared pause.** A congestion signal pauses every worker before its next attempt: for the response's
//!   `Retry-After` when it has one (capped by the retry policy), else for the policy's backoff, growing with the
//!   run of signals. A worker sits out each pause once, on the client's [`Sleep`].
//!
//! The client's retry policy and retry budget still decide whether an attempt is retried; the pacer only decides
//! when the next attempt of the run may start.

use std::pin::pin;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::ext::transport::retry::{RetryPolicy, Sleep};

/// One run's pacing state, shared by its calls.
#[derive(Debug)]
pub(crate) struct Pacer {
    max: usize,
    state: Mutex<State>,
    changed: Notify,
}

#[derive(Debug)]
struct State {
    limit: usize,
    in_flight: usize,
    /// Bumped each time the limit is halved: a signal from an attempt that started before is the same congestion.
    generation: u64,
    /// Successes since the limit last moved.
    successes: usize,
    /// Congestion signals since the last success.
    streak: u32,
    /// The current pause: its number and its end.
    pause: Option<(u64, Instant)>,
    pauses: u64,
    signals: u64,
    lowest_limit: usize,
}

/// What one attempt says about the server's load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Signal {
    /// The server answered and was not overloaded (any status but 429 and retryable 5xx).
    Answered,
    /// 429, a retryable 5xx, or a retryable transport failure; with the response's `Retry-After`, if any.
    Congestion(Option<Duration>),
}

/// What the pacer did during a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PacerStats {
    pub(crate) congestion_signals: u64,
    pub(crate) pauses: u64,
    pub(crate) lowest_concurrency: usize,
}

impl Pacer {
    /// A pacer allowing `concurrency` attempts in flight (at least 1).
    pub(crate) fn new(concurrency: usize) -> Self {
        let max = concurrency.max(1);
        let state = State {
            limit: max,
            in_flight: 0,
            generation: 0,
            successes: 0,
            streak: 0,
            pause: None,
            pauses: 0,
            signals: 0,
            lowest_limit: max,
        };
        Self { max, state: Mutex::new(state), changed: Notify::new() }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Plain counters: a panic elsewhere while holding the lock leaves them usable.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits out any pause this worker has not sat out yet and for a free slot; the slot is released when the
    /// returned value is finished or dropped.
    pub(crate) async fn slot(&self, sleep: &dyn Sleep) -> Slot<'_> {
        let mut served = 0;
        loop {
            let mut changed = pin!(self.changed.notified());
            changed.as_mut().enable();
            let pause = {
                let mut state = self.lock();
                match state.pause {
                    Some((number, until)) if number > served && until > Instant::now() => {
                        Some((number, until - Instant::now()))
                    }
                    _ if state.in_flight < state.limit => {
                        state.in_flight += 1;
                        return Slot { pacer: self, generation: state.generation, finished: false };
                    }
                    _ => None,
                }
            };
            match pause {
                Some((number, wait)) => {
                    sleep.sleep(wait).await;
                    served = number;
                }
                None => changed.await,
            }
        }
    }

    /// What the run's pacing did so far.
    pub(crate) fn stats(&self) -> PacerStats {
        let state = self.lock();
        PacerStats { congestion_signals: state.signals, pauses: state.pauses, lowest_concurrency: state.lowest_limit }
    }

    fn finish(&self, generation: u64, signal: Option<(Signal, &RetryPolicy)>) {
        {
            let mut state = self.lock();
            state.in_flight = state.in_flight.saturating_sub(1);
            match signal {
                None => {}
                Some((Signal::Answered, _)) => {
                    state.streak = 0;
                    state.successes += 1;
                    if state.successes >= state.limit && state.limit < self.max {
                        state.limit += 1;
                        state.successes = 0;
                    }
                }
                Some((Signal::Congestion(retry_after), policy)) => {
                    state.signals += 1;
                    state.successes = 0;
                    // One congestion, one step: the attempts already in flight when it was met neither halve the
                    // limit again nor lengthen the backoff (eight simultaneous 429s are one signal, not eight).
                    if generation == state.generation {
                        state.streak = state.streak.saturating_add(1);
                        state.limit = (state.limit / 2).max(1);
                        state.lowest_limit = state.lowest_limit.min(state.limit);
                        state.generation += 1;
                    }
                    let wait = policy.delay(state.streak.max(1), retry_after, fastrand::f64());
                    let until = Instant::now().checked_add(wait);
                    let later = match (state.pause, until) {
                        (_, None) => false,
                        (None, Some(_)) => true,
                        (Some((_, current)), Some(until)) => until > current,
                    };
                    if let (true, Some(until)) = (later && !wait.is_zero(), until) {
                        state.pauses += 1;
                        state.pause = Some((state.pauses, until));
                    }
                }
            }
        }
        self.changed.notify_waiters();
    }
}

/// An attempt's place in the run: finish it with what the attempt said, or drop it (a cancelled attempt says
/// nothing).
#[derive(Debug)]
pub(crate) struct Slot<'a> {
    pacer: &'a Pacer,
    generation: u64,
    finished: bool,
}

impl Slot<'_> {
    /// Releases the slot, telling the pacer what the attempt said about the server's load.
    pub(crate) fn finish(mut self, signal: Signal, policy: &RetryPolicy) {
        self.finished = true;
        self.pacer.finish(self.generation, Some((signal, policy)));
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        if !self.finished {
            self.pacer.finish(self.generation, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;

    use super::*;

    /// Records the waits and returns at once.
    #[derive(Debug, Default)]
    struct Waits(Mutex<Vec<Duration>>);

    impl Sleep for Waits {
        fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
            self.0.lock().unwrap().push(duration);
            Box::pin(async {})
        }
    }

    fn policy() -> RetryPolicy {
        RetryPolicy::default().without_jitter()
    }

    #[tokio::test]
    async fn congestion_halves_the_limit_once_per_generation_and_successes_raise_it_back() {
        let pacer = Pacer::new(8);
        let sleep = Waits::default();
        let mut slots = Vec::new();
        for _ in 0..8 {
            slots.push(pacer.slot(&sleep).await);
        }
        // Eight attempts were in flight when the server said 429: one halving, not eight.
        for slot in slots.drain(..) {
            slot.finish(Signal::Congestion(Some(Duration::ZERO)), &policy());
        }
        assert_eq!(pacer.lock().limit, 4);
        assert_eq!(pacer.stats().congestion_signals, 8);
        assert_eq!(pacer.lock().streak, 1, "one congestion, one backoff step");
        // A new attempt's congestion halves again.
        pacer.slot(&sleep).await.finish(Signal::Congestion(Some(Duration::ZERO)), &policy());
        assert_eq!(pacer.lock().limit, 2);
        assert_eq!(pacer.stats().lowest_concurrency, 2);
        // `limit` successes in a row add one, up to the concurrency asked for.
        for _ in 0..100 {
            pacer.slot(&sleep).await.finish(Signal::Answered, &policy());
        }
        assert_eq!(pacer.lock().limit, 8);
        assert!(sleep.0.lock().unwrap().is_empty(), "a zero Retry-After is no pause");
    }

    #[tokio::test]
    async fn at_most_limit_attempts_are_in_flight() {
        let pacer = Arc::new(Pacer::new(2));
        let sleep = Arc::new(Waits::default());
        let first = pacer.slot(&*sleep).await;
        let second = pacer.slot(&*sleep).await;
        let third = {
            let (pacer, sleep) = (pacer.clone(), sleep.clone());
            tokio::spawn(async move {
                let slot = pacer.slot(&*sleep).await;
                drop(slot);
            })
        };
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!third.is_finished(), "a third attempt waits for a free slot");
        drop(first);
        third.await.unwrap();
        drop(second);
        assert_eq!(pacer.lock().in_flight, 0);
    }

    #[tokio::test]
    async fn retry_after_pauses_every_worker_once_and_is_capped() {
        let pacer = Pacer::new(4);
        let sleep = Waits::default();
        pacer.slot(&sleep).await.finish(Signal::Congestion(Some(Duration::from_secs(3))), &policy());
        // Every later attempt of the run waits out the pause (here: each new worker sits it out once).
        let slot = pacer.slot(&sleep).await;
        let waits = sleep.0.lock().unwrap().clone();
        assert_eq!(waits.len(), 1);
        assert!(waits[0] > Duration::from_millis(2900) && waits[0] <= Duration::from_secs(3), "{waits:?}");
        slot.finish(Signal::Congestion(Some(Duration::from_secs(3600))), &policy());
        let _slot = pacer.slot(&sleep).await;
        let last = *sleep.0.lock().unwrap().last().unwrap();
        assert!(last <= Duration::from_secs(10), "Retry-After is capped by the policy: {last:?}");
        assert!(last > Duration::from_secs(9), "{last:?}");
        assert_eq!(pacer.stats().pauses, 2);
    }

    #[tokio::test]
    async fn without_retry_after_the_pause_is_the_backoff_growing_with_the_streak() {
        let pacer = Pacer::new(4);
        let sleep = Waits::default();
        for _ in 0..3 {
            pacer.slot(&sleep).await.finish(Signal::Congestion(None), &policy());
        }
        let slot = pacer.slot(&sleep).await;
        // Streak 1, 2, 3: 100, 200, 400 ms. Each pause is later than the one before, so each replaces it; a worker
        // that arrives now sits out the last one only.
        let waits = sleep.0.lock().unwrap().clone();
        assert!(waits.iter().all(|w| *w <= Duration::from_millis(400)), "{waits:?}");
        assert!(waits.last().is_some_and(|w| *w > Duration::from_millis(300)), "{waits:?}");
        assert_eq!(pacer.stats().pauses, 3);
        // A success ends the streak: the next signal pauses 100 ms again.
        drop(slot);
        pacer.slot(&sleep).await.finish(Signal::Answered, &policy());
        assert_eq!(pacer.lock().streak, 0);
    }

    #[tokio::test]
    async fn a_dropped_slot_is_released_and_says_nothing() {
        let pacer = Pacer::new(1);
        let sleep = Waits::default();
        drop(pacer.slot(&sleep).await);
        let state = pacer.lock();
        assert_eq!((state.in_flight, state.limit, state.signals), (0, 1, 0));
    }
}
