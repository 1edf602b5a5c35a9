use std::fmt;
use std::sync::Arc;

/// How far a bulk call is: `done` of `total` items (apps audited, members or apps revoked). Reported once when
/// the total is known (`done == 0`), then after each item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Items finished, whatever their outcome.
    pub done: usize,
    /// Items in all.
    pub total: usize,
}

/// A progress callback, shared by the run's workers.
#[derive(Clone, Default)]
pub(crate) struct OnProgress(Option<Arc<dyn Fn(Progress) + Send + Sync>>);

impl OnProgress {
    pub(crate) fn new(callback: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        Self(Some(Arc::new(callback)))
    }

    pub(crate) fn report(&self, done: usize, total: usize) {
        if let Some(callback) = &self.0 {
            callback(Progress { done, total });
        }
    }
}

impl fmt::Debug for OnProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "OnProgress(Some(..))" } else { "OnProgress(None)" })
    }
}
