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
use reqwest::header::{ACCEPT, HeaderValue};
use serde::Serialize;
use tracing::Instrument;

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
}

impl CallOptions {
    /// These options with the user-visible call starting now (unless it already started).
    pub(crate) fn starting_now(&self) -> Self {
        Self { started: Some(self.started.unwrap_or_else(Instant::now)), ..self.clone() }
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

struct CallScope {
    options: CallOptions,
    started: Instant,
    report: RefCell<CallReport>,
}

tokio::task_local! {
    static CALL: CallScope;
}

/// Runs one call inside its scope; returns its output and what the transport saw.
pub(crate) async fn scoped<F: Future>(options: CallOptions, call: F) -> (F::Output, CallReport) {
    let started = options.started.unwrap_or_else(Instant::now);
    let scope = CallScope { options, started, report: RefCell::new(CallReport::default()) };
    CALL.scope(scope, async {
        let output = call.await;
        (output, CALL.with(|scope| scope.report.borrow().clone()))
    })
    .await
}

fn report(update: impl FnOnce(&mut CallReport)) {
    // Outside a scope (a power user calling the generated client directly) there is nothing to report to.
    let _ = CALL.try_with(|scope| update(&mut scope.report.borrow_mut()));
}

/// Runs `call` (scoped) inside the operation's span, and records its outcome on the span: status, Stytch request
/// id, attempts and duration. Ids, sessions and credentials are never recorded: the path is the template, and
/// the server-provided request id and error are scrubbed of `secrets` and escaped (one event, one line).
pub(crate) async fn traced<T: ResponseMeta>(
    operation: &'static Operation,
    secrets: &Secrets,
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
    async move {
        let started = Instant::now();
        let (result, report) = call.await;
        let span = tracing::Span::current();
        if let Some(status) = report.status {
            span.record("status", status.as_u16());
        }
        match &result {
            // A success body is not scrubbed on its way to the caller: scrub what the trace keeps of it.
            Ok(value) => {
                if let Some(request_id) = value.request_id() {
                    let request_id = crate::ext::redact::cut(request_id, crate::ext::redact::TEXT_LIMIT);
                    let shown = secrets.scrub(request_id, &value.credentials());
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
        match &result {
            Ok(_) => tracing::info!("stytch call succeeded"),
            Err(error) => tracing::warn!(error = %error, "stytch call failed"),
        }
        result
    }
    .instrument(span)
    .await
}

impl ClientHooks<ClientState> for GeneratedClient {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let headers = request.headers_mut();
        // progenitor adds `api-version: <info.version>`; Stytch has no such header.
        headers.remove("api-version");
        for name in [SESSION_TOKEN_HEADER, SESSION_JWT_HEADER] {
            if let Some(value) = headers.get_mut(name) {
                value.set_sensitive(true);
            }
        }
        Ok(())
    }

    async fn exec(&self, mut request: reqwest::Request, _info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        let state = self.inner();
        let (options, started) = CALL
            .try_with(|scope| (scope.options.clone(), scope.started))
            .unwrap_or_else(|_| (CallOptions::default(), Instant::now()));
        let policy = options.retry.unwrap_or_else(|| state.retry.clone());
        let attempt_timeout = options.attempt_timeout.unwrap_or(state.attempt_timeout);
        // A deadline too far to represent (`Duration::MAX`) is no deadline.
        let deadline = started.checked_add(options.deadline.unwrap_or(state.deadline));
        state.budget.deposit();

        let mut attempt = 1;
        loop {
            // A request whose body cannot be cloned (a stream) gets one attempt; ours are all bytes.
            let spare = if attempt < policy.attempts() { request.try_clone() } else { None };
            let left = deadline.map_or(attempt_timeout, |deadline| deadline.saturating_duration_since(Instant::now()));
            *request.timeout_mut() = Some(attempt_timeout.min(left));
            let outcome = self.attempt(request, state.max_body_bytes).await;
            let status = outcome.as_ref().ok().map(reqwest::Response::status);
            report(|r| {
                r.attempts = attempt;
                r.status = status.or(r.status);
            });
            let retryable = match &outcome {
                Ok(response) => retry::retryable_status(response.status()),
                Err(error) => transport_error::retryable(error),
            };
            tracing::debug!(attempt, status = status.map(|s| s.as_u16()), retryable, "attempt finished");
            let Some(next) = spare.filter(|_| retryable) else { return outcome };
            let retry_after = outcome.as_ref().ok().and_then(|r| retry::retry_after(r.headers(), SystemTime::now()));
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
}

impl GeneratedClient {
    /// One attempt: send, then read the body (at most `limit` bytes) and hand back a response holding it. A
    /// success body over the limit is reported to the scope and replaced by an empty one.
    async fn attempt(&self, request: reqwest::Request, limit: usize) -> reqwest::Result<reqwest::Response> {
        let response = self.client().execute(request).await?;
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        let (mut body, truncated) = decode::read_bounded(response, limit).await?;
        if truncated && status.is_success() {
            report(|r| r.body_over_limit = Some(limit));
            body = Bytes::new();
        }
        if !status.is_success() {
            // A shared handle on the same buffer, not a copy.
            let kept = body.clone();
            report(|r| r.error_body = Some(kept));
        }
        let mut rebuilt = http::Response::new(body);
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        Ok(reqwest::Response::from(rebuilt))
    }
}

/// Sends a handwritten request through the same hooks as generated calls; returns the status and the body.
/// Failures are scrubbed of `secrets`.
pub(crate) async fn send(
    client: &GeneratedClient,
    operation: &Operation,
    path: &str,
    body: Option<&(impl Serialize + Sync)>,
    secrets: &Secrets,
) -> Result<(StatusCode, Bytes), Error> {
    let transport = |e| Error::Transport(TransportError::new(operation.id, e, secrets));
    let mut builder = client
        .client()
        .request(operation.method.clone(), format!("{}{path}", client.baseurl()))
        .header(ACCEPT, HeaderValue::from_static("application/json"));
    if let Some(body) = body {
        builder = builder.json(body);
    }
    let mut request = builder.build().map_err(transport)?;
    let info = OperationInfo { operation_id: operation.id };
    // Our `pre` never fails; the conversion only satisfies the signature.
    client.pre::<()>(&mut request, &info).await.map_err(|e| Error::Configuration(e.to_string().into()))?;
    let response = client.exec(request, &info).await.map_err(transport)?;
    let status = response.status();
    // Already in memory: `exec` read it, bounded.
    let body = response.bytes().await.map_err(transport)?;
    Ok((status, body))
}
