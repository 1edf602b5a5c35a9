//! The JWT core every Stytch JWT goes through (session JWTs and access tokens alike): the header (`RS256` only, a
//! `kid`, no `crit`), the registered claims (`iss` and `aud` matched exactly against what the caller accepts,
//! `exp`, `nbf` and `iat` with the leeway, `sub`), and the signature (jsonwebtoken's RS256 verifier of this build's
//! backend). What is specific to one kind of token (the session claim, `client_id` and `scope`, the organization)
//! is read by a [`Profile`] from the claims the core leaves; the rest are the token's custom claims.
//!
//! Claims are read from a JSON map one by one with their expected JSON type, so a string where a number belongs
//! (`"exp": "9999999999"`) is malformed rather than coerced, and every missing claim is named. A token older than
//! `max_token_age` is reported only once its signature holds, so that a forged token never passes for an authentic
//! old one.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{Map, Value};

use crate::ext::jwt::crypto;
use crate::ext::jwt::error::{JwtError, JwtErrorKind};

/// Longer JWTs are refused before any parsing (Stytch's are about 1 KiB; custom claims can add some).
pub(crate) const MAX_JWT_BYTES: usize = 16 * 1024;

/// The claim that carries a session: present in every session JWT, never in an access token.
pub(crate) const SESSION_CLAIM: &str = "https://stytch.com/session";
/// The claim that carries a B2B token's organization.
pub(crate) const ORGANIZATION_CLAIM: &str = "https://stytch.com/organization";
/// The registered claims the core reads; none of them is a custom claim.
const REGISTERED: [&str; 7] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

/// What a JWT must satisfy besides its signature and its profile.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Expected<'a> {
    /// `member session JWT`, `user session JWT`, `access token`: for errors.
    pub(crate) what: &'static str,
    /// The accepted issuers: `iss` must equal one of them, byte for byte.
    pub(crate) issuers: &'a [&'a str],
    /// The project: `aud` (a string or an array) must always name it, whatever key set signed the token.
    pub(crate) project_id: &'a str,
    /// Audiences the caller requires besides the project: when not empty, `aud` must also name one of them.
    pub(crate) audiences: &'a [&'a str],
    /// Tolerance for `exp`, `nbf`, `iat` and a profile's own times (clocks drift).
    pub(crate) leeway: Duration,
    /// Older tokens (by `iat`) are [`JwtErrorKind::TooOld`], once their signature holds.
    pub(crate) max_token_age: Option<Duration>,
    pub(crate) now: SystemTime,
}

/// The registered claims of a token whose header and claims passed the core's checks.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Registered {
    pub(crate) subject: String,
    pub(crate) issuer: String,
    pub(crate) audience: Vec<String>,
    pub(crate) expires_at: SystemTime,
    pub(crate) not_before: Option<SystemTime>,
    pub(crate) issued_at: Option<SystemTime>,
    /// `jti`, when the token has one.
    pub(crate) token_id: Option<String>,
}

/// The Stytch-specific part of a kind of token: reads (and removes) its own claims from what the core left, and
/// refuses a token of another kind.
pub(crate) trait Profile {
    /// What it reads.
    type Claims;
    /// Reads the profile's claims out of `claims` (which keeps only the custom claims afterwards), knowing the
    /// registered ones. `now` and `leeway` are in seconds.
    fn read(
        &self,
        claims: &mut Map<String, Value>,
        registered: &Registered,
        now: f64,
        leeway: f64,
    ) -> Result<Self::Claims, JwtErrorKind>;

    /// An end the profile's claims carry besides `exp` (a session's `expires_at`), looked at again once the
    /// signature holds, and the refusal when it has passed.
    fn ends_at(_claims: &Self::Claims) -> Option<(SystemTime, JwtErrorKind)> {
        None
    }
}

/// A verified token: its registered claims, its profile's, and its custom claims.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Verified<C> {
    pub(crate) registered: Registered,
    pub(crate) claims: C,
    pub(crate) custom_claims: Map<String, Value>,
}

