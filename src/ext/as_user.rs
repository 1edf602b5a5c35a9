use crate::ext::per_call::per_call_options;
use crate::ext::transport::CallOptions;
use crate::models::{RevokeUserConnectedAppResponse, UserConnectedAppsResponse};
use crate::{Client, Consumer, Error, UserSession};

/// The consumer calls for the user behind a session, from [`Client::as_user`], as the frontend SDK's "Get
/// Connected Apps" does (the user "inferred from the logged-in user's session").
///
/// Every call is two requests: `POST /v1/sessions/authenticate` gives the user, then the call. For a JWT too: the
/// consumer endpoints take no session header, so Stytch would not check the JWT on the call itself, and trusting
/// its unverified `sub` would let a forged JWT name any user. Nothing is cached. One deadline covers each call,
/// both requests and their retries included.
///
/// ```no_run
/// # async fn run(client: stytch_connected_apps::Client, token_from_cookie: &str) -> Result<(), stytch_connected_apps::Error> {
/// use stytch_connected_apps::UserSession;
///
/// let me = client.as_user(UserSession::token(token_from_cookie)?);
/// for app in me.connected_apps().await?.connected_apps {
///     println!("{} may use: {}", app.name, app.scopes_granted);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct UserSessionCalls<'a> {
    client: &'a Client,
    session: UserSession,
    options: CallOptions,
}

impl<'a> UserSessionCalls<'a> {
    pub(crate) fn new(client: &'a Client, session: UserSession) -> Self {
        let mut options = CallOptions::default();
        options.secrets.add(session.shared());
        Self { client, session, options }
    }

    per_call_options!();

    /// The user behind the session, as Stytch vouches for it: `POST /v1/sessions/authenticate` (which fails for
    /// an expired, revoked or forged session).
    pub async fn user_id(&self) -> Result<String, Error> {
        self.starting_now().authenticate().await
    }

    /// C1 for the session's user.
    pub async fn connected_apps(&self) -> Result<UserConnectedAppsResponse, Error> {
        let mut call = self.starting_now();
        let user_id = call.authenticate().await?;
        call.consumer().user_connected_apps(&user_id).await
    }

    /// C2 for the session's user.
    pub async fn revoke_connected_app(&self, connected_app_id: &str) -> Result<RevokeUserConnectedAppResponse, Error> {
        let mut call = self.starting_now();
        let user_id = call.authenticate().await?;
        call.consumer().revoke_user_connected_app(&user_id, connected_app_id).await
    }

    /// A copy for one user-visible call: its requests share the deadline that starts now.
    fn starting_now(&self) -> Self {
        Self { options: self.options.starting_now(), ..self.clone() }
    }

    /// The user, from Stytch; the session values Stytch answered with (a token may be rotated, a JWT is fresh)
    /// join what the rest of this call must never show.
    async fn authenticate(&mut self) -> Result<String, Error> {
        let authenticated = self.consumer().authenticate_session(&self.session).await?;
        self.options.secrets.add(authenticated.session_token);
        self.options.secrets.add(authenticated.session_jwt);
        Ok(authenticated.session.user_id)
    }

    fn consumer(&self) -> Consumer<'a> {
        Consumer::new(self.client, self.options.clone())
    }
}
