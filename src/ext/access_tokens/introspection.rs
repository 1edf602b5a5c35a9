//! RFC 7662 token introspection: `POST {custom domain}/v1/oauth2/introspect`, or without a custom domain
//! `POST {base URL}/v1/public/{project_id}/oauth2/introspect`, form-encoded `token`, `client_id`, `client_secret`
//! (a confidential Connected App) and `token_type_hint`. It carries the Connected App's credentials, never the
//! project's, on the same reliability layer as every call (one deadline, retries of 429/5xx and connection
//! failures: introspection changes nothing, so a retry is safe; bounded body; scrubbed errors). The token and the
//! client secret are among the call's secrets: cut from any error or trace.

use std::fmt;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::ext::calls::{ids, operations};
use crate::ext::hygiene::redact::Secrets;
use crate::ext::transport::{Body, CallOptions, handwritten};
use crate::models::ResponseMeta;
use crate::{Client, Error, Secret};

/// The Connected App your API introspects tokens as (RFC 7662 requires the caller to authenticate): its client
/// id, and its secret for a confidential app. Never the project secret.
///
/// ```
/// use stytch_connected_apps::IntrospectionClient;
/// let app = IntrospectionClient::confidential("connected-app-test-1", "secret-of-the-app");
/// assert!(!format!("{app:?}").contains("secret-of-the-app"));
/// ```
#[derive(Clone)]
pub struct IntrospectionClient {
    client_id: String,
    client_secret: Option<Secret>,
}

impl IntrospectionClient {
    /// A confidential Connected App: its id and secret (sent in the form body, as Stytch's SDKs do).
    pub fn confidential(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        Self { client_id: client_id.into(), client_secret: Some(client_secret.into()) }
    }

    /// A public Connected App: its id alone.
    pub fn public(client_id: impl Into<String>) -> Self {
        Self { client_id: client_id.into(), client_secret: None }
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }
}

impl fmt::Debug for IntrospectionClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntrospectionClient")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish()
    }
}

/// An introspection answer: `active`, and the token's claims when it is active.
#[derive(Deserialize)]
pub(crate) struct IntrospectionAnswer {
    pub(crate) active: bool,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    status_code: i32,
    /// Everything else: the token's claims, and `token_type`.
    #[serde(flatten)]
    pub(crate) claims: Map<String, Value>,
}

impl ResponseMeta for IntrospectionAnswer {
    fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    fn status_code(&self) -> i32 {
        self.status_code
    }
}

/// Asks Stytch whether `token` is active, as `app`, within the deadline of the call `options` belong to.
pub(crate) async fn introspect(
    client: &Client,
    app: &IntrospectionClient,
    token: &str,
    options: &CallOptions,
) -> Result<IntrospectionAnswer, Error> {
    let generated = client.generated();
    let (operation, url) = match client.custom_domain() {
        Some(domain) => {
            let operation = &operations::INTROSPECT_ON_CUSTOM_DOMAIN;
            (operation, format!("{domain}{}", operation.path))
        }
        None => {
            let operation = &operations::INTROSPECT;
            let path = operation.path.replace("{project_id}", &ids::encode(client.project_id()));
            (operation, format!("{}{path}", client.base_url()))
        }
    };
    let mut form = vec![("token", token), ("client_id", app.client_id.as_str()), ("token_type_hint", "access_token")];
    if let Some(secret) = &app.client_secret {
        form.push(("client_secret", secret.expose()));
    }
    // The token and the app's secret, as given and as they travel (form-encoded): a server echoing either is cut.
    let secrets = || {
        let mut secrets: Secrets = generated.inner.secrets.clone();
        for value in [Some(token), app.client_secret.as_ref().map(Secret::expose)].into_iter().flatten() {
            secrets.add(value);
            secrets.add(form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>());
        }
        secrets
    };
    handwritten::run_at(generated, options, operation, &url, Body::Form(&form), None, secrets).await
}
