use crate::ext::calls::per_call::per_call_options;
use crate::ext::sessions::claims::SessionMember;
use crate::ext::sessions::verification::SessionKind;
use crate::ext::transport::CallOptions;
use crate::models::{
    MemberConnectedAppsResponse, OrganizationConnectedAppResponse, OrganizationConnectedAppsResponse,
    RevokeMemberConnectedAppResponse,
};
use crate::{B2b, Client, Error, MemberSession, SessionVerification};

/// The B2B calls for the member behind a session, from [`Client::as_member`]: the organization (and, for one's
/// own apps, the member) are taken from the session, and the session is forwarded on every call so Stytch enforces
/// the member's RBAC permissions and the session's tenancy. This is what the frontend SDKs' "Get Connected Apps"
/// does (the organization "inferred from the logged-in Member's session"), for backend code.
///
/// - **JWT** ([`SessionVerification::Local`], the default): the JWT is verified here against the project's
///   signing keys (signature, issuer, audience, expiry; see [`Client::verify_member_jwt`]), the organization and
///   member come from its verified claims, and the same JWT is forwarded, so Stytch still enforces RBAC and
///   tenancy: one request. A JWT that fails verification is an error and nothing is sent. A JWT older than the
///   client's `max_token_age` is authenticated by Stytch instead.
/// - **Token**, or a JWT with [`SessionVerification::Remote`]: `POST /v1/b2b/sessions/authenticate` gives the
///   organization and member, then the call forwards the session: two requests. Nothing is cached: every call
///   authenticates the session again, so a revoked or expired session stops working at once.
///
/// One deadline covers each call, both requests and their retries included (the client's, or `.deadline(..)`).
///
/// ```no_run
/// # async fn run(client: stytch_connected_apps::Client, jwt_from_cookie: &str) -> Result<(), stytch_connected_apps::Error> {
/// use stytch_connected_apps::MemberSession;
///
/// let me = client.as_member(MemberSession::jwt(jwt_from_cookie)?);
/// let installed = me.organization_connected_apps().await?;  // the session's organization
/// let mine = me.own_connected_apps().await?;                  // the session's member
/// if let Some(app) = mine.connected_apps.first() {
///     me.revoke_own_connected_app(&app.connected_app_id).await?;
/// }
/// # let _ = installed; Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct MemberSessionCalls<'a> {
    client: &'a Client,
    session: MemberSession,
    options: CallOptions,
    verification: SessionVerification,
}

impl<'a> MemberSessionCalls<'a> {
    pub(crate) fn new(client: &'a Client, session: MemberSession) -> Self {
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
    pub(crate) fn session(&self) -> &MemberSession {
        &self.session
    }

    /// Where a JWT is verified for the calls made through this value (overrides the client's
    /// [`session_verification`](crate::ClientBuilder::session_verification)). A session token always asks Stytch.
    pub fn verification(mut self, policy: SessionVerification) -> Self {
        self.verification = policy;
        self
    }

    /// The organization and member behind the session, **verified**: locally for a JWT (no request, beyond a key
    /// fetch), by Stytch for a token or with [`SessionVerification::Remote`] (`POST /v1/b2b/sessions/authenticate`,
    /// one request). Fails for a forged, foreign or expired session (and, when asked of Stytch, a revoked one);
    /// never returns unverified claims.
    pub async fn identity(&self) -> Result<SessionMember, Error> {
        self.starting_now().route().await
    }

    /// B1 for the session's organization.
    pub async fn organization_connected_apps(&self) -> Result<OrganizationConnectedAppsResponse, Error> {
        let mut call = self.starting_now();
        let who = call.route().await?;
        call.b2b().organization_connected_apps(&who.organization_id).await
    }

    /// B2 for the session's organization.
    pub async fn connected_app(&self, connected_app_id: &str) -> Result<OrganizationConnectedAppResponse, Error> {
        let mut call = self.starting_now();
        let who = call.route().await?;
        call.b2b().connected_app(&who.organization_id, connected_app_id).await
    }

    /// B3 for a member of the session's organization.
    pub async fn member_connected_apps(&self, member_id: &str) -> Result<MemberConnectedAppsResponse, Error> {
        let mut call = self.starting_now();
        let who = call.route().await?;
        call.b2b().member_connected_apps(&who.organization_id, member_id).await
    }

    /// B3 for the session's own member (allowed by `stytch.self`).
    pub async fn own_connected_apps(&self) -> Result<MemberConnectedAppsResponse, Error> {
        let mut call = self.starting_now();
        let who = call.route().await?;
        call.b2b().member_connected_apps(&who.organization_id, &who.member_id).await
    }

    /// B4 for a member of the session's organization.
    pub async fn revoke_member_connected_app(
        &self,
        member_id: &str,
        connected_app_id: &str,
    ) -> Result<RevokeMemberConnectedAppResponse, Error> {
        let mut call = self.starting_now();
        let who = call.route().await?;
        call.b2b().revoke_member_connected_app(&who.organization_id, member_id, connected_app_id).await
    }

    /// B4 for the session's own member (allowed by `stytch.self`).
    pub async fn revoke_own_connected_app(
        &self,
        connected_app_id: &str,
    ) -> Result<RevokeMemberConnectedAppResponse, Error> {
        let mut call = self.starting_now();
        let who = call.route().await?;
        call.b2b().revoke_member_connected_app(&who.organization_id, &who.member_id, connected_app_id).await
    }

    /// A copy for one user-visible call: its requests share the deadline that starts now.
    fn starting_now(&self) -> Self {
        Self { options: self.options.starting_now(), ..self.clone() }
    }

    /// Who is behind the session, verified: a JWT locally (unless the policy is remote, or the JWT is older than
    /// `max_token_age`), otherwise by Stytch.
    async fn route(&mut self) -> Result<SessionMember, Error> {
        let jwt = self.session.is_jwt().then(|| self.session.expose());
        let deadline = self.options.deadline_at(&self.client.generated().inner);
        let verifier = self.client.verifier();
        let local = verifier.verify_if_local(self.client, jwt, SessionKind::Member, self.verification, deadline);
        if let Some(verified) = local.await? {
            let (organization_id, _) = verified.claims.organization.unwrap_or_default();
            return Ok(SessionMember { organization_id, member_id: verified.registered.subject });
        }
        self.authenticated().await
    }

    /// The member, from Stytch; the session values Stytch answered with (a token may be rotated, a JWT is
    /// fresh) join what the rest of this call must never show.
    async fn authenticated(&mut self) -> Result<SessionMember, Error> {
        let authenticated = self.b2b().authenticate_session(&self.session).await?;
        self.options.secrets.add(authenticated.session_token.into_exposed());
        self.options.secrets.add(authenticated.session_jwt.into_exposed());
        let session = authenticated.member_session;
        Ok(SessionMember { organization_id: session.organization_id, member_id: session.member_id })
    }

    fn b2b(&self) -> B2b<'a> {
        B2b::new(self.client, Some(self.session.clone()), self.options.clone())
    }
}
