//! Verifying a Stytch session JWT locally, against the project's key set: the header (`RS256` only, a `kid`),
//! the signature (jsonwebtoken's RS256 verifier of this build's backend), then the claims Stytch's SDKs check
//! (`iss`, `aud`, `exp`, `nbf`, the session's own expiry, and optionally the token's age).
//!
//! Claims are read from a JSON map one by one with their expected JSON type, so a string where a number belongs
//! (`"exp": "9999999999"`) is malformed rather than coerced, and every missing claim is named.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{Map, Value};

use crate::ext::jwt_crypto;
use crate::ext::jwt_error::{JwtError, JwtErrorKind};

/// Longer JWTs are refused before any parsing (Stytch's are about 1 KiB; custom claims can add some).
pub(crate) const MAX_JWT_BYTES: usize = 16 * 1024;
/// Keys with a shorter modulus are ignored (what aws-lc accepts for RS256, and NIST's floor).
const MIN_MODULUS_BITS: usize = 2048;
/// Larger moduli are ignored: RustCrypto's `rsa` refuses more than 4096 bits, and every backend must agree on
/// which keys count (it also bounds the cost of one verification).
const MAX_MODULUS_BITS: usize = 4096;
/// Keys beyond this many in one key set are ignored (Stytch serves one, two during a rotation).
const MAX_KEYS: usize = 16;

/// The claim that carries the session.
pub(crate) const SESSION_CLAIM: &str = "https://stytch.com/session";
/// The claim that carries a member session's organization.
pub(crate) const ORGANIZATION_CLAIM: &str = "https://stytch.com/organization";
/// Claims that are not custom claims.
const REGISTERED: [&str; 9] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti", SESSION_CLAIM, ORGANIZATION_CLAIM];

/// The usable keys of a JWKS, by `kid`: RSA keys for signatures with RS256 (or no `alg`) that [`rsa_key`] accepts.
/// Others are skipped, not fatal: one odd key must not disable verification with the rest.
#[derive(Clone, Default)]
pub(crate) struct KeySet {
    keys: HashMap<String, Arc<DecodingKey>>,
}

impl KeySet {
    /// The usable keys among a JWKS's `keys` (raw JSON, so that a key missing an optional field still counts).
    pub(crate) fn from_jwks(keys: &[Value]) -> Self {
        let mut usable = HashMap::new();
        for key in keys {
            if usable.len() == MAX_KEYS {
                break;
            }
            let field = |name: &str| key.get(name).and_then(Value::as_str);
            let (Some("RSA"), Some(kid), Some(n), Some(e)) = (field("kty"), field("kid"), field("n"), field("e"))
            else {
                continue;
            };
            if !matches!(field("alg"), None | Some("RS256")) || !matches!(field("use"), None | Some("sig")) {
                continue;
            }
            let Some(key) = rsa_key(n, e) else { continue };
            usable.entry(kid.to_owned()).or_insert_with(|| Arc::new(key));
        }
        Self { keys: usable }
    }

    /// The key with this `kid`.
    pub(crate) fn get(&self, kid: &str) -> Option<Arc<DecodingKey>> {
        self.keys.get(kid).cloned()
    }

    /// How many usable keys there are.
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }
}

/// An RSA public key from a JWK's base64url `n` and `e`: leading zero bytes removed (aws-lc refuses them,
/// RustCrypto does not: both must see the same key), a modulus of 2048 to 4096 bits, an odd exponent of 3 to 2^32-1.
fn rsa_key(n: &str, e: &str) -> Option<DecodingKey> {
    let decode = |text: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).ok();
    let (n, e) = (decode(n)?, decode(e)?);
    let strip = |bytes: &[u8]| bytes.iter().position(|b| *b != 0).map(|first| bytes[first..].to_vec());
    let (n, e) = (strip(&n)?, strip(&e)?);
    // `n` and `e` are non-empty and start with a non-zero byte here.
    let bits = (n.len() - 1) * 8 + (8 - n[0].leading_zeros() as usize);
    let exponent = e.iter().fold(0u64, |value, byte| (value << 8) | u64::from(*byte));
    let exponent_ok = e.len() <= 4 && exponent >= 3 && exponent % 2 == 1;
    if !(MIN_MODULUS_BITS..=MAX_MODULUS_BITS).contains(&bits) || !exponent_ok {
        return None;
    }
    Some(DecodingKey::from_rsa_raw_components(&n, &e))
}

/// What a verified JWT must satisfy besides its signature.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Expected<'a> {
    /// `member session JWT` or `user session JWT`, for errors.
    pub(crate) what: &'static str,
    pub(crate) project_id: &'a str,
    /// Tolerance for `exp`, `nbf` and the session's expiry (clocks drift).
    pub(crate) leeway: Duration,
    /// Older tokens (by `iat`) are [`JwtErrorKind::TooOld`].
    pub(crate) max_token_age: Option<Duration>,
    pub(crate) now: SystemTime,
}

