use std::time::Duration;

use reqwest::Method;
use serde::de::DeserializeOwned;

use crate::ext::transport::{self, CallOptions};
use crate::ext::{decode, ids};
use crate::models::{RevokeUserConnectedAppResponse, UserConnectedAppsResponse};
use crate::{Client, Error};

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

    /// Overrides the client's request timeout for the calls made through this value.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// **C1**: the Connected Apps a User has completed an authorization flow with and not revoked.
    /// `user_id` may also be the user's external id.
    pub async fn user_connected_apps(&self, user_id: &str) -> Result<UserConnectedAppsResponse, Error> {
        ids::check("user_id", user_id)?;
        let path = format!("/v1/users/{}/connected_apps", ids::encode(user_id));
        self.run("api_user_v1_connected_apps", Method::GET, path, false).await
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
        self.run("api_user_v1_revoke", Method::POST, path, true).await
    }

    async fn run<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        method: Method,
        path: String,
        empty_object_body: bool,
    ) -> Result<T, Error> {
        // The spec declares a required, empty JSON object as the revoke body; GETs carry no body.
        let body = empty_object_body.then(serde_json::Map::new);
        let generated = self.client.generated();
        let call = transport::send(generated, operation, method, &path, body.as_ref());
        let (status, body) = transport::scoped(self.options.clone(), call).await.0?;
        if status.is_success() {
            decode::success(operation, status, &body)
        } else {
            Err(decode::api_error(operation, status, &body))
        }
    }
}
