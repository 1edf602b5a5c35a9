//! The handwritten layer over the generated client. This file is its table of contents; each part lives in
//! `src/ext/` and holds one concern.

/// Errors of a response that arrived: [`ApiError`], [`ErrorDetails`], [`UnexpectedBody`].
mod api_error;
/// B2B calls for the member behind a session (organization and member inferred).
mod as_member;
/// Consumer calls for the user behind a session (user inferred).
mod as_user;
/// B2B calls (B1–B4), over the generated client.
mod b2b;
/// Composite calls: the consent audit and bulk revocations, bounded and paced, with per-item reports.
pub mod bulk;
/// The public [`Client`] and its scoped copies.
mod client;
/// Configuration: credentials, base URL, timeouts, `from_env`.
mod config;
/// Consumer calls (C1–C2), written by hand: the B2B spec lacks them.
mod consumer;
/// The type of every credential-shaped model field, which never prints: [`Credential`].
mod credential;
/// Which keys name a credential: the one list for the scrubber and for the generated models' field types.
mod credential_keys;
/// Decoding response bodies: success payloads and the error envelope, bounded and scrubbed.
mod decode;
/// Reading Stytch's error envelope leniently (scalars kept when `error_details` cannot be decoded).
mod envelope;
/// The one error type, its predicates, and [`InvalidInput`].
mod error;
/// Stytch's error types (`error_type`), known and unknown.
mod error_type;
/// Escaping server- and caller-provided text for one log line.
mod escape;
/// Decoder entry points for the fuzz targets (feature `fuzzing`).
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
/// Path identifiers: validation before anything is sent.
mod ids;
/// The RS256 backend of this build (jsonwebtoken's provider for the TLS feature's crypto library).
mod jwt_crypto;
/// Why a session JWT was rejected: [`JwtError`], [`JwtErrorKind`].
mod jwt_error;
/// Checking a session JWT's header, claims and signature against a key set.
mod jwt_verify;
/// The per-client cache of the project's signing keys (JWKS): lazy, single-flight, refreshed in the background.
mod key_cache;
/// Typed httpmock helpers for users' tests (feature `mock`).
#[cfg(feature = "mock")]
pub mod mock;
/// Models: friendly names for the generated types, and the handwritten consumer models.
pub mod models;
/// The six operations' ids, methods and path templates.
mod operations;
/// Per-call options, shared by the B2B and consumer handles.
mod per_call;
/// Cutting credentials out of server-provided text before it reaches an error or a trace.
mod redact;
/// Retry policy, retry budget, and the injectable sleep between attempts.
mod retry;
/// The secret wrapper that never prints.
mod secret;

/// Member and user sessions (`X-Stytch-Member-Session`, `X-Stytch-Member-SessionJWT`).
mod session;
/// Who is behind a session once verified: [`SessionMember`], [`MemberSessionClaims`], [`UserSessionClaims`].
mod session_claims;
/// Which TLS the HTTP client speaks (by feature).
mod tls;
/// Request execution shared by generated and handwritten calls: hooks, per-call options, status capture.
pub(crate) mod transport;
/// Transport failures and their classification (connect, timeout, I/O, protocol).
mod transport_error;
/// Local session verification: the policy, its settings, the verifier that owns the key caches.
mod verification;

pub use api_error::{ApiError, ErrorDetails, UnexpectedBody};
// For the emulator, which signs and checks the JWTs it issues with the same code.
pub use as_member::MemberSessionCalls;
pub use as_user::UserSessionCalls;
pub use b2b::B2b;
pub use client::Client;
pub use config::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_REQUEST_TIMEOUT, LIVE_BASE_URL,
    TEST_BASE_URL, base_url_for,
};
pub use consumer::Consumer;
pub use credential::Credential;
pub use error::{Error, InvalidInput};
pub use error_type::ErrorType;
#[cfg(feature = "emulator")]
pub(crate) use jwt_crypto::provider as jwt_provider;
pub use jwt_error::{JwtError, JwtErrorKind};
#[cfg(feature = "emulator")]
pub(crate) use jwt_verify::{Expected as JwtExpectations, KeySet, check as check_jwt};
pub use retry::{RetryBudget, RetryPolicy, Sleep, TokioSleep};
pub use secret::Secret;
pub use session::{MemberSession, UserSession};
pub use session_claims::{MemberSessionClaims, SessionMember, UserSessionClaims};
pub use transport_error::{TransportError, TransportErrorKind};
pub use verification::{
    DEFAULT_JWKS_REFETCH_COOLDOWN, DEFAULT_JWKS_REFRESH_INTERVAL, DEFAULT_JWT_LEEWAY, SessionVerification,
};
