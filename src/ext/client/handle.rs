use std::fmt;
use std::sync::Arc;

use crate::ext::sessions::verification::{SessionKind, Verifier};
use crate::ext::transport::CallOptions;
use crate::{
    AccessTokens, B2b, ClientBuilder, Consumer, Error, MemberSession, MemberSessionCalls, MemberSessionClaims, Secret,
    UserSession, UserSessionCalls, UserSessionClaims,
};

/// A Stytch Connected Apps client. Cheap to clone; clones share one connection pool.
///
/// ```
/// use stytch_connected_apps::{Client, MemberSession};
///
/// let client = Client::new("project-test-123", "secret-test-456")?;
/// assert_eq!(client.base_url(), "https://test.stytch.com");
///
/// // A copy whose B2B calls run with a member's permissions.
/// let as_member = client.with_member_session(MemberSession::token("session-token")?);
/// assert!(as_member.member_session().is_some() && client.member_session().is_none());
/// # Ok::<(), stytch_connected_apps::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    generated: crate::generated::Client,
    project_id: Arc<str>,
    session: Option<MemberSession>,
    /// Session verification settings and the signing-key caches, shared by clones.
    verifier: Arc<Verifier>,
}

impl Client {
    /// A client for this project with the default host (inferred from the project id) and timeouts.
    pub fn new(project_id: impl Into<String>, secret: impl Into<Secret>) -> Result<Self, Error> {
        ClientBuilder::new(project_id, secret).build()
    }

    /// Starts configuring a client (base URL, timeouts).
    pub fn builder(project_id: impl Into<String>, secret: impl Into<Secret>) -> ClientBuilder {
        ClientBuilder::new(project_id, secret)
    }

