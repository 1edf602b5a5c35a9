//! The project's two JWKS endpoints, and the fetcher a key cache reads one of them through: the handwritten call
//! path over the generated client (the client's configuration, never the client itself, so a cache owned by a
//! client does not own that client back).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use crate::Error;
use crate::ext::calls::ids;
use crate::ext::calls::operations::{self, Operation};
use crate::ext::jwt::key_cache::FetchKeys;
use crate::ext::transport::{CallOptions, handwritten};
use crate::models::ResponseMeta;

/// Which of the two JWKS endpoints a cache reads. Session JWTs and access tokens of a project share its key set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeySource {
    /// `GET /v1/b2b/sessions/jwks/{project_id}`: member session JWTs, B2B access tokens.
    Member,
    /// `GET /v1/sessions/jwks/{project_id}`: consumer session JWTs and access tokens.
    User,
}

impl KeySource {
    fn operation(self) -> &'static Operation {
        match self {
            KeySource::Member => &operations::B2B_JWKS,
            KeySource::User => &operations::USER_JWKS,
        }
    }
}

/// A JWKS body, read leniently: each key is judged on its own by
/// [`KeySet::from_jwks`](crate::ext::jwt::key_set::KeySet::from_jwks).
#[derive(Deserialize)]
pub(crate) struct RawJwks {
    pub(crate) keys: Vec<Value>,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    status_code: i32,
}

impl ResponseMeta for RawJwks {
    fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    fn status_code(&self) -> i32 {
        self.status_code
    }
}

/// Fetches one JWKS endpoint of one project with a client's configuration (timeouts, retries, tracing, scrubbing).
pub(crate) struct JwksFetcher {
    generated: crate::generated::Client,
    operation: &'static Operation,
    path: String,
}

impl JwksFetcher {
    /// The fetcher of `source` for `project_id`, through `generated`'s configuration.
    pub(crate) fn new(generated: crate::generated::Client, project_id: &str, source: KeySource) -> Arc<Self> {
        let operation = source.operation();
        let path = operation.path.replace("{project_id}", &ids::encode(project_id));
        Arc::new(Self { generated, operation, path })
    }
}

impl FetchKeys for JwksFetcher {
    fn operation_id(&self) -> &'static str {
        self.operation.id
    }

    fn fetch(&self) -> Pin<Box<dyn Future<Output = Result<RawJwks, Error>> + Send + '_>> {
        let secrets = || self.generated.inner.secrets.clone();
        Box::pin(async move {
            handwritten::run(&self.generated, &CallOptions::default(), self.operation, &self.path, None, secrets).await
        })
    }
}
