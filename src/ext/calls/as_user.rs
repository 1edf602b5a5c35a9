use crate::ext::calls::per_call::per_call_options;
use crate::ext::sessions::verification::SessionKind;
use crate::ext::transport::CallOptions;
use crate::models::{RevokeUserConnectedAppResponse, UserConnectedAppsResponse};
use crate::{Client, Consumer, Error, SessionVerification, UserSession};

/// The consumer calls for the user behind a session, from [`Client::as_user`], as the frontend SDK's "Get
/// Connected Apps" does (the user "inferred from the logged-in user's session").
///
/// The consumer endpoints take no session header, so Stytch never checks the session on the call itself: the user
/// must be verified before it is named in the path.
///
/// - **JWT** ([`SessionVerification::Local`], the default): verified here against the project's consumer signing
///   keys (see [`Client::verify_user_jwt`]); its verified `sub` is the user: **one** request. A JWT that fails
///   verification is an error and nothing is sent; one older than `max_token_age` is authenticated by Stytch.
/// - **Token**, or a JWT with [`SessionVerification::Remote`]: `POST /v1/sessions/authenticate` gives the user,
///   then the call: two requests, and a revoked session fails at once.
///
/// One deadline covers each call, every request and retry included.
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
    verification: SessionVerification,
}

impl<'a> UserSessionCalls<'a> {
    pub(crate) fn new(client: &'a Client, session: UserSession) -> Self {
        let mut options = CallOptions::default();
        options.secrets.add(session.shared());
        let verification = client.verifier().policy();
        Self { client, session, options, verification }
    }

    per_call_options!();

    /// What a consent call made through this value needs: the client and these options (the session among their
    /// secrets), the deadline starting now.
    pub(crate) fn grant(&self) -> crate::ext::calls::consent::Grant<'a> {
        crate::ext::calls::consent::Grant { client: self.client, options: self.options.starting_now() }
    }

    /// The session.
    pub(crate) fn session(&self) -> &UserSession {
        &self.session
    }

    /// Where a JWT is verified for the calls made through this value (overrides the client's
    /// [`session_verification`](crate::ClientBuilder::session_verification)). A session token always asks Stytch.
    pub fn verification(mut self, policy: SessionVerification) -> Self {
        self.verification = policy;
        self
    }

    /// The user behind the session, verified: locally for a JWT (no request beyond a key fetch), by Stytch for a
    /// token or with [`SessionVerification::Remote`] (which also fails for a revoked session).
    pub async fn user_id(&self) -> Result<String, Error> {
        self.starting_now().verified_user().await
    }

    /// C1 for the session's user.
    pub async fn connected_apps(&self) -> Result<UserConnectedAppsResponse, Error> {
        let mut call = self.starting_now();
        let user_id = call.verified_user().await?;
        call.consumer().user_connected_apps(&user_id).await
    }

    /// C2 for the session's user.
    pub async fn revoke_connected_app(&self, connected_app_id: &str) -> Result<RevokeUserConnectedAppResponse, Error> {
        let mut call = self.starting_now();
        let user_id = call.verified_user().await?;
        call.consumer().revoke_user_connected_app(&user_id, connected_app_id).await
    }

    /// The user, verified locally (a JWT, by default) or by Stytch.
    async fn verified_user(&mut self) -> Result<String, Error> {
        let jwt = self.session.is_jwt().then(|| self.session.expose());
        let deadline = self.options.deadline_at(&self.client.generated().inner);
        let verifier = self.client.verifier();
        let local = verifier.verify_if_local(self.client, jwt, SessionKind::User, self.verification, deadline);
        if let Some(verified) = local.await? {
            return Ok(verified.registered.subject);
        }
        self.authenticate().await
    }

    /// A copy for one user-visible call: its requests share the deadline that starts now.
    fn starting_now(&self) -> Self {
        Self { options: self.options.starting_now(), ..self.clone() }
    }

    /// The user, from Stytch; the session values Stytch answered with (a token may be rotated, a JWT is fresh)
    /// join what the rest of this call must never show.
    async fn authenticate(&mut self) -> Result<String, Error> {
        let authenticated = self.consumer().authenticate_session(&self.session).await?;
        self.options.secrets.add(authenticated.session_token.into_exposed());
        self.options.secrets.add(authenticated.session_jwt.into_exposed());
        Ok(authenticated.session.user_id)
    }

    fn consumer(&self) -> Consumer<'a> {
        Consumer::new(self.client, self.options.clone())
    }
}
