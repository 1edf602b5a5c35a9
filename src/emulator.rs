//! An offline, stateful Stytch Connected Apps emulator (feature `emulator`): the six endpoints with Stytch's
//! semantics (ids by slug or external id, revocations that later lists reflect, RBAC and tenancy for member
//! sessions, 401/403/404 envelopes, a fresh `request_id` per response), fault injection and a request log. Its
//! session JWTs are RS256-signed with its own keys, served by both JWKS endpoints; keys can be rotated and
//! retired, and JWTs issued with a flaw (expired, wrong audience, ...) for tests of verification. Connected Apps'
//! access tokens are minted against a consent grant ([`Emulator::issue_member_access_token`],
//! [`Emulator::issue_user_access_token`]) and introspected (RFC 7662): revoking the consent makes them inactive.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use stytch_connected_apps::emulator::{Emulator, Endpoint, Fault, Fixture};
//!
//! let emulator = Emulator::start(Fixture::seed()).await?; // 127.0.0.1, random port
//! let client = emulator.client()?;                        // the fixture's credentials
//! emulator.script(Endpoint::UserConnectedApps, [Fault::too_many_requests(1)]);
//! let apps = client.consumer().user_connected_apps("user@example.com").await?; // retried after the 429
//! assert_eq!(emulator.requests().len(), 2);
//! # let _ = apps; Ok(()) }
//! ```
//!
//! Also a binary: `cargo run --features emulator --bin stytch-emulator -- --port 8080 --fixtures world.json`.

mod access_tokens;
mod bodies;
mod clients;
mod connection;
mod consent;
mod faults;
mod fixture;
mod keys;
mod objects;
mod rate_limit;
mod server;
mod world;

pub use faults::{Fault, JwtFlaw, LoggedRequest};
pub use fixture::{
    Authorization, ClientSettings, ConnectedApp, Fixture, Member, MemberSessionRecord, Organization, Permission,
    Project, Role, SEED_ADMIN, SEED_ADMIN_SESSION, SEED_APP, SEED_APP_SECRET, SEED_MEMBER, SEED_MEMBER_SESSION,
    SEED_ORGANIZATION, SEED_OTHER_ADMIN, SEED_OTHER_ADMIN_SESSION, SEED_OTHER_ORGANIZATION, SEED_PROJECT_ID,
    SEED_SECRET, SEED_THIRD_PARTY_APP, SEED_USER, SEED_USER_SESSION, Scope, User, UserSessionRecord, mint_session_jwt,
};
pub use keys::SigningKey;
pub use server::Emulator;

/// The endpoints the emulator serves, for fault scripts and the request log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// B1: `GET /v1/b2b/organizations/{organization_id}/connected_apps`.
    OrganizationConnectedApps,
    /// B2: `GET /v1/b2b/organizations/{organization_id}/connected_apps/{connected_app_id}`.
    ConnectedApp,
    /// B3: `GET /v1/b2b/organizations/{organization_id}/members/{member_id}/connected_apps`.
    MemberConnectedApps,
    /// B4: `POST .../members/{member_id}/connected_apps/{connected_app_id}/revoke`.
    RevokeMemberConnectedApp,
    /// C1: `GET /v1/users/{user_id}/connected_apps`.
    UserConnectedApps,
    /// C2: `POST /v1/users/{user_id}/connected_apps/{connected_app_id}/revoke`.
    RevokeUserConnectedApp,
    /// `POST /v1/b2b/sessions/authenticate` (the organization and member behind a member session).
    AuthenticateMemberSession,
    /// `POST /v1/sessions/authenticate` (the user behind a consumer session).
    AuthenticateUserSession,
    /// `GET /v1/b2b/sessions/jwks/{project_id}` (the keys that sign member session JWTs).
    MemberJwks,
    /// `GET /v1/sessions/jwks/{project_id}` (the keys that sign consumer session JWTs).
    UserJwks,
    /// `POST /v1/public/{project_id}/oauth2/introspect` (RFC 7662: is an access token active?).
    IntrospectToken,
    /// `GET /v1/b2b/rbac/policy` (the project's roles, resources and scopes).
    RbacPolicy,
    /// `POST /v1/oauth2/introspect`, the same on a custom domain (point `ClientBuilder::custom_domain` at the
    /// emulator's URL).
    IntrospectTokenOnCustomDomain,
    /// `GET /.well-known/jwks.json`, the project's keys on its custom domain (no credentials: a standard JWKS
    /// document), where access tokens are verified when `ClientBuilder::custom_domain` is set.
    JwksOnCustomDomain,
    /// `POST /v1/connected_apps/clients`: creates a Connected App.
    CreateClient,
    /// `GET /v1/connected_apps/clients/{client_id}`.
    GetClient,
    /// `PUT /v1/connected_apps/clients/{client_id}`.
    UpdateClient,
    /// `DELETE /v1/connected_apps/clients/{client_id}`: the app and every consent given to it.
    DeleteClient,
    /// `POST /v1/connected_apps/clients/search`, by cursor.
    SearchClients,
    /// `POST /v1/connected_apps/clients/{client_id}/secrets/rotate/start`.
    StartSecretRotation,
    /// `POST /v1/connected_apps/clients/{client_id}/secrets/rotate`.
    CompleteSecretRotation,
    /// `POST /v1/connected_apps/clients/{client_id}/secrets/rotate/cancel`.
    CancelSecretRotation,
    /// `POST /v1/b2b/idp/oauth/authorize/start`: what an app asks of a member.
    MemberAuthorizeStart,
    /// `POST /v1/b2b/idp/oauth/authorize`: the member's decision (a granted one is a consent B1–B3 list).
    MemberAuthorize,
    /// `POST /v1/idp/oauth/authorize/start`: what an app asks of a user.
    UserAuthorizeStart,
    /// `POST /v1/idp/oauth/authorize`: the user's decision (a granted one is a consent C1 lists).
    UserAuthorize,
}