/// The claims of a verified session JWT.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Verified {
    pub(crate) subject: String,
    /// `organization_id` and `slug` of the organization claim (member sessions).
    pub(crate) organization: Option<(String, Option<String>)>,
    pub(crate) session_id: String,
    pub(crate) roles: Vec<String>,
    pub(crate) issued_at: Option<SystemTime>,
    pub(crate) expires_at: SystemTime,
    pub(crate) session_expires_at: SystemTime,
    pub(crate) custom_claims: Map<String, Value>,
}

/// A JWT whose header and claims passed every check, **before** its signature is checked: its claims must not be
/// used until [`Checked::signed_by`] says the key of `kid` signed it. Checking the claims first means a JWT that is
/// expired, foreign or malformed is refused without a key lookup, a JWKS request or an RSA operation.
#[derive(Debug)]
pub(crate) struct Checked {
    /// The key the JWT names.
    pub(crate) kid: String,
    claims: Verified,
    what: &'static str,
    /// Older than `max_token_age`: reported only once the signature holds, so that a forged JWT can never pass
    /// for an authentic old one (which the session-inferred calls would take to Stytch).
    too_old: bool,
}

impl Checked {
    /// The claims, once `key` is shown to have signed `jwt` (RS256).
    pub(crate) fn signed_by(self, jwt: &str, key: &DecodingKey) -> Result<Verified, JwtError> {
        let fail = |kind| JwtError::new(self.what, kind);
        let (header, payload, signature) = parts(jwt).ok_or_else(|| fail(JwtErrorKind::Malformed))?;
        let provider = jwt_crypto::provider().ok_or_else(|| fail(JwtErrorKind::NoCryptoBackend))?;
        let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| fail(JwtErrorKind::Malformed))?;
        let verifier =
            (provider.verifier_factory)(&Algorithm::RS256, key).map_err(|_| fail(JwtErrorKind::InvalidSignature))?;
        let signed = &jwt.as_bytes()[..header.len() + 1 + payload.len()];
        verifier.verify(signed, &signature).map_err(|_| fail(JwtErrorKind::InvalidSignature))?;
        if self.too_old {
            return Err(fail(JwtErrorKind::TooOld));
        }
        Ok(self.claims)
    }
}

/// Checks `jwt`'s header (three parts, `alg` RS256, a `kid`) and its claims against `expected`; `member` asks for
/// the organization claim too. The signature is left to [`Checked::signed_by`].
pub(crate) fn check(jwt: &str, expected: &Expected<'_>, member: bool) -> Result<Checked, JwtError> {
    let what = expected.what;
    let malformed = || JwtError::new(what, JwtErrorKind::Malformed);
    let (header, payload, _) = parts(jwt).ok_or_else(malformed)?;
    let header_json: Map<String, Value> = decode_json(header).ok_or_else(malformed)?;
    if header_json.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err(JwtError::new(what, JwtErrorKind::UnsupportedAlgorithm));
    }
    // Critical extensions we do not implement must make the JWT invalid (RFC 7515 §4.1.11); Stytch sets none.
    if header_json.contains_key("crit") {
        return Err(malformed());
    }
    // jsonwebtoken's typed header as well: a second, stricter parse of the same bytes.
    let typed = jsonwebtoken::decode_header(jwt).map_err(|_| malformed())?;
    if typed.alg != Algorithm::RS256 {
        return Err(JwtError::new(what, JwtErrorKind::UnsupportedAlgorithm));
    }
    let kid = typed.kid.filter(|kid| !kid.is_empty());
    let kid = kid.ok_or_else(|| JwtError::new(what, JwtErrorKind::MissingClaim("kid")))?;
    let claims: Map<String, Value> = decode_json(payload).ok_or_else(malformed)?;
    let (claims, too_old) = check_claims(claims, expected, member)?;
    Ok(Checked { kid, claims, what, too_old })
}

