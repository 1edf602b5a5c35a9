//! A generated call, start to finish: its span, its deadline, its scope, the request through the shared hooks and
//! retry loop (progenitor's `exec`), and the answer (bounded) or the error decoded and scrubbed. Every call handle
//! over the generated client ([`crate::B2b`], [`crate::ConnectedApps`], the consent grant) runs here.

use std::future::Future;
use std::pin::Pin;

use progenitor_client::ResponseValue;

use crate::ext::calls::operations::Operation;
use crate::ext::errors::decode;
use crate::ext::hygiene::redact::Secrets;
use crate::ext::transport::{self, CallOptions};
use crate::generated::types::StytchErrorEnvelope;
use crate::models::ResponseMeta;
use crate::{Client, Error, TransportError};

/// Runs `call` (boxed where it is made: it is large, and every layer here would otherwise store a copy) with
/// `options`; every failure is scrubbed of `secrets`.
pub(crate) async fn run<T: ResponseMeta, F>(
    client: &Client,
    options: &CallOptions,
    operation: &'static Operation,
    secrets: impl Fn() -> Secrets,
    call: Pin<Box<F>>,
) -> Result<T, Error>
where
    F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<StytchErrorEnvelope>>>,
{
    let state = &client.generated().inner;
    transport::traced(operation, &secrets, async {
        if options.deadline_passed(state) {
            return (Err(Error::Transport(TransportError::deadline_passed(operation.id))), Default::default());
        }
        let (result, report) = transport::scoped(options, call).await;
        let result = match (result, report.body_over_limit) {
            (Ok(response), None) => Ok(response.into_inner()),
            (result, Some(limit)) => {
                let status = result.as_ref().map_or(report.status, |r| Some(r.status()));
                Err(decode::body_over_limit(operation.id, status, limit))
            }
            (Err(error), None) => {
                let body = report.error_body.clone();
                let secrets = secrets();
                // Boxed: errors are rare, and the decoding future would otherwise grow every call's.
                Err(Box::pin(decode::from_generated(
                    operation.id,
                    error,
                    report.status,
                    body,
                    state.max_body_bytes,
                    &secrets,
                ))
                .await)
            }
        };
        (result, report)
    })
    .await
}
