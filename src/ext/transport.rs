//! The one request path. Generated calls reach it through progenitor's hooks (`ClientHooks` for the generated
//! `Client`); handwritten calls call the same hooks explicitly. The `exec` hook is the retry loop: each attempt
//! gets a timeout clamped to the call's deadline and has its body read (bounded) before the outcome is judged,
//! so failures while reading are retried too. Per-call options and what happened travel in a task-local
//! [`CallScope`] that the ext layer opens around each call, inside the call's tracing span.

use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, HeaderName, HeaderValue};
use serde::Serialize;
use tracing::Instrument;

use crate::ext::bulk::pacer::{Pacer, Signal};
use crate::ext::decode;
use crate::ext::escape::Escaped;
use crate::ext::operations::Operation;
use crate::ext::redact::Secrets;
use crate::ext::retry::{self, RetryBudget, RetryPolicy, Sleep};
use crate::ext::session::{SESSION_JWT_HEADER, SESSION_TOKEN_HEADER};
use crate::ext::transport_error;
use crate::generated::Client as GeneratedClient;
use crate::models::ResponseMeta;
use crate::{Error, TransportError};

/// The header progenitor adds to every request and the hooks remove.
static API_VERSION: HeaderName = HeaderName::from_static("api-version");

/// Per-client state the hooks read (progenitor's `inner` type).
#[derive(Clone, Debug)]
pub struct ClientState {
    pub(crate) max_body_bytes: usize,
    pub(crate) attempt_timeout: Duration,
    pub(crate) deadline: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) budget: RetryBudget,
    pub(crate) sleep: Arc<dyn Sleep>,
    /// The project secret and the Basic credential, cut out of anything a server sends back.
    pub(crate) secrets: Secrets,
    /// The `Authorization` header's value, for the mock matchers (`SdkRequest::sent_by`); never prints.
    #[cfg(feature = "mock")]
    pub(crate) authorization: crate::Secret,
}

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
fn in_scope() -> bool {
    CALL.try_with(|_| ()).is_ok()
}

fn report(update: impl FnOnce(&mut CallReport)) {
    // Outside a scope (a power user calling the generated client directly) there is nothing to report to.
    let _ = CALL.try_with(|scope| update(&mut scope.report.borrow_mut()));
}

/// Runs `call` (scoped) inside the operation's span, and records its outcome on the span: status, Stytch request
/// id, attempts and duration. Ids, sessions and credentials are never recorded: the path is the template, and
/// the server-provided request id and error are scrubbed of `secrets` and escaped (one event, one line). When no
/// subscriber listens to the span, the call runs bare: nothing is recorded, so nothing is scrubbed; the outcome
/// event (`warn` for a failure) is still emitted.
///
/// `call` should be small (hold the request's future boxed): each async layer stores what it is given.
pub(crate) async fn traced<T: ResponseMeta>(
    operation: &'static Operation,
    secrets: impl FnOnce() -> Secrets,
    call: impl Future<Output = (Result<T, Error>, CallReport)>,
) -> Result<T, Error> {
    let span = tracing::info_span!(
        "stytch.call",
        operation = operation.id,
        method = %operation.method,
        path = operation.path,
        status = tracing::field::Empty,
        request_id = tracing::field::Empty,
        attempts = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    // No subscriber wants the span (none at all, or one at WARN): the call runs bare and nothing is recorded on
    // it, so nothing is scrubbed for it. The outcome events below still go out (a failure is a WARN).
    let recorded = !span.is_disabled();
    let started = Instant::now();
    let (result, report) = if recorded { call.instrument(span.clone()).await } else { call.await };
    if recorded {
        record(&span, &result, &report, started, secrets);
    }
    span.in_scope(|| match &result {
        Ok(_) => tracing::info!("stytch call succeeded"),
        Err(error) => tracing::warn!(error = %error, "stytch call failed"),
    });
    result
}

/// Records a finished call's outcome on its span.
fn record<T: ResponseMeta>(
    span: &tracing::Span,
    result: &Result<T, Error>,
    report: &CallReport,
    started: Instant,
    secrets: impl FnOnce() -> Secrets,
) {
    if let Some(status) = report.status {
        span.record("status", status.as_u16());
    }
    match result {
        // A success body is not scrubbed on its way to the caller: scrub what the trace keeps of it.
        Ok(value) => {
            if let Some(request_id) = value.request_id() {
                let request_id = crate::ext::redact::cut(request_id, crate::ext::redact::TEXT_LIMIT);
                let shown = secrets().scrub(request_id, &value.credentials());
                span.record("request_id", tracing::field::debug(Escaped(&shown)));
            }
        }
        // An error's strings were scrubbed when it was built.
        Err(error) => {
            if let Some(request_id) = error.request_id() {
                span.record("request_id", tracing::field::debug(Escaped(request_id)));
            }
        }
    }
    span.record("attempts", report.attempts);
    span.record("duration_ms", started.elapsed().as_millis() as u64);
}

impl ClientHooks<ClientState> for GeneratedClient {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let headers = request.headers_mut();
        // progenitor adds `api-version: <info.version>`; Stytch has no such header.
        headers.remove(&API_VERSION);
        // One pass over the few headers, rather than a lookup (and a name parse) per session header.
        for (name, value) in headers.iter_mut() {
            if name == SESSION_TOKEN_HEADER || name == SESSION_JWT_HEADER {
                value.set_sensitive(true);
            }
        }
        Ok(())
    }

    async fn exec(&self, request: reqwest::Request, _info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        let (response, body) = self.attempts(request).await?;
        // The ext layer reads only the status and body of a success: progenitor would copy headers nobody reads.
        // Errors keep theirs, and so does a power user calling the generated client directly (no scope).
        let headers = !in_scope() || !response.status().is_success();
        Ok(decode::with_body(response, body, headers))
    }
}

