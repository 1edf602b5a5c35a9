//! Local session verification: the policy ([`SessionVerification`]), its settings, and the per-client verifier
//! that owns the key caches (member and user session JWKS, and the custom domain's JWKS for access tokens) and the
//! RBAC policy cache. See SECURITY.md "Session verification".

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crate::ext::access_tokens::authorization::{DEFAULT_RBAC_POLICY_REFRESH_INTERVAL, PolicyCache};
use crate::ext::jwt::crypto;
use crate::ext::jwt::error::{JwtError, JwtErrorKind};
use crate::ext::jwt::jwks::{JwksFetcher, KeySource};
use crate::ext::jwt::key_cache::{CacheTimings, KeyCache};
use crate::ext::jwt::verify::{self, Expected, Verified};
use crate::ext::sessions::session_jwt::{SessionClaim, SessionProfile};
use crate::{Client, Error};

/// Default tolerance for `exp`, `nbf` and the session's expiry.
pub const DEFAULT_JWT_LEEWAY: Duration = Duration::from_secs(10);
/// Default age after which cached keys are refreshed (in the background of a call).
pub const DEFAULT_JWKS_REFRESH_INTERVAL: Duration = Duration::from_secs(10 * 60);
/// Default minimum time between two refetches for an unknown `kid`, and after a failed fetch.
pub const DEFAULT_JWKS_REFETCH_COOLDOWN: Duration = Duration::from_secs(30);

/// Where the session-inferred calls ([`Client::as_member`], [`Client::as_user`]) verify a session **JWT**.
/// Session tokens carry no claims: Stytch always authenticates them (`sessions/authenticate`).
///
/// ```
/// use stytch_connected_apps::{Client, SessionVerification};
/// let client = Client::builder("project-test-1", "secret-test-2")
///     .session_verification(SessionVerification::Remote) // every JWT asks Stytch
///     .build()?;
/// # Ok::<(), stytch_connected_apps::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionVerification {
    /// Verified here, against the project's JWKS (fetched once and cached): signature, issuer, audience, expiry
    /// and the session's expiry. No request to Stytch per JWT. A session revoked within the JWT's lifetime (at
    /// most 5 minutes) is still accepted until the JWT expires, as with every SDK's local verification; set
    /// [`ClientBuilder::max_token_age`](crate::ClientBuilder::max_token_age) to ask Stytch for older JWTs.
    #[default]
    Local,
    /// Asked of Stytch on every call (`POST /v1/b2b/sessions/authenticate` or `/v1/sessions/authenticate`): one
    /// more request, and a revoked session fails at once.
    Remote,
}

/// The verification settings a client is built with.
#[derive(Clone, Copy, Debug)]
pub(crate) struct VerificationSettings {
    pub(crate) policy: SessionVerification,
    pub(crate) leeway: Duration,
    pub(crate) max_token_age: Option<Duration>,
    pub(crate) timings: CacheTimings,
    /// The RBAC policy's refresh interval.
    pub(crate) policy_refresh_after: Duration,
}

impl Default for VerificationSettings {
    fn default() -> Self {
        Self {
            policy: SessionVerification::Local,
            leeway: DEFAULT_JWT_LEEWAY,
            max_token_age: None,
            timings: CacheTimings {
                refresh_after: DEFAULT_JWKS_REFRESH_INTERVAL,
                cooldown: DEFAULT_JWKS_REFETCH_COOLDOWN,
                // Set from the client's deadline when it is built.
                stuck_after: crate::ext::client::config::DEFAULT_DEADLINE,
            },
            policy_refresh_after: DEFAULT_RBAC_POLICY_REFRESH_INTERVAL,
        }
    }
}

/// Whose session a JWT is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SessionKind {
    Member,
    User,
}

/// A client's verifier: settings and the key caches (one per JWKS endpoint: session JWTs and access tokens of a
/// project share its keys, which Stytch serves at each), shared by the client's clones.
pub(crate) struct Verifier {
    settings: VerificationSettings,
    /// The project's custom domain (an origin, no trailing `/`), if configured.
    custom_domain: Option<String>,
    /// The issuers an access token may name: `stytch.com/{project_id}`, and the custom domain.
    access_token_issuers: Vec<String>,
    member_keys: Arc<KeyCache>,
    user_keys: Arc<KeyCache>,
    /// The custom domain's `/.well-known/jwks.json`, for access tokens (when there is a custom domain).
    custom_domain_keys: Option<Arc<KeyCache>>,
    /// The project's RBAC policy, for access tokens' authorization checks.
    rbac_policy: Arc<PolicyCache>,
}

