//! Access tokens in the emulator: minted for a Connected App against a consent grant (an [`Authorization`] that
//! B1–B3 and C1 list), and RFC 7662 introspection that answers `active: false` once that consent is revoked (B4,
//! C2, a bulk revocation), the token expired, or it was never issued here.
//!
//! [`Authorization`]: super::Authorization

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use super::world::{Reply, World};
use crate::ext::{AccessTokenProfile, JwtExpectations, KeySet, check_jwt};

/// Access tokens live an hour, as Stytch's do by default.
const ACCESS_TOKEN_LIFETIME: u64 = 3600;

/// What an access token was minted against: the app, and the member (with the organization) or the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IssuedAccessToken {
    /// The token itself: introspection vouches only for a token it issued, byte for byte (the emulator's keys are
    /// public test material, so a re-signed token with an issued `jti` is no proof).
    pub(crate) token: String,
    pub(crate) token_id: String,
    pub(crate) connected_app_id: String,
    pub(crate) subject: String,
    pub(crate) organization_id: Option<String>,
}

impl World {
    /// A token for `connected_app_id` acting for the member (`organization_id` given) or user `subject` with
    /// `scopes`, signed now with the signing key; `None` unless that consent grant exists and covers every scope.
    pub(crate) fn issue_access_token(
        &mut self,
        organization_id: Option<&str>,
        subject: &str,
        connected_app_id: &str,
        scopes: &[&str],
    ) -> Option<String> {
        let grant = self.fixture.authorizations.iter().find(|a| {
            a.connected_app_id == connected_app_id
                && match organization_id {
                    Some(org) => a.organization_id.as_deref() == Some(org) && a.member_id.as_deref() == Some(subject),
                    None => a.user_id.as_deref() == Some(subject),
                }
        })?;
        if !scopes.iter().all(|scope| grant.scopes.iter().any(|granted| granted == scope)) {
            return None;
        }
        let project_id = self.fixture.project.project_id.clone();
        let organization = match organization_id {
            Some(org) => Some(self.fixture.organizations.iter().find(|o| o.organization_id == org)?),
            None => None,
        };
        let organization = organization.map(|o| json!({"organization_id": o.organization_id, "slug": o.slug}));
        let token_id = format!("access-token-emulator-{}", self.access_tokens.len() + 1);
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO).as_secs();
        let mut claims = json!({
            "iss": format!("stytch.com/{project_id}"),
            "sub": subject,
            "aud": [project_id],
            "iat": now,
            "nbf": now,
            "exp": now + ACCESS_TOKEN_LIFETIME,
            "jti": token_id,
            "client_id": connected_app_id,
            "scope": scopes.join(" "),
        });
        if let Some(organization) = organization {
            claims["https://stytch.com/organization"] = organization;
        }
        let token = self.signing_key().sign(&claims);
        self.access_tokens.push(IssuedAccessToken {
            token: token.clone(),
            token_id,
            connected_app_id: connected_app_id.to_owned(),
            subject: subject.to_owned(),
            organization_id: organization_id.map(str::to_owned),
        });
        Some(token)
    }

    /// `POST /v1/public/{project_id}/oauth2/introspect` and `POST /v1/oauth2/introspect`: the form body's
    /// `client_id` (and `client_secret`, for an app that has one: the current one, or the next during a rotation)
    /// authenticate the caller; the token is active when
    /// it verifies (a served key, this project, unexpired), was issued here, and its consent grant still exists.
    pub(crate) fn introspect(&mut self, project_id: Option<&str>, body: &[u8]) -> Reply {
        if project_id.is_some_and(|id| id != self.fixture.project.project_id) {
            return self.error(404, "project_not_found", "Project could not be found.");
        }
        let form: Vec<(String, String)> = match serde_urlencoded::from_bytes(body) {
            Ok(form) => form,
            Err(_) => return self.error(400, "invalid_request", "The body must be form-encoded."),
        };
        let field = |name: &str| {
            let mut values = form.iter().filter(|(key, _)| key == name).map(|(_, value)| value.as_str());
            match (values.next(), values.next()) {
                (Some(value), None) => Ok(Some(value)),
                (None, _) => Ok(None),
                (Some(_), Some(_)) => Err(()),
            }
        };
        let (Ok(token), Ok(client_id), Ok(client_secret)) =
            (field("token"), field("client_id"), field("client_secret"))
        else {
            return self.error(400, "invalid_request", "A parameter was given more than once.");
        };
        let Some(app) = client_id.and_then(|id| self.fixture.connected_apps.iter().find(|a| a.connected_app_id == id))
        else {
            return self.error(401, "invalid_client", "The client could not be authenticated.");
        };
        // During a secret rotation, the next secret authenticates the app as well as the current one.
        // A secret the app has, presented: an absent one never matches an absent one.
        let presented = |secret: &Option<crate::Credential>| {
            secret.as_ref().is_some_and(|secret| client_secret == Some(secret.expose()))
        };
        if app.client_secret.is_some() && !presented(&app.client_secret) && !presented(&app.next_client_secret) {
            return self.error(401, "invalid_client", "The client could not be authenticated.");
        }
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return self.error(400, "invalid_request", "The token parameter is required.");
        };
        let answer = match self.active_claims(token) {
            Some(mut claims) => {
                claims.insert("active".into(), json!(true));
                claims.insert("token_type".into(), json!("access_token"));
                claims
            }
            None => Map::from_iter([("active".to_owned(), json!(false))]),
        };
        let mut answer = Value::Object(answer);
        answer["request_id"] = json!(self.request_id());
        answer["status_code"] = json!(200);
        (200, answer)
    }

    /// The claims of an access token this emulator issued, still valid, whose consent grant still exists.
    fn active_claims(&self, token: &str) -> Option<Map<String, Value>> {
        let project_id = self.fixture.project.project_id.as_str();
        let issuer = format!("stytch.com/{project_id}");
        let expected = JwtExpectations {
            what: "access token",
            issuers: &[&issuer],
            project_id,
            audiences: &[],
            leeway: Duration::ZERO,
            max_token_age: None,
            now: SystemTime::now(),
        };
        let b2b = check_jwt(token, &expected, &AccessTokenProfile { b2b: true });
        let checked = match b2b {
            Ok(checked) => checked,
            Err(_) => check_jwt(token, &expected, &AccessTokenProfile { b2b: false }).ok()?,
        };
        let key = self.served_key(&checked.kid)?;
        let key = KeySet::from_jwks(&[key.jwk()]).get(&checked.kid)?;
        let verified = checked.signed_by(token, &key).ok()?;
        let issued = self.access_tokens.iter().find(|t| t.token == token)?;
        let organization_id = verified.claims.organization.as_ref().map(|(org, _)| org.as_str());
        let consistent = issued.connected_app_id == verified.claims.client_id
            && issued.subject == verified.registered.subject
            && issued.organization_id.as_deref() == organization_id;
        let consented = self.fixture.authorizations.iter().any(|a| {
            a.connected_app_id == issued.connected_app_id
                && match &issued.organization_id {
                    Some(org) => {
                        a.organization_id.as_ref() == Some(org) && a.member_id.as_ref() == Some(&issued.subject)
                    }
                    None => a.user_id.as_ref() == Some(&issued.subject),
                }
        });
        if !(consistent && consented) {
            return None;
        }
        // The token's own claims, as it carries them.
        let payload = token.split('.').nth(1)?;
        let payload = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload).ok()?;
        serde_json::from_slice(&payload).ok()
    }
}
