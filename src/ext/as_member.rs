use crate::ext::per_call::per_call_options;
use crate::ext::session_claims::{self, SessionMember, UnverifiedSessionMember};
use crate::ext::transport::CallOptions;
use crate::models::{
    MemberConnectedAppsResponse, OrganizationConnectedAppResponse, OrganizationConnectedAppsResponse,
    RevokeMemberConnectedAppResponse,
};
use crate::{B2b, Client, Error, InvalidInput, MemberSession};

/// The B2B calls for the member behind a session, from [`Client::as_member`]: the organization (and, for one's
/// own apps, the member) are taken from the session, and the session is forwarded on every call so Stytch enforces
/// the member's RBAC permissions and the session's tenancy. This is what the frontend SDKs' "Get Connected Apps"
/// does (the organization "inferred from the logged-in Member's session"), for backend code.
///
/// - **JWT**: the organization and member are read from the JWT's claims, **unverified**, and the same JWT is
///   forwarded: one request. That is safe only because Stytch verifies the forwarded JWT and its tenancy on that
///   very request (see [`UnverifiedSessionMember`]); the claims are used for nothing else. A malformed JWT, or one
///   without the claims, is an error and nothing is sent.
/// - **Token**: `POST /v1/b2b/sessions/authenticate` gives the organization and member, then the call forwards the
///   token: two requests. Nothing is cached: every call authenticates the session again, so a revoked or expired
///   session stops working at once.
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
}

impl<'a> MemberSessionCalls<'a> {
    pub(crate) fn new(client: &'a Client, session: MemberSession) -> Self {
        let mut options = CallOptions::default();
        options.secrets.add(session.shared());
        Self { client, session, options }
    }

    per_call_options!();

    /// The organization and member behind the session **as Stytch vouches for them**:
    /// `POST /v1/b2b/sessions/authenticate` with the token or the JWT (one request). Fails for an expired,
    /// revoked or forged session. Use this, not [`unverified_identity`](Self::unverified_identity), for
    /// anything your code decides on.
    pub async fn identity(&self) -> Result<SessionMember, Error> {
        self.starting_now().authenticated().await
    }

    /// **Unverified**: the organization and member a session JWT *claims*, read locally; its signature, expiry
    /// and revocation are not checked, and anyone can write a JWT that claims anything. Fit only to route a
    /// request that forwards the same JWT (which is what this type's calls do). An error for a session token,
    /// which carries no claims. No request is made.
    pub fn unverified_identity(&self) -> Result<UnverifiedSessionMember, Error> {
        if !self.session.is_jwt() {
            let reason = "a session token carries no claims: use identity(), which asks Stytch";
            return Err(InvalidInput::new("member session token", reason).into());
        }
        session_claims::member_from_jwt(self.session.expose())
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

    /// Where to send a call that forwards the session: a JWT's claims (Stytch checks them on that call), or
    /// Stytch's answer for a token.
    async fn route(&mut self) -> Result<SessionMember, Error> {
        if self.session.is_jwt() {
            let claimed = session_claims::member_from_jwt(self.session.expose())?;
            return Ok(claimed.for_forwarding_only());
        }
        self.authenticated().await
    }

    /// The member, from Stytch; the session values Stytch answered with (a token may be rotated, a JWT is
    /// fresh) join what the rest of this call must never show.
    async fn authenticated(&mut self) -> Result<SessionMember, Error> {
        let authenticated = self.b2b().authenticate_session(&self.session).await?;
        self.options.secrets.add(authenticated.session_token);
        self.options.secrets.add(authenticated.session_jwt);
        let session = authenticated.member_session;
        Ok(SessionMember { organization_id: session.organization_id, member_id: session.member_id })
    }

    fn b2b(&self) -> B2b<'a> {
        B2b::new(self.client, Some(self.session.clone()), self.options.clone())
    }
}
