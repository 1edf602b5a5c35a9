//! Example responses, from the example bodies of Stytch's documentation (`tests/fixtures/`, one file each): a
//! mock's answer in one line, changed field by field where a test needs it.

use serde::de::DeserializeOwned;

use crate::models::{
    CreateClientResponse, DeleteClientResponse, ErrorEnvelope, GetClientResponse, MemberAuthorizeResponse,
    MemberAuthorizeStartResponse, MemberConnectedAppsResponse, MemberJwksResponse, MemberSessionAuthenticateResponse,
    OrganizationConnectedAppResponse, OrganizationConnectedAppsResponse, RevokeMemberConnectedAppResponse,
    RevokeUserConnectedAppResponse, RotateSecretCancelResponse, RotateSecretResponse, RotateSecretStartResponse,
    SearchClientsResponse, UpdateClientResponse, UserAuthorizeResponse, UserAuthorizeStartResponse,
    UserConnectedAppsResponse, UserJwksResponse, UserSessionAuthenticateResponse,
};

/// The fixtures, each a file of `tests/fixtures/` (see its README for where each comes from).
mod fixtures {
    pub(super) const B1: &str = include_str!("../../../tests/fixtures/seed001_b1_200.json");
    pub(super) const B2: &str = include_str!("../../../tests/fixtures/b2_200_with_request_id.json");
    pub(super) const B3: &str = include_str!("../../../tests/fixtures/b3_200.json");
    pub(super) const REVOKE: &str = include_str!("../../../tests/fixtures/revoke_200.json");
    pub(super) const C1: &str = include_str!("../../../tests/fixtures/seed004_c1_200.json");
    pub(super) const MEMBER_AUTHENTICATE: &str =
        include_str!("../../../tests/fixtures/member_session_authenticate_200.json");
    pub(super) const USER_AUTHENTICATE: &str =
        include_str!("../../../tests/fixtures/user_session_authenticate_200.json");
    pub(super) const JWKS: &str = include_str!("../../../tests/fixtures/jwks_200.json");
    pub(super) const CLIENT_CREATE: &str = include_str!("../../../tests/fixtures/client_create_200.json");
    pub(super) const CLIENT_GET: &str = include_str!("../../../tests/fixtures/client_get_200.json");
    pub(super) const CLIENT_DELETE: &str = include_str!("../../../tests/fixtures/client_delete_200.json");
    pub(super) const CLIENT_SEARCH: &str = include_str!("../../../tests/fixtures/client_search_page1_200.json");
    pub(super) const CLIENT_ROTATE_START: &str = include_str!("../../../tests/fixtures/client_rotate_start_200.json");
    pub(super) const CLIENT_ROTATE: &str = include_str!("../../../tests/fixtures/client_rotate_200.json");
    pub(super) const MEMBER_AUTHORIZE_START: &str =
        include_str!("../../../tests/fixtures/b2b_authorize_start_200.json");
    pub(super) const MEMBER_AUTHORIZE: &str = include_str!("../../../tests/fixtures/b2b_authorize_200.json");
    pub(super) const USER_AUTHORIZE_START: &str = include_str!("../../../tests/fixtures/authorize_start_200.json");
    pub(super) const USER_AUTHORIZE: &str = include_str!("../../../tests/fixtures/authorize_200.json");
    pub(super) const E401: &str = include_str!("../../../tests/fixtures/seed001_401.json");
    pub(super) const E403: &str = include_str!("../../../tests/fixtures/error_403_session_authorization.json");
    pub(super) const E404: &str = include_str!("../../../tests/fixtures/error_404_connected_app.json");
    pub(super) const E429: &str = include_str!("../../../tests/fixtures/seed001_429.json");
    pub(super) const E500: &str = include_str!("../../../tests/fixtures/seed001_500.json");
}

/// The `request_id` of every example (the seed documents').
pub const EXAMPLE_REQUEST_ID: &str = "request-id-test-b05c992f-ebdc-489d-a754-c7e70ba13141";

/// Decodes one compiled-in fixture. The fixtures are constants of this crate, and the unit test
/// `every_example_decodes` decodes each one: this cannot fail in a build whose tests pass.
fn decode<T: DeserializeOwned>(fixture: &str) -> T {
    // Cannot fail: `fixture` is one of the constants above, fixed at compile time, and each decodes into its model
    // in the unit test below; no input from a caller or a server reaches this.
    serde_json::from_str(fixture).expect("a fixture of this crate decodes (tested by every_example_decodes)")
}

