//! The operations: their ids (progenitor's, snake_cased), methods and path templates, for errors and traces.

use reqwest::Method;

/// One API operation.
#[derive(Debug)]
pub(crate) struct Operation {
    /// progenitor's operation id (the spec's operationId, snake_cased); errors name it.
    pub(crate) id: &'static str,
    pub(crate) method: Method,
    /// The path template, ids as `{placeholders}`: safe to log.
    pub(crate) path: &'static str,
}

pub(crate) const B1: Operation = Operation {
    id: "api_organization_v1_connected_apps",
    method: Method::GET,
    path: "/v1/b2b/organizations/{organization_id}/connected_apps",
};

pub(crate) const B2: Operation = Operation {
    id: "api_organization_v1_get_connected_app",
    method: Method::GET,
    path: "/v1/b2b/organizations/{organization_id}/connected_apps/{connected_app_id}",
};

pub(crate) const B3: Operation = Operation {
    id: "api_organization_v1_organizations_members_get_connected_apps",
    method: Method::GET,
    path: "/v1/b2b/organizations/{organization_id}/members/{member_id}/connected_apps",
};

pub(crate) const B4: Operation = Operation {
    id: "api_organization_v1_organizations_members_connected_apps_revoke",
    method: Method::POST,
    path: "/v1/b2b/organizations/{organization_id}/members/{member_id}/connected_apps/{connected_app_id}/revoke",
};

pub(crate) const C1: Operation =
    Operation { id: "api_user_v1_connected_apps", method: Method::GET, path: "/v1/users/{user_id}/connected_apps" };

pub(crate) const C2: Operation = Operation {
    id: "api_user_v1_revoke",
    method: Method::POST,
    path: "/v1/users/{user_id}/connected_apps/{connected_app_id}/revoke",
};

pub(crate) const MEMBER_SESSION_AUTHENTICATE: Operation =
    Operation { id: "api_b2b_session_v1_authenticate", method: Method::POST, path: "/v1/b2b/sessions/authenticate" };

pub(crate) const USER_SESSION_AUTHENTICATE: Operation =
    Operation { id: "api_session_v1_authenticate", method: Method::POST, path: "/v1/sessions/authenticate" };

pub(crate) const B2B_JWKS: Operation =
    Operation { id: "api_b2b_session_v1_get_jwks", method: Method::GET, path: "/v1/b2b/sessions/jwks/{project_id}" };

pub(crate) const USER_JWKS: Operation =
    Operation { id: "api_session_v1_get_jwks", method: Method::GET, path: "/v1/sessions/jwks/{project_id}" };

pub(crate) const RBAC_POLICY: Operation =
    Operation { id: "api_b2b_rbac_v1_policy", method: Method::GET, path: "/v1/b2b/rbac/policy" };

/// `POST /v1/connected_apps/clients`: creates a Connected App.
pub(crate) const CLIENT_CREATE: Operation = Operation {
    id: "api_connectedapps_v1_connected_apps_clients_create",
    method: Method::POST,
    path: "/v1/connected_apps/clients",
};

/// `GET /v1/connected_apps/clients/{client_id}`.
pub(crate) const CLIENT_GET: Operation = Operation {
    id: "api_connectedapps_v1_connected_apps_clients_get",
    method: Method::GET,
    path: "/v1/connected_apps/clients/{client_id}",
};

/// `PUT /v1/connected_apps/clients/{client_id}`.
pub(crate) const CLIENT_UPDATE: Operation = Operation {
    id: "api_connectedapps_v1_connected_apps_clients_update",
    method: Method::PUT,
    path: "/v1/connected_apps/clients/{client_id}",
};

/// `DELETE /v1/connected_apps/clients/{client_id}`.
pub(crate) const CLIENT_DELETE: Operation = Operation {
    id: "api_connectedapps_v1_connected_apps_clients_delete",
    method: Method::DELETE,
    path: "/v1/connected_apps/clients/{client_id}",
};

/// `POST /v1/connected_apps/clients/search`.
pub(crate) const CLIENT_SEARCH: Operation = Operation {
    id: "api_connectedapps_v1_connected_apps_clients_search",
    method: Method::POST,
    path: "/v1/connected_apps/clients/search",
};

/// `POST /v1/connected_apps/clients/{client_id}/secrets/rotate/start`.
pub(crate) const CLIENT_ROTATE_START: Operation = Operation {
    id: "api_connectedapps_v1_connected_apps_clients_secrets_rotate_start",
    method: Method::POST,
    path: "/v1/connected_apps/clients/{client_id}/secrets/rotate/start",
};

