//! The project's JWKS endpoints, and the fetcher a key cache reads one of them through: the handwritten call
//! path over the generated client (the client's configuration, never the client itself, so a cache owned by a
//! client does not own that client back).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use progenitor_client::ClientInfo;
use serde::Deserialize;
use serde_json::Value;

use crate::Error;
use crate::ext::calls::ids;
use crate::ext::calls::operations::{self, Operation};
use crate::ext::jwt::key_cache::FetchKeys;
use crate::ext::transport::{Body, CallOptions, handwritten};
use crate::models::ResponseMeta;

/// Which JWKS endpoint a cache reads. Session JWTs and access tokens of a project share its key set; Stytch serves
/// it at each of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeySource {
    /// `GET /v1/b2b/sessions/jwks/{project_id}` (the project's credentials): member session JWTs, and B2B access
    /// tokens without a custom domain.
    Member,
    /// `GET /v1/sessions/jwks/{project_id}` (the project's credentials): consumer session JWTs, and consumer access
    /// tokens without a custom domain.
    User,
    /// `GET {custom domain}/.well-known/jwks.json` (no credentials): access tokens, when the client has a custom
    /// domain (their issuer's own key set, as Stytch documents it for resource servers).
    CustomDomain,
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
    url: String,
}

impl JwksFetcher {
    /// The fetcher of `source` for `project_id` (`custom_domain`: an origin, for [`KeySource::CustomDomain`]),
    /// through `generated`'s configuration.
    pub(crate) fn new(
        generated: crate::generated::Client,
        project_id: &str,
        source: KeySource,
        custom_domain: Option<&str>,
    ) -> Arc<Self> {
        let (operation, origin) = match source {
            KeySource::Member => (&operations::B2B_JWKS, generated.baseurl()),
            KeySource::User => (&operations::USER_JWKS, generated.baseurl()),
            KeySource::CustomDomain => (&operations::JWKS_ON_CUSTOM_DOMAIN, custom_domain.unwrap_or_default()),
        };
        let url = format!("{origin}{}", operation.path.replace("{project_id}", &ids::encode(project_id)));
        Arc::new(Self { generated, operation, url })
    }
}

impl FetchKeys for JwksFetcher {
    fn operation_id(&self) -> &'static str {
        self.operation.id
    }

    fn fetch(&self) -> Pin<Box<dyn Future<Output = Result<RawJwks, Error>> + Send + '_>> {
        let secrets = || self.generated.inner.secrets.clone();
        Box::pin(async move {
            let options = CallOptions::default();
            handwritten::run_at(&self.generated, &options, self.operation, &self.url, Body::Empty, None, secrets).await
        })
    }
}
