use std::future::Future;
use std::pin::Pin;

use progenitor_client::ResponseValue;

use crate::ext::calls::ids;
use crate::ext::calls::operations::{self, Operation};
use crate::ext::calls::per_call::per_call_options;
use crate::ext::hygiene::redact::Secrets;
use crate::ext::transport::{CallOptions, generated};
use crate::generated::builder;
use crate::generated::types::StytchErrorEnvelope;
use crate::models::{
    MemberConnectedAppsResponse, MemberJwksResponse, MemberSessionAuthenticateResponse,
    OrganizationConnectedAppResponse, OrganizationConnectedAppsResponse, RbacPolicyResponse, ResponseMeta,
    RevokeMemberConnectedAppResponse,
};
use crate::{Client, Error, MemberSession};

/// The B2B Connected Apps calls, from [`Client::b2b`]. Holds the member session (the client's, unless
/// overridden here) and per-call options.
///
/// ```no_run
/// # async fn run(client: stytch_connected_apps::Client) -> Result<(), stytch_connected_apps::Error> {
/// use std::time::Duration;
/// use stytch_connected_apps::MemberSession;
///
/// let admin = MemberSession::jwt("eyJhbGciOi...")?;
/// let apps = client
///     .b2b()
///     .with_session(&admin) // this call only
///     .timeout(Duration::from_secs(5))
///     .member_connected_apps("organization-test-1", "member-test-2")
///     .await?;
/// for app in apps.connected_apps {
///     println!("{}: {}", app.name, app.scopes_granted);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct B2b<'a> {
    client: &'a Client,
    session: Option<MemberSession>,
    options: CallOptions,
}

impl<'a> B2b<'a> {
    pub(crate) fn new(client: &'a Client, session: Option<MemberSession>, options: CallOptions) -> Self {
        Self { client, session, options }
    }

    /// Runs the calls made through this value with `session`, overriding the client's.
    pub fn with_session(mut self, session: &MemberSession) -> Self {
        self.session = Some(session.clone());
        self
    }

    /// Runs the calls made through this value without a member session (no RBAC check by Stytch).
    pub fn without_session(mut self) -> Self {
        self.session = None;
        self
    }

    per_call_options!();

    /// These calls, as part of a bulk run paced by `pacer`.
    pub(crate) fn paced(mut self, pacer: std::sync::Arc<crate::ext::bulk::pacer::Pacer>) -> Self {
        self.options.pacer = Some(pacer);
        self
    }

    /// **B1**: the Connected Apps installed by the Organization's Members (at least one completed, unrevoked
    /// authorization). `organization_id` may also be the organization's slug or external id.
    pub async fn organization_connected_apps(
        &self,
        organization_id: &str,
    ) -> Result<OrganizationConnectedAppsResponse, Error> {
        ids::check("organization_id", organization_id)?;
        let request = self.client.generated().api_organization_v1_connected_apps().organization_id(organization_id);
        self.run(&operations::B1, Box::pin(request.member_session(&self.session).send())).await
    }

    /// **B2**: one Connected App, with the Members who have it installed and the scopes each granted.
    pub async fn connected_app(
        &self,
        organization_id: &str,
        connected_app_id: &str,
    ) -> Result<OrganizationConnectedAppResponse, Error> {
        ids::check("organization_id", organization_id)?;
        ids::check("connected_app_id", connected_app_id)?;
        let request = self
            .client
            .generated()
            .api_organization_v1_get_connected_app()
            .organization_id(organization_id)
            .connected_app_id(connected_app_id);
        self.run(&operations::B2, Box::pin(request.member_session(&self.session).send())).await
    }

    /// **B3**: the Connected Apps a Member has completed an authorization flow with and not revoked.
    /// `member_id` may also be the member's external id.
    pub async fn member_connected_apps(
        &self,
        organization_id: &str,
        member_id: &str,
    ) -> Result<MemberConnectedAppsResponse, Error> {
        ids::check("organization_id", organization_id)?;
        ids::check("member_id", member_id)?;
        let request = self
            .client
            .generated()
            .api_organization_v1_organizations_members_get_connected_apps()
            .organization_id(organization_id)
            .member_id(member_id);
        self.run(&operations::B3, Box::pin(request.member_session(&self.session).send())).await
    }

    /// **B4**: revokes a Connected App's access for a Member, and every active token it holds on the Member's
    /// behalf. New tokens need a new authorization flow.
    pub async fn revoke_member_connected_app(
        &self,
        organization_id: &str,
        member_id: &str,
        connected_app_id: &str,
    ) -> Result<RevokeMemberConnectedAppResponse, Error> {
        ids::check("organization_id", organization_id)?;
        ids::check("member_id", member_id)?;
        ids::check("connected_app_id", connected_app_id)?;
        let request = self
            .client
            .generated()
            .api_organization_v1_organizations_members_connected_apps_revoke()
            .organization_id(organization_id)
            .member_id(member_id)
            .connected_app_id(connected_app_id)
            .body(serde_json::Map::new());
        self.run(&operations::B4, Box::pin(request.member_session(&self.session).send())).await
    }