    /// A client configured from `STYTCH_PROJECT_ID`, `STYTCH_SECRET` and optional `STYTCH_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env()?.build()
    }

    pub(crate) fn from_parts(
        generated: crate::generated::Client,
        project_id: Arc<str>,
        verifier: Arc<Verifier>,
    ) -> Self {
        Self { generated, project_id, session: None, verifier }
    }

    pub(crate) fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// A copy of this client whose B2B calls carry `session` (`X-Stytch-Member-Session` for a token,
    /// `X-Stytch-Member-SessionJWT` for a JWT), so Stytch enforces the member's RBAC permissions and tenancy.
    /// Consumer calls never carry it.
    #[must_use]
    pub fn with_member_session(&self, session: MemberSession) -> Self {
        Self { session: Some(session), ..self.clone() }
    }

    /// A copy of this client without a member session.
    #[must_use]
    pub fn without_member_session(&self) -> Self {
        Self { session: None, ..self.clone() }
    }

    /// The member session this client's B2B calls carry, if any.
    pub fn member_session(&self) -> Option<&MemberSession> {
        self.session.as_ref()
    }

    /// The base URL requests go to, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        progenitor_client::ClientInfo::baseurl(&self.generated)
    }

    /// The project id requests authenticate as.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// The B2B calls (B1–B4). Set per-call options on the returned value.
    pub fn b2b(&self) -> B2b<'_> {
        B2b::new(self, self.session.clone(), CallOptions::default())
    }

    /// The project's Connected Apps clients: create, get, update, delete, search, and rotate their secrets. Set
    /// per-call options on the returned value. See [`ConnectedApps`](crate::ConnectedApps).
    pub fn connected_apps(&self) -> crate::ConnectedApps<'_> {
        crate::ConnectedApps::new(self)
    }

    /// The consumer calls (C1–C2). Set per-call options on the returned value.
    pub fn consumer(&self) -> Consumer<'_> {
        Consumer::new(self, CallOptions::default())
    }

    /// The B2B calls for the member behind `session`: its organization (and member) are inferred, and the session
    /// is forwarded so Stytch enforces RBAC and tenancy. See [`MemberSessionCalls`].
    pub fn as_member(&self, session: MemberSession) -> MemberSessionCalls<'_> {
        MemberSessionCalls::new(self, session)
    }

    /// The consumer calls for the user behind `session`. See [`UserSessionCalls`].
    pub fn as_user(&self, session: UserSession) -> UserSessionCalls<'_> {
        UserSessionCalls::new(self, session)
    }

    /// Verifies a member session JWT **locally**, against the project's B2B signing keys
    /// (`GET /v1/b2b/sessions/jwks/{project_id}`, fetched once and cached by this client and its clones):
    /// `RS256` signature, issuer `stytch.com/{project_id}`, audience, `exp`/`nbf` (with the leeway), the session's
    /// own expiry, and the `max_token_age` if one is set. No request to Stytch beyond a key fetch. Use the claims
    /// to authorize in your own code; Stytch's RBAC still applies to calls that forward the JWT.
    ///
    /// ```no_run
    /// # async fn run(client: stytch_connected_apps::Client, jwt_from_cookie: &str) -> Result<(), stytch_connected_apps::Error> {
    /// let claims = client.verify_member_jwt(jwt_from_cookie).await?;
    /// if claims.roles.iter().any(|role| role == "stytch_admin") {
    ///     println!("{} administers {}", claims.member_id, claims.organization_id);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn verify_member_jwt(&self, jwt: &str) -> Result<MemberSessionClaims, Error> {
        let deadline = CallOptions::default().deadline_at(&self.generated.inner);
        Ok(self.verifier.verify(self, jwt, SessionKind::Member, deadline).await?.into())
    }

    /// Verifies a consumer session JWT **locally**, against the project's consumer signing keys
    /// (`GET /v1/sessions/jwks/{project_id}`), with the same checks as
    /// [`verify_member_jwt`](Self::verify_member_jwt).
    pub async fn verify_user_jwt(&self, jwt: &str) -> Result<UserSessionClaims, Error> {
        let deadline = CallOptions::default().deadline_at(&self.generated.inner);
        Ok(self.verifier.verify(self, jwt, SessionKind::User, deadline).await?.into())
    }

    /// The verifier of the access tokens Connected Apps send to your API, for a **B2B** project: signed by the
    /// project's keys (from the [custom domain](crate::ClientBuilder::custom_domain)'s `/.well-known/jwks.json`
    /// when one is set, otherwise `GET /v1/b2b/sessions/jwks/{project_id}`, the cache member session JWTs use),
    /// with the organization claim. See [`AccessTokens`].
    pub fn b2b_access_tokens(&self) -> AccessTokens {
        AccessTokens::new(self, true)
    }

    /// The verifier of the access tokens Connected Apps send to your API, for a **consumer** project: signed by
    /// the project's keys (from the custom domain's `/.well-known/jwks.json` when one is set, otherwise
    /// `GET /v1/sessions/jwks/{project_id}`). See [`AccessTokens`].
    pub fn consumer_access_tokens(&self) -> AccessTokens {
        AccessTokens::new(self, false)
    }

    /// The project's custom domain (`https://auth.example.com`), if the client was given one: an accepted
    /// access-token issuer.
    pub fn custom_domain(&self) -> Option<&str> {
        self.verifier.custom_domain()
    }

    /// The generated progenitor client, for power users: same connection pool, credentials, header hygiene and
    /// timeouts, but raw progenitor errors and no id validation.
    ///
    /// **Its errors are not scrubbed.** progenitor's `Error::InvalidResponsePayload` holds, and its `Display`
    /// prints, the whole body of an answer that failed to decode: a create or rotation answer carries a client
    /// secret, an authenticate answer a session. Do not log them; the crate's own calls
    /// ([`connected_apps`](Self::connected_apps), [`b2b`](Self::b2b), ...) return [`Error`](crate::Error)s that
    /// never hold a credential.
    pub fn generated(&self) -> &crate::generated::Client {
        &self.generated
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("project_id", &self.project_id)
            .field("base_url", &self.base_url())
            .field("member_session", &self.session)
            .finish_non_exhaustive()
    }
}
