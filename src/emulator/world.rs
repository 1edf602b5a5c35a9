//! The emulator's semantics, as plain functions over the fixture: resolving ids (by id, slug or external id),
//! authenticating the project, checking member sessions (tenancy, then RBAC), and the six endpoints' answers.
//! Every answer is a status and the exact JSON body Stytch sends, with a fresh `request_id`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::{Value, json};

use super::access_tokens::IssuedAccessToken;
use super::bodies::{self, Refusal, SessionArgument, SessionRequest};
use super::fixture::{
    Authorization, ConnectedApp, Fixture, JwtClaims, Member, MemberSessionRecord, Organization, SESSION_EXPIRES_AT,
    SESSION_STARTED_AT, User, UserSessionRecord, session_id,
};
use super::objects;
use super::{Endpoint, JwtFlaw, SigningKey};
use crate::Credential;
use crate::ext::{JwtExpectations, KeySet, SessionProfile, check_jwt};

/// The headers a request brought that the semantics need. Values are compared, never logged.
#[derive(Clone, Debug, Default)]
pub(crate) struct Credentials {
    pub(crate) authorization: Option<String>,
    pub(crate) session_token: Option<String>,
    pub(crate) session_jwt: Option<String>,
}

/// A status and a JSON body.
pub(crate) type Reply = (u16, Value);

/// The mutable world behind the emulator.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) fixture: Fixture,
    requests_served: u64,
    /// The signing keys the JWKS endpoints serve; the last one signs what the emulator issues. Never empty.
    keys: Vec<SigningKey>,
    /// The access tokens issued so far, and what each was minted against.
    pub(crate) access_tokens: Vec<IssuedAccessToken>,
}

impl World {
    pub(crate) fn new(fixture: Fixture) -> Self {
        Self { fixture, requests_served: 0, keys: vec![SigningKey::generation(0)], access_tokens: Vec::new() }
    }

    /// The served key with this `kid`, if any.
    pub(crate) fn served_key(&self, kid: &str) -> Option<SigningKey> {
        self.keys.iter().find(|key| key.kid() == kid).copied()
    }

    /// The key new JWTs are signed with.
    pub(crate) fn signing_key(&self) -> SigningKey {
        self.keys.last().copied().unwrap_or(SigningKey::generation(0))
    }

    /// A rotation: a new key signs from now on; the old ones are still served.
    pub(crate) fn rotate_keys(&mut self) -> SigningKey {
        let next = self.keys.iter().map(SigningKey::number).max().unwrap_or(0) + 1;
        let key = SigningKey::generation(next);
        self.keys.push(key);
        key
    }

    /// The end of a rotation: only the signing key is served.
    pub(crate) fn retire_old_keys(&mut self) {
        let current = self.signing_key();
        self.keys.retain(|key| *key == current);
    }

