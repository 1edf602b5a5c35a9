//! A handwritten call, start to finish: its span, its deadline, its scope, the request through the shared hooks
//! and retry loop, and the answer decoded (bounded, scrubbed). The consumer calls, the JWKS fetches and anything
//! else the generated client lacks run here, so they behave exactly alike.

use progenitor_client::ClientInfo;
use reqwest::header::HeaderValue;
use serde::de::DeserializeOwned;

use crate::ext::calls::operations::Operation;
use crate::ext::errors::decode;
use crate::ext::hygiene::redact::Secrets;
use crate::ext::transport::{self, Body, CallOptions};
use crate::generated::Client as GeneratedClient;
use crate::models::ResponseMeta;
use crate::{Error, TransportError};

/// Sends `body` (none for GETs) to `path` under `client`'s base URL, with its configuration and `options`, and
/// decodes the answer; every failure is scrubbed of `secrets`.
pub(crate) async fn run<T: DeserializeOwned + ResponseMeta>(
    client: &GeneratedClient,
    options: &CallOptions,
    operation: &'static Operation,
    path: &str,
    body: Option<&serde_json::Value>,
    secrets: impl Fn() -> Secrets,
) -> Result<T, Error> {
    let mut url = String::with_capacity(client.baseurl().len() + path.len());
    url.push_str(client.baseurl());
    url.push_str(path);
    let body = body.map_or(Body::Empty, Body::Json);
    run_at(client, options, operation, &url, body, None, secrets).await
}

/// [`run`] for an absolute `url` and any body, with `authorization` instead of the project's credentials.
pub(crate) async fn run_at<T: DeserializeOwned + ResponseMeta>(
    client: &GeneratedClient,
    options: &CallOptions,
    operation: &'static Operation,
    url: &str,
    body: Body<'_>,
    authorization: Option<&HeaderValue>,
    secrets: impl Fn() -> Secrets,
) -> Result<T, Error> {
    // Boxed: every layer below would otherwise store a copy of the request's (large) future.
    let call = Box::pin(transport::send(client, operation, url, body, authorization, &secrets));
    transport::traced(operation, &secrets, async {
        if options.deadline_passed(&client.inner) {
            return (Err(Error::Transport(TransportError::deadline_passed(operation.id))), Default::default());
        }
        let (sent, report) = transport::scoped(options, call).await;
        let result = match (sent, report.body_over_limit) {
            (Err(error), _) => Err(error),
            (Ok((status, _)), Some(limit)) => Err(decode::body_over_limit(operation.id, Some(status), limit)),
            (Ok((status, body)), None) if status.is_success() => decode::success(operation.id, status, &body, &secrets),
            (Ok((status, body)), None) => Err(decode::api_error(operation.id, status, &body, &secrets())),
        };
        (result, report)
    })
    .await
}
