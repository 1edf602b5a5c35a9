//! Which keys name a credential: the one list the scrubber (`src/ext/hygiene/redact.rs`) cuts values by and the
//! generation (`openapi/codegen.rs`, included there with `#[path]`, as build.rs and xtask include that file) gives
//! the type [`Credential`](crate::Credential) by, so that a model field Stytch adds under such a name never prints.
//! Plain `std` only: it compiles in the build script too.

/// Keys whose value is a credential, taken from Stytch's B2B and Consumer OpenAPI documents (`shared/upstream/`:
/// every property described as a token to authenticate, a secret, a password, a private key or a one-time code)
/// plus the HTTP headers that carry credentials. Compared after lowercasing and turning `-` into `_`.
pub(crate) const CREDENTIAL_KEYS: &[&str] = &[
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
pub(crate) const CREDENTIAL_ENDINGS: &[&str] =
    &["token", "jwt", "secret", "password", "private_key", "private_keys", "code_verifier"];

/// Is `key` the name of a credential (case and `-`/`_` ignored)? A key that ends with a credential's name counts
/// (`next_session_token`, or `idtotp_code` where a name was glued to the word before it).
///
/// It runs on every word of every text the scrubber reads, so it allocates nothing and looks at the end only: the
/// key is compared, from its last byte back and normalized on the fly, with the few names that end with the same
/// byte and that no shorter name already covers (`token` covers every `..._token`): at most six, none for most
/// words. A huge "key" costs no more than a short one.
pub(crate) fn is_credential_key(key: &str) -> bool {
    let key = key.as_bytes();
    let Some(&last) = key.last() else { return false };
    let last = usize::from(normalize_byte(last));
    let (start, end) = (usize::from(BY_LAST_BYTE.starts[last]), usize::from(BY_LAST_BYTE.starts[last + 1]));
    BY_LAST_BYTE.names[start..end].iter().any(|name| ends_with_name(key, name.as_bytes()))
}

/// Does `key`, normalized, end with `name` (already lowercase, `_` for `-`)? Compared from the end.
fn ends_with_name(key: &[u8], name: &[u8]) -> bool {
    key.len() >= name.len()
        && key.iter().rev().zip(name.iter().rev()).all(|(&byte, &expected)| normalize_byte(byte) == expected)
}

/// One byte as keys are compared: ASCII lowercase, `-` read as `_` (any other byte, UTF-8 included, as it is).
const fn normalize_byte(byte: u8) -> u8 {
    if byte == b'-' { b'_' } else { byte.to_ascii_lowercase() }
}

/// How many names the two lists hold together.
const NAMES: usize = CREDENTIAL_KEYS.len() + CREDENTIAL_ENDINGS.len();

/// The names a key is compared with, grouped by their last byte: `names[starts[b]..starts[b + 1]]` end with `b`.
struct ByLastByte {
    names: [&'static str; NAMES],
    starts: [u16; 257],
}

/// Built at compile time from the two lists: every name, unless another name is a suffix of it (a key ending with
/// it ends with that one too) or it repeats an earlier one.
const BY_LAST_BYTE: ByLastByte = {
    let mut all = [""; NAMES];
    let mut i = 0;
    while i < NAMES {
        all[i] =
            if i < CREDENTIAL_KEYS.len() { CREDENTIAL_KEYS[i] } else { CREDENTIAL_ENDINGS[i - CREDENTIAL_KEYS.len()] };
        i += 1;
    }
    let mut names = [""; NAMES];
    let mut starts = [0u16; 257];
    let mut count = 0;
    let mut byte = 0;
    while byte < 256 {
        starts[byte] = count as u16;
        let mut i = 0;
        while i < NAMES {
            let name = all[i].as_bytes();
            if name[name.len() - 1] as usize == byte && !covered(&all, i) {
                names[count] = all[i];
                count += 1;
            }
            i += 1;
        }
        byte += 1;
    }
    starts[256] = count as u16;
    ByLastByte { names, starts }
};

/// Is name `index` of `all` covered by another: a different, shorter name that is a suffix of it, or the same name
/// earlier in the list?
const fn covered(all: &[&str; NAMES], index: usize) -> bool {
    let name = all[index].as_bytes();
    let mut other = 0;
    while other < NAMES {
        let suffix = all[other].as_bytes();
        if other != index && suffix.len() <= name.len() && (suffix.len() < name.len() || other < index) {
            let mut matches = true;
            let mut k = 1;
            while k <= suffix.len() {
                if name[name.len() - k] != suffix[suffix.len() - k] {
                    matches = false;
                }
                k += 1;
            }
            if matches {
                return true;
            }
        }
        other += 1;
    }
    false
}

/// `key` as keys are compared (ASCII lowercase, `-` read as `_`).
pub(crate) fn normalize(key: &str) -> String {
    key.chars().map(|c| if c == '-' { '_' } else { c.to_ascii_lowercase() }).collect()
}
