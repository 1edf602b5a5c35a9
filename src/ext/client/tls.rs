//! Which TLS the HTTP client speaks, by feature: `native-tls` (the platform's library) wins over `rustls` (the
//! default: rustls with aws-lc-rs, reqwest's own), which wins over `rustls-ring` (rustls with the ring provider,
//! faster to build). Every one verifies certificates against the platform's roots; none is configured more loosely
//! than reqwest's defaults. HTTP/1.1 only (see `config.rs`).

use crate::Error;

/// `builder` with the TLS the crate's features select.
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    #[cfg(feature = "native-tls")]
    return Ok(builder.tls_backend_native());

    #[cfg(all(feature = "rustls", not(feature = "native-tls")))]
    return Ok(builder.tls_backend_rustls());

    #[cfg(all(feature = "rustls-ring", not(any(feature = "rustls", feature = "native-tls"))))]
    return ring::configure(builder);

    #[cfg(not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")))]
    Ok(builder)
}

#[cfg(all(feature = "rustls-ring", not(any(feature = "rustls", feature = "native-tls"))))]
mod ring {
    use std::sync::Arc;

    use crate::Error;

    /// rustls with the ring provider, built as reqwest builds its own (safe default protocol versions, the
    /// platform verifier, no client certificate), with HTTP/1.1 as the only ALPN protocol.
    pub(super) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
        let failed = |e: &dyn std::fmt::Display| Error::Configuration(format!("cannot set up TLS: {e}").into());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = rustls_platform_verifier::Verifier::new(provider.clone()).map_err(|e| failed(&e))?;
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| failed(&e))?
            // Not a loosening: the platform verifier checks chains and names against the platform's roots, as
            // reqwest's default does. rustls only calls every verifier other than its own webpki one "custom".
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(builder.tls_backend_preconfigured(config))
    }
}