/// The claim checks, in the order a reader expects the errors: who issued it, for whom, when, which session.
/// The age check is returned apart (`true`: older than `max_token_age`) for [`Checked::signed_by`] to report.
fn check_claims(
    mut claims: Map<String, Value>,
    expected: &Expected<'_>,
    member: bool,
) -> Result<(Verified, bool), JwtError> {
    let what = expected.what;
    let fail = |kind| JwtError::new(what, kind);
    let now = seconds(expected.now);
    let leeway = expected.leeway.as_secs_f64();

    let issuer = text(&claims, "iss", what)?.ok_or_else(|| fail(JwtErrorKind::MissingClaim("iss")))?;
    if issuer != format!("stytch.com/{}", expected.project_id) {
        return Err(fail(JwtErrorKind::WrongIssuer));
    }
    let audience_ok = match claims.get("aud") {
        None => return Err(fail(JwtErrorKind::MissingClaim("aud"))),
        Some(Value::String(one)) => one == expected.project_id,
        Some(Value::Array(many)) => many.iter().any(|a| a.as_str() == Some(expected.project_id)),
        Some(_) => return Err(fail(JwtErrorKind::Malformed)),
    };
    if !audience_ok {
        return Err(fail(JwtErrorKind::WrongAudience));
    }
    let expires = number(&claims, "exp", what)?.ok_or_else(|| fail(JwtErrorKind::MissingClaim("exp")))?;
    if now > expires + leeway {
        return Err(fail(JwtErrorKind::Expired));
    }
    if let Some(not_before) = number(&claims, "nbf", what)?
        && now + leeway < not_before
    {
        return Err(fail(JwtErrorKind::NotYetValid));
    }
    let issued = number(&claims, "iat", what)?;
    if issued.is_some_and(|issued| now + leeway < issued) {
        return Err(fail(JwtErrorKind::NotYetValid));
    }
    let subject =
        text(&claims, "sub", what)?.filter(|s| !s.is_empty()).ok_or_else(|| fail(JwtErrorKind::MissingClaim("sub")))?;

    let session = claims.get(SESSION_CLAIM).and_then(Value::as_object);
    let session = session.ok_or_else(|| fail(JwtErrorKind::MissingClaim(SESSION_CLAIM)))?;
    let session_id = session.get("id").and_then(Value::as_str).filter(|s| !s.is_empty());
    let session_id = session_id.ok_or_else(|| fail(JwtErrorKind::MissingClaim("https://stytch.com/session.id")))?;
    let session_end = session.get("expires_at").and_then(Value::as_str);
    let session_end =
        session_end.ok_or_else(|| fail(JwtErrorKind::MissingClaim("https://stytch.com/session.expires_at")))?;
    let session_end = humantime::parse_rfc3339_weak(session_end).map_err(|_| fail(JwtErrorKind::Malformed))?;
    if now > seconds(session_end) + leeway {
        return Err(fail(JwtErrorKind::SessionExpired));
    }
    let roles = match session.get("roles") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(roles)) => roles.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        Some(_) => return Err(fail(JwtErrorKind::Malformed)),
    };
    let session_id = session_id.to_owned();

    let organization = if member {
        let claim = claims.get(ORGANIZATION_CLAIM).and_then(Value::as_object);
        let id = claim.and_then(|c| c.get("organization_id")).and_then(Value::as_str).filter(|s| !s.is_empty());
        let id =
            id.ok_or_else(|| fail(JwtErrorKind::MissingClaim("https://stytch.com/organization.organization_id")))?;
        let slug = claim.and_then(|c| c.get("slug")).and_then(Value::as_str).map(str::to_owned);
        Some((id.to_owned(), slug))
    } else {
        None
    };

    let too_old = match expected.max_token_age {
        None => false,
        Some(max_age) => {
            let issued = issued.ok_or_else(|| fail(JwtErrorKind::MissingClaim("iat")))?;
            now - issued > max_age.as_secs_f64()
        }
    };

    let time = |secs: f64| Duration::try_from_secs_f64(secs).ok().and_then(|d| UNIX_EPOCH.checked_add(d));
    let expires_at = time(expires).ok_or_else(|| fail(JwtErrorKind::Malformed))?;
    let issued_at = match issued {
        Some(issued) => Some(time(issued).ok_or_else(|| fail(JwtErrorKind::Malformed))?),
        None => None,
    };
    let subject = subject.to_owned();
    claims.retain(|name, _| !REGISTERED.contains(&name.as_str()));
    let verified = Verified {
        subject,
        organization,
        session_id,
        roles,
        issued_at,
        expires_at,
        session_expires_at: session_end,
        custom_claims: claims,
    };
    Ok((verified, too_old))
}

/// The three dot-separated parts, or `None`. Length is bounded first.
fn parts(jwt: &str) -> Option<(&str, &str, &str)> {
    if jwt.len() > MAX_JWT_BYTES {
        return None;
    }
    let mut parts = jwt.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(header), Some(payload), Some(signature), None) => Some((header, payload, signature)),
        _ => None,
    }
}

/// A base64url (unpadded) part decoded as a JSON object.
fn decode_json(part: &str) -> Option<Map<String, Value>> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A string claim: `None` when absent, an error when present with another type.
fn text<'a>(
    claims: &'a Map<String, Value>,
    name: &'static str,
    what: &'static str,
) -> Result<Option<&'a str>, JwtError> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(value)),
        Some(_) => Err(JwtError::new(what, JwtErrorKind::Malformed)),
    }
}

/// A NumericDate claim (seconds, integer or not): `None` when absent, an error when present with another type.
fn number(claims: &Map<String, Value>, name: &'static str, what: &'static str) -> Result<Option<f64>, JwtError> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(value)) => {
            value.as_f64().filter(|v| v.is_finite()).map(Some).ok_or(JwtError::new(what, JwtErrorKind::Malformed))
        }
        Some(_) => Err(JwtError::new(what, JwtErrorKind::Malformed)),
    }
}

/// Seconds since the epoch (negative before it).
fn seconds(time: SystemTime) -> f64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_secs_f64(),
        Err(before) => -before.duration().as_secs_f64(),
    }
}
