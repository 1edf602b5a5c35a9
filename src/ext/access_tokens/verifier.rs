//! [`AccessTokens`]: verifying the access tokens Connected Apps present to your API, against the project's keys
//! (the key cache session JWTs use: one per project and key set).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::ext::access_tokens::authorization;
use crate::ext::access_tokens::introspection::{self, IntrospectionClient};
use crate::ext::access_tokens::profile::{AccessClaim, AccessTokenProfile};
use crate::ext::jwt::crypto;
use crate::ext::jwt::error::{JwtError, JwtErrorKind};
use crate::ext::jwt::verify::{self, Expected, MAX_JWT_BYTES, Verified};
use crate::ext::transport::CallOptions;
use crate::{
    AccessTokenClaims, AccessTokenError, Client, Error, TokenOrganization, TokenRequirements, TokenVerification,
    VerifiedBy,
};

/// What errors call an access token.
const WHAT: &str = "access token";

/// Verifies the access tokens that Connected Apps (partner integrations, AI agents, MCP servers) send to your API,
/// for a B2B project ([`Client::b2b_access_tokens`]) or a consumer one ([`Client::consumer_access_tokens`]).
/// Cheap to clone; clones share the client's key cache.
///
/// Local verification checks, with no request per token: the `RS256` signature by a key of the project's JWKS
/// (fetched once, cached, refetched once for an unknown `kid`), the issuer (`stytch.com/{project_id}` or the
/// client's [custom domain](crate::ClientBuilder::custom_domain), exactly), the audience (the project id, or
/// [those you accept](Self::audiences)), `exp`, `nbf` and `iat` with the client's leeway, an optional
/// [maximum age](Self::max_token_age), the token's kind (a session JWT is refused), and for B2B the organization
/// claim. A consent revoked after the token was issued is **not** seen: the token stays valid until it expires.
/// For routes where that matters, [introspect](TokenVerification) as well: Stytch then answers `active: false` for a
/// revoked, expired or unknown token ([`AccessTokenError::Inactive`]).
///
/// ```no_run
/// # async fn run(client: stytch_connected_apps::Client, bearer: &str) -> Result<(), stytch_connected_apps::Error> {
/// use stytch_connected_apps::TokenRequirements;
/// let tokens = client.b2b_access_tokens();
/// let claims = tokens.verify_with(bearer, &TokenRequirements::new().scope("read:users")).await?;
/// println!("{} acts for {} in {:?}", claims.client_id, claims.subject, claims.organization);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AccessTokens {
    client: Client,
    b2b: bool,
    /// `None`: the project id.
    audiences: Option<Arc<[String]>>,
    max_token_age: Option<Duration>,
    verification: TokenVerification,
    introspection: Option<IntrospectionClient>,
}

impl AccessTokens {
    pub(crate) fn new(client: &Client, b2b: bool) -> Self {
        Self {
            client: client.without_member_session(),
            b2b,
            audiences: None,
            max_token_age: None,
            verification: TokenVerification::Local,
            introspection: None,
        }
    }

    /// Where tokens are verified unless a call says otherwise (default [`TokenVerification::Local`]). The
    /// network policies need [`introspection_client`](Self::introspection_client).
    #[must_use]
    pub fn verification(mut self, verification: TokenVerification) -> Self {
        self.verification = verification;
        self
    }

    /// The Connected App your API introspects tokens as (RFC 7662 introspection authenticates its caller).
    #[must_use]
    pub fn introspection_client(mut self, app: IntrospectionClient) -> Self {
        self.introspection = Some(app);
        self
    }

    /// Accepts only tokens whose `aud` also names one of `audiences` (a client's `access_token_custom_audience`,
    /// such as your API's URL), so that tokens minted for another API of the project are refused. The project id
    /// is required in `aud` in any case (Stytch's tokens always name it): a token of another project is refused
    /// even when it names your API.
    #[must_use]
    pub fn audiences<S: Into<String>>(mut self, audiences: impl IntoIterator<Item = S>) -> Self {
        self.audiences = Some(audiences.into_iter().map(Into::into).collect());
        self
    }

    /// Refuses tokens issued (`iat`) longer ago than `age` ([`JwtErrorKind::TooOld`], reported only once the
    /// signature holds). Tokens without `iat` are then refused too.
    #[must_use]
    pub fn max_token_age(mut self, age: Duration) -> Self {
        self.max_token_age = Some(age);
        self
    }

    /// Verifies `token` (by the verifier's [policy](Self::verification)); nothing required beyond its validity.
    pub async fn verify(&self, token: &str) -> Result<AccessTokenClaims, Error> {
        self.verify_with(token, &TokenRequirements::new()).await
    }

    /// Verifies `token` (by the call's policy, or the verifier's), then that it grants every scope `requirements`
    /// names ([`AccessTokenError::InsufficientScope`] otherwise).
    pub async fn verify_with(&self, token: &str, requirements: &TokenRequirements) -> Result<AccessTokenClaims, Error> {
        // One deadline for the whole call: a key fetch, introspection and the policy fetch share it.
        let options = CallOptions::default().starting_now();
        let claims = match requirements.policy().unwrap_or(self.verification) {
            TokenVerification::Local => self.verify_locally(token, &options).await?,
            TokenVerification::Network => self.introspect(token, &options).await?,
            TokenVerification::LocalThenNetwork => {
                let mut claims = self.verify_locally(token, &options).await?;
                self.introspect(token, &options).await?;
                claims.verified_by = VerifiedBy::LocallyThenIntrospection;
                claims
            }
        };
        if let Some(missing) = claims.scopes.missing(requirements.required_scopes()) {
            return Err(AccessTokenError::InsufficientScope { missing: missing.to_owned() }.into());
        }
        if let Some(check) = requirements.authorization_check() {
            if !self.b2b {
                return Err(Error::Configuration(
                    "authorization checks are for B2B access tokens; require scopes of consumer tokens".into(),
                ));
            }
            authorization::tenancy(&claims, check)?;
            let client = &self.client;
            let fetch = || {
                let client = client.clone();
                async move { client.b2b().rbac_policy().await }
            };
            let deadline = options.deadline_at(&self.client.generated().inner);
            let policy = self.client.verifier().rbac_policy().policy(fetch, deadline).await?;
            authorization::permitted(&claims, check, &policy)?;
        }
        Ok(claims)
    }