    /// The keys that sign the project's member session JWTs: `GET /v1/b2b/sessions/jwks/{project_id}` (no session
    /// header). The client fetches and caches them itself to verify JWTs ([`Client::verify_member_jwt`]); this is
    /// the raw call.
    pub async fn jwks(&self) -> Result<MemberJwksResponse, Error> {
        let request = self.client.generated().api_b2b_session_v1_get_jwks().project_id(self.client.project_id());
        self.clone().without_session().run(&operations::B2B_JWKS, Box::pin(request.send())).await
    }

    /// The project's RBAC policy: `GET /v1/b2b/rbac/policy` (roles, resources, and the scopes Connected Apps' access
    /// tokens carry, with the permissions each grants). [`AccessTokens`](crate::AccessTokens) fetches and caches it
    /// itself for authorization checks; this is the raw call. Sent without a member session.
    pub async fn rbac_policy(&self) -> Result<RbacPolicyResponse, Error> {
        let request = self.client.generated().api_b2b_rbac_v1_policy();
        self.clone().without_session().run(&operations::RBAC_POLICY, Box::pin(request.send())).await
    }

    /// Asks Stytch who is behind a member session (token or JWT): `POST /v1/b2b/sessions/authenticate`, sent
    /// without a session header (the session is in the body).
    pub(crate) async fn authenticate_session(
        &self,
        session: &MemberSession,
    ) -> Result<MemberSessionAuthenticateResponse, Error> {
        let request = self.client.generated().api_b2b_session_v1_authenticate().body(authenticate_request(session));
        let mut this = self.clone().without_session();
        this.options.secrets.add(session.shared());
        this.run(&operations::MEMBER_SESSION_AUTHENTICATE, Box::pin(request.send())).await
    }

    /// What a consent call made through this value needs: the client, and these options with every session this
    /// value holds among the call's secrets.
    pub(crate) fn grant(&self) -> crate::ext::calls::consent::Grant<'a> {
        let mut options = self.options.clone();
        for session in [self.session.as_ref(), self.client.member_session()].into_iter().flatten() {
            options.secrets.add(session.shared());
        }
        crate::ext::calls::consent::Grant { client: self.client, options }
    }

    /// What this call must never let through: the client's secrets, the session it sends, any it holds.
    fn secrets(&self) -> Secrets {
        let mut secrets = self.client.generated().inner.secrets.union(&self.options.secrets);
        for session in [self.session.as_ref(), self.client.member_session()].into_iter().flatten() {
            secrets.add(session.shared());
        }
        secrets
    }

    /// Runs one generated call (see [`generated::run`]).
    async fn run<T: ResponseMeta, F>(&self, operation: &'static Operation, call: Pin<Box<F>>) -> Result<T, Error>
    where
        F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<StytchErrorEnvelope>>>,
    {
        generated::run(self.client, &self.options, operation, || self.secrets(), call).await
    }
}

/// The generated request builders that take the member-session headers.
trait AcceptsMemberSession: Sized {
    fn session_token(self, value: &str) -> Self;
    fn session_jwt(self, value: &str) -> Self;

    fn member_session(self, session: &Option<MemberSession>) -> Self {
        match session {
            None => self,
            Some(session) if session.is_jwt() => self.session_jwt(session.expose()),
            Some(session) => self.session_token(session.expose()),
        }
    }
}

macro_rules! accepts_member_session {
    ($($builder:ident),* $(,)?) => {$(
        impl AcceptsMemberSession for builder::$builder<'_> {
            fn session_token(self, value: &str) -> Self {
                self.x_stytch_member_session(value)
            }
            fn session_jwt(self, value: &str) -> Self {
                self.x_stytch_member_session_jwt(value)
            }
        }
    )*};
}

accepts_member_session!(
    ApiOrganizationV1ConnectedApps,
    ApiOrganizationV1GetConnectedApp,
    ApiOrganizationV1OrganizationsMembersGetConnectedApps,
    ApiOrganizationV1OrganizationsMembersConnectedAppsRevoke,
);

/// The body of `POST /v1/b2b/sessions/authenticate` for `session`: its token or its JWT, nothing else.
pub(crate) fn authenticate_request(
    session: &MemberSession,
) -> crate::generated::types::ApiB2bSessionV1AuthenticateRequest {
    let value = Some(crate::Credential::from(session.expose()));
    if session.is_jwt() {
        crate::generated::types::ApiB2bSessionV1AuthenticateRequest { session_jwt: value, ..Default::default() }
    } else {
        crate::generated::types::ApiB2bSessionV1AuthenticateRequest { session_token: value, ..Default::default() }
    }
}
