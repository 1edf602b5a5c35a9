//! The task-local scope the ext layer opens around each call: per-call options in, what happened out.

use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::ext::bulk::pacer::Pacer;
use crate::ext::transport::options::{CallOptions, CallReport};
use crate::ext::transport::retry::RetryPolicy;

/// What the hooks need of a call, kept small: tokio moves a task-local value in and out on every poll.
struct CallScope {
    retry: Option<RetryPolicy>,
    attempt_timeout: Option<Duration>,
    deadline: Option<Duration>,
    started: Instant,
    pacer: Option<Arc<Pacer>>,
    report: RefCell<CallReport>,
}

tokio::task_local! {
    static CALL: CallScope;
}

/// Runs one call inside its scope; returns its output and what the transport saw.
pub(crate) async fn scoped<F: Future>(options: &CallOptions, call: F) -> (F::Output, CallReport) {
    let scope = CallScope {
        retry: options.retry.clone(),
        attempt_timeout: options.attempt_timeout,
        deadline: options.deadline,
        started: options.started.unwrap_or_else(Instant::now),
        pacer: options.pacer.clone(),
        report: RefCell::new(CallReport::default()),
    };
    CALL.scope(scope, async {
        let output = call.await;
        (output, CALL.with(|scope| scope.report.take()))
    })
    .await
}

/// Is a call of the ext layer running (rather than a power user's call of the generated client)?
pub(crate) fn in_scope() -> bool {
    CALL.try_with(|_| ()).is_ok()
}

/// Updates the running call's report.
pub(crate) fn report(update: impl FnOnce(&mut CallReport)) {
    // Outside a scope (a power user calling the generated client directly) there is nothing to report to.
    let _ = CALL.try_with(|scope| update(&mut scope.report.borrow_mut()));
}

/// The running call's own settings, for the retry loop: retry policy, attempt timeout, deadline (each `None` to
/// keep the client's), when it started and its bulk run's pacer. Outside a scope (a power user calling the
/// generated client directly): none, starting now.
pub(crate) fn settings() -> Settings {
    CALL.try_with(|scope| Settings {
        retry: scope.retry.clone(),
        attempt_timeout: scope.attempt_timeout,
        deadline: scope.deadline,
        started: scope.started,
        pacer: scope.pacer.clone(),
    })
    .unwrap_or_else(|_| Settings {
        retry: None,
        attempt_timeout: None,
        deadline: None,
        started: Instant::now(),
        pacer: None,
    })
}

/// See [`settings`].
pub(crate) struct Settings {
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) started: Instant,
    pub(crate) pacer: Option<Arc<Pacer>>,
}
