//! The consumer calls the B2B spec lacks (C1, C2, `sessions/authenticate`, JWKS), in the style progenitor
//! generates for the others: a `When`/`Then` pair per operation and [`ConsumerMockServerExt`], one method each.

use httpmock::{Method, Mock, MockServer, Then, When};

use super::paths::path_pattern;
use super::sealed::Operation;
use crate::ext::calls::operations;
use crate::models::{
    ErrorEnvelope, RevokeUserConnectedAppResponse, UserConnectedAppsResponse, UserJwksResponse,
    UserSessionAuthenticateResponse,
};

/// One consumer operation: its `When` (method and path set; one matcher per path parameter) and its `Then` (one
/// answer per documented status), named as progenitor names them for the B2B operations.
macro_rules! consumer_operation {
    (
        $(#[$doc:meta])*
        $when:ident, $then:ident, $operation:path, $method:ident, [$($parameter:ident),*], $ok:ty
    ) => {
        $(#[$doc])*
        ///
        /// The request's matchers; [`SdkRequest`](crate::mock::SdkRequest) adds what the SDK sends on every request.
        pub struct $when(When);

        impl $when {
            /// Requires the operation's method and path (any value for each parameter).
            pub fn new(inner: When) -> Self {
                Self(inner.method(Method::$method).path_matches(path_pattern($operation.path, None)))
            }

            /// The wrapped [`When`], to require what no typed matcher covers.
            pub fn into_inner(self) -> When {
                self.0
            }

            $(
                #[doc = concat!("Requires `", stringify!($parameter), "` to be exactly `value` (as the client encodes it).")]
                pub fn $parameter(self, value: &str) -> Self {
                    Self(self.0.path_matches(path_pattern($operation.path, Some((stringify!($parameter), value)))))
                }
            )*
        }

        impl Operation for $when {
            const OPERATION_ID: &'static str = $operation.id;
            const METHOD: &'static str = stringify!($method);
            fn map_when(self, change: impl FnOnce(When) -> When) -> Self {
                Self(change(self.0))
            }
        }

        $(#[$doc])*
        ///
        /// The answer: one method per status Stytch documents, each a JSON body.
        pub struct $then(Then);

        impl $then {
            /// Wraps an httpmock [`Then`].
            pub fn new(inner: Then) -> Self {
                Self(inner)
            }

            /// The wrapped [`Then`], to answer what no typed method covers.
            pub fn into_inner(self) -> Then {
                self.0
            }

            /// `200 OK` with this body.
            pub fn ok(self, value: &$ok) -> Self {
                self.json(200, value)
            }

            consumer_operation!(@errors
                bad_request 400, unauthorized 401, forbidden 403, not_found 404, too_many_requests 429,
                internal_server_error 500);

            fn json(self, status: u16, value: &impl serde::Serialize) -> Self {
                Self(self.0.status(status).header("content-type", "application/json").json_body_obj(value))
            }
        }
    };
    (@errors $($name:ident $status:literal),*) => {$(
        #[doc = concat!("`", stringify!($status), "` with this error envelope.")]
        pub fn $name(self, value: &ErrorEnvelope) -> Self {
            self.json($status, value)
        }
    )*};
}

consumer_operation! {
    /// **C1**, `GET /v1/users/{user_id}/connected_apps`.
    ApiUserV1ConnectedAppsWhen, ApiUserV1ConnectedAppsThen, operations::C1, GET, [user_id], UserConnectedAppsResponse
}

consumer_operation! {
    /// **C2**, `POST /v1/users/{user_id}/connected_apps/{connected_app_id}/revoke`.
    ApiUserV1RevokeWhen, ApiUserV1RevokeThen, operations::C2, POST, [user_id, connected_app_id],
    RevokeUserConnectedAppResponse
}

consumer_operation! {
    /// `POST /v1/sessions/authenticate`, which the SDK sends to learn the user behind a session.
    ApiSessionV1AuthenticateWhen, ApiSessionV1AuthenticateThen, operations::USER_SESSION_AUTHENTICATE, POST, [],
    UserSessionAuthenticateResponse
}

consumer_operation! {
    /// `GET /v1/sessions/jwks/{project_id}`, which the SDK sends to verify consumer session JWTs locally.
    ApiSessionV1GetJwksWhen, ApiSessionV1GetJwksThen, operations::USER_JWKS, GET, [project_id], UserJwksResponse
}

impl ApiUserV1RevokeWhen {
    /// Requires exactly this JSON body (the SDK sends `{}`).
    pub fn body(self, value: &serde_json::Value) -> Self {
        Self(self.0.json_body_obj(value))
    }
}

impl ApiSessionV1AuthenticateWhen {
    /// Requires exactly this JSON body.
    pub fn body(self, value: &serde_json::Value) -> Self {
        Self(self.0.json_body_obj(value))
    }
}

/// An extension trait for [`MockServer`] with a method per consumer operation, as
/// [`MockServerExt`](crate::mock::MockServerExt) has for the B2B ones: type-checked
/// [`mock()`](MockServer::mock) calls.
pub trait ConsumerMockServerExt {
    /// **C1**: a user's Connected Apps.
    fn api_user_v1_connected_apps<F>(&self, config_fn: F) -> Mock<'_>
    where
        F: FnOnce(ApiUserV1ConnectedAppsWhen, ApiUserV1ConnectedAppsThen);

    /// **C2**: revoke a Connected App for a user.
    fn api_user_v1_revoke<F>(&self, config_fn: F) -> Mock<'_>
    where
        F: FnOnce(ApiUserV1RevokeWhen, ApiUserV1RevokeThen);

    /// Consumer `sessions/authenticate`.
    fn api_session_v1_authenticate<F>(&self, config_fn: F) -> Mock<'_>
    where
        F: FnOnce(ApiSessionV1AuthenticateWhen, ApiSessionV1AuthenticateThen);

    /// The consumer JWKS.
    fn api_session_v1_get_jwks<F>(&self, config_fn: F) -> Mock<'_>
    where
        F: FnOnce(ApiSessionV1GetJwksWhen, ApiSessionV1GetJwksThen);
}

impl ConsumerMockServerExt for MockServer {
    fn api_user_v1_connected_apps<F>(&self, config_fn: F) -> Mock<'_>
    where
        F: FnOnce(ApiUserV1ConnectedAppsWhen, ApiUserV1ConnectedAppsThen),
    {
        self.mock(|when, then| config_fn(ApiUserV1ConnectedAppsWhen::new(when), ApiUserV1ConnectedAppsThen::new(then)))
    }

    fn api_user_v1_revoke<F>(&self, config_fn: F) -> Mock<'_>
    where
        F: FnOnce(ApiUserV1RevokeWhen, ApiUserV1RevokeThen),
    {
        self.mock(|when, then| config_fn(ApiUserV1RevokeWhen::new(when), ApiUserV1RevokeThen::new(then)))
    }

    fn api_session_v1_authenticate<F>(&self, config_fn: F) -> Mock<'_>
    where
        F: FnOnce(ApiSessionV1AuthenticateWhen, ApiSessionV1AuthenticateThen),
    {
        self.mock(|when, then| {
            config_fn(ApiSessionV1AuthenticateWhen::new(when), ApiSessionV1AuthenticateThen::new(then))
        })
    }

    fn api_session_v1_get_jwks<F>(&self, config_fn: F) -> Mock<'_>
    where
        F: FnOnce(ApiSessionV1GetJwksWhen, ApiSessionV1GetJwksThen),
    {
        self.mock(|when, then| config_fn(ApiSessionV1GetJwksWhen::new(when), ApiSessionV1GetJwksThen::new(then)))
    }
}
