//! The emulator's Connected Apps clients (`/v1/connected_apps/clients`): create, get, update, delete and search
//! (by cursor), and secret rotation with Stytch's semantics: while a rotation is under way both the current and the
//! next secret authenticate the app (token introspection), completing makes the next one the only one, cancelling
//! drops it. Deleting an app deletes every consent given to it, so that no consent list shows it again.
//!
//! Request bodies are read into the generated request types (so their field types are the spec's); a body that is
//! missing, or not a JSON object of those types, is Stytch's 400 `bad_request`.

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::Endpoint;
use super::bodies;
use super::fixture::{ClientSettings, ConnectedApp};
use super::world::{Reply, World};
use crate::Credential;
use crate::models::{CreateClientRequest, SearchClientsRequest, UpdateClientRequest};

/// The client types Stytch knows; the `*_public` ones have no secret.
const CLIENT_TYPES: [&str; 4] = ["first_party", "first_party_public", "third_party", "third_party_public"];
/// Stytch's page size when a search names none, and the most it returns at once.
const DEFAULT_PAGE: usize = 100;
const MAX_PAGE: usize = 1000;
/// What the emulator's search cursors look like: this, then the offset of the next page.
const CURSOR_PREFIX: &str = "cursor-test-";

impl World {
    /// `POST /v1/connected_apps/clients`.
    pub(crate) fn create_client(&mut self, body: &[u8]) -> Reply {
        let request: CreateClientRequest = match self.read(body) {
            Ok(request) => request,
            Err(reply) => return reply,
        };
        let client_type = request.client_type.to_string();
        if !CLIENT_TYPES.contains(&client_type.as_str()) {
            return self.bad_request(&format!("client_type must be one of {}", CLIENT_TYPES.join(", ")));
        }
        if let Err(reply) = self.check_expiry(request.access_token_expiry_minutes) {
            return reply;
        }
        let confidential = !client_type.ends_with("_public");
        let app = ConnectedApp {
            connected_app_id: format!("connected-app-test-{}", random_id()),
            name: request.client_name.unwrap_or_default(),
            description: request.client_description.unwrap_or_default(),
            client_type,
            logo_url: request.logo_url,
            client_secret: confidential.then(new_secret),
            next_client_secret: None,
            settings: ClientSettings {
                redirect_urls: request.redirect_urls,
                full_access_allowed: request.full_access_allowed.unwrap_or(false),
                access_token_expiry_minutes: request.access_token_expiry_minutes.unwrap_or(60),
                access_token_custom_audience: request.access_token_custom_audience,
                access_token_template_content: request.access_token_template_content.unwrap_or_default(),
                post_logout_redirect_urls: request.post_logout_redirect_urls,
                bypass_consent_for_offline_access: request.bypass_consent_for_offline_access.unwrap_or(false),
            },
        };
        let mut shown = client_json(&app);
        if let Some(secret) = &app.client_secret {
            shown["client_secret"] = json!(secret.expose());
        }
        // `creation_method` is not part of a created app's answer (`ConnectedAppWithClientSecret`).
        if let Value::Object(fields) = &mut shown {
            fields.remove("creation_method");
        }
        self.fixture.connected_apps.push(app);
        (200, json!({"request_id": self.request_id(), "connected_app": shown, "status_code": 200}))
    }

    /// `GET /v1/connected_apps/clients/{client_id}`.
    pub(crate) fn get_client(&mut self, client_id: &str) -> Reply {
        match self.client(client_id) {
            Some(app) => {
                let shown = client_json(app);
                (200, json!({"request_id": self.request_id(), "connected_app": shown, "status_code": 200}))
            }
            None => self.client_not_found(),
        }
    }

