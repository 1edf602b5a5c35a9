//! The RS256 backend: jsonwebtoken's provider for the crypto library the TLS feature already builds, named
//! explicitly on every use. jsonwebtoken's own `decode` would pick a process-wide default instead, which panics
//! when both of its backends end up enabled in one build (any other crate can turn the second on).

use jsonwebtoken::crypto::CryptoProvider;

/// The provider of this build: aws-lc-rs with `rustls` (wins when several TLS features are on), RustCrypto with
/// `rustls-ring` or `native-tls`, none without a TLS feature.
pub(crate) fn provider() -> Option<&'static CryptoProvider> {
    #[cfg(feature = "rustls")]
    {
        Some(&jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER)
    }
    #[cfg(all(not(feature = "rustls"), any(feature = "rustls-ring", feature = "native-tls")))]
    {
        Some(&jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER)
    }
    #[cfg(not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")))]
    {
        None
    }
}
