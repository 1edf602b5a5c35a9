//! Which keys name a credential: the one list the scrubber (`src/ext/redact.rs`) cuts values by and the
//! generation (`openapi/codegen.rs`, included there with `#[path]`, as build.rs and xtask include that file) gives
//! the type [`Credential`](crate::Credential) by, so that a model field Stytch adds under such a name never prints.
//! Plain `std` only: it compiles in the build script too.

/// Keys whose value is a credential, taken from Stytch's B2B and Consumer OpenAPI documents (`shared/upstream/`:
/// every property described as a token to authenticate, a secret, a password, a private key or a one-time code)
/// plus the HTTP headers that carry credentials. Compared after lowercasing and turning `-` into `_`.
const CREDENTIAL_KEYS: &[&str] = &[
    // Sessions (the SDK sends these).
    "session_token",
    "session_jwt",
    "intermediate_session_token",
    "x_stytch_member_session",
    "x_stytch_member_sessionjwt",
    // OAuth and Connected Apps.
    "access_token",
    "refresh_token",
    "id_token",
    "bot_access_token",
    "bearer_token",
    "next_bearer_token",
    "client_secret",
    "next_client_secret",
    "authorization_code",
    "code_verifier",
    "pkce_code_verifier",
    // One-time tokens to authenticate.
    "token",
    "oauth_token",
    "sso_token",
    "magic_links_token",
    "discovery_magic_links_token",
    "discovery_oauth_token",
    "password_reset_token",
    "impersonation_token",
    "oauth_attach_token",
    // Passwords (and a migrated password's hash), TOTP and recovery codes.
    "password",
    "hash",
    "new_password",
    "existing_password",
    "secret",
    "totp_code",
    "otp_code",
    "passcode",
    "qr_code",
    "recovery_code",
    "recovery_codes",
    // Keys.
    "private_key",
    "signing_private_key",
    "saml_encryption_private_key",
    "encryption_private_keys",
    // HTTP headers a proxy may echo.
    "authorization",
    "proxy_authorization",
    "cookie",
    "set_cookie",
];

/// Endings that make any key a credential key, so that a field Stytch adds tomorrow (`next_session_token`) is
/// covered too. Every key above counts as an ending as well (`xtotp_code`). A bare `code` is not a credential key:
/// proxies, gateways and HTML (`<code>`) use the word for error codes, and the SDK never sends a one-time code.
const CREDENTIAL_ENDINGS: &[&str] =
    &["token", "jwt", "secret", "password", "private_key", "private_keys", "code_verifier"];

/// Is `key` the name of a credential (case and `-`/`_` ignored)? A key that ends with a credential's name counts
/// (`next_session_token`, or `idtotp_code` where a name was glued to the word before it).
pub(crate) fn is_credential_key(key: &str) -> bool {
    // Only the end matters; a huge "key" costs no more than a short one.
    let tail = key.char_indices().rev().nth(63).map_or(key, |(at, _)| &key[at..]);
    let key = normalize(tail);
    CREDENTIAL_KEYS.iter().chain(CREDENTIAL_ENDINGS).any(|name| key.ends_with(name))
}

pub(crate) fn normalize(key: &str) -> String {
    key.chars().map(|c| if c == '-' { '_' } else { c.to_ascii_lowercase() }).collect()
}
