//! The emulator's consent grant: `authorize/start` (what an app asks of a member or user, and whether consent is
//! needed) and `authorize` (the decision: a granted one is recorded as the consent grant B1–B3 and C1 list and B4
//! and C2 revoke, and returns a redirect with an authorization code; a refused one a redirect with
//! `error=access_denied`). The subject is named by ids or by a session (exactly one way); the app must exist, the
//! response type be `code`, and the redirect URI be one the app registered.

use serde_json::{Map, Value, json};

use super::bodies::SessionArgument;
use super::fixture::{Authorization, ConnectedApp, Member, Organization};
use super::objects;
use super::world::{Reply, World, find_member};
use crate::Credential;
use crate::models::{
    MemberAuthorizeRequest, MemberAuthorizeStartRequest, UserAuthorizeRequest, UserAuthorizeStartRequest,
};

/// Scopes every project knows, with the descriptions a consent screen shows.
const STANDARD_SCOPES: [(&str, &str); 4] = [
    ("openid", "Know who you are"),
    ("profile", "See your profile"),
    ("email", "See your email address"),
    ("offline_access", "Stay signed in"),
];

/// Who is consenting.
#[derive(Clone)]
enum Subject {
    Member(Organization, Member),
    User(String),
}

impl Subject {
    fn grants<'a>(&'a self, grant: &'a Authorization) -> bool {
        match self {
            Subject::Member(org, member) => {
                grant.organization_id.as_deref() == Some(org.organization_id.as_str())
                    && grant.member_id.as_deref() == Some(member.member_id.as_str())
            }
            Subject::User(user_id) => grant.user_id.as_deref() == Some(user_id.as_str()),
        }
    }
}

/// The fields of a consent request the emulator reads, B2B or consumer alike.
struct Ask {
    client_id: String,
    redirect_uri: String,
    response_type: String,
    scopes: Vec<String>,
    /// `prompt`: space-separated; `consent` asks again even when every scope was granted before.
    prompt: Option<String>,
    /// `authorize` only.
    state: Option<String>,
    /// `authorize` only.
    consent_granted: Option<bool>,
}

/// The [`Ask`] of a consent request (its fields are named alike in the four generated types), with the `state` and
/// decision that only `authorize` has.
macro_rules! ask {
    ($request:ident, $state:expr, $consent_granted:expr) => {
        Ask {
            client_id: $request.client_id,
            redirect_uri: $request.redirect_uri,
            response_type: $request.response_type,
            scopes: $request.scopes,
            prompt: $request.prompt,
            state: $state,
            consent_granted: $consent_granted,
        }
    };
}

impl World {
    /// `POST /v1/b2b/idp/oauth/authorize/start` (`decide`: `false`) and `POST /v1/b2b/idp/oauth/authorize` (`true`).
    pub(crate) fn member_consent(&mut self, body: &[u8], decide: bool) -> Reply {
        let parsed = if decide {
            self.read::<MemberAuthorizeRequest>(body).map(|r| {
                (
                    ask!(r, r.state, Some(r.consent_granted)),
                    r.organization_id,
                    r.member_id,
                    r.session_token,
                    r.session_jwt,
                )
            })
        } else {
            self.read::<MemberAuthorizeStartRequest>(body)
                .map(|r| (ask!(r, None, None), r.organization_id, r.member_id, r.session_token, r.session_jwt))
        };
        let (ask, organization_id, member_id, token, jwt) = match parsed {
            Ok(parsed) => parsed,
            Err(reply) => return reply,
        };
        let subject = match (organization_id, member_id, session_argument(token, jwt)) {
            (Some(org), Some(member), None) => {
                let Some(org) = self.organization(&org).cloned() else {
                    return self.error(404, "organization_not_found", "Organization could not be found.");
                };
                let Some(member) = find_member(&org, &member).cloned() else {
                    return self.error(404, "member_not_found", "Member could not be found.");
                };
                Subject::Member(org, member)
            }
            (None, None, Some(Ok(argument))) => match self.find_member_session(&argument) {
                Ok(session) => {
                    let org = self.organization(&session.organization_id).cloned();
                    let member = org.as_ref().and_then(|org| find_member(org, &session.member_id).cloned());
                    match (org, member) {
                        (Some(org), Some(member)) => Subject::Member(org, member),
                        _ => return self.error(404, "member_not_found", "Member could not be found."),
                    }
                }
                Err(reply) => return reply,
            },
            _ => {
                return self.bad_request(
                    "name the member by organization_id and member_id, or by exactly one of session_token and \
                     session_jwt",
                );
            }
        };
        self.consent(subject, ask)
    }

