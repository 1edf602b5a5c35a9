//! The response models. B2B models are the types progenitor generates (re-exported here under readable names;
//! the originals stay in [`crate::generated::types`]). The consumer models are handwritten, because the vendored
//! B2B spec lacks those endpoints; they mirror Stytch's Consumer OpenAPI and derive the same traits.

use serde::{Deserialize, Serialize};

use crate::Credential;

pub use crate::generated::types::ApiB2bIdpV1B2bIdpOauthAuthorizeRequest as MemberAuthorizeRequest;
pub use crate::generated::types::ApiB2bIdpV1B2bIdpOauthAuthorizeResponse as MemberAuthorizeResponse;
pub use crate::generated::types::ApiB2bIdpV1B2bIdpOauthAuthorizeStartRequest as MemberAuthorizeStartRequest;
pub use crate::generated::types::ApiB2bIdpV1B2bIdpOauthAuthorizeStartResponse as MemberAuthorizeStartResponse;
pub use crate::generated::types::ApiB2bIdpV1ScopeResult as MemberScopeResult;
pub use crate::generated::types::ApiB2bRbacV1Policy as RbacPolicy;
pub use crate::generated::types::ApiB2bRbacV1PolicyResponse as RbacPolicyResponse;
pub use crate::generated::types::ApiB2bRbacV1PolicyScope as RbacPolicyScope;
pub use crate::generated::types::ApiB2bRbacV1PolicyScopePermission as RbacPolicyScopePermission;
pub use crate::generated::types::ApiB2bSessionV1AuthenticateResponse as MemberSessionAuthenticateResponse;
pub use crate::generated::types::ApiB2bSessionV1GetJwksResponse as MemberJwksResponse;
pub use crate::generated::types::ApiB2bSessionV1MemberSession as MemberSessionDetails;
pub use crate::generated::types::ApiConnectedappsV1ConnectedApp as ConnectedAppClient;
pub use crate::generated::types::ApiConnectedappsV1ConnectedAppPublic as ConnectedAppPublic;
pub use crate::generated::types::ApiConnectedappsV1ConnectedAppWithClientSecret as ConnectedAppClientWithSecret;
pub use crate::generated::types::ApiConnectedappsV1ConnectedAppWithNextClientSecret as ConnectedAppClientWithNextSecret;
pub use crate::generated::types::ApiConnectedappsV1ConnectedAppsClientsCreateRequest as CreateClientRequest;
pub use crate::generated::types::ApiConnectedappsV1ConnectedAppsClientsCreateResponse as CreateClientResponse;
pub use crate::generated::types::ApiConnectedappsV1ConnectedAppsClientsDeleteResponse as DeleteClientResponse;
pub use crate::generated::types::ApiConnectedappsV1ConnectedAppsClientsGetResponse as GetClientResponse;
pub use crate::generated::types::ApiConnectedappsV1ConnectedAppsClientsSearchRequest as SearchClientsRequest;
pub use crate::generated::types::ApiConnectedappsV1ConnectedAppsClientsSearchResponse as SearchClientsResponse;
pub use crate::generated::types::ApiConnectedappsV1ConnectedAppsClientsSecretsRotateCancelResponse as RotateSecretCancelResponse;
pub use crate::generated::types::ApiConnectedappsV1ConnectedAppsClientsSecretsRotateResponse as RotateSecretResponse;
pub use crate::generated::types::ApiConnectedappsV1ConnectedAppsClientsSecretsRotateStartResponse as RotateSecretStartResponse;
pub use crate::generated::types::ApiConnectedappsV1ConnectedAppsClientsUpdateRequest as UpdateClientRequest;
pub use crate::generated::types::ApiConnectedappsV1ConnectedAppsClientsUpdateResponse as UpdateClientResponse;
pub use crate::generated::types::ApiConnectedappsV1ResultsMetadata as SearchResultsMetadata;
pub use crate::generated::types::ApiIdpV1IdpOauthAuthorizeRequest as UserAuthorizeRequest;
pub use crate::generated::types::ApiIdpV1IdpOauthAuthorizeResponse as UserAuthorizeResponse;
pub use crate::generated::types::ApiIdpV1IdpOauthAuthorizeStartRequest as UserAuthorizeStartRequest;
pub use crate::generated::types::ApiIdpV1IdpOauthAuthorizeStartResponse as UserAuthorizeStartResponse;
pub use crate::generated::types::ApiIdpV1ScopeResult as UserScopeResult;
pub use crate::generated::types::ApiOrganizationV1ConnectedAppsResponse as OrganizationConnectedAppsResponse;
pub use crate::generated::types::ApiOrganizationV1GetConnectedAppResponse as OrganizationConnectedAppResponse;
pub use crate::generated::types::ApiOrganizationV1MemberConnectedApp as MemberConnectedApp;
pub use crate::generated::types::ApiOrganizationV1OrganizationConnectedApp as OrganizationConnectedApp;
pub use crate::generated::types::ApiOrganizationV1OrganizationConnectedAppActiveMember as ActiveMember;
pub use crate::generated::types::ApiOrganizationV1OrganizationsMembersConnectedAppsRevokeResponse as RevokeMemberConnectedAppResponse;
pub use crate::generated::types::ApiOrganizationV1OrganizationsMembersGetConnectedAppsResponse as MemberConnectedAppsResponse;
pub use crate::generated::types::ApiSessionV1Jwk as Jwk;
pub use crate::generated::types::StytchErrorEnvelope as ErrorEnvelope;

