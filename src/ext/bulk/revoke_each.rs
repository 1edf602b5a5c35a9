use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use super::failure::CallFailure;
use super::pacer::PacerStats;
use super::progress::OnProgress;
use crate::{Error, ErrorType};

/// How many calls a bulk call runs at once unless told otherwise.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// How many revokes in a row may fail before a bulk revocation stops starting new ones, unless told otherwise.
pub const DEFAULT_STOP_AFTER_FAILURES: usize = 25;

/// What happened to one member's (or one app's) access in a bulk revocation.
///
/// Safe to act on: [`Revoked`](Self::Revoked) and [`AlreadyGone`](Self::AlreadyGone) mean the access is gone;
/// [`Failed`](Self::Failed) and [`NotAttempted`](Self::NotAttempted) mean it may remain, and running the same
/// call again revokes what is left (it lists the access that remains, so it never repeats what succeeded).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RevokeOutcome {
    /// Revoked by this run: the revoke call answered 200, with this `request_id`.
    Revoked {
        /// Stytch's `request_id` of the revoke.
        request_id: String,
    },
    /// A dry run: this access is active and would be revoked.
    WouldRevoke,
    /// Nothing left to revoke: Stytch answered 404 `member_not_found` or `connected_app_not_found` for an id the
    /// list call returned (deleted since the list was read).
    AlreadyGone {
        /// The 404.
        error: CallFailure,
    },
    /// The revoke failed (after the client's retries): the access may remain.
    Failed {
        /// Why.
        error: CallFailure,
    },
    /// Not tried, because the run stopped before (a 401 or 403, or too many failures in a row): the access remains.
    NotAttempted {
        /// Why the run stopped.
        reason: String,
    },
}

impl RevokeOutcome {
    /// `true` when the access is gone: [`Revoked`](Self::Revoked) or [`AlreadyGone`](Self::AlreadyGone).
    pub fn is_gone(&self) -> bool {
        matches!(self, RevokeOutcome::Revoked { .. } | RevokeOutcome::AlreadyGone { .. })
    }

    /// `true` when the access may remain after a real run: [`Failed`](Self::Failed) or
    /// [`NotAttempted`](Self::NotAttempted).
    pub fn is_left(&self) -> bool {
        matches!(self, RevokeOutcome::Failed { .. } | RevokeOutcome::NotAttempted { .. })
    }
}

/// How many items ended in each outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct RevokeCounts {
    /// [`RevokeOutcome::Revoked`].
    pub revoked: usize,
    /// [`RevokeOutcome::WouldRevoke`].
    pub would_revoke: usize,
    /// [`RevokeOutcome::AlreadyGone`].
    pub already_gone: usize,
    /// [`RevokeOutcome::Failed`].
    pub failed: usize,
    /// [`RevokeOutcome::NotAttempted`].
    pub not_attempted: usize,
}

impl RevokeCounts {
    pub(crate) fn of<'a>(outcomes: impl IntoIterator<Item = &'a RevokeOutcome>) -> Self {
        let mut counts = Self::default();
        for outcome in outcomes {
            let count = match outcome {
                RevokeOutcome::Revoked { .. } => &mut counts.revoked,
                RevokeOutcome::WouldRevoke => &mut counts.would_revoke,
                RevokeOutcome::AlreadyGone { .. } => &mut counts.already_gone,
                RevokeOutcome::Failed { .. } => &mut counts.failed,
                RevokeOutcome::NotAttempted { .. } => &mut counts.not_attempted,
            };
            *count += 1;
        }
        counts
    }

    /// Items whose access may remain: failed or not attempted. Zero after a complete run.
    pub fn left(&self) -> usize {
        self.failed + self.not_attempted
    }
}

/// How the run was paced: how often the server pushed back (429, retryable 5xx, timeouts, dropped connections),
/// how many shared pauses that caused, and the lowest concurrency the run fell to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Pacing {
    /// Attempts answered with a congestion signal.
    pub congestion_signals: u64,
    /// Pauses every worker sat out.
    pub pauses: u64,
    /// The lowest number of attempts allowed in flight at once.
    pub lowest_concurrency: usize,
}

