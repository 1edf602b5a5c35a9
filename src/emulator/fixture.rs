//! What the emulator knows: the project, organizations and their members, users, connected apps, who authorized
//! which app with which scopes, member sessions, and the roles that grant permissions. Load it from JSON
//! ([`Fixture::from_json`]) or build it with the chainable methods; [`Fixture::seed`] mirrors the examples of
//! Stytch's documentation.

use serde::{Deserialize, Serialize};

use super::SigningKey;
use crate::Credential;

/// The emulator's whole world. Every list keeps its order in responses.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// The credentials requests must carry (HTTP Basic).
    pub project: Project,
    /// Role id -> the permissions it grants. Every member has `stytch_member` in addition to its own roles.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// Organizations and their members.
    #[serde(default)]
    pub organizations: Vec<Organization>,
    /// Consumer users.
    #[serde(default)]
    pub users: Vec<User>,
    /// The project's connected apps.
    #[serde(default)]
    pub connected_apps: Vec<ConnectedApp>,
    /// Who authorized which app, with which scopes.
    #[serde(default)]
    pub authorizations: Vec<Authorization>,
    /// Member sessions (opaque tokens, JWTs, or both).
    #[serde(default)]
    pub sessions: Vec<MemberSessionRecord>,
    /// Consumer user sessions.
    #[serde(default)]
    pub user_sessions: Vec<UserSessionRecord>,
    /// The RBAC policy's scopes: what each scope of a Connected App's access token grants (B2B authorization checks).
    #[serde(default)]
    pub scopes: Vec<Scope>,
}

/// An RBAC scope and the permissions it grants to an access token that carries it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// e.g. `read:documents`.
    pub scope: String,
    /// Shown on consent screens.
    #[serde(default)]
    pub description: String,
    /// What it allows.
    pub permissions: Vec<Permission>,
}

/// The project's credentials.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// `project-test-...` or `project-live-...`.
    pub project_id: String,
    /// The secret (never printed: [`Credential::expose`] reads it).
    pub secret: Credential,
}

/// A role and the permissions it grants.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// e.g. `stytch_admin`.
    pub role_id: String,
    /// What it allows.
    pub permissions: Vec<Permission>,
}

/// Actions on one resource; `*` allows every action.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Permission {
    /// `stytch.member` (any member of the organization) or `stytch.self` (the session's own member).
    pub resource_id: String,
    /// `get.connected-apps`, `revoke.connected-app`, or `*`.
    pub actions: Vec<String>,
}

/// An organization.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// `organization-test-...`.
    pub organization_id: String,
    /// Also accepted in paths.
    #[serde(default)]
    pub slug: Option<String>,
    /// Also accepted in paths.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Its members.
    #[serde(default)]
    pub members: Vec<Member>,
}

/// A member of an organization.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// `member-test-...`.
    pub member_id: String,
    /// Also accepted in paths.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Role ids beyond the implicit `stytch_member`.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// A consumer user.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// `user-test-...`.
    pub user_id: String,
    /// Also accepted in paths.
    #[serde(default)]
    pub external_id: Option<String>,
}

/// A connected app.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectedApp {
    /// `connected-app-test-...`.
    pub connected_app_id: String,
    /// Display name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// `first_party`, `first_party_public`, `third_party` or `third_party_public`.
    pub client_type: String,
    /// Logo, if any (sent as `null` otherwise, as Stytch does).
    #[serde(default)]
    pub logo_url: Option<String>,
    /// Its client secret, if it has one: token introspection as this app must then present it (never printed:
    /// [`Credential::expose`] reads it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<Credential>,
    /// The next secret, while a rotation is under way: it works beside `client_secret` until the rotation is
    /// completed (it becomes the secret) or cancelled (it is dropped). Never printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_client_secret: Option<Credential>,
    /// The app's settings as the clients API reads and writes them.
    #[serde(default)]
    pub settings: ClientSettings,
}

