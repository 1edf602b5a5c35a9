//! Example responses, from the example bodies of Stytch's documentation (`tests/fixtures/`, one file each): a
//! mock's answer in one line, changed field by field where a test needs it.

use serde::de::DeserializeOwned;

use crate::models::{
    ErrorEnvelope, MemberConnectedAppsResponse, MemberJwksResponse, MemberSessionAuthenticateResponse,
    OrganizationConnectedAppResponse, OrganizationConnectedAppsResponse, RevokeMemberConnectedAppResponse,
    RevokeUserConnectedAppResponse, UserConnectedAppsResponse, UserJwksResponse, UserSessionAuthenticateResponse,
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