    /// A session JWT for a recorded session (by its token), signed now with the signing key, living 5 minutes;
    /// `flaw` makes it one that verification must refuse. `None` when no session has that token.
    pub(crate) fn issue_jwt(&self, session_token: &str, member: bool, flaw: Option<JwtFlaw>) -> Option<String> {
        let project_id = &self.fixture.project.project_id;
        let (subject, organization_id) = if member {
            let session = self
                .fixture
                .sessions
                .iter()
                .find(|s| s.session_token.as_ref().map(Credential::expose) == Some(session_token))?;
            (session.member_id.clone(), Some(session.organization_id.as_str()))
        } else {
            let session = self
                .fixture
                .user_sessions
                .iter()
                .find(|s| s.session_token.as_ref().map(Credential::expose) == Some(session_token))?;
            (session.user_id.clone(), None)
        };
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO).as_secs();
        let mut claims = JwtClaims::fixture(project_id, &subject, organization_id, session_token);
        (claims.issued_at, claims.not_before, claims.expires_at) = (now, now, now + 300);
        let mut key = self.signing_key();
        match flaw {
            None => {}
            Some(JwtFlaw::Expired) => {
                (claims.issued_at, claims.not_before, claims.expires_at) =
                    (now.saturating_sub(900), now.saturating_sub(900), now.saturating_sub(600))
            }
            Some(JwtFlaw::NotYetValid) => {
                (claims.issued_at, claims.not_before, claims.expires_at) = (now, now + 600, now + 900)
            }
            Some(JwtFlaw::WrongAudience) => claims.audience = "project-test-someone-else".into(),
            Some(JwtFlaw::WrongIssuer) => claims.issuer = "stytch.com/project-test-someone-else".into(),
            Some(JwtFlaw::SessionExpired) => claims.session_expires_at = SESSION_STARTED_AT.into(),
            Some(JwtFlaw::UnknownKey) => {
                key = SigningKey::generation(self.keys.iter().map(SigningKey::number).max().unwrap_or(0) + 1);
            }
        }
        Some(key.sign(&claims.to_json()))
    }

    /// The session id and subject (member or user id) of a JWT this emulator would accept now: signed by a key it
    /// serves, for its project, not expired. Stytch checks its JWTs before it looks the session up; so does the
    /// emulator. A record matches only when both agree: records without a token share one session id, and the
    /// subject keeps one member's JWT from resolving to another member's record.
    fn verified_session(&self, jwt: &str, member: bool) -> Option<(String, String)> {
        let project_id = self.fixture.project.project_id.as_str();
        let issuer = format!("stytch.com/{project_id}");
        let expected = JwtExpectations {
            what: "session JWT",
            issuers: &[&issuer],
            project_id,
            audiences: &[],
            leeway: Duration::ZERO,
            max_token_age: None,
            now: SystemTime::now(),
        };
        let checked = check_jwt(jwt, &expected, &SessionProfile { member }).ok()?;
        let jwk = self.keys.iter().find(|key| key.kid() == checked.kid)?.jwk();
        let key = KeySet::from_jwks(&[jwk]).get(&checked.kid)?;
        let verified = checked.signed_by(jwt, &key).ok()?;
        Some((verified.claims.session_id, verified.registered.subject))
    }

    /// `GET /v1/b2b/rbac/policy`: the fixture's roles and scopes, and every resource they name with the union of
    /// their actions.
    fn rbac_policy(&mut self) -> Reply {
        let permissions = |permissions: &[super::Permission]| -> Vec<Value> {
            permissions.iter().map(|p| json!({"resource_id": p.resource_id, "actions": p.actions})).collect()
        };
        let roles: Vec<Value> = self
            .fixture
            .roles
            .iter()
            .map(|r| json!({"role_id": r.role_id, "description": "", "permissions": permissions(&r.permissions)}))
            .collect();
        let scopes: Vec<Value> = self
            .fixture
            .scopes
            .iter()
            .map(
                |s| json!({"scope": s.scope, "description": s.description, "permissions": permissions(&s.permissions)}),
            )
            .collect();
        let mut resources: Vec<(String, Vec<String>)> = Vec::new();
        let granted = self.fixture.roles.iter().flat_map(|r| &r.permissions);
        for permission in granted.chain(self.fixture.scopes.iter().flat_map(|s| &s.permissions)) {
            let at = match resources.iter().position(|(id, _)| *id == permission.resource_id) {
                Some(at) => at,
                None => {
                    resources.push((permission.resource_id.clone(), Vec::new()));
                    resources.len() - 1
                }
            };
            for action in &permission.actions {
                if !resources[at].1.contains(action) {
                    resources[at].1.push(action.clone());
                }
            }
        }
        let resources: Vec<Value> = resources
            .into_iter()
            .map(|(id, actions)| json!({"resource_id": id, "description": "", "actions": actions}))
            .collect();
        let policy = json!({"roles": roles, "resources": resources, "scopes": scopes});
        (200, json!({"status_code": 200, "request_id": self.request_id(), "policy": policy}))
    }

    /// `GET /v1/b2b/sessions/jwks/{project_id}` and `GET /v1/sessions/jwks/{project_id}`: the served keys.
    fn session_jwks(&mut self, project_id: &str) -> Reply {
        if project_id != self.fixture.project.project_id {
            return self.error(404, "project_not_found", "Project could not be found.");
        }
        (200, json!({"keys": self.jwks(), "request_id": self.request_id(), "status_code": 200}))
    }

    /// The same keys as a standard JWKS document (`{"keys": [..]}`, nothing else), as a custom domain serves them.
    fn public_jwks(&mut self) -> Reply {
        (200, json!({ "keys": self.jwks() }))
    }

    /// The served keys as JWKs.
    fn jwks(&self) -> Vec<Value> {
        self.keys.iter().map(SigningKey::jwk).collect()
    }

    /// A fresh request id, shaped like Stytch's.
    pub(crate) fn request_id(&mut self) -> String {
        self.requests_served += 1;
        let random = fastrand::u64(..);
        format!(
            "request-id-test-{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            random >> 32,
            random & 0xffff,
            (random >> 16) & 0xfff,
            self.requests_served & 0xfff,
            self.requests_served
        )
    }

    /// The Stytch error envelope.
    pub(crate) fn error(&mut self, status: u16, error_type: &str, message: &str) -> Reply {
        let body = json!({
            "status_code": status,
            "request_id": self.request_id(),
            "error_type": error_type,
            "error_message": message,
            "error_url": format!("https://stytch.com/docs/api/errors/{status}"),
        });
        (status, body)
    }

    /// Answers one request. `ids` are the path parameters in order, already percent-decoded; `body` the request
    /// body (read by the session endpoints only).
    pub(crate) fn handle(
        &mut self,
        endpoint: Endpoint,
        ids: &[String],
        credentials: &Credentials,
        body: &[u8],
    ) -> Reply {
        // Introspection authenticates a Connected App (in the body), not the project; the custom domain's JWKS
        // is public.
        match endpoint {
            Endpoint::IntrospectToken => return self.introspect(Some(&ids[0]), body),
            Endpoint::IntrospectTokenOnCustomDomain => return self.introspect(None, body),
            Endpoint::JwksOnCustomDomain => return self.public_jwks(),
            _ => {}
        }
        if !self.authenticated(credentials.authorization.as_deref()) {
            return self.error(401, "unauthorized_credentials", "Unauthorized credentials.");
        }
        if matches!(endpoint, Endpoint::RevokeMemberConnectedApp | Endpoint::RevokeUserConnectedApp)
            && let Err(refusal) = bodies::revoke(body)
        {
            return self.refused(refusal);
        }
        match endpoint {
            Endpoint::OrganizationConnectedApps
            | Endpoint::ConnectedApp
            | Endpoint::MemberConnectedApps
            | Endpoint::RevokeMemberConnectedApp => self.b2b(ids, credentials, endpoint),
            Endpoint::UserConnectedApps => self.user_connected_apps(&ids[0]),
            Endpoint::RevokeUserConnectedApp => self.revoke_user(&ids[0], &ids[1]),
            Endpoint::AuthenticateMemberSession => self.authenticate_member_session(body),
            Endpoint::AuthenticateUserSession => self.authenticate_user_session(body),
            Endpoint::MemberJwks | Endpoint::UserJwks => self.session_jwks(&ids[0]),
            Endpoint::IntrospectToken | Endpoint::IntrospectTokenOnCustomDomain | Endpoint::JwksOnCustomDomain => {
                routed_before_authentication(self)
            }
            Endpoint::RbacPolicy => self.rbac_policy(),
            Endpoint::CreateClient => self.create_client(body),
            Endpoint::GetClient => self.get_client(&ids[0]),
            Endpoint::UpdateClient => self.update_client(&ids[0], body),
            Endpoint::DeleteClient => self.delete_client(&ids[0]),
            Endpoint::SearchClients => self.search_clients(body),
            Endpoint::StartSecretRotation | Endpoint::CompleteSecretRotation | Endpoint::CancelSecretRotation => {
                self.rotation(endpoint, &ids[0], body)
            }
            Endpoint::MemberAuthorizeStart => self.member_consent(body, false),
            Endpoint::MemberAuthorize => self.member_consent(body, true),
            Endpoint::UserAuthorizeStart => self.user_consent(body, false),
            Endpoint::UserAuthorize => self.user_consent(body, true),
        }
    }

    /// The record a sessions/authenticate request names (`Err`: the 404 to answer). `token_of` gives a record's
    /// token; a JWT must verify (signed by a served key, for this project, unexpired) and name the session.
    fn find_session<T: Clone>(
        &mut self,
        records: impl Fn(&Fixture) -> &[T],
        token_of: impl Fn(&T) -> Option<&str>,
        subject_of: impl Fn(&T) -> &str,
        argument: &SessionArgument,
        member: bool,
    ) -> Result<T, Reply> {
        let verified = match argument {
            SessionArgument::Jwt(jwt) => self.verified_session(jwt, member),
            SessionArgument::Token(_) => None,
        };
        let found = records(&self.fixture).iter().find(|record| match (argument, &verified) {
            (SessionArgument::Token(token), _) => token_of(record) == Some(token.as_str()),
            (SessionArgument::Jwt(_), Some((id, subject))) => {
                session_id(token_of(record).unwrap_or_default()) == *id && subject_of(record) == subject
            }
            (SessionArgument::Jwt(_), None) => false,
        });
        match found.cloned() {
            Some(record) => Ok(record),
            None => Err(self.error(404, "session_not_found", "Session could not be found.")),
        }
    }

    /// A checked sessions/authenticate body, or the 400 to answer.
    fn session_request(&mut self, body: &[u8], member: bool) -> Result<SessionRequest, Reply> {
        bodies::session_request(body, member).map_err(|refusal| self.refused(refusal))
    }

    /// The 400 for a body [`bodies`] refused.
    fn refused(&mut self, refusal: Refusal) -> Reply {
        self.error(400, refusal.error_type, &refusal.message)
    }

    /// A member session by token or JWT (`Err`: the 404 to answer), for the RBAC headers and for
    /// `sessions/authenticate` alike.
    pub(crate) fn find_member_session(&mut self, argument: &SessionArgument) -> Result<MemberSessionRecord, Reply> {
        self.find_session(
            |f| &f.sessions,
            |s| s.session_token.as_ref().map(Credential::expose),
            |s| &s.member_id,
            argument,
            true,
        )
    }

    /// A user session by token or JWT (`Err`: the 404 to answer).
    pub(crate) fn find_user_session(&mut self, argument: &SessionArgument) -> Result<UserSessionRecord, Reply> {
        self.find_session(
            |f| &f.user_sessions,
            |s| s.session_token.as_ref().map(Credential::expose),
            |s| &s.user_id,
            argument,
            false,
        )
    }

    /// 403: the session belongs to another organization than the request names.
    fn tenancy_error(&mut self) -> Reply {
        self.error(
            403,
            "session_authorization_tenancy_error",
            "The session's organization does not match the organization in the request.",
        )
    }

    /// 403: no role of the session's member allows the action.
    fn authorization_error(&mut self) -> Reply {
        self.error(403, "session_authorization_error", "The session is not authorized to perform this action.")
    }

    /// `POST /v1/b2b/sessions/authenticate`: the member session, its member and organization, whole; with an
    /// `authorization_check`, a 403 unless the member's roles allow it, and the granting roles as the verdict.
    fn authenticate_member_session(&mut self, body: &[u8]) -> Reply {
        let request = match self.session_request(body, true) {
            Ok(request) => request,
            Err(reply) => return reply,
        };
        let session = match self.find_member_session(&request.argument) {
            Ok(session) => session,
            Err(reply) => return reply,
        };
        let org = self.fixture.organizations.iter().find(|o| o.organization_id == session.organization_id).cloned();
        let org = org.unwrap_or_else(|| Organization {
            organization_id: session.organization_id.clone(),
            slug: None,
            external_id: None,
            members: Vec::new(),
        });
        let member = find_member(&org, &session.member_id).cloned().unwrap_or_else(|| Member {
            member_id: session.member_id.clone(),
            external_id: None,
            roles: Vec::new(),
        });
        let mut roles = vec!["stytch_member".to_owned()];
        roles.extend(member.roles.iter().filter(|role| *role != "stytch_member").cloned());
        let verdict = match &request.authorization_check {
            None => None,
            Some(check) if check.organization_id != org.organization_id => {
                return self.tenancy_error();
            }
            Some(check) => {
                let granting: Vec<&String> =
                    roles.iter().filter(|role| self.role_allows(role, &check.resource_id, &check.action)).collect();
                if granting.is_empty() {
                    return self.authorization_error();
                }
                Some(json!({"authorized": true, "granting_roles": granting}))
            }
        };
        let token = session.session_token.clone().map(Credential::into_exposed).unwrap_or_default();
        // A fresh JWT, as Stytch answers (the recorded one when the session has no token to issue it for).
        let jwt = self
            .issue_jwt(&token, true, None)
            .or_else(|| session.session_jwt.clone().map(Credential::into_exposed))
            .unwrap_or_default();
        let expires_at = session_expiry(request.duration_minutes);
        let mut body = json!({
            "status_code": 200,
            "request_id": self.request_id(),
            "member_session": objects::member_session(&session_id(&token), &org, &member, &roles, &expires_at),
            "session_token": token,
            "session_jwt": jwt,
            "member": objects::member(&org, &member),
            "organization": objects::organization(&org),
        });
        if let Some(verdict) = verdict {
            body["verdict"] = verdict;
        }
        (200, body)
    }

    /// `POST /v1/sessions/authenticate`: the consumer session and its user, whole. The emulator models no consumer
    /// RBAC: an `authorization_check` is a 400 rather than a silent "authorized".
    fn authenticate_user_session(&mut self, body: &[u8]) -> Reply {
        let request = match self.session_request(body, false) {
            Ok(request) => request,
            Err(reply) => return reply,
        };
        if request.authorization_check.is_some() {
            return self.error(
                400,
                "bad_request",
                "The emulator does not model consumer RBAC: authorization_check is not supported.",
            );
        }
        let session = match self.find_user_session(&request.argument) {
            Ok(session) => session,
            Err(reply) => return reply,
        };
        let user = self.fixture.users.iter().find(|u| u.user_id == session.user_id).cloned();
        let user = user.unwrap_or_else(|| User { user_id: session.user_id.clone(), external_id: None });
        let token = session.session_token.clone().map(Credential::into_exposed).unwrap_or_default();
        let jwt = self
            .issue_jwt(&token, false, None)
            .or_else(|| session.session_jwt.clone().map(Credential::into_exposed))
            .unwrap_or_default();
        let expires_at = session_expiry(request.duration_minutes);
        let body = json!({
            "status_code": 200,
            "request_id": self.request_id(),
            "session": objects::user_session(&session_id(&token), &user, &expires_at),
            "session_token": token,
            "session_jwt": jwt,
            "user": objects::user(&user),
        });
        (200, body)
    }

    fn authenticated(&self, authorization: Option<&str>) -> bool {
        let Some(encoded) = authorization.and_then(|h| h.strip_prefix("Basic ")) else { return false };
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else { return false };
        let expected = format!("{}:{}", self.fixture.project.project_id, self.fixture.project.secret.expose());
        decoded == expected.as_bytes()
    }

    fn b2b(&mut self, ids: &[String], credentials: &Credentials, endpoint: Endpoint) -> Reply {
        let Some(org) = self.organization(&ids[0]).cloned() else {
            return self.error(404, "organization_not_found", "Organization could not be found.");
        };
        // The member named in the path, where there is one, for the session checks and the answer.
        let member = match endpoint {
            Endpoint::MemberConnectedApps | Endpoint::RevokeMemberConnectedApp => match find_member(&org, &ids[1]) {
                Some(member) => Some(member.clone()),
                None => return self.error(404, "member_not_found", "Member could not be found."),
            },
            _ => None,
        };
        if let Some(denied) = self.check_session(credentials, &org, member.as_ref(), endpoint) {
            return denied;
        }
        match endpoint {
            Endpoint::OrganizationConnectedApps => self.organization_connected_apps(&org),
            Endpoint::ConnectedApp => self.connected_app(&org, &ids[1]),
            Endpoint::MemberConnectedApps => self.member_connected_apps(&org, member.as_ref()),
            Endpoint::RevokeMemberConnectedApp => self.revoke_member(&org, member.as_ref(), &ids[2]),
            _ => self.error(500, "internal_server_error", "Not a B2B connected-apps endpoint."),
        }
    }

    /// With a member session: 400 for two sessions, 404 for an unknown one, 403 tenancy for another
    /// organization's, 403 authorization when no role allows the action. Without one: no check, as Stytch does.
    fn check_session(
        &mut self,
        credentials: &Credentials,
        org: &Organization,
        subject: Option<&Member>,
        endpoint: Endpoint,
    ) -> Option<Reply> {
        let argument = match (&credentials.session_token, &credentials.session_jwt) {
            (None, None) => return None,
            (Some(_), Some(_)) => {
                return Some(self.error(
                    400,
                    "too_many_session_arguments",
                    "Pass a session token or a session JWT, not both.",
                ));
            }
            (Some(token), None) => SessionArgument::Token(token.clone()),
            (None, Some(jwt)) => SessionArgument::Jwt(jwt.clone()),
        };
        let session = match self.find_member_session(&argument) {
            Ok(session) => session,
            Err(reply) => return Some(reply),
        };
        if session.organization_id != org.organization_id {
            return Some(self.tenancy_error());
        }
        let action = match endpoint {
            Endpoint::RevokeMemberConnectedApp => "revoke.connected-app",
            _ => "get.connected-apps",
        };
        let roles = find_member(org, &session.member_id).map(|m| m.roles.clone()).unwrap_or_default();
        let is_self = subject.is_some_and(|m| m.member_id == session.member_id);
        let allowed =
            self.allows(&roles, "stytch.member", action) || (is_self && self.allows(&roles, "stytch.self", action));
        if allowed { None } else { Some(self.authorization_error()) }
    }

    /// Does any of `roles` (plus the implicit `stytch_member`) allow `action` on `resource`?
    fn allows(&self, roles: &[String], resource: &str, action: &str) -> bool {
        std::iter::once("stytch_member")
            .chain(roles.iter().map(String::as_str))
            .any(|role| self.role_allows(role, resource, action))
    }

    /// Does the role `role_id` allow `action` on `resource`?
    fn role_allows(&self, role_id: &str, resource: &str, action: &str) -> bool {
        self.fixture
            .roles
            .iter()
            .filter(|role| role.role_id == role_id)
            .flat_map(|role| &role.permissions)
            .any(|p| p.resource_id == resource && p.actions.iter().any(|a| a == "*" || a == action))
    }

    pub(crate) fn organization(&self, id: &str) -> Option<&Organization> {
        self.fixture
            .organizations
            .iter()
            .find(|o| o.organization_id == id || o.slug.as_deref() == Some(id) || o.external_id.as_deref() == Some(id))
    }

    fn app(&self, id: &str) -> Option<&ConnectedApp> {
        self.fixture.connected_apps.iter().find(|a| a.connected_app_id == id)
    }

    fn member_authorizations<'a>(&'a self, org: &'a Organization) -> impl Iterator<Item = &'a Authorization> + 'a {
        self.fixture
            .authorizations
            .iter()
            .filter(move |a| a.organization_id.as_deref() == Some(org.organization_id.as_str()))
    }

    /// B1: apps with at least one member authorization in the organization.
    fn organization_connected_apps(&mut self, org: &Organization) -> Reply {
        let apps: Vec<Value> = self
            .fixture
            .connected_apps
            .iter()
            .filter(|app| self.member_authorizations(org).any(|a| a.connected_app_id == app.connected_app_id))
            .map(|app| app_json(app, None))
            .collect();
        (200, json!({"status_code": 200, "request_id": self.request_id(), "connected_apps": apps}))
    }

    /// B2: the app, and the organization's members who authorized it with their scopes.
    fn connected_app(&mut self, org: &Organization, app_id: &str) -> Reply {
        let Some(app) = self.app(app_id).cloned() else {
            return self.error(404, "connected_app_not_found", "Connected App could not be found.");
        };
        let members: Vec<Value> = self
            .member_authorizations(org)
            .filter(|a| a.connected_app_id == app.connected_app_id)
            .map(|a| json!({"member_id": a.member_id, "granted_scopes": a.scopes}))
            .collect();
        let mut body = app_json(&app, None);
        body["status_code"] = json!(200);
        body["request_id"] = json!(self.request_id());
        body["active_members"] = json!(members);
        (200, body)
    }

    /// B3: the member's apps, `scopes_granted` as one space-separated string.
    fn member_connected_apps(&mut self, org: &Organization, member: Option<&Member>) -> Reply {
        let member_id = member.map(|m| m.member_id.clone()).unwrap_or_default();
        let apps: Vec<Value> = self
            .member_authorizations(org)
            .filter(|a| a.member_id.as_deref() == Some(member_id.as_str()))
            .filter_map(|a| Some(app_json(self.app(&a.connected_app_id)?, Some(&a.scopes))))
            .collect();
        (200, json!({"status_code": 200, "request_id": self.request_id(), "connected_apps": apps}))
    }

    /// B4: removes the member's authorization (200 also when there was none: revoking is idempotent).
    fn revoke_member(&mut self, org: &Organization, member: Option<&Member>, app_id: &str) -> Reply {
        if self.app(app_id).is_none() {
            return self.error(404, "connected_app_not_found", "Connected App could not be found.");
        }
        let member_id = member.map(|m| m.member_id.as_str());
        self.fixture.authorizations.retain(|a| {
            !(a.organization_id.as_deref() == Some(org.organization_id.as_str())
                && a.member_id.as_deref() == member_id
                && a.connected_app_id == app_id)
        });
        (200, json!({"status_code": 200, "request_id": self.request_id()}))
    }

    pub(crate) fn user_id(&self, id: &str) -> Option<String> {
        self.fixture
            .users
            .iter()
            .find(|u| u.user_id == id || u.external_id.as_deref() == Some(id))
            .map(|u| u.user_id.clone())
    }

    /// C1: the user's apps.
    fn user_connected_apps(&mut self, id: &str) -> Reply {
        let Some(user_id) = self.user_id(id) else {
            return self.error(404, "user_not_found", "User could not be found.");
        };
        let apps: Vec<Value> = self
            .fixture
            .authorizations
            .iter()
            .filter(|a| a.user_id.as_deref() == Some(user_id.as_str()))
            .filter_map(|a| Some(app_json(self.app(&a.connected_app_id)?, Some(&a.scopes))))
            .collect();
        (200, json!({"status_code": 200, "request_id": self.request_id(), "connected_apps": apps}))
    }

    /// C2: removes the user's authorization.
    fn revoke_user(&mut self, id: &str, app_id: &str) -> Reply {
        let Some(user_id) = self.user_id(id) else {
            return self.error(404, "user_not_found", "User could not be found.");
        };
        if self.app(app_id).is_none() {
            return self.error(404, "connected_app_not_found", "Connected App could not be found.");
        }
        self.fixture
            .authorizations
            .retain(|a| !(a.user_id.as_deref() == Some(user_id.as_str()) && a.connected_app_id == app_id));
        (200, json!({"status_code": 200, "request_id": self.request_id()}))
    }
}

