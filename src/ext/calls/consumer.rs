use serde::de::DeserializeOwned;

use crate::ext::calls::ids;
use crate::ext::calls::operations::{self, Operation};
use crate::ext::calls::per_call::per_call_options;
use crate::ext::hygiene::redact::Secrets;
use crate::ext::transport::CallOptions;
use crate::ext::transport::handwritten;
use crate::models::{
    ResponseMeta, RevokeUserConnectedAppResponse, UserConnectedAppsResponse, UserJwksResponse,
    UserSessionAuthenticateResponse,
};
use crate::{Client, Error, UserSession};

/// The consumer Connected Apps calls, from [`Client::consumer`]. They are absent from the B2B spec and written by
/// hand, with the same configuration, authentication, timeouts and error mapping as the generated calls. They
/// never carry a member session.
///
/// ```no_run
/// # async fn run(client: stytch_connected_apps::Client) -> Result<(), stytch_connected_apps::Error> {
/// let apps = client.consumer().user_connected_apps("user-test-123").await?;
/// for app in &apps.connected_apps {
///     println!("{} may use: {}", app.name, app.scopes_granted);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct Consumer<'a> {
    client: &'a Client,
    options: CallOptions,
}

impl<'a> Consumer<'a> {
    pub(crate) fn new(client: &'a Client, options: CallOptions) -> Self {
        Self { client, options }
    }

    per_call_options!();

    /// These calls, as part of a bulk run paced by `pacer`.
    pub(crate) fn paced(mut self, pacer: std::sync::Arc<crate::ext::bulk::pacer::Pacer>) -> Self {
        self.options.pacer = Some(pacer);
        self
    }

    /// **C1**: the Connected Apps a User has completed an authorization flow with and not revoked.
    /// `user_id` may also be the user's external id.
    pub async fn user_connected_apps(&self, user_id: &str) -> Result<UserConnectedAppsResponse, Error> {
        ids::check("user_id", user_id)?;
        let path = format!("/v1/users/{}/connected_apps", ids::encode(user_id));
        self.run(&operations::C1, path, None).await
    }

    /// **C2**: revokes a Connected App's access for a User, and every active token it holds on the User's behalf.
    pub async fn revoke_user_connected_app(
        &self,
        user_id: &str,
        connected_app_id: &str,
    ) -> Result<RevokeUserConnectedAppResponse, Error> {
        ids::check("user_id", user_id)?;
        ids::check("connected_app_id", connected_app_id)?;
        let path =
            format!("/v1/users/{}/connected_apps/{}/revoke", ids::encode(user_id), ids::encode(connected_app_id));
        // The spec declares a required, empty JSON object as the revoke body.
        self.run(&operations::C2, path, Some(serde_json::json!({}))).await
    }

    /// The keys that sign the project's consumer session JWTs: `GET /v1/sessions/jwks/{project_id}`. The client
    /// fetches and caches them itself to verify JWTs ([`Client::verify_user_jwt`]); this is the raw call.
    pub async fn jwks(&self) -> Result<UserJwksResponse, Error> {
        let path = operations::USER_JWKS.path.replace("{project_id}", &ids::encode(self.client.project_id()));
        self.run(&operations::USER_JWKS, path, None).await
    }

    /// Learns the user behind a consumer session: `POST /v1/sessions/authenticate` with the token or JWT.
    pub(crate) async fn authenticate_session(
        &self,
        session: &UserSession,
    ) -> Result<UserSessionAuthenticateResponse, Error> {
        let body = authenticate_body(session);
        let mut this = self.clone();
        this.options.secrets.add(session.shared());
        this.run(
            &operations::USER_SESSION_AUTHENTICATE,
            operations::USER_SESSION_AUTHENTICATE.path.to_owned(),
            Some(body),
        )
        .await
    }

    /// What a consent call made through this value needs: the client and these options.
    pub(crate) fn grant(&self) -> crate::ext::calls::consent::Grant<'a> {
        let mut options = self.options.clone();
        if let Some(session) = self.client.member_session() {
            options.secrets.add(session.shared());
        }
        crate::ext::calls::consent::Grant { client: self.client, options }
    }

    /// What this call must never let through: the client's secrets, the sessions the call sent or holds.
    fn secrets(&self) -> Secrets {
        let mut secrets = self.client.generated().inner.secrets.union(&self.options.secrets);
        if let Some(session) = self.client.member_session() {
            secrets.add(session.shared());
        }
        secrets
    }

    /// Sends `body` (none for GETs) to `path` and decodes the answer.
    async fn run<T: DeserializeOwned + ResponseMeta>(
        &self,
        operation: &'static Operation,
        path: String,
        body: Option<serde_json::Value>,
    ) -> Result<T, Error> {
        let generated = self.client.generated();
        handwritten::run(generated, &self.options, operation, &path, body.as_ref(), || self.secrets()).await
    }
}

/// The body of `POST /v1/sessions/authenticate` for `session`: its token or its JWT, nothing else.
pub(crate) fn authenticate_body(session: &UserSession) -> serde_json::Value {
    let field = if session.is_jwt() { "session_jwt" } else { "session_token" };
    serde_json::json!({ field: session.expose() })
}