    /// `PUT /v1/connected_apps/clients/{client_id}`: the fields sent change, the others stay.
    pub(crate) fn update_client(&mut self, client_id: &str, body: &[u8]) -> Reply {
        let request: UpdateClientRequest = match self.read(body) {
            Ok(request) => request,
            Err(reply) => return reply,
        };
        if self.client(client_id).is_none() {
            return self.client_not_found();
        }
        if let Err(reply) = self.check_expiry(request.access_token_expiry_minutes) {
            return reply;
        }
        let Some(app) = self.client_mut(client_id) else { return self.client_not_found() };
        let client_name = request.client_name;
        let client_description = request.client_description;
        let redirect_urls = request.redirect_urls;
        let full_access_allowed = request.full_access_allowed;
        let access_token_expiry_minutes = request.access_token_expiry_minutes;
        let access_token_custom_audience = request.access_token_custom_audience;
        let access_token_template_content = request.access_token_template_content;
        let post_logout_redirect_urls = request.post_logout_redirect_urls;
        let logo_url = request.logo_url;
        let bypass_consent_for_offline_access = request.bypass_consent_for_offline_access;
        let settings = &mut app.settings;
        app.name = client_name.unwrap_or(std::mem::take(&mut app.name));
        app.description = client_description.unwrap_or(std::mem::take(&mut app.description));
        app.logo_url = logo_url.or(app.logo_url.take());
        // A list left out keeps its value (the generated request sends an empty list for none).
        if !redirect_urls.is_empty() {
            settings.redirect_urls = redirect_urls;
        }
        if !post_logout_redirect_urls.is_empty() {
            settings.post_logout_redirect_urls = post_logout_redirect_urls;
        }
        settings.full_access_allowed = full_access_allowed.unwrap_or(settings.full_access_allowed);
        settings.access_token_expiry_minutes =
            access_token_expiry_minutes.unwrap_or(settings.access_token_expiry_minutes);
        settings.access_token_custom_audience =
            access_token_custom_audience.or(settings.access_token_custom_audience.take());
        settings.access_token_template_content =
            access_token_template_content.unwrap_or(std::mem::take(&mut settings.access_token_template_content));
        settings.bypass_consent_for_offline_access =
            bypass_consent_for_offline_access.unwrap_or(settings.bypass_consent_for_offline_access);
        let shown = client_json(app);
        (200, json!({"request_id": self.request_id(), "connected_app": shown, "status_code": 200}))
    }

    /// `DELETE /v1/connected_apps/clients/{client_id}`: the app, every consent given to it, and its tokens' grants.
    pub(crate) fn delete_client(&mut self, client_id: &str) -> Reply {
        if self.client(client_id).is_none() {
            return self.client_not_found();
        }
        self.fixture.connected_apps.retain(|app| app.connected_app_id != client_id);
        self.fixture.authorizations.retain(|grant| grant.connected_app_id != client_id);
        (200, json!({"request_id": self.request_id(), "client_id": client_id, "status_code": 200}))
    }

    /// `POST /v1/connected_apps/clients/search`: `limit` apps (100 unless given; at most 1000) from `cursor`.
    pub(crate) fn search_clients(&mut self, body: &[u8]) -> Reply {
        let request: SearchClientsRequest = match self.read(body) {
            Ok(request) => request,
            Err(reply) => return reply,
        };
        let limit = match request.limit.map(usize::try_from) {
            None | Some(Ok(0)) => DEFAULT_PAGE,
            Some(Ok(limit)) if limit <= MAX_PAGE => limit,
            Some(_) => return self.bad_request(&format!("limit must be between 0 and {MAX_PAGE}")),
        };
        let start = match request.cursor.as_deref().filter(|cursor| !cursor.is_empty()) {
            None => 0,
            Some(cursor) => match cursor.strip_prefix(CURSOR_PREFIX).and_then(|offset| offset.parse::<usize>().ok()) {
                Some(offset) => offset,
                None => return self.error(400, "invalid_cursor", "The cursor is not one this search returned."),
            },
        };
        let total = self.fixture.connected_apps.len();
        let page: Vec<Value> = self.fixture.connected_apps.iter().skip(start).take(limit).map(client_json).collect();
        let next = start.saturating_add(limit);
        // No `next_cursor` after the last page (Stytch documents `null`; the spec's type is a plain string, which an
        // absent field satisfies and `null` would not).
        let mut metadata = json!({"total": total});
        if next < total {
            metadata["next_cursor"] = json!(format!("{CURSOR_PREFIX}{next}"));
        }
        (
            200,
            json!({"request_id": self.request_id(), "connected_apps": page, "results_metadata": metadata, "status_code": 200}),
        )
    }