    /// `POST /v1/idp/oauth/authorize/start` (`decide`: `false`) and `POST /v1/idp/oauth/authorize` (`true`).
    pub(crate) fn user_consent(&mut self, body: &[u8], decide: bool) -> Reply {
        let parsed = if decide {
            self.read::<UserAuthorizeRequest>(body)
                .map(|r| (ask!(r, r.state, Some(r.consent_granted)), r.user_id, r.session_token, r.session_jwt))
        } else {
            self.read::<UserAuthorizeStartRequest>(body)
                .map(|r| (ask!(r, None, None), r.user_id, r.session_token, r.session_jwt))
        };
        let (ask, user_id, token, jwt) = match parsed {
            Ok(parsed) => parsed,
            Err(reply) => return reply,
        };
        let subject = match (user_id, session_argument(token, jwt)) {
            (Some(id), None) => match self.user_id(&id) {
                Some(user_id) => Subject::User(user_id),
                None => return self.error(404, "user_not_found", "User could not be found."),
            },
            (None, Some(Ok(argument))) => match self.find_user_session(&argument) {
                Ok(session) => Subject::User(session.user_id),
                Err(reply) => return reply,
            },
            _ => {
                return self
                    .bad_request("name the user by user_id, or by exactly one of session_token and session_jwt");
            }
        };
        self.consent(subject, ask)
    }

    /// Both steps, once the subject is known.
    fn consent(&mut self, subject: Subject, ask: Ask) -> Reply {
        let Some(app) = self.fixture.connected_apps.iter().find(|a| a.connected_app_id == ask.client_id).cloned()
        else {
            return self.error(404, "connected_app_not_found", "Connected App could not be found.");
        };
        if ask.response_type != "code" {
            return self.bad_request("response_type must be code");
        }
        if !app.settings.redirect_urls.contains(&ask.redirect_uri) {
            return self.error(
                400,
                "invalid_redirect_uri",
                "The redirect_uri is not one the Connected App registered.",
            );
        }
        if ask.scopes.is_empty() {
            return self.bad_request("scopes must name at least one scope");
        }
        let results: Vec<(String, String, bool)> =
            ask.scopes.iter().map(|scope| self.scope_result(&app, scope)).collect();
        let granted: Vec<String> = self
            .fixture
            .authorizations
            .iter()
            .filter(|grant| grant.connected_app_id == app.connected_app_id && subject.grants(grant))
            .flat_map(|grant| grant.scopes.clone())
            .collect();
        // Consent is needed for a grantable scope not granted before, every one with `prompt=consent`; never for
        // `offline_access` alone when a first-party app bypasses it (`bypass_consent_for_offline_access`).
        let prompted = ask.prompt.as_deref().is_some_and(|prompt| prompt.split(' ').any(|p| p == "consent"));
        let bypassed = |scope: &str| {
            scope == "offline_access"
                && app.settings.bypass_consent_for_offline_access
                && app.client_type.starts_with("first_party")
        };
        let consent_required = results
            .iter()
            .any(|(scope, _, grantable)| *grantable && !bypassed(scope) && (prompted || !granted.contains(scope)));
        match ask.consent_granted {
            None => self.authorize_start_answer(&subject, &app, &results, consent_required),
            Some(granted_now) => self.authorize_answer(&subject, &app, &ask, &results, granted_now),
        }
    }