impl GeneratedClient {
    /// The retry loop: each attempt gets a timeout clamped to the call's deadline and has its body read (bounded)
    /// before its outcome is judged. Returns the last response (its body read) and the body.
    async fn attempts(&self, mut request: reqwest::Request) -> reqwest::Result<(reqwest::Response, Bytes)> {
        let state = self.inner();
        let (retry, attempt_timeout, deadline, started, pacer) = CALL
            .try_with(|scope| {
                (scope.retry.clone(), scope.attempt_timeout, scope.deadline, scope.started, scope.pacer.clone())
            })
            .unwrap_or_else(|_| (None, None, None, Instant::now(), None));
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
            report(|r| {
                r.attempts = attempt;
                r.status = status.or(r.status);
            });
            let retryable = match &outcome {
                Ok((response, _)) => retry::retryable_status(response.status()),
                Err(error) => transport_error::retryable(error),
            };
            // Read only for an outcome that is retried or paced on: a success's headers are not parsed.
            let retry_after = outcome
                .as_ref()
                .ok()
                .filter(|_| retryable)
                .and_then(|(r, _)| retry::retry_after(r.headers(), SystemTime::now()));
            if let Some(slot) = slot {
                slot.finish(if retryable { Signal::Congestion(retry_after) } else { Signal::Answered }, &policy);
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
            report(|r| r.body_over_limit = Some(limit));
            body = Bytes::new();
        }
        if !status.is_success() {
            // A shared handle on the same buffer, not a copy.
            let kept = body.clone();
            report(|r| r.error_body = Some(kept));
        }
        Ok((response, body))
    }
}

/// Sends a handwritten request through the same hooks as generated calls; returns the status and the body.
/// Failures are scrubbed of `secrets` (gathered only then).
pub(crate) async fn send(
    client: &GeneratedClient,
    operation: &Operation,
    path: &str,
    body: Option<&(impl Serialize + Sync)>,
    secrets: impl Fn() -> Secrets,
) -> Result<(StatusCode, Bytes), Error> {
    let transport = |e| Error::Transport(TransportError::new(operation.id, e, &secrets()));
    let mut url = String::with_capacity(client.baseurl().len() + path.len());
    url.push_str(client.baseurl());
    url.push_str(path);
    let mut builder = client
        .client()
        .request(operation.method.clone(), url)
        .header(ACCEPT, HeaderValue::from_static("application/json"));
    if let Some(body) = body {
        builder = builder.json(body);
    }
    let mut request = builder.build().map_err(transport)?;
    let info = OperationInfo { operation_id: operation.id };
    // Our `pre` never fails; the conversion only satisfies the signature.
    client.pre::<()>(&mut request, &info).await.map_err(|e| Error::Configuration(e.to_string().into()))?;
    // The retry loop without `exec`'s last step: the body is already in hand, no response is rebuilt.
    let (response, body) = client.attempts(request).await.map_err(transport)?;
    Ok((response.status(), body))
}
