//! A JWKS's usable keys: RSA keys for RS256 signatures, of a sane size, at most a few.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine as _;
use jsonwebtoken::DecodingKey;
use serde_json::Value;

/// Keys with a shorter modulus are ignored (what aws-lc accepts for RS256, and NIST's floor).
const MIN_MODULUS_BITS: usize = 2048;
/// Larger moduli are ignored: RustCrypto's `rsa` refuses more than 4096 bits, and every backend must agree on
/// which keys count (it also bounds the cost of one verification).
const MAX_MODULUS_BITS: usize = 4096;
/// Keys beyond this many in one key set are ignored (Stytch serves one, two during a rotation).
const MAX_KEYS: usize = 16;

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
