//! Options for one call, and what the transport saw during it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::StatusCode;

use crate::ext::bulk::pacer::Pacer;
use crate::ext::hygiene::redact::Secrets;
use crate::ext::transport::retry::RetryPolicy;
use crate::ext::transport::state::ClientState;

/// Options for one call; `None` keeps the client's setting.
#[derive(Clone, Debug, Default)]
pub(crate) struct CallOptions {
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    /// When the user-visible call began, for a call made of several requests (a session-inferred call
    /// authenticates, then calls): they share one deadline. `None`: the request starts its own call.
    pub(crate) started: Option<Instant>,
    /// Session values the call sent or holds beyond the client's own secrets.
    pub(crate) secrets: Secrets,
    /// The bulk run this call belongs to: its attempts take a slot and honour the run's pauses.
    pub(crate) pacer: Option<Arc<Pacer>>,
}

impl CallOptions {
    /// These options with the user-visible call starting now (unless it already started).
    pub(crate) fn starting_now(&self) -> Self {
        Self { started: Some(self.started.unwrap_or_else(Instant::now)), ..self.clone() }
    }

    /// When the call these options belong to must end (from now, for a call not started yet); `None` for a
    /// deadline too far to represent (`Duration::MAX`: no deadline), as the retry loop reads it.
    pub(crate) fn deadline_at(&self, state: &ClientState) -> Option<Instant> {
        self.started.unwrap_or_else(Instant::now).checked_add(self.deadline.unwrap_or(state.deadline))
    }

    /// Has the deadline of the call these options belong to passed (only a call already started can)?
    pub(crate) fn deadline_passed(&self, state: &ClientState) -> bool {
        self.started.is_some_and(|started| started.elapsed() >= self.deadline.unwrap_or(state.deadline))
    }
}

/// What the transport saw during one call.
#[derive(Clone, Debug, Default)]
pub(crate) struct CallReport {
    /// The status of the last response, if any arrived.
    pub(crate) status: Option<StatusCode>,
    /// Attempts made.
    pub(crate) attempts: u32,
    /// A success body longer than the limit (its value: the limit).
    pub(crate) body_over_limit: Option<usize>,
    /// The body of the last error response, as read (bounded): progenitor decodes error bodies into its envelope
    /// type and drops what it does not know, and the scrubber must see everything the server sent.
    pub(crate) error_body: Option<Bytes>,
}