/// A Connected App's settings, as `GET /v1/connected_apps/clients/{client_id}` shows them and `PUT` changes them.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientSettings {
    /// Where the app may be sent back after consent.
    pub redirect_urls: Vec<String>,
    /// Whether the app may request any scope.
    pub full_access_allowed: bool,
    /// Its access tokens' lifetime.
    pub access_token_expiry_minutes: i32,
    /// An extra audience for its access tokens.
    pub access_token_custom_audience: Option<String>,
    /// Its access tokens' custom claims template.
    pub access_token_template_content: String,
    /// Where the app may be sent after logout.
    pub post_logout_redirect_urls: Vec<String>,
    /// Whether `offline_access` skips the consent screen.
    pub bypass_consent_for_offline_access: bool,
}

impl Default for ClientSettings {
    fn default() -> Self {
        Self {
            redirect_urls: Vec::new(),
            full_access_allowed: false,
            access_token_expiry_minutes: 60,
            access_token_custom_audience: None,
            access_token_template_content: String::new(),
            post_logout_redirect_urls: Vec::new(),
            bypass_consent_for_offline_access: false,
        }
    }
}

/// One completed, unrevoked authorization: a member (of an organization) or a user, an app, and the scopes granted.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Authorization {
    /// The app.
    pub connected_app_id: String,
    /// With `member_id`: a member's authorization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// The member (with `organization_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    /// Or the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The scopes granted at the last authorization flow.
    pub scopes: Vec<String>,
}

/// A member session: its opaque token, its JWT, or both.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MemberSessionRecord {
    /// `X-Stytch-Member-Session` value (never printed: [`Credential::expose`] reads it).
    #[serde(default)]
    pub session_token: Option<Credential>,
    /// `X-Stytch-Member-SessionJWT` value (never printed: [`Credential::expose`] reads it).
    #[serde(default)]
    pub session_jwt: Option<Credential>,
    /// The session's organization.
    pub organization_id: String,
    /// The session's member.
    pub member_id: String,
}

/// A consumer user's session: its opaque token, its JWT, or both.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UserSessionRecord {
    /// The session token (never printed: [`Credential::expose`] reads it).
    #[serde(default)]
    pub session_token: Option<Credential>,
    /// The session JWT (never printed: [`Credential::expose`] reads it).
    #[serde(default)]
    pub session_jwt: Option<Credential>,
    /// The session's user.
    pub user_id: String,
}

impl Fixture {
    /// An empty world with these credentials and the two standard roles: `stytch_member` (its own connected
    /// apps: `stytch.self`) and `stytch_admin` (every member's: `stytch.member`).
    pub fn new(project_id: impl Into<String>, secret: impl Into<String>) -> Self {
        let all = |resource: &str| Permission { resource_id: resource.into(), actions: vec!["*".into()] };
        Self {
            project: Project { project_id: project_id.into(), secret: Credential::from(secret.into()) },
            roles: vec![
                Role { role_id: "stytch_member".into(), permissions: vec![all("stytch.self")] },
                Role { role_id: "stytch_admin".into(), permissions: vec![all("stytch.member")] },
            ],
            ..Self::default()
        }
    }

    /// Adds an RBAC scope granting `permissions` (resource, actions) to the tokens that carry it.
    pub fn scope(mut self, scope: &str, description: &str, permissions: &[(&str, &[&str])]) -> Self {
        let permissions = permissions_of(permissions);
        self.scopes.push(Scope { scope: scope.into(), description: description.into(), permissions });
        self
    }