/// `POST /v1/connected_apps/clients/{client_id}/secrets/rotate`.
pub(crate) const CLIENT_ROTATE: Operation = Operation {
    id: "api_connectedapps_v1_connected_apps_clients_secrets_rotate",
    method: Method::POST,
    path: "/v1/connected_apps/clients/{client_id}/secrets/rotate",
};

/// `POST /v1/connected_apps/clients/{client_id}/secrets/rotate/cancel`.
pub(crate) const CLIENT_ROTATE_CANCEL: Operation = Operation {
    id: "api_connectedapps_v1_connected_apps_clients_secrets_rotate_cancel",
    method: Method::POST,
    path: "/v1/connected_apps/clients/{client_id}/secrets/rotate/cancel",
};

/// `POST /v1/b2b/idp/oauth/authorize/start`: what an app asks of a member.
pub(crate) const B2B_AUTHORIZE_START: Operation = Operation {
    id: "api_b2b_idp_v1_b2b_idp_oauth_authorize_start",
    method: Method::POST,
    path: "/v1/b2b/idp/oauth/authorize/start",
};

/// `POST /v1/b2b/idp/oauth/authorize`: the member's decision.
pub(crate) const B2B_AUTHORIZE: Operation = Operation {
    id: "api_b2b_idp_v1_b2b_idp_oauth_authorize",
    method: Method::POST,
    path: "/v1/b2b/idp/oauth/authorize",
};

/// `POST /v1/idp/oauth/authorize/start`: what an app asks of a user.
pub(crate) const USER_AUTHORIZE_START: Operation = Operation {
    id: "api_idp_v1_idp_oauth_authorize_start",
    method: Method::POST,
    path: "/v1/idp/oauth/authorize/start",
};

/// `POST /v1/idp/oauth/authorize`: the user's decision.
pub(crate) const USER_AUTHORIZE: Operation =
    Operation { id: "api_idp_v1_idp_oauth_authorize", method: Method::POST, path: "/v1/idp/oauth/authorize" };

/// RFC 7662 token introspection at Stytch's legacy address. It carries a Connected App's credentials (or none),
/// never the project's.
pub(crate) const INTROSPECT: Operation =
    Operation { id: "oauth2_introspect", method: Method::POST, path: "/v1/public/{project_id}/oauth2/introspect" };

/// The same, on the project's custom domain (where Stytch's documentation sends it when there is one).
pub(crate) const INTROSPECT_ON_CUSTOM_DOMAIN: Operation =
    Operation { id: "oauth2_introspect", method: Method::POST, path: "/v1/oauth2/introspect" };

/// The project's signing keys on its custom domain (a standard JWKS document, served without authentication):
/// the key set access tokens issued on that domain are verified with.
pub(crate) const JWKS_ON_CUSTOM_DOMAIN: Operation =
    Operation { id: "well_known_jwks", method: Method::GET, path: "/.well-known/jwks.json" };

/// The operations (by id) that must not run twice: each creates, changes or deletes something, or issues a secret
/// or a code. The retry loop retries them only where Stytch cannot have run them (a `429`, a connection never
/// made), whoever calls them (this crate's handles, or the generated client directly), and
/// [`Error::is_retryable`](crate::Error::is_retryable) says `false` after any other failure of theirs.
pub(crate) const MUST_NOT_REPEAT: [&str; 8] = [
    CLIENT_CREATE.id,
    CLIENT_UPDATE.id,
    CLIENT_DELETE.id,
    CLIENT_ROTATE_START.id,
    CLIENT_ROTATE.id,
    CLIENT_ROTATE_CANCEL.id,
    B2B_AUTHORIZE.id,
    USER_AUTHORIZE.id,
];

/// Whether the operation `id` must not run twice (see [`MUST_NOT_REPEAT`]).
pub(crate) fn must_not_repeat(id: &str) -> bool {
    MUST_NOT_REPEAT.contains(&id)
}

/// The operations (by id) whose requests never carry the project's credentials.
pub(crate) const WITHOUT_PROJECT_CREDENTIALS: [&str; 2] = [INTROSPECT.id, JWKS_ON_CUSTOM_DOMAIN.id];

/// The operations that carry the member-session headers when the call has a session (B1–B4).
#[cfg(feature = "mock")]
pub(crate) const WITH_MEMBER_SESSION: [&Operation; 4] = [&B1, &B2, &B3, &B4];

/// The operations whose body the SDK always sends as `{}` (the two revokes, the three rotation steps).
#[cfg(feature = "mock")]
pub(crate) const EMPTY_OBJECT_BODY: [&Operation; 5] =
    [&B4, &C2, &CLIENT_ROTATE_START, &CLIENT_ROTATE, &CLIENT_ROTATE_CANCEL];
