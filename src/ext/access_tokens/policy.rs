//! Where an access token is verified: [`TokenVerification`].

/// Where [`AccessTokens`](crate::AccessTokens) verify a token: set per verifier
/// ([`AccessTokens::verification`](crate::AccessTokens::verification)) or per call
/// ([`TokenRequirements::verification`](crate::TokenRequirements::verification)).
///
/// The trade-off: a token verified **locally** costs no request, but stays valid after its consent is revoked
/// (B4, C2, a bulk revocation) until it expires; **introspection** sees a revocation at once, at the price of one
/// request to Stytch per token. `LocalThenNetwork` refuses a forged token locally, without a request, and asks
/// Stytch only about tokens that are authentic: for sensitive routes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenVerification {
    /// Signature, issuer, audience, times and kind, here; no request per token.
    #[default]
    Local,
    /// Stytch's RFC 7662 introspection only: one request per token; a revoked consent is seen at once.
    Network,
    /// Locally first, then introspection for a token that passed.
    LocalThenNetwork,
}