macro_rules! examples {
    ($($model:ty => $fixture:ident, $what:literal;)*) => {$(
        impl $model {
            #[doc = concat!("An example: ", $what, ".")]
            ///
            /// Feature `mock`. Change its fields to fit a test; the request id is [`EXAMPLE_REQUEST_ID`].
            pub fn example() -> Self {
                decode(fixtures::$fixture)
            }
        }
    )*};
}

examples! {
    OrganizationConnectedAppsResponse => B1, "seed 001's B1 answer: one first-party app, `logo_url: null`";
    OrganizationConnectedAppResponse => B2,
        "B2's answer with seed 001's app and one active member who granted `openid profile email`";
    MemberConnectedAppsResponse => B3, "B3's answer: seed 001's app, granted `openid profile email`";
    RevokeMemberConnectedAppResponse => REVOKE, "B4's answer (`status_code` and `request_id`)";
    UserConnectedAppsResponse => C1, "seed 004's C1 answer: one first-party app granted `openid profile email`";
    RevokeUserConnectedAppResponse => REVOKE, "C2's answer (`status_code` and `request_id`)";
    MemberSessionAuthenticateResponse => MEMBER_AUTHENTICATE,
        "a member session of the seed's organization and member, with Stytch's example session token";
    UserSessionAuthenticateResponse => USER_AUTHENTICATE,
        "a session of the seed's user, with Stytch's example session token";
    MemberJwksResponse => JWKS,
        "one RS256 key, the emulator's first signing key (`emulator::SigningKey::generation(0)`, feature `emulator`): \
         JWTs it signs verify against this key set";
    UserJwksResponse => JWKS,
        "one RS256 key, the emulator's first signing key (`emulator::SigningKey::generation(0)`, feature `emulator`): \
         JWTs it signs verify against this key set";
    CreateClientResponse => CLIENT_CREATE,
        "a third-party confidential app just created, with its `client_secret` (made up; returned once)";
    GetClientResponse => CLIENT_GET, "the same app read back: its secret by its last four characters only";
    UpdateClientResponse => CLIENT_GET, "the same app after an update (its settings as `get` shows them)";
    DeleteClientResponse => CLIENT_DELETE, "the app's `client_id`, deleted";
    SearchClientsResponse => CLIENT_SEARCH,
        "a first page of the project's apps, with the `next_cursor` of a second (`results_metadata`)";
    RotateSecretStartResponse => CLIENT_ROTATE_START,
        "a rotation started: the app with its `next_client_secret` (made up; returned once) and both last fours";
    RotateSecretResponse => CLIENT_ROTATE,
        "a rotation completed: the next secret is the only one (no `next_client_secret_last_four`)";
    RotateSecretCancelResponse => CLIENT_GET, "a rotation cancelled: the current secret stays, the next is gone";
    MemberAuthorizeStartResponse => MEMBER_AUTHORIZE_START,
        "the seed's admin asked to consent to a third-party app: `consent_required`, two grantable scopes and one \
         the member's roles cannot grant";
    MemberAuthorizeResponse => MEMBER_AUTHORIZE,
        "consent granted: the redirect to the app with the authorization code (made up) and its `state`";
    UserAuthorizeStartResponse => USER_AUTHORIZE_START,
        "the seed's user asked to consent to a third-party app: `consent_required`, two grantable scopes";
    UserAuthorizeResponse => USER_AUTHORIZE,
        "consent granted: the redirect to the app with the authorization code (made up) and its `state`";
}

impl ErrorEnvelope {
    /// Stytch's error envelope for `status`, as its documentation shows it: seed 001's 401
    /// (`unauthorized_credentials`), 429 (`too_many_requests`) and 500 (`internal_server_error`); 403
    /// `session_authorization_error`; 404 `connected_app_not_found` (with `error_details`); 400 `bad_request`.
    /// Any other status gets [`ErrorEnvelope::new`] with its reason phrase (503: `service_unavailable`; a status
    /// without one: `unknown_error`).
    ///
    /// Feature `mock`.
    pub fn example(status: u16) -> Self {
        match status {
            400 => Self::new(400, "bad_request", "The submitted request is invalid."),
            401 => decode(fixtures::E401),
            403 => decode(fixtures::E403),
            404 => decode(fixtures::E404),
            429 => decode(fixtures::E429),
            500 => decode(fixtures::E500),
            other => {
                let reason = http::StatusCode::from_u16(other)
                    .ok()
                    .and_then(|status| status.canonical_reason())
                    .unwrap_or("Unknown error");
                let error_type = reason.to_ascii_lowercase().replace([' ', '-'], "_").replace('\'', "");
                Self::new(other, error_type, format!("{reason}."))
            }
        }
    }