/// What every response carries besides its payload.
pub trait ResponseMeta {
    /// Stytch's `request_id` (B2's may be absent). Log it; Stytch support asks for it.
    fn request_id(&self) -> Option<&str>;
    /// The `status_code` the body repeats.
    fn status_code(&self) -> i32;
    /// The credentials the response carries (a `sessions/authenticate` answer's `session_token` and
    /// `session_jwt`): the SDK keeps them out of what it records of the response, its `request_id` included.
    fn credentials(&self) -> Vec<&str> {
        Vec::new()
    }
}

macro_rules! response_meta {
    ($($model:ty => |$value:ident| $request_id:expr $(, carrying |$held:ident| $credentials:expr)?;)*) => {$(
        impl ResponseMeta for $model {
            fn request_id(&self) -> Option<&str> {
                let $value = self;
                $request_id
            }
            fn status_code(&self) -> i32 {
                self.status_code
            }
            $(
                fn credentials(&self) -> Vec<&str> {
                    let $held = self;
                    $credentials
                }
            )?
        }
    )*};
}

response_meta! {
    OrganizationConnectedAppsResponse => |r| Some(&r.request_id);
    OrganizationConnectedAppResponse => |r| r.request_id.as_deref();
    MemberConnectedAppsResponse => |r| Some(&r.request_id);
    RevokeMemberConnectedAppResponse => |r| Some(&r.request_id);
    UserConnectedAppsResponse => |r| Some(&r.request_id);
    RevokeUserConnectedAppResponse => |r| Some(&r.request_id);
    MemberSessionAuthenticateResponse => |r| Some(&r.request_id), carrying |r| vec![r.session_token.expose(), r.session_jwt.expose()];
    UserSessionAuthenticateResponse => |r| Some(&r.request_id), carrying |r| vec![r.session_token.expose(), r.session_jwt.expose()];
    MemberJwksResponse => |r| Some(&r.request_id);
    RbacPolicyResponse => |r| Some(&r.request_id);
    UserJwksResponse => |r| Some(&r.request_id);
    CreateClientResponse => |r| Some(&r.request_id),
        carrying |r| r.connected_app.client_secret.iter().map(crate::ClientSecret::expose).collect();
    GetClientResponse => |r| Some(&r.request_id);
    UpdateClientResponse => |r| Some(&r.request_id);
    DeleteClientResponse => |r| Some(&r.request_id);
    SearchClientsResponse => |r| Some(&r.request_id);
    RotateSecretStartResponse => |r| Some(&r.request_id), carrying |r| vec![r.connected_app.next_client_secret.expose()];
    RotateSecretResponse => |r| Some(&r.request_id);
    RotateSecretCancelResponse => |r| Some(&r.request_id);
    MemberAuthorizeStartResponse => |r| Some(&r.request_id);
    UserAuthorizeStartResponse => |r| Some(&r.request_id);
    MemberAuthorizeResponse => |r| Some(&r.request_id),
        carrying |r| r.authorization_code.iter().chain([&r.redirect_uri]).map(crate::Credential::expose).collect();
    UserAuthorizeResponse => |r| Some(&r.request_id),
        carrying |r| r.authorization_code.iter().chain([&r.redirect_uri]).map(crate::Credential::expose).collect();
}

