//! The emulator's session-signing keys: three fixed RSA-2048 test keys (PKCS#1 DER, with a self-signed
//! certificate each for the JWK's `x5c`), checked in under `src/emulator/keys/`. They are public test material:
//! they sign only what an emulator issues, and a client trusts them only when it fetches its JWKS from an
//! emulator. Key generation `g` uses material `g % 3` and the key id `jwk-test-emulator-{g}`, so rotations never
//! reuse a `kid`.

use base64::Engine as _;
use jsonwebtoken::crypto::CryptoProvider;
use jsonwebtoken::jwk::ThumbprintHash;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Value, json};

const MATERIAL: [(&[u8], &[u8]); 3] = [
    (include_bytes!("keys/key-0.der"), include_bytes!("keys/cert-0.der")),
    (include_bytes!("keys/key-1.der"), include_bytes!("keys/cert-1.der")),
    (include_bytes!("keys/key-2.der"), include_bytes!("keys/cert-2.der")),
];

/// One of the emulator's signing keys.
///
/// ```
/// use stytch_connected_apps::emulator::SigningKey;
/// let key = SigningKey::generation(0);
/// assert_eq!(key.kid(), "jwk-test-emulator-0");
/// assert_eq!(key.jwk()["alg"], "RS256");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningKey {
    generation: u32,
}

impl SigningKey {
    /// The key of this generation (0 is the one the fixture's JWTs are signed with).
    pub fn generation(generation: u32) -> Self {
        Self { generation }
    }

    /// Its generation.
    pub fn number(&self) -> u32 {
        self.generation
    }

    /// Its key id.
    pub fn kid(&self) -> String {
        format!("jwk-test-emulator-{}", self.generation)
    }

    fn material(&self) -> (&'static [u8], &'static [u8]) {
        MATERIAL[self.generation as usize % MATERIAL.len()]
    }

    /// The public key as Stytch's JWKS lists it (`kty`, `use`, `key_ops`, `alg`, `kid`, `x5c`, `x5tS256`, `n`,
    /// `e`). Without a crypto backend (no TLS feature), `n` and `e` are empty.
    pub fn jwk(&self) -> Value {
        let encode = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let (key, certificate) = self.material();
        let utils = provider().map(|p| &p.key_utils);
        let (n, e) = utils.and_then(|u| (u.rsa_pub_components_from_private_key)(key).ok()).unwrap_or_default();
        let thumbprint =
            utils.and_then(|u| (u.compute_digest)(certificate, ThumbprintHash::SHA256).ok()).unwrap_or_default();
        json!({
            "kty": "RSA",
            "use": "sig",
            "key_ops": ["verify"],
            "alg": "RS256",
            "kid": self.kid(),
            "x5c": [base64::engine::general_purpose::STANDARD.encode(certificate)],
            "x5tS256": encode(&thumbprint),
            "n": encode(&n),
            "e": encode(&e),
        })
    }

    /// A compact RS256 JWT of `claims`, with this key's `kid` in the header. Without a crypto backend (no TLS
    /// feature), the signature is empty and no verifier accepts it.
    pub fn sign(&self, claims: &Value) -> String {
        let encode = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": self.kid()});
        let message = format!("{}.{}", encode(header.to_string().as_bytes()), encode(claims.to_string().as_bytes()));
        let signature = provider()
            .and_then(|p| (p.signer_factory)(&Algorithm::RS256, &EncodingKey::from_rsa_der(self.material().0)).ok())
            .and_then(|signer| signer.try_sign(message.as_bytes()).ok())
            .unwrap_or_default();
        format!("{message}.{}", encode(&signature))
    }
}

fn provider() -> Option<&'static CryptoProvider> {
    crate::ext::jwt_provider()
}