    /// Parses a fixture file's JSON.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The fixture as pretty JSON (a starting point for a fixture file).
    pub fn to_json(&self) -> String {
        // Serializing plain structs of strings and vectors into a String cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Adds a role.
    #[must_use]
    pub fn role(mut self, role_id: &str, permissions: &[(&str, &[&str])]) -> Self {
        let permissions = permissions_of(permissions);
        self.roles.push(Role { role_id: role_id.into(), permissions });
        self
    }

    /// Adds an organization (no members yet).
    #[must_use]
    pub fn organization(mut self, organization_id: &str, slug: Option<&str>, external_id: Option<&str>) -> Self {
        self.organizations.push(Organization {
            organization_id: organization_id.into(),
            slug: slug.map(Into::into),
            external_id: external_id.map(Into::into),
            members: Vec::new(),
        });
        self
    }

    /// Adds a member to an organization added before (ignored if there is none).
    #[must_use]
    pub fn member(mut self, organization_id: &str, member_id: &str, external_id: Option<&str>, roles: &[&str]) -> Self {
        if let Some(org) = self.organizations.iter_mut().find(|o| o.organization_id == organization_id) {
            org.members.push(Member {
                member_id: member_id.into(),
                external_id: external_id.map(Into::into),
                roles: roles.iter().map(|r| (*r).into()).collect(),
            });
        }
        self
    }

    /// Adds a consumer user.
    #[must_use]
    pub fn user(mut self, user_id: &str, external_id: Option<&str>) -> Self {
        self.users.push(User { user_id: user_id.into(), external_id: external_id.map(Into::into) });
        self
    }

    /// Adds a connected app.
    #[must_use]
    pub fn connected_app(
        mut self,
        id: &str,
        name: &str,
        description: &str,
        client_type: &str,
        logo_url: Option<&str>,
    ) -> Self {
        self.connected_apps.push(ConnectedApp {
            connected_app_id: id.into(),
            name: name.into(),
            description: description.into(),
            client_type: client_type.into(),
            logo_url: logo_url.map(Into::into),
            client_secret: None,
            next_client_secret: None,
            settings: ClientSettings::default(),
        });
        self
    }

    /// Gives app `id` a client secret (introspection as the app must then present it).
    pub fn client_secret(mut self, id: &str, secret: &str) -> Self {
        if let Some(app) = self.connected_apps.iter_mut().find(|app| app.connected_app_id == id) {
            app.client_secret = Some(Credential::from(secret));
        }
        self
    }

    /// Records that a member authorized an app with these scopes.
    #[must_use]
    pub fn member_authorization(mut self, organization_id: &str, member_id: &str, app: &str, scopes: &[&str]) -> Self {
        self.authorizations.push(Authorization {
            connected_app_id: app.into(),
            organization_id: Some(organization_id.into()),
            member_id: Some(member_id.into()),
            user_id: None,
            scopes: scopes.iter().map(|s| (*s).into()).collect(),
        });
        self
    }

    /// Records that a user authorized an app with these scopes.
    #[must_use]
    pub fn user_authorization(mut self, user_id: &str, app: &str, scopes: &[&str]) -> Self {
        self.authorizations.push(Authorization {
            connected_app_id: app.into(),
            organization_id: None,
            member_id: None,
            user_id: Some(user_id.into()),
            scopes: scopes.iter().map(|s| (*s).into()).collect(),
        });
        self
    }

    /// Adds a member session with this opaque token and a JWT minted for it (see [`mint_session_jwt`]).
    #[must_use]
    pub fn member_session(mut self, session_token: &str, organization_id: &str, member_id: &str) -> Self {
        let jwt = mint_session_jwt(&self.project.project_id, organization_id, member_id, session_token);
        self.sessions.push(MemberSessionRecord {
            session_token: Some(session_token.into()),
            session_jwt: Some(jwt.into()),
            organization_id: organization_id.into(),
            member_id: member_id.into(),
        });
        self
    }

    /// Adds a consumer session with this opaque token and a JWT minted for it.
    #[must_use]
    pub fn user_session(mut self, session_token: &str, user_id: &str) -> Self {
        let jwt = mint_jwt(&self.project.project_id, user_id, None, session_token);
        self.user_sessions.push(UserSessionRecord {
            session_token: Some(session_token.into()),
            session_jwt: Some(jwt.into()),
            user_id: user_id.into(),
        });
        self
    }

    /// The session token and JWT recorded for a user, if any.
    pub fn user_session_of(&self, user_id: &str) -> Option<&UserSessionRecord> {
        self.user_sessions.iter().find(|s| s.user_id == user_id)
    }

    /// The session token and JWT recorded for a member, if any.
    pub fn session_of(&self, member_id: &str) -> Option<&MemberSessionRecord> {
        self.sessions.iter().find(|s| s.member_id == member_id)
    }

    /// The examples of Stytch's documentation, made a world: organization `SEED_ORGANIZATION` (slug `acme`) with
    /// an admin (`SEED_ADMIN`, who authorized the seed's first-party app with `openid profile email`) and a plain
    /// member (`SEED_MEMBER`, who authorized a third-party app); a second organization (`SEED_OTHER_ORGANIZATION`)
    /// for tenancy checks; the user `SEED_USER` with the first-party app; a session for every member.
    pub fn seed() -> Self {
        Self::new(SEED_PROJECT_ID, SEED_SECRET)
            .organization(SEED_ORGANIZATION, Some("acme"), Some("acme-external"))
            .member(SEED_ORGANIZATION, SEED_ADMIN, Some("admin@acme.example"), &["stytch_admin"])
            .member(SEED_ORGANIZATION, SEED_MEMBER, Some("member@acme.example"), &[])
            .organization(SEED_OTHER_ORGANIZATION, Some("globex"), None)
            .member(SEED_OTHER_ORGANIZATION, SEED_OTHER_ADMIN, None, &["stytch_admin"])
            .user(SEED_USER, Some("user@example.com"))
            .connected_app(SEED_APP, "first-party-confidential-app", "A first party connected app", "first_party", None)
            .connected_app(
                SEED_THIRD_PARTY_APP,
                "third-party-calendar",
                "A third party connected app",
                "third_party",
                Some("https://calendar.example/logo.png"),
            )
            .client_secret(SEED_APP, SEED_APP_SECRET)
            .scope("openid", "Sign in", &[])
            .scope("profile", "Read your profile", &[("profile", &["read"])])
            .scope("email", "Read and send your email", &[("email", &["read", "send"])])
            .scope("calendar.read", "Read your calendar", &[("calendar", &["read"])])
            .member_authorization(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP, &["openid", "profile", "email"])
            .member_authorization(SEED_ORGANIZATION, SEED_MEMBER, SEED_THIRD_PARTY_APP, &["openid", "calendar.read"])
            .user_authorization(SEED_USER, SEED_APP, &["openid", "profile", "email"])
            .member_session(SEED_ADMIN_SESSION, SEED_ORGANIZATION, SEED_ADMIN)
            .member_session(SEED_MEMBER_SESSION, SEED_ORGANIZATION, SEED_MEMBER)
            .member_session(SEED_OTHER_ADMIN_SESSION, SEED_OTHER_ORGANIZATION, SEED_OTHER_ADMIN)
            .user_session(SEED_USER_SESSION, SEED_USER)
    }
}

/// The seed world's ids and credentials (see [`Fixture::seed`]).
pub const SEED_PROJECT_ID: &str = "project-test-0e9a1b2c-emulator";
#[allow(missing_docs)]
pub const SEED_SECRET: &str = "secret-test-emulator-not-a-real-secret";
#[allow(missing_docs)]
pub const SEED_ORGANIZATION: &str = "organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931";
#[allow(missing_docs)]
pub const SEED_OTHER_ORGANIZATION: &str = "organization-test-5e1f8d4c-2f4b-4a8e-9c1d-globex00000";
#[allow(missing_docs)]
pub const SEED_ADMIN: &str = "member-test-32fc5024-9c09-4da3-bd2e-c9ce4da9375f";
#[allow(missing_docs)]
pub const SEED_MEMBER: &str = "member-test-6b1c9e2a-0d4f-4b7e-8a2c-5f3e1d0c9b8a";
#[allow(missing_docs)]
pub const SEED_OTHER_ADMIN: &str = "member-test-9d8c7b6a-5f4e-4d3c-8b2a-globex00admin";
#[allow(missing_docs)]
pub const SEED_USER: &str = "user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6";
#[allow(missing_docs)]
pub const SEED_APP: &str = "connected-app-test-aeadeabc-a3a3-4796-83d0-b757e3001000";
/// The seed's first-party app's client secret (introspection as that app presents it).
pub const SEED_APP_SECRET: &str = "secret-test-emulator-app-not-a-real-secret";
/// The seed's third-party app (no client secret in the seed).
pub const SEED_THIRD_PARTY_APP: &str = "connected-app-test-5d2e7f10-3c4b-4a5d-9e6f-third0party01";
#[allow(missing_docs)]
pub const SEED_ADMIN_SESSION: &str = "session-token-emulator-admin-mZAYn5aLEqKUlZ_Ad9U";
#[allow(missing_docs)]
pub const SEED_MEMBER_SESSION: &str = "session-token-emulator-member-fWr38GaAQ1oFAhT8d";
#[allow(missing_docs)]
pub const SEED_OTHER_ADMIN_SESSION: &str = "session-token-emulator-globex-s245v7Qx9Kd2LmP0";
#[allow(missing_docs)]
pub const SEED_USER_SESSION: &str = "session-token-emulator-user-Kd2LmP0s245v7Qx9";

/// A member session JWT shaped like Stytch's: `sub` is the member, `https://stytch.com/organization` carries the
/// organization, `https://stytch.com/session` the session. Signed (RS256) with the emulator's first key
/// ([`SigningKey::generation(0)`](super::SigningKey)), and long-lived (until 2100) so that a fixture file's JWTs
/// keep working; the JWTs an emulator issues ([`Emulator::issue_member_jwt`](super::Emulator::issue_member_jwt))
/// live 5 minutes, as Stytch's do.
pub fn mint_session_jwt(project_id: &str, organization_id: &str, member_id: &str, session_token: &str) -> String {
    let claims = JwtClaims::fixture(project_id, member_id, Some(organization_id), session_token);
    SigningKey::generation(0).sign(&claims.to_json())
}

/// The claims of a session JWT the emulator signs.
#[derive(Clone, Debug)]
pub(crate) struct JwtClaims {
    pub(crate) subject: String,
    pub(crate) organization_id: Option<String>,
    pub(crate) session_id: String,
    pub(crate) issuer: String,
    pub(crate) audience: String,
    pub(crate) issued_at: u64,
    pub(crate) not_before: u64,
    pub(crate) expires_at: u64,
    pub(crate) session_expires_at: String,
}

impl JwtClaims {
    /// A fixture's long-lived JWT (issued 2023-11-14, expires 2100).
    pub(crate) fn fixture(project_id: &str, subject: &str, organization_id: Option<&str>, token: &str) -> Self {
        Self {
            subject: subject.into(),
            organization_id: organization_id.map(Into::into),
            session_id: session_id(token),
            issuer: format!("stytch.com/{project_id}"),
            audience: project_id.into(),
            issued_at: 1_700_000_000,
            not_before: 1_700_000_000,
            expires_at: 4_102_444_800,
            session_expires_at: SESSION_EXPIRES_AT.into(),
        }
    }