impl Endpoint {
    /// Every endpoint the emulator serves.
    pub const ALL: [Endpoint; 26] = [
        Endpoint::OrganizationConnectedApps,
        Endpoint::ConnectedApp,
        Endpoint::MemberConnectedApps,
        Endpoint::RevokeMemberConnectedApp,
        Endpoint::UserConnectedApps,
        Endpoint::RevokeUserConnectedApp,
        Endpoint::AuthenticateMemberSession,
        Endpoint::AuthenticateUserSession,
        Endpoint::MemberJwks,
        Endpoint::UserJwks,
        Endpoint::IntrospectToken,
        Endpoint::IntrospectTokenOnCustomDomain,
        Endpoint::RbacPolicy,
        Endpoint::JwksOnCustomDomain,
        Endpoint::CreateClient,
        Endpoint::SearchClients,
        Endpoint::GetClient,
        Endpoint::UpdateClient,
        Endpoint::DeleteClient,
        Endpoint::StartSecretRotation,
        Endpoint::CompleteSecretRotation,
        Endpoint::CancelSecretRotation,
        Endpoint::MemberAuthorizeStart,
        Endpoint::MemberAuthorize,
        Endpoint::UserAuthorizeStart,
        Endpoint::UserAuthorize,
    ];

    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub fn method(self) -> &'static str {
        match self {
            Endpoint::UpdateClient => "PUT",
            Endpoint::DeleteClient => "DELETE",
            Endpoint::OrganizationConnectedApps
            | Endpoint::ConnectedApp
            | Endpoint::MemberConnectedApps
            | Endpoint::UserConnectedApps
            | Endpoint::MemberJwks
            | Endpoint::UserJwks
            | Endpoint::RbacPolicy
            | Endpoint::JwksOnCustomDomain
            | Endpoint::GetClient => "GET",
            _ => "POST",
        }
    }

    /// The path template, parameters as `{name}` (axum's syntax too).
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::OrganizationConnectedApps => "/v1/b2b/organizations/{organization_id}/connected_apps",
            Endpoint::ConnectedApp => "/v1/b2b/organizations/{organization_id}/connected_apps/{connected_app_id}",
            Endpoint::MemberConnectedApps => {
                "/v1/b2b/organizations/{organization_id}/members/{member_id}/connected_apps"
            }
            Endpoint::RevokeMemberConnectedApp => {
                "/v1/b2b/organizations/{organization_id}/members/{member_id}/connected_apps/{connected_app_id}/revoke"
            }
            Endpoint::UserConnectedApps => "/v1/users/{user_id}/connected_apps",
            Endpoint::RevokeUserConnectedApp => "/v1/users/{user_id}/connected_apps/{connected_app_id}/revoke",
            Endpoint::AuthenticateMemberSession => "/v1/b2b/sessions/authenticate",
            Endpoint::AuthenticateUserSession => "/v1/sessions/authenticate",
            Endpoint::MemberJwks => "/v1/b2b/sessions/jwks/{project_id}",
            Endpoint::UserJwks => "/v1/sessions/jwks/{project_id}",
            Endpoint::IntrospectToken => "/v1/public/{project_id}/oauth2/introspect",
            Endpoint::IntrospectTokenOnCustomDomain => "/v1/oauth2/introspect",
            Endpoint::RbacPolicy => "/v1/b2b/rbac/policy",
            Endpoint::JwksOnCustomDomain => "/.well-known/jwks.json",
            Endpoint::CreateClient => "/v1/connected_apps/clients",
            Endpoint::SearchClients => "/v1/connected_apps/clients/search",
            Endpoint::GetClient | Endpoint::UpdateClient | Endpoint::DeleteClient => {
                "/v1/connected_apps/clients/{client_id}"
            }
            Endpoint::StartSecretRotation => "/v1/connected_apps/clients/{client_id}/secrets/rotate/start",
            Endpoint::CompleteSecretRotation => "/v1/connected_apps/clients/{client_id}/secrets/rotate",
            Endpoint::CancelSecretRotation => "/v1/connected_apps/clients/{client_id}/secrets/rotate/cancel",
            Endpoint::MemberAuthorizeStart => "/v1/b2b/idp/oauth/authorize/start",
            Endpoint::MemberAuthorize => "/v1/b2b/idp/oauth/authorize",
            Endpoint::UserAuthorizeStart => "/v1/idp/oauth/authorize/start",
            Endpoint::UserAuthorize => "/v1/idp/oauth/authorize",
        }
    }

    /// How many path parameters the template has.
    pub(crate) fn parameters(self) -> usize {
        self.path().matches('{').count()
    }
}