    /// An envelope with this status, type and message, the example request id and Stytch's documentation URL
    /// for the status (`https://stytch.com/docs/api/errors/{status}`).
    ///
    /// Feature `mock`.
    pub fn new(status_code: u16, error_type: impl Into<String>, error_message: impl Into<String>) -> Self {
        Self {
            status_code: Some(i32::from(status_code)),
            request_id: Some(EXAMPLE_REQUEST_ID.to_owned()),
            error_type: Some(error_type.into()),
            error_message: Some(error_message.into()),
            error_url: Some(format!("https://stytch.com/docs/api/errors/{status_code}")),
            error: None,
            error_description: None,
            error_uri: None,
            error_details: Default::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_decodes() {
        assert_eq!(OrganizationConnectedAppsResponse::example().connected_apps.len(), 1);
        assert_eq!(OrganizationConnectedAppResponse::example().active_members.len(), 1);
        assert_eq!(MemberConnectedAppsResponse::example().connected_apps[0].scopes_granted, "openid profile email");
        assert_eq!(RevokeMemberConnectedAppResponse::example().status_code, 200);
        assert_eq!(UserConnectedAppsResponse::example().connected_apps.len(), 1);
        assert_eq!(RevokeUserConnectedAppResponse::example().request_id, EXAMPLE_REQUEST_ID);
        let member = MemberSessionAuthenticateResponse::example().member_session;
        assert_eq!(member.member_id, "member-test-32fc5024-9c09-4da3-bd2e-c9ce4da9375f");
        assert_eq!(UserSessionAuthenticateResponse::example().session.roles, ["stytch_user"]);
        assert_eq!(MemberJwksResponse::example().keys[0].kid, "jwk-test-emulator-0");
        assert_eq!(UserJwksResponse::example().keys.len(), 1);
        let created = CreateClientResponse::example().connected_app;
        assert!(
            created
                .client_secret
                .as_ref()
                .is_some_and(|s| s.expose().ends_with(&created.client_secret_last_four.clone().unwrap()))
        );
        assert_eq!(GetClientResponse::example().connected_app.client_id, created.client_id);
        assert_eq!(UpdateClientResponse::example().connected_app.client_id, created.client_id);
        assert_eq!(DeleteClientResponse::example().client_id, created.client_id);
        assert!(SearchClientsResponse::example().results_metadata.next_cursor.is_some());
        let started = RotateSecretStartResponse::example().connected_app;
        assert_eq!(
            started.next_client_secret_last_four.as_deref(),
            started.next_client_secret.expose().get(started.next_client_secret.expose().len() - 4..)
        );
        assert!(RotateSecretResponse::example().connected_app.next_client_secret_last_four.is_none());
        assert!(RotateSecretCancelResponse::example().connected_app.next_client_secret_last_four.is_none());
        let member_start = MemberAuthorizeStartResponse::example();
        assert!(member_start.consent_required);
        assert_eq!(member_start.scope_results.iter().filter(|s| !s.is_grantable).count(), 1);
        let member_code = MemberAuthorizeResponse::example();
        let code = member_code.authorization_code.as_ref().map(|c| c.expose()).unwrap_or_default();
        assert!(!code.is_empty() && member_code.redirect_uri.expose().contains(&format!("code={code}")));
        assert!(UserAuthorizeStartResponse::example().scope_results.iter().all(|s| s.is_grantable));
        let user_code = UserAuthorizeResponse::example();
        assert!(
            user_code.redirect_uri.expose().contains(user_code.authorization_code.as_ref().map_or("-", |c| c.expose()))
        );
        for status in [400, 401, 403, 404, 429, 500, 502, 503, 599] {
            let envelope = ErrorEnvelope::example(status);
            assert_eq!(envelope.status_code, Some(i32::from(status)));
            assert_eq!(envelope.request_id.as_deref(), Some(EXAMPLE_REQUEST_ID));
            assert!(envelope.error_type.as_deref().is_some_and(|t| !t.is_empty() && !t.contains(' ')), "{status}");
        }
        assert_eq!(ErrorEnvelope::example(503).error_type.as_deref(), Some("service_unavailable"));
        assert_eq!(ErrorEnvelope::example(404).error_type.as_deref(), Some("connected_app_not_found"));
    }

    /// The JWKS example is the emulator's first key, so that the JWTs the emulator signs verify against it.
    #[cfg(feature = "emulator")]
    #[test]
    fn the_jwks_example_is_the_emulators_first_key() {
        let example: serde_json::Value = serde_json::from_str(fixtures::JWKS).unwrap();
        assert_eq!(example["keys"][0], crate::emulator::SigningKey::generation(0).jwk());
    }
}