    /// What a token's claims must satisfy, handed to `check`.
    fn with_expected<R>(&self, check: impl FnOnce(&Expected<'_>) -> R) -> R {
        let verifier = self.client.verifier();
        let issuers: Vec<&str> = verifier.access_token_issuers().iter().map(String::as_str).collect();
        let audiences: Vec<&str> = self.audiences.iter().flat_map(|a| a.iter()).map(String::as_str).collect();
        check(&Expected {
            what: WHAT,
            issuers: &issuers,
            project_id: self.client.project_id(),
            audiences: &audiences,
            leeway: verifier.settings().leeway,
            max_token_age: self.max_token_age,
            now: SystemTime::now(),
        })
    }

    /// Asks Stytch (RFC 7662) as the configured Connected App; an active token's claims get the local claim checks
    /// too (issuer, audience, times, kind), since an answer for a token minted for another API is still `active`.
    async fn introspect(&self, token: &str, options: &CallOptions) -> Result<AccessTokenClaims, Error> {
        let invalid = |kind| Error::from(AccessTokenError::Invalid(JwtError::new(WHAT, kind)));
        let Some(app) = &self.introspection else {
            return Err(Error::Configuration(
                "introspecting access tokens needs AccessTokens::introspection_client (a Connected App)".into(),
            ));
        };
        // Nothing that cannot be a Stytch token travels to Stytch.
        if token.is_empty() || token.len() > MAX_JWT_BYTES {
            return Err(invalid(JwtErrorKind::Malformed));
        }
        let answer = introspection::introspect(&self.client, app, token, options).await?;
        if !answer.active {
            return Err(AccessTokenError::Inactive.into());
        }
        let mut answered = answer.claims;
        // A refresh token is active too, and is no access token: the answer must say it is one (RFC 7662 makes
        // `token_type` optional; Stytch sends it, and an answer that does not say is refused rather than trusted).
        match answered.remove("token_type") {
            Some(kind) if kind.as_str().is_some_and(|kind| kind.eq_ignore_ascii_case("access_token")) => {}
            _ => return Err(invalid(JwtErrorKind::WrongTokenType)),
        }
        let profile = AccessTokenProfile { b2b: self.b2b };
        let read = self.with_expected(|expected| verify::read_claims(answered, expected, &profile));
        let (verified, too_old) = read.map_err(invalid)?;
        if too_old {
            return Err(invalid(JwtErrorKind::TooOld));
        }
        Ok(claims(verified, VerifiedBy::Introspection))
    }

    /// Header and claims first (a forged, foreign or expired token is refused without a key lookup), then the
    /// key named by `kid` (cached, or fetched within the client's deadline), then the signature.
    async fn verify_locally(&self, token: &str, options: &CallOptions) -> Result<AccessTokenClaims, Error> {
        let invalid = |kind| Error::from(AccessTokenError::Invalid(JwtError::new(WHAT, kind)));
        if crypto::provider().is_none() {
            return Err(invalid(JwtErrorKind::NoCryptoBackend));
        }
        let profile = AccessTokenProfile { b2b: self.b2b };
        let checked = self.with_expected(|expected| verify::check(token, expected, &profile)).map_err(invalid_jwt)?;
        let verifier = self.client.verifier();
        let deadline = options.deadline_at(&self.client.generated().inner);
        let key = match verifier.access_token_keys(self.b2b).key(&checked.kid, WHAT, deadline).await {
            Ok(key) => key,
            Err(Error::SessionJwt(jwt)) => return Err(invalid_jwt(jwt)),
            Err(error) => return Err(error),
        };
        let verified = checked.signed_by(token, &key).map_err(invalid_jwt)?;
        Ok(claims(verified, VerifiedBy::Locally))
    }
}

/// A JWT error, as an access token's.
fn invalid_jwt(error: JwtError) -> Error {
    AccessTokenError::Invalid(error).into()
}

/// The public claims of a verified token.
fn claims(verified: Verified<AccessClaim>, verified_by: VerifiedBy) -> AccessTokenClaims {
    let Verified { registered, claims, custom_claims } = verified;
    AccessTokenClaims {
        subject: registered.subject,
        client_id: claims.client_id,
        scopes: claims.scopes,
        audience: registered.audience,
        issuer: registered.issuer,
        issued_at: registered.issued_at,
        not_before: registered.not_before,
        expires_at: registered.expires_at,
        token_id: registered.token_id,
        organization: claims.organization.map(|(organization_id, slug)| TokenOrganization { organization_id, slug }),
        custom_claims,
        verified_by,
    }
}

impl fmt::Debug for AccessTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessTokens")
            .field("project_id", &self.client.project_id())
            .field("kind", &if self.b2b { "b2b" } else { "consumer" })
            .field("audiences", &self.audiences)
            .field("max_token_age", &self.max_token_age)
            .field("verification", &self.verification)
            .field("introspection", &self.introspection)
            .finish_non_exhaustive()
    }
}