    pub(crate) fn to_json(&self) -> serde_json::Value {
        let mut claims = serde_json::json!({
            "sub": self.subject,
            "iss": self.issuer,
            "aud": [self.audience],
            "iat": self.issued_at,
            "nbf": self.not_before,
            "exp": self.expires_at,
            "https://stytch.com/session": {
                "id": self.session_id,
                "started_at": SESSION_STARTED_AT,
                "last_accessed_at": SESSION_STARTED_AT,
                "expires_at": self.session_expires_at,
                "attributes": {"ip_address": "", "user_agent": ""},
                "authentication_factors": [],
                "roles": []
            }
        });
        if let Some(organization_id) = &self.organization_id {
            claims["https://stytch.com/organization"] = serde_json::json!({"organization_id": organization_id});
        }
        claims
    }
}

/// A session JWT for `subject` (a member with `organization_id`, or a user without), from the fixture.
fn mint_jwt(project_id: &str, subject: &str, organization_id: Option<&str>, session_token: &str) -> String {
    SigningKey::generation(0).sign(&JwtClaims::fixture(project_id, subject, organization_id, session_token).to_json())
}

/// When every emulated session started, and when it expires.
pub(crate) const SESSION_STARTED_AT: &str = "2023-11-14T22:13:20Z";
pub(crate) const SESSION_EXPIRES_AT: &str = "2100-01-01T00:00:00Z";

/// The session id the emulator reports for a token.
pub(crate) fn session_id(session_token: &str) -> String {
    format!("session-test-{}", fingerprint(session_token))
}

/// A short, stable, non-reversible tag for a token (FNV-1a), so the JWT never embeds the token itself.
pub(crate) fn fingerprint(token: &str) -> String {
    let hash = token
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3));
    format!("{hash:016x}")
}

/// Permissions from `(resource, actions)` pairs.
fn permissions_of(permissions: &[(&str, &[&str])]) -> Vec<Permission> {
    permissions
        .iter()
        .map(|(resource, actions)| Permission {
            resource_id: (*resource).into(),
            actions: actions.iter().map(|a| (*a).into()).collect(),
        })
        .collect()
}
