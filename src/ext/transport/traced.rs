//! One tracing span per call, and its outcome recorded on it (scrubbed, escaped).

use std::future::Future;
use std::time::Instant;

use tracing::Instrument;

use crate::Error;
use crate::ext::calls::operations::Operation;
use crate::ext::hygiene::escape::Escaped;
use crate::ext::hygiene::redact::Secrets;
use crate::ext::transport::options::CallReport;
use crate::models::ResponseMeta;

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
                let request_id = crate::ext::hygiene::redact::cut(request_id, crate::ext::hygiene::redact::TEXT_LIMIT);
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
