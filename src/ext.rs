//! The handwritten layer over the generated client. This file is its table of contents: each folder of
//! `src/ext/` is one group of concerns, each file in it one concern.

/// Access tokens: what a Connected App presents to your API, verified, and what it may do.
mod access_tokens {
    /// B2B authorization checks against the project's RBAC policy, and the policy's cache.
    pub(crate) mod authorization;
    /// What a verified token says: [`AccessTokenClaims`](crate::AccessTokenClaims), [`Scopes`](crate::Scopes).
    pub(crate) mod claims;
    /// Why a token was refused: [`AccessTokenError`](crate::AccessTokenError).
    pub(crate) mod error;
    /// RFC 7662 introspection, as a Connected App: [`IntrospectionClient`](crate::IntrospectionClient).
    pub(crate) mod introspection;
    /// Where a token is verified: [`TokenVerification`](crate::TokenVerification).
    pub(crate) mod policy;
    /// The access token's profile over the JWT core: `client_id`, `scope`, the organization.
    pub(crate) mod profile;
    /// What one call requires of a token: [`TokenRequirements`](crate::TokenRequirements).
    pub(crate) mod requirements;
    /// [`AccessTokens`](crate::AccessTokens): the verifier.
    pub(crate) mod verifier;
}

/// Calls: the operations and what each one sends.
mod calls {
    /// B2B calls for the member behind a session (organization and member inferred).
    pub(crate) mod as_member;
    /// Consumer calls for the user behind a session (user inferred).
    pub(crate) mod as_user;
    /// B2B calls (B1–B4), over the generated client.
    pub(crate) mod b2b;
    /// Connected Apps clients: create, read, update, delete, search, secret rotation.
    pub(crate) mod clients;
    /// The consent grant: `authorize/start` and `authorize`, B2B and consumer, by ids or by session.
    pub(crate) mod consent;
    /// Consumer calls (C1–C2), written by hand: the B2B spec lacks them.
    pub(crate) mod consumer;
    /// Path identifiers: validation before anything is sent.
    pub(crate) mod ids;
    /// The operations' ids, methods and path templates.
    pub(crate) mod operations;
    /// Per-call options, shared by the B2B and consumer handles.
    pub(crate) mod per_call;
}

/// The client: its handle, its configuration, its TLS.
mod client {
    /// Configuration: credentials, base URL, timeouts, `from_env`.
    pub(crate) mod config;
    /// The public [`Client`](crate::Client) and its scoped copies.
    pub(crate) mod handle;
    /// Which TLS the HTTP client speaks (by feature).
    pub(crate) mod tls;
}

/// Errors: the one error type, and decoding what a server answered into it.
mod errors {
    /// Errors of a response that arrived: [`ApiError`](crate::ApiError), [`ErrorDetails`](crate::ErrorDetails),
    /// [`UnexpectedBody`](crate::UnexpectedBody).
    pub(crate) mod api_error;
    /// Decoding response bodies: success payloads and the error envelope, bounded and scrubbed.
    pub(crate) mod decode;
    /// Reading Stytch's error envelope leniently (scalars kept when `error_details` cannot be decoded).
    pub(crate) mod envelope;
    /// The one error type, its predicates, and [`InvalidInput`](crate::InvalidInput).
    pub(crate) mod error;
    /// Stytch's error types (`error_type`), known and unknown.
    pub(crate) mod error_type;
}

/// Hygiene: what never prints, and what is cut or escaped before text reaches an error, a log or a terminal.
mod hygiene {
    /// The type of the client secrets Stytch returns once, which never prints and serializes only when asked:
    /// [`ClientSecret`](crate::ClientSecret).
    pub(crate) mod client_secret;
    /// The type of every credential-shaped model field, which never prints: [`Credential`](crate::Credential).
    pub(crate) mod credential;
    /// Which keys name a credential: the one list for the scrubber and for the generated models' field types.
    pub(crate) mod credential_keys;
    /// Escaping server- and caller-provided text for one log line.
    pub(crate) mod escape;
    /// What every string wrapper that never prints has in common.
    pub(crate) mod never_prints;
    /// Cutting credentials out of server-provided text before it reaches an error or a trace.
    pub(crate) mod redact;
    /// The secret wrapper that never prints.
    pub(crate) mod secret;
}

/// JWTs: the checks every Stytch JWT gets, the RS256 backend, and the cache of the project's signing keys.
mod jwt {
    /// The RS256 backend of this build (jsonwebtoken's provider for the TLS feature's crypto library).
    pub(crate) mod crypto;
    /// Why a JWT was rejected: [`JwtError`](crate::JwtError), [`JwtErrorKind`](crate::JwtErrorKind).
    pub(crate) mod error;
    /// The project's JWKS endpoints, and the fetcher a key cache reads one through.
    pub(crate) mod jwks;
    /// The per-client cache of the project's signing keys (JWKS): lazy, single-flight, refreshed in the background.
    pub(crate) mod key_cache;
    /// A JWKS's usable keys.
    pub(crate) mod key_set;
    /// The JWT core: header, registered claims and signature, with a profile for each kind of token.
    pub(crate) mod verify;
}

/// Member and user sessions: the headers, the verified claims, local verification.
mod sessions {
    /// Who is behind a session once verified: [`SessionMember`](crate::SessionMember),
    /// [`MemberSessionClaims`](crate::MemberSessionClaims), [`UserSessionClaims`](crate::UserSessionClaims).
    pub(crate) mod claims;
    /// Member and user sessions (`X-Stytch-Member-Session`, `X-Stytch-Member-SessionJWT`).
    pub(crate) mod session;
    /// The session JWT's profile over the JWT core: the session claim, the organization.
    pub(crate) mod session_jwt;
    /// Local session verification: the policy, its settings, the verifier that owns the key caches.
    pub(crate) mod verification;
}