impl From<PacerStats> for Pacing {
    fn from(stats: PacerStats) -> Self {
        Self {
            congestion_signals: stats.congestion_signals,
            pauses: stats.pauses,
            lowest_concurrency: stats.lowest_concurrency,
        }
    }
}

/// The knobs both bulk revocations share.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) concurrency: usize,
    pub(crate) dry_run: bool,
    pub(crate) stop_after_failures: usize,
    pub(crate) progress: OnProgress,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            concurrency: DEFAULT_CONCURRENCY,
            dry_run: false,
            stop_after_failures: DEFAULT_STOP_AFTER_FAILURES,
            progress: OnProgress::default(),
        }
    }
}

/// Why a run stops starting new revokes, once it does.
#[derive(Default)]
struct Stop {
    reason: Mutex<Option<String>>,
    failures_in_a_row: AtomicUsize,
}

impl Stop {
    fn reason(&self) -> Option<String> {
        self.reason.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn set(&self, reason: String) {
        self.reason.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_or_insert(reason);
    }
}

/// Revokes each item with `revoke` (its `Ok` is the revoke's `request_id`), at most `settings.concurrency` at once,
/// and returns one outcome per item, in the items' order. Stops starting new revokes after a 401 or 403 (every
/// other revoke would be refused the same way) or after `stop_after_failures` failures in a row (0: never).
pub(crate) async fn revoke_each<'i, T, F, Fut>(items: &'i [T], settings: &Settings, revoke: F) -> Vec<RevokeOutcome>
where
    F: Fn(&'i T) -> Fut,
    Fut: Future<Output = Result<String, Error>>,
{
    let total = items.len();
    let done = AtomicUsize::new(0);
    let stop = Stop::default();
    settings.progress.report(0, total);
    let (stop, done, revoke) = (&stop, &done, &revoke);
    // The futures are made up front (inert until polled) rather than in a stream's closure: a closure there makes
    // the whole future's `Send` proof fail (rust-lang/rust#110338).
    let revokes: Vec<_> = items
        .iter()
        .map(|item| async move {
            let outcome = if settings.dry_run {
                RevokeOutcome::WouldRevoke
            } else if let Some(reason) = stop.reason() {
                RevokeOutcome::NotAttempted { reason }
            } else {
                let outcome = classify(revoke(item).await);
                judge(&outcome, stop, settings.stop_after_failures);
                outcome
            };
            settings.progress.report(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            outcome
        })
        .collect();
    futures_util::stream::iter(revokes).buffered(settings.concurrency.max(1)).collect().await
}

fn classify(result: Result<String, Error>) -> RevokeOutcome {
    match result {
        Ok(request_id) => RevokeOutcome::Revoked { request_id },
        Err(error) if already_gone(&error) => RevokeOutcome::AlreadyGone { error: CallFailure::from(&error) },
        Err(error) => RevokeOutcome::Failed { error: CallFailure::from(&error) },
    }
}

/// A 404 naming the member or the app, whose ids came from the list call and are canonical: what held the access
/// no longer exists. Not `organization_not_found` or `user_not_found`: those ids are the caller's, possibly a slug
/// or an external id that changed during the run while the access remains. Not a 404 without Stytch's envelope
/// (a proxy's page), nor `session_not_found`, which is about the caller.
fn already_gone(error: &Error) -> bool {
    error.status().is_some_and(|status| status.as_u16() == 404)
        && error.error_type().is_some_and(|t| matches!(t, ErrorType::MemberNotFound | ErrorType::ConnectedAppNotFound))
}

/// Updates the run's stop state after one revoke.
fn judge(outcome: &RevokeOutcome, stop: &Stop, stop_after_failures: usize) {
    let RevokeOutcome::Failed { error } = outcome else {
        stop.failures_in_a_row.store(0, Ordering::Relaxed);
        return;
    };
    if matches!(error.status, Some(401 | 403)) {
        stop.set(format!("the run stopped after a {}: {}", error.status.unwrap_or_default(), error.message));
        return;
    }
    let in_a_row = stop.failures_in_a_row.fetch_add(1, Ordering::Relaxed) + 1;
    if stop_after_failures > 0 && in_a_row >= stop_after_failures {
        stop.set(format!("the run stopped after {in_a_row} revokes in a row failed; the last: {}", error.message));
    }
}