impl Verifier {
    /// The verifier of `project_id`, whose key caches fetch through `generated`'s configuration.
    pub(crate) fn new(
        settings: VerificationSettings,
        generated: &crate::generated::Client,
        project_id: &str,
        custom_domain: Option<String>,
    ) -> Self {
        let domain = custom_domain.as_deref();
        let cache = |source| {
            let fetcher = JwksFetcher::new(generated.clone(), project_id, source, domain);
            Arc::new(KeyCache::new(fetcher, settings.timings))
        };
        let mut access_token_issuers = vec![format!("stytch.com/{project_id}")];
        access_token_issuers.extend(custom_domain.clone());
        Self {
            settings,
            custom_domain_keys: domain.map(|_| cache(KeySource::CustomDomain)),
            member_keys: cache(KeySource::Member),
            user_keys: cache(KeySource::User),
            custom_domain,
            access_token_issuers,
            rbac_policy: Arc::new(PolicyCache::new(
                settings.policy_refresh_after,
                settings.timings.cooldown,
                settings.timings.stuck_after,
            )),
        }
    }

    /// The project's RBAC policy cache.
    pub(crate) fn rbac_policy(&self) -> &Arc<PolicyCache> {
        &self.rbac_policy
    }

    /// The project's custom domain, if configured.
    pub(crate) fn custom_domain(&self) -> Option<&str> {
        self.custom_domain.as_deref()
    }

    /// The issuers an access token may name, each compared exactly.
    pub(crate) fn access_token_issuers(&self) -> &[String] {
        &self.access_token_issuers
    }

    /// The settings the client was built with.
    pub(crate) fn settings(&self) -> &VerificationSettings {
        &self.settings
    }

    /// The key cache access tokens are verified with: the custom domain's JWKS when there is one, otherwise the
    /// session JWKS of the project's kind (`b2b`: the member one). The same key set, from another address.
    pub(crate) fn access_token_keys(&self, b2b: bool) -> &Arc<KeyCache> {
        match (&self.custom_domain_keys, b2b) {
            (Some(keys), _) => keys,
            (None, true) => &self.member_keys,
            (None, false) => &self.user_keys,
        }
    }

    /// The client's policy.
    pub(crate) fn policy(&self) -> SessionVerification {
        self.settings.policy
    }

    /// Verifies a session JWT of `kind` locally: header and claims first (no key needed to refuse those), then
    /// the key named by `kid` (cached, or fetched: waited for until `deadline`, the caller's), then the signature.
    pub(crate) async fn verify(
        &self,
        client: &Client,
        jwt: &str,
        kind: SessionKind,
        deadline: Option<Instant>,
    ) -> Result<Verified<SessionClaim>, Error> {
        let (what, keys) = match kind {
            SessionKind::Member => ("member session JWT", &self.member_keys),
            SessionKind::User => ("user session JWT", &self.user_keys),
        };
        if crypto::provider().is_none() {
            return Err(JwtError::new(what, JwtErrorKind::NoCryptoBackend).into());
        }
        let issuer = format!("stytch.com/{}", client.project_id());
        let expected = Expected {
            what,
            issuers: &[&issuer],
            project_id: client.project_id(),
            audiences: &[],
            leeway: self.settings.leeway,
            max_token_age: self.settings.max_token_age,
            now: SystemTime::now(),
        };
        let checked = verify::check(jwt, &expected, &SessionProfile { member: kind == SessionKind::Member })?;
        let key = keys.key(&checked.kid, what, deadline).await?;
        Ok(checked.signed_by(jwt, &key)?)
    }
}

impl Verifier {
    /// What the session-inferred calls (`as_member`, `as_user`) do first: a session JWT verified locally when the
    /// policy is [`SessionVerification::Local`] (`Ok(Some(..))`, or the refusal); `Ok(None)` when Stytch must be
    /// asked instead: a session token (`jwt` is `None`), the remote policy, or a JWT older than `max_token_age`.
    pub(crate) async fn verify_if_local(
        &self,
        client: &Client,
        jwt: Option<&str>,
        kind: SessionKind,
        policy: SessionVerification,
        deadline: Option<Instant>,
    ) -> Result<Option<Verified<SessionClaim>>, Error> {
        let Some(jwt) = jwt.filter(|_| policy == SessionVerification::Local) else { return Ok(None) };
        match self.verify(client, jwt, kind, deadline).await {
            Ok(verified) => Ok(Some(verified)),
            Err(Error::SessionJwt(e)) if e.kind == JwtErrorKind::TooOld => Ok(None),
            Err(error) => Err(error),
        }
    }
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier").field("settings", &self.settings).finish_non_exhaustive()
    }
}