/// Introspection and the public JWKS are answered before the project's credentials are checked; this arm is never
/// taken.
fn routed_before_authentication(world: &mut World) -> Reply {
    world.error(500, "internal_server_error", "introspection and the public JWKS are routed before authentication")
}

/// A session's `expires_at`: the fixture's, or `minutes` from now when the request extends it.
fn session_expiry(minutes: Option<u64>) -> String {
    match minutes {
        None => SESSION_EXPIRES_AT.to_owned(),
        Some(minutes) => {
            humantime::format_rfc3339_seconds(SystemTime::now() + Duration::from_secs(minutes * 60)).to_string()
        }
    }
}

pub(crate) fn find_member<'a>(org: &'a Organization, id: &str) -> Option<&'a Member> {
    org.members.iter().find(|m| m.member_id == id || m.external_id.as_deref() == Some(id))
}

/// An app as the list endpoints send it; `scopes` adds `scopes_granted` (one space-separated string).
fn app_json(app: &ConnectedApp, scopes: Option<&[String]>) -> Value {
    let mut value = json!({
        "connected_app_id": app.connected_app_id,
        "name": app.name,
        "description": app.description,
        "client_type": app.client_type,
        "logo_url": app.logo_url,
    });
    if let Some(scopes) = scopes {
        value["scopes_granted"] = json!(scopes.join(" "));
    }
    value
}
