//! The one request path. Generated calls reach it through progenitor's hooks (`ClientHooks` for the generated
//! `Client`); handwritten calls call the same hooks explicitly. Per-call options and the observed status travel
//! in a task-local [`CallScope`] that the ext layer opens around each call.

use std::cell::Cell;
use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{ACCEPT, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::Serialize;

use crate::ext::decode;
use crate::ext::session::{SESSION_JWT_HEADER, SESSION_TOKEN_HEADER};
use crate::generated::Client as GeneratedClient;
use crate::{Error, TransportError};

/// Per-client state the hooks read (progenitor's `inner` type).
#[derive(Clone, Debug)]
pub struct ClientState {
    /// The largest response body read.
    pub(crate) max_body_bytes: usize,
}

/// Options for one call.
#[derive(Clone, Debug, Default)]
pub(crate) struct CallOptions {
    /// Overrides the client's request timeout.
    pub(crate) timeout: Option<Duration>,
}

struct CallScope {
    options: CallOptions,
    status: Cell<Option<StatusCode>>,
}

tokio::task_local! {
    static CALL: CallScope;
}

/// Runs one call inside its scope; returns its output and the HTTP status the transport saw, if any.
pub(crate) async fn scoped<F: Future>(options: CallOptions, call: F) -> (F::Output, Option<StatusCode>) {
    let scope = CallScope { options, status: Cell::new(None) };
    CALL.scope(scope, async {
        let output = call.await;
        (output, CALL.with(|scope| scope.status.get()))
    })
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
        // Outside a scope (a power user calling the generated client directly) the client's defaults apply.
        if let Ok(Some(timeout)) = CALL.try_with(|scope| scope.options.timeout) {
            *request.timeout_mut() = Some(timeout);
        }
        let result = self.client().execute(request).await;
        if let Ok(response) = &result {
            let status = response.status();
            let _ = CALL.try_with(|scope| scope.status.set(Some(status)));
        }
        result
    }
}

/// Sends a handwritten request through the same hooks as generated calls and reads its body (bounded).
pub(crate) async fn send(
    client: &GeneratedClient,
    operation: &'static str,
    method: Method,
    path: &str,
    body: Option<&(impl Serialize + Sync)>,
) -> Result<(StatusCode, Bytes), Error> {
    let transport = |e| Error::Transport(TransportError::new(operation, e));
    let mut builder = client
        .client()
        .request(method, format!("{}{path}", client.baseurl()))
        .header(ACCEPT, HeaderValue::from_static("application/json"));
    if let Some(body) = body {
        builder = builder.json(body);
    }
    let mut request = builder.build().map_err(transport)?;
    let info = OperationInfo { operation_id: operation };
    // Our `pre` never fails; the conversion only satisfies the signature.
    client.pre::<()>(&mut request, &info).await.map_err(|e| Error::Configuration(e.to_string().into()))?;
    let response = client.exec(request, &info).await.map_err(transport)?;
    let status = response.status();
    let limit = client.inner().max_body_bytes;
    let (body, truncated) = decode::read_bounded(response, limit).await.map_err(transport)?;
    if truncated && status.is_success() {
        return Err(decode::unexpected_body(
            operation,
            status,
            &format_args!("the body is larger than the {limit}-byte limit"),
            &body,
        ));
    }
    Ok((status, body))
}