/// `GET /v1/sessions/jwks/{project_id}` response (`api_session_v1_GetJWKSResponse`): the keys that sign the
/// project's consumer session JWTs. The keys are the generated [`Jwk`] (the B2B spec declares the same schema).
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UserJwksResponse {
    /// The project's JSON Web Keys; during a rotation, the old and the new.
    pub keys: Vec<Jwk>,
    /// Globally unique UUID that is returned with every API call.
    pub request_id: String,
    /// The HTTP status code of the response.
    pub status_code: i32,
}

/// **C1** response (`api_user_v1_ConnectedAppsResponse`): the Connected Apps a User has authorized.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UserConnectedAppsResponse {
    /// An array of Connected Apps with which the User has successfully completed an authorization flow.
    pub connected_apps: Vec<UserConnectedApp>,
    /// Globally unique UUID that is returned with every API call. Log it; Stytch support asks for it.
    pub request_id: String,
    /// The HTTP status code of the response.
    pub status_code: i32,
}

/// One app of a [`UserConnectedAppsResponse`] (`api_user_v1_UserConnectedApp`).
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UserConnectedApp {
    /// The type of Connected App. Documented values are `first_party`, `first_party_public`, `third_party` and
    /// `third_party_public`; any other value is kept as sent.
    pub client_type: String,
    /// The ID of the Connected App.
    pub connected_app_id: String,
    /// A description of the Connected App.
    pub description: String,
    /// The logo URL of the Connected App, if any (Stytch sends `null` when there is none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    /// The name of the Connected App.
    pub name: String,
    /// The scopes granted at the completion of the last authorization flow, as ONE space-separated string
    /// (e.g. `"openid profile email"`).
    pub scopes_granted: String,
}

/// **C2** response (`api_user_v1_RevokeResponse`).
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct RevokeUserConnectedAppResponse {
    /// Globally unique UUID that is returned with every API call.
    pub request_id: String,
    /// The HTTP status code of the response.
    pub status_code: i32,
}

/// `POST /v1/sessions/authenticate` response (`api_session_v1_AuthenticateResponse`), used to learn the user
/// behind a consumer session. `user` and `verdict` are kept as raw JSON: the SDK only reads `session.user_id`.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UserSessionAuthenticateResponse {
    /// Globally unique UUID that is returned with every API call.
    pub request_id: String,
    /// The session.
    pub session: UserSessionDetails,
    /// The session token (never printed: [`Credential::expose`] reads it).
    pub session_token: Credential,
    /// The session JWT (never printed: [`Credential::expose`] reads it).
    pub session_jwt: Credential,
    /// The user, as Stytch sent it.
    pub user: serde_json::Map<String, serde_json::Value>,
    /// The HTTP status code of the response.
    pub status_code: i32,
    /// The authorization check's verdict, when one was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<serde_json::Map<String, serde_json::Value>>,
}

/// The session of a [`UserSessionAuthenticateResponse`] (`api_session_v1_Session`).
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UserSessionDetails {
    /// The session's id.
    pub session_id: String,
    /// The user the session belongs to.
    pub user_id: String,
    /// How the user authenticated, as Stytch sent it.
    pub authentication_factors: Vec<serde_json::Map<String, serde_json::Value>>,
    /// The session's roles.
    pub roles: Vec<String>,
    /// RFC 3339 timestamps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    /// RFC 3339 timestamp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_accessed_at: Option<String>,
    /// RFC 3339 timestamp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Session attributes (IP address, user agent), as Stytch sent them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Map<String, serde_json::Value>>,
    /// Custom claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_claims: Option<serde_json::Map<String, serde_json::Value>>,
}