/// Protecting your API (feature `axum`): a tower layer, an axum extractor, RFC 6750 answers, RFC 9728 metadata.
#[cfg(feature = "axum")]
mod resource_server {
    /// The request's bearer token (RFC 6750 §2.1).
    pub(crate) mod bearer;
    /// [`VerifiedToken`](crate::VerifiedToken), the axum extractor.
    pub(crate) mod extractor;
    /// [`AccessTokenLayer`](crate::AccessTokenLayer), the tower layer.
    pub(crate) mod layer;
    /// [`ProtectedResource`](crate::ProtectedResource): RFC 9728 metadata.
    pub(crate) mod metadata;
    /// RFC 6750 answers.
    pub(crate) mod rejection;
}

/// The one request path, for generated and handwritten calls: hooks, per-call scope, retry loop, tracing.
pub(crate) mod transport {
    /// The retry loop: attempts, each with its timeout and its body read (bounded).
    mod attempts;
    /// Transport failures and their classification (connect, timeout, I/O, protocol).
    pub(crate) mod error;
    /// A generated call, start to finish (span, deadline, scope, request, decoding).
    pub(crate) mod generated;
    /// A handwritten call, start to finish (span, deadline, scope, request, decoding).
    pub(crate) mod handwritten;
    /// progenitor's hooks for the generated client (header hygiene, `exec`).
    mod hooks;
    /// Options for one call, and what the transport saw during it.
    mod options;
    /// Retry policy, retry budget, and the injectable sleep between attempts.
    pub(crate) mod retry;
    /// The task-local scope each call runs in.
    mod scope;
    /// Handwritten requests through the same hooks and retry loop.
    mod send;
    /// One fetch at a time of what every caller shares (signing keys, the RBAC policy), in a task of its own.
    pub(crate) mod single_flight;
    /// The per-client state the request path reads (progenitor's `inner` type).
    mod state;
    /// One tracing span per call.
    mod traced;

    pub(crate) use options::CallOptions;
    pub(crate) use scope::scoped;
    pub(crate) use send::{Body, send};
    pub use state::ClientState;
    pub(crate) use traced::traced;
}

/// Composite calls: the consent audit and bulk revocations, bounded and paced, with per-item reports.
pub mod bulk;
/// Decoder entry points for the fuzz targets (feature `fuzzing`).
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
/// Typed httpmock helpers for users' tests (feature `mock`).
#[cfg(feature = "mock")]
pub mod mock;
/// Models: friendly names for the generated types, and the handwritten consumer models.
pub mod models;

pub use access_tokens::authorization::{AuthorizationCheck, DEFAULT_RBAC_POLICY_REFRESH_INTERVAL};
pub use access_tokens::claims::{AccessTokenClaims, Scopes, TokenOrganization, VerifiedBy};
pub use access_tokens::error::AccessTokenError;
pub use access_tokens::introspection::IntrospectionClient;
pub use access_tokens::policy::TokenVerification;
pub use access_tokens::requirements::TokenRequirements;
pub use access_tokens::verifier::AccessTokens;
pub use calls::as_member::MemberSessionCalls;
pub use calls::as_user::UserSessionCalls;
pub use calls::b2b::B2b;
pub use calls::clients::ConnectedApps;
pub use calls::consumer::Consumer;
pub use client::config::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_REQUEST_TIMEOUT, LIVE_BASE_URL,
    TEST_BASE_URL, base_url_for,
};
pub use client::handle::Client;
pub use errors::api_error::{ApiError, ErrorDetails, UnexpectedBody};
pub use errors::error::{Error, InvalidInput};
pub use errors::error_type::ErrorType;
pub use hygiene::client_secret::{ClientSecret, ExposeSecrets};
pub use hygiene::credential::Credential;
pub use hygiene::secret::Secret;
// For the emulator, which signs and checks the JWTs it issues with the same code.
#[cfg(feature = "emulator")]
pub(crate) use access_tokens::profile::AccessTokenProfile;
#[cfg(feature = "emulator")]
pub(crate) use jwt::crypto::provider as jwt_provider;
pub use jwt::error::{JwtError, JwtErrorKind};
#[cfg(feature = "emulator")]
pub(crate) use jwt::key_set::KeySet;
#[cfg(feature = "emulator")]
pub(crate) use jwt::verify::{Expected as JwtExpectations, check as check_jwt};
#[cfg(feature = "axum")]
pub use resource_server::extractor::VerifiedToken;
#[cfg(feature = "axum")]
pub use resource_server::layer::{AccessTokenLayer, AccessTokenService};
#[cfg(feature = "axum")]
pub use resource_server::metadata::{ProtectedResource, WELL_KNOWN_PATH};
pub use sessions::claims::{MemberSessionClaims, SessionMember, UserSessionClaims};
pub use sessions::session::{MemberSession, UserSession};
#[cfg(feature = "emulator")]
pub(crate) use sessions::session_jwt::SessionProfile;
pub use sessions::verification::{
    DEFAULT_JWKS_REFETCH_COOLDOWN, DEFAULT_JWKS_REFRESH_INTERVAL, DEFAULT_JWT_LEEWAY, SessionVerification,
};
pub use transport::error::{TransportError, TransportErrorKind};
pub use transport::retry::{RetryBudget, RetryPolicy, Sleep, TokioSleep};
