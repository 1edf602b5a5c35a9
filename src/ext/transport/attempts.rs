//! The retry loop: each attempt gets a timeout clamped to the call's deadline and has its body read (bounded)
//! before its outcome is judged, so failures while reading are retried too.

use std::time::{Instant, SystemTime};

use bytes::Bytes;
use progenitor_client::ClientInfo;

use crate::ext::bulk::pacer::Signal;
use crate::ext::errors::decode;
use crate::ext::transport::scope;
use crate::ext::transport::{error, retry};
use crate::generated::Client as GeneratedClient;

impl GeneratedClient {
    /// The retry loop: each attempt gets a timeout clamped to the call's deadline and has its body read (bounded)
    /// before its outcome is judged. Returns the last response (its body read) and the body.
    pub(crate) async fn attempts(
        &self,
        mut request: reqwest::Request,
        operation_id: &str,
    ) -> reqwest::Result<(reqwest::Response, Bytes)> {
        let state = self.inner();
        let scope::Settings { retry, attempt_timeout, deadline, started, pacer } = scope::settings();
        let once = crate::ext::calls::operations::must_not_repeat(operation_id);
        let policy = retry.unwrap_or_else(|| state.retry.clone());
        let attempt_timeout = attempt_timeout.unwrap_or(state.attempt_timeout);
        // A deadline too far to represent (`Duration::MAX`) is no deadline.
        let deadline = started.checked_add(deadline.unwrap_or(state.deadline));
        state.budget.deposit();

        let mut attempt = 1;
        loop {
            // A request whose body cannot be cloned (a stream) gets one attempt; ours are all bytes.
            let spare = if attempt < policy.attempts() { request.try_clone() } else { None };
            // In a bulk run: wait for a slot and out any pause the run is in, before the timeout starts.
            let slot = match &pacer {
                Some(pacer) => Some(pacer.slot(&*state.sleep).await),
                None => None,
            };
            let left = deadline.map_or(attempt_timeout, |deadline| deadline.saturating_duration_since(Instant::now()));
            // The deadline ran out while the attempt queued for its slot: the timeout that follows says nothing
            // about the server's load, so the slot is released without a signal.
            let slot = slot.filter(|_| !left.is_zero());
            *request.timeout_mut() = Some(attempt_timeout.min(left));
            let outcome = self.attempt(request, state.max_body_bytes).await;
            let status = outcome.as_ref().ok().map(|(response, _)| response.status());
            scope::report(|r| {
                r.attempts = attempt;
                r.status = status.or(r.status);
            });
            let transient = match &outcome {
                Ok((response, _)) => retry::retryable_status(response.status()),
                Err(error) => error::retryable(error),
            };
            // A call that must not run twice is retried only where the request cannot have been processed: a 429
            // (refused before it ran) or a connection never made.
            let unprocessed = match &outcome {
                Ok((response, _)) => response.status() == reqwest::StatusCode::TOO_MANY_REQUESTS,
                Err(error) => error.is_connect(),
            };
            let retryable = transient && (!once || unprocessed);
            // Read only for an outcome that is retried or paced on: a success's headers are not parsed.
            let retry_after = outcome
                .as_ref()
                .ok()
                .filter(|_| transient)
                .and_then(|(r, _)| retry::retry_after(r.headers(), SystemTime::now()));
            if let Some(slot) = slot {
                slot.finish(if transient { Signal::Congestion(retry_after) } else { Signal::Answered }, &policy);
            }
            tracing::debug!(attempt, status = status.map(|s| s.as_u16()), retryable, "attempt finished");
            let Some(next) = spare.filter(|_| retryable) else { return outcome };
            let wait = policy.delay(attempt, retry_after, fastrand::f64());
            let resumes = Instant::now().checked_add(wait);
            if resumes.is_none_or(|resumes| deadline.is_some_and(|deadline| resumes >= deadline)) {
                tracing::debug!(
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    "no retry: the wait would pass the deadline"
                );
                return outcome;
            }
            if !state.budget.try_spend() {
                tracing::warn!(attempt, "no retry: the client's retry budget is spent");
                return outcome;
            }
            tracing::info!(attempt, wait_ms = wait.as_millis() as u64, "retrying");
            state.sleep.sleep(wait).await;
            request = next;
            attempt += 1;
        }
    }

    /// One attempt: send, then read the body (at most `limit` bytes). A success body over the limit is reported
    /// to the scope and replaced by an empty one.
    async fn attempt(&self, request: reqwest::Request, limit: usize) -> reqwest::Result<(reqwest::Response, Bytes)> {
        let mut response = self.client().execute(request).await?;
        let (mut body, truncated) = decode::read_bounded(&mut response, limit).await?;
        let status = response.status();
        if truncated && status.is_success() {
            scope::report(|r| r.body_over_limit = Some(limit));
            body = Bytes::new();
        }
        if !status.is_success() {
            // A shared handle on the same buffer, not a copy.
            let kept = body.clone();
            scope::report(|r| r.error_body = Some(kept));
        }
        Ok((response, body))
    }
}
