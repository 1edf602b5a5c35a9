//! Handwritten requests, through the same hooks and retry loop as generated calls.

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};

use crate::ext::calls::operations::Operation;
use crate::ext::hygiene::redact::Secrets;
use crate::generated::Client as GeneratedClient;
use crate::{Error, TransportError};

/// A handwritten request's body.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Body<'a> {
    /// None (a `GET`).
    Empty,
    /// JSON.
    Json(&'a serde_json::Value),
    /// `application/x-www-form-urlencoded` pairs (token introspection).
    Form(&'a [(&'a str, &'a str)]),
}

/// Sends a handwritten request to `url` (absolute) through the same hooks as generated calls; returns the status
/// and the body. `authorization` replaces the project's credentials (the hooks add those only to operations that
/// take them). Failures are scrubbed of `secrets` (gathered only then).
pub(crate) async fn send(
    client: &GeneratedClient,
    operation: &Operation,
    url: &str,
    body: Body<'_>,
    authorization: Option<&HeaderValue>,
    secrets: impl Fn() -> Secrets,
) -> Result<(StatusCode, Bytes), Error> {
    let transport = |e| Error::Transport(TransportError::new(operation.id, e, &secrets()));
    let mut builder = client
        .client()
        .request(operation.method.clone(), url)
        .header(ACCEPT, HeaderValue::from_static("application/json"));
    builder = match body {
        Body::Empty => builder,
        Body::Json(json) => builder.json(json),
        Body::Form(pairs) => builder.form(pairs),
    };
    if let Some(authorization) = authorization {
        builder = builder.header(AUTHORIZATION, authorization.clone());
    }
    let mut request = builder.build().map_err(transport)?;
    let info = OperationInfo { operation_id: operation.id };
    // Our `pre` never fails; the conversion only satisfies the signature.
    client.pre::<()>(&mut request, &info).await.map_err(|e| Error::Configuration(e.to_string().into()))?;
    // The retry loop without `exec`'s last step: the body is already in hand, no response is rebuilt.
    let (response, body) = client.attempts(request, operation.id).await.map_err(transport)?;
    Ok((response.status(), body))
}