/// A JWT whose header and claims passed every check, **before** its signature is checked: its claims must not be
/// used until [`Checked::signed_by`] says the key of `kid` signed it. Checking the claims first means a JWT that is
/// expired, foreign or malformed is refused without a key lookup, a JWKS request or an RSA operation.
#[derive(Debug)]
pub(crate) struct Checked<C> {
    /// The key the JWT names.
    pub(crate) kid: String,
    verified: Verified<C>,
    what: &'static str,
    /// Older than `max_token_age`: reported only once the signature holds.
    too_old: bool,
    /// `max_token_age`, for the age's second look once the key is in hand.
    max_token_age: Option<Duration>,
    /// The leeway, for the expiry's second look once the key is in hand (a cold key fetch takes time).
    leeway: Duration,
    /// The profile's own end, if any, for the same second look.
    ends_at: Option<(SystemTime, JwtErrorKind)>,
}

impl<C> Checked<C> {
    /// The claims, once `key` is shown to have signed `jwt` (RS256).
    pub(crate) fn signed_by(self, jwt: &str, key: &DecodingKey) -> Result<Verified<C>, JwtError> {
        let fail = |kind| JwtError::new(self.what, kind);
        let (header, payload, signature) = parts(jwt).ok_or_else(|| fail(JwtErrorKind::Malformed))?;
        let provider = crypto::provider().ok_or_else(|| fail(JwtErrorKind::NoCryptoBackend))?;
        let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| fail(JwtErrorKind::Malformed))?;
        let verifier =
            (provider.verifier_factory)(&Algorithm::RS256, key).map_err(|_| fail(JwtErrorKind::InvalidSignature))?;
        let signed = &jwt.as_bytes()[..header.len() + 1 + payload.len()];
        verifier.verify(signed, &signature).map_err(|_| fail(JwtErrorKind::InvalidSignature))?;
        // The claims were checked before the key was looked up, which may have waited for a JWKS fetch (up to the
        // call's deadline): the token must still be unexpired, and young enough, now.
        let now = SystemTime::now();
        let ends = [Some((self.verified.registered.expires_at, JwtErrorKind::Expired)), self.ends_at];
        for (end, kind) in ends.into_iter().flatten() {
            if end.checked_add(self.leeway).is_some_and(|end| now > end) {
                return Err(fail(kind));
            }
        }
        let aged = |age: Duration| self.verified.registered.issued_at.and_then(|issued| issued.checked_add(age));
        if self.too_old || self.max_token_age.and_then(aged).is_some_and(|oldest| now > oldest) {
            return Err(fail(JwtErrorKind::TooOld));
        }
        Ok(self.verified)
    }
}

/// Checks `jwt`'s header (three parts, `alg` RS256, a `kid`, no `crit`), its registered claims against
/// `expected`, then its profile's claims. The signature is left to [`Checked::signed_by`].
pub(crate) fn check<P: Profile>(
    jwt: &str,
    expected: &Expected<'_>,
    profile: &P,
) -> Result<Checked<P::Claims>, JwtError> {
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
    let (verified, too_old) = read_claims(claims, expected, profile).map_err(|kind| JwtError::new(what, kind))?;
    let ends_at = P::ends_at(&verified.claims);
    Ok(Checked {
        kid,
        verified,
        what,
        too_old,
        max_token_age: expected.max_token_age,
        leeway: expected.leeway,
        ends_at,
    })
}

/// The claim checks alone (registered, then the profile's), for a JWT's payload or an introspection answer's
/// claims. The age check is returned apart (`true`: older than `max_token_age`), for the caller to report once the
/// claims are known to be authentic.
pub(crate) fn read_claims<P: Profile>(
    mut claims: Map<String, Value>,
    expected: &Expected<'_>,
    profile: &P,
) -> Result<(Verified<P::Claims>, bool), JwtErrorKind> {
    let (registered, too_old) = check_registered(&claims, expected)?;
    claims.retain(|name, _| !REGISTERED.contains(&name.as_str()));
    let claims_of_profile =
        profile.read(&mut claims, &registered, seconds(expected.now), expected.leeway.as_secs_f64())?;
    Ok((Verified { registered, claims: claims_of_profile, custom_claims: claims }, too_old))
}