    fn authorize_start_answer(
        &mut self,
        subject: &Subject,
        app: &ConnectedApp,
        results: &[(String, String, bool)],
        consent_required: bool,
    ) -> Reply {
        let scope_results: Vec<Value> = results
            .iter()
            .map(|(scope, description, grantable)| json!({"scope": scope, "description": description, "is_grantable": grantable}))
            .collect();
        let client = json!({
            "client_id": app.connected_app_id,
            "client_name": app.name,
            "client_description": app.description,
            "client_type": app.client_type,
            "logo_url": app.logo_url,
        });
        let mut body = json!({
            "request_id": self.request_id(),
            "client": client,
            "consent_required": consent_required,
            "scope_results": scope_results,
            "status_code": 200,
        });
        match subject {
            Subject::Member(org, member) => {
                body["member_id"] = json!(member.member_id);
                body["member"] = objects::member(org, member);
                body["organization"] = objects::organization(org);
            }
            Subject::User(user_id) => {
                let user = self.fixture.users.iter().find(|u| &u.user_id == user_id).cloned();
                body["user_id"] = json!(user_id);
                body["user"] = user.map_or(Value::Object(Map::new()), |user| objects::user(&user));
            }
        }
        (200, body)
    }

    fn authorize_answer(
        &mut self,
        subject: &Subject,
        app: &ConnectedApp,
        ask: &Ask,
        results: &[(String, String, bool)],
        granted_now: bool,
    ) -> Reply {
        let state = ask.state.as_deref().map(|state| format!("&state={}", encode(state))).unwrap_or_default();
        if !granted_now {
            let redirect = format!("{}{}error=access_denied{state}", ask.redirect_uri, separator(&ask.redirect_uri));
            return (200, json!({"request_id": self.request_id(), "redirect_uri": redirect, "status_code": 200}));
        }
        if let Some((scope, _, _)) = results.iter().find(|(_, _, grantable)| !grantable) {
            let message = format!("The scope {scope} cannot be granted to this Connected App.");
            return self.error(400, "invalid_scope", &message);
        }
        let mut scopes: Vec<String> = Vec::new();
        for (scope, _, _) in results {
            if !scopes.contains(scope) {
                scopes.push(scope.clone());
            }
        }
        let existing = self
            .fixture
            .authorizations
            .iter_mut()
            .find(|g| g.connected_app_id == app.connected_app_id && subject.grants(g));
        match existing {
            Some(grant) => {
                for scope in scopes {
                    if !grant.scopes.contains(&scope) {
                        grant.scopes.push(scope);
                    }
                }
            }
            None => {
                let (organization_id, member_id, user_id) = match subject {
                    Subject::Member(org, member) => {
                        (Some(org.organization_id.clone()), Some(member.member_id.clone()), None)
                    }
                    Subject::User(user_id) => (None, None, Some(user_id.clone())),
                };
                let connected_app_id = app.connected_app_id.clone();
                self.fixture.authorizations.push(Authorization {
                    connected_app_id,
                    organization_id,
                    member_id,
                    user_id,
                    scopes,
                });
            }
        }
        let code = format!("authorization-code-test-{}", fastrand::u64(..));
        let redirect = format!("{}{}code={code}{state}", ask.redirect_uri, separator(&ask.redirect_uri));
        let body = json!({
            "request_id": self.request_id(),
            "redirect_uri": redirect,
            "authorization_code": code,
            "status_code": 200,
        });
        (200, body)
    }

    /// `(scope, description, is_grantable)`: the project's RBAC scopes and the standard ones can be granted; any
    /// scope can to an app with `full_access_allowed`.
    fn scope_result(&self, app: &ConnectedApp, scope: &str) -> (String, String, bool) {
        let described = self.fixture.scopes.iter().find(|s| s.scope == scope).map(|s| s.description.clone());
        let standard = STANDARD_SCOPES.iter().find(|(name, _)| *name == scope).map(|(_, d)| (*d).to_owned());
        let known = described.is_some() || standard.is_some();
        (scope.to_owned(), described.or(standard).unwrap_or_default(), known || app.settings.full_access_allowed)
    }
}

/// The session a body names, if any: `Some(Err(()))` when it names two.
fn session_argument(token: Option<Credential>, jwt: Option<Credential>) -> Option<Result<SessionArgument, ()>> {
    match (token, jwt) {
        (None, None) => None,
        (Some(token), None) => Some(Ok(SessionArgument::Token(token.into_exposed()))),
        (None, Some(jwt)) => Some(Ok(SessionArgument::Jwt(jwt.into_exposed()))),
        (Some(_), Some(_)) => Some(Err(())),
    }
}

/// `?` or `&`, whichever appends a query parameter to `url`.
fn separator(url: &str) -> char {
    if url.contains('?') { '&' } else { '?' }
}

/// A query parameter's value, percent-encoded.
fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