    /// The three rotation steps, for the app `client_id`.
    pub(crate) fn rotation(&mut self, step: Endpoint, client_id: &str, body: &[u8]) -> Reply {
        if let Err(refusal) = bodies::required_object(body) {
            return self.error(400, refusal.error_type, &refusal.message);
        }
        let Some(app) = self.client(client_id) else { return self.client_not_found() };
        if app.client_secret.is_none() {
            return self.bad_request("a public Connected App has no client secret to rotate");
        }
        let rotating = app.next_client_secret.is_some();
        match (step, rotating) {
            (Endpoint::StartSecretRotation, true) => {
                return self.error(
                    400,
                    "client_secret_rotation_in_progress",
                    "A secret rotation is already in progress.",
                );
            }
            (Endpoint::CompleteSecretRotation | Endpoint::CancelSecretRotation, false) => {
                return self.error(400, "no_client_secret_rotation_in_progress", "No secret rotation is in progress.");
            }
            _ => {}
        }
        let Some(app) = self.client_mut(client_id) else { return self.client_not_found() };
        let shown = match step {
            Endpoint::StartSecretRotation => {
                let next = new_secret();
                let exposed = next.expose().to_owned();
                app.next_client_secret = Some(next);
                let mut shown = client_json(app);
                shown["next_client_secret"] = json!(exposed);
                if let Value::Object(fields) = &mut shown {
                    fields.remove("creation_method");
                }
                shown
            }
            Endpoint::CompleteSecretRotation => {
                app.client_secret = app.next_client_secret.take();
                client_json(app)
            }
            _ => {
                app.next_client_secret = None;
                client_json(app)
            }
        };
        (200, json!({"request_id": self.request_id(), "connected_app": shown, "status_code": 200}))
    }

    /// A body as the generated request type `T` (`Err`: the 400 to answer).
    pub(crate) fn read<T: DeserializeOwned>(&mut self, body: &[u8]) -> Result<T, Reply> {
        bodies::typed(body).map_err(|refusal| self.error(400, refusal.error_type, &refusal.message))
    }

    /// `access_token_expiry_minutes`, when given, must be positive.
    fn check_expiry(&mut self, minutes: Option<i32>) -> Result<(), Reply> {
        match minutes {
            Some(minutes) if minutes <= 0 => Err(self.bad_request("access_token_expiry_minutes must be positive")),
            _ => Ok(()),
        }
    }

    pub(crate) fn bad_request(&mut self, detail: &str) -> Reply {
        let refusal = bodies::bad_request(detail);
        self.error(400, refusal.error_type, &refusal.message)
    }

    fn client_not_found(&mut self) -> Reply {
        self.error(404, "connected_app_not_found", "Connected App could not be found.")
    }

    fn client(&self, client_id: &str) -> Option<&ConnectedApp> {
        self.fixture.connected_apps.iter().find(|app| app.connected_app_id == client_id)
    }

    fn client_mut(&mut self, client_id: &str) -> Option<&mut ConnectedApp> {
        self.fixture.connected_apps.iter_mut().find(|app| app.connected_app_id == client_id)
    }
}

/// An app as the clients API shows it (`api_connectedapps_v1_ConnectedApp`): its secrets by their last four
/// characters only.
fn client_json(app: &ConnectedApp) -> Value {
    // By characters: a fixture's secret may be any text, and a byte slice could split a character.
    let last_four = |secret: &Option<Credential>| {
        secret.as_ref().map(|secret| {
            let chars: Vec<char> = secret.expose().chars().collect();
            chars[chars.len().saturating_sub(4)..].iter().collect::<String>()
        })
    };
    let settings = &app.settings;
    let mut shown = json!({
        "client_id": app.connected_app_id,
        "client_name": app.name,
        "client_description": app.description,
        "status": "active",
        "full_access_allowed": settings.full_access_allowed,
        "client_type": app.client_type,
        "redirect_urls": settings.redirect_urls,
        "access_token_expiry_minutes": settings.access_token_expiry_minutes,
        "access_token_template_content": settings.access_token_template_content,
        "post_logout_redirect_urls": settings.post_logout_redirect_urls,
        "bypass_consent_for_offline_access": settings.bypass_consent_for_offline_access,
        "creation_method": "api",
        "logo_url": app.logo_url,
    });
    let optional = [
        ("client_secret_last_four", last_four(&app.client_secret)),
        ("next_client_secret_last_four", last_four(&app.next_client_secret)),
        ("access_token_custom_audience", settings.access_token_custom_audience.clone()),
    ];
    for (name, value) in optional {
        if let Some(value) = value {
            shown[name] = json!(value);
        }
    }
    shown
}

/// A fresh client secret, shaped like Stytch's test ones.
fn new_secret() -> Credential {
    let random: String = std::iter::repeat_with(fastrand::alphanumeric).take(40).collect();
    Credential::from(format!("secret-test-{random}"))
}

/// A fresh UUID-shaped id.
fn random_id() -> String {
    let a = fastrand::u64(..);
    let b = fastrand::u64(..);
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        a >> 32,
        a & 0xffff,
        (b >> 48) & 0xfff,
        (b >> 36) & 0xfff,
        b & 0xffff_ffff_ffff
    )
}