/// The registered claims, in the order a reader expects the errors: who issued it, for whom, when, about whom.
/// The age check is returned apart (`true`: older than `max_token_age`) for [`Checked::signed_by`] to report.
fn check_registered(claims: &Map<String, Value>, expected: &Expected<'_>) -> Result<(Registered, bool), JwtErrorKind> {
    let now = seconds(expected.now);
    let leeway = expected.leeway.as_secs_f64();

    let issuer = text(claims, "iss")?.ok_or(JwtErrorKind::MissingClaim("iss"))?;
    if !expected.issuers.contains(&issuer) {
        return Err(JwtErrorKind::WrongIssuer);
    }
    let audience: Vec<String> = match claims.get("aud") {
        None => return Err(JwtErrorKind::MissingClaim("aud")),
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Array(many)) => {
            let names: Option<Vec<String>> = many.iter().map(|a| a.as_str().map(str::to_owned)).collect();
            names.ok_or(JwtErrorKind::Malformed)?
        }
        Some(_) => return Err(JwtErrorKind::Malformed),
    };
    let names = |wanted: &str| audience.iter().any(|named| named == wanted);
    if !names(expected.project_id) || !(expected.audiences.is_empty() || expected.audiences.iter().any(|a| names(a))) {
        return Err(JwtErrorKind::WrongAudience);
    }
    let expires = number(claims, "exp")?.ok_or(JwtErrorKind::MissingClaim("exp"))?;
    if now > expires + leeway {
        return Err(JwtErrorKind::Expired);
    }
    let not_before = number(claims, "nbf")?;
    if not_before.is_some_and(|not_before| now + leeway < not_before) {
        return Err(JwtErrorKind::NotYetValid);
    }
    let issued = number(claims, "iat")?;
    if issued.is_some_and(|issued| now + leeway < issued) {
        return Err(JwtErrorKind::NotYetValid);
    }
    let subject = text(claims, "sub")?.filter(|s| !s.is_empty()).ok_or(JwtErrorKind::MissingClaim("sub"))?;
    let token_id = text(claims, "jti")?.map(str::to_owned);

    let too_old = match expected.max_token_age {
        None => false,
        Some(max_age) => {
            let issued = issued.ok_or(JwtErrorKind::MissingClaim("iat"))?;
            now - issued > max_age.as_secs_f64()
        }
    };
    let optional_time = |secs: Option<f64>| secs.map(|secs| time(secs).ok_or(JwtErrorKind::Malformed)).transpose();
    let registered = Registered {
        subject: subject.to_owned(),
        issuer: issuer.to_owned(),
        audience,
        expires_at: time(expires).ok_or(JwtErrorKind::Malformed)?,
        not_before: optional_time(not_before)?,
        issued_at: optional_time(issued)?,
        token_id,
    };
    Ok((registered, too_old))
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

/// A string claim: `None` when absent, [`JwtErrorKind::Malformed`] when present with another type.
pub(crate) fn text<'a>(claims: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, JwtErrorKind> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(value)),
        Some(_) => Err(JwtErrorKind::Malformed),
    }
}

/// A NumericDate claim (seconds, integer or not): `None` when absent, an error when present with another type.
fn number(claims: &Map<String, Value>, name: &str) -> Result<Option<f64>, JwtErrorKind> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(value)) => value.as_f64().filter(|v| v.is_finite()).map(Some).ok_or(JwtErrorKind::Malformed),
        Some(_) => Err(JwtErrorKind::Malformed),
    }
}

/// A time from seconds since the epoch, if representable.
pub(crate) fn time(secs: f64) -> Option<SystemTime> {
    Duration::try_from_secs_f64(secs).ok().and_then(|d| UNIX_EPOCH.checked_add(d))
}

/// Seconds since the epoch (negative before it).
pub(crate) fn seconds(time: SystemTime) -> f64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_secs_f64(),
        Err(before) => -before.duration().as_secs_f64(),
    }
}

/// A B2B token's organization claim: `organization_id` (required, non-empty) and `slug`, removed from `claims`.
pub(crate) fn organization(claims: &mut Map<String, Value>) -> Result<(String, Option<String>), JwtErrorKind> {
    let missing = JwtErrorKind::MissingClaim("https://stytch.com/organization.organization_id");
    let claim = claims.remove(ORGANIZATION_CLAIM).ok_or(missing)?;
    let claim = claim.as_object().ok_or(missing)?;
    let id = claim.get("organization_id").and_then(Value::as_str).filter(|s| !s.is_empty()).ok_or(missing)?;
    let slug = claim.get("slug").and_then(Value::as_str).map(str::to_owned);
    Ok((id.to_owned(), slug))
}
