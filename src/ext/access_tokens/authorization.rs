//! B2B authorization of an access token, as Stytch's SDKs do it locally (`authorization_check`): the token's
//! organization must be the one the check names (tenancy), and one of its scopes must grant the action on the
//! resource in the project's RBAC policy (`GET /v1/b2b/rbac/policy`; an action `*` grants every action). The policy
//! is cached per client: fetched once (single-flight), refreshed in the background after 5 minutes (as the SDKs
//! do), kept through an outage, and after a failed fetch not asked again for the cooldown.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::models::{RbacPolicy, RbacPolicyResponse};
use crate::{AccessTokenClaims, AccessTokenError, Error, TransportError};

/// How long a fetched policy is used before a call refreshes it in the background (Stytch's SDKs: 5 minutes).
pub const DEFAULT_RBAC_POLICY_REFRESH_INTERVAL: Duration = Duration::from_secs(5 * 60);

/// What a B2B route requires of a token beyond its scopes: that it acts in `organization_id`, and that its scopes
/// grant `action` on `resource_id` in the project's RBAC policy.
///
/// ```
/// use stytch_connected_apps::{AuthorizationCheck, TokenRequirements};
/// let check = AuthorizationCheck::new("organization-test-1", "documents", "read");
/// let needs = TokenRequirements::new().authorization(check);
/// # let _ = needs;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthorizationCheck {
    /// The organization the request acts in (its data): the token's must be this one.
    pub organization_id: String,
    /// The RBAC resource.
    pub resource_id: String,
    /// The action on it.
    pub action: String,
}

impl AuthorizationCheck {
    /// A check of `action` on `resource_id` in `organization_id`.
    pub fn new(organization_id: impl Into<String>, resource_id: impl Into<String>, action: impl Into<String>) -> Self {
        Self { organization_id: organization_id.into(), resource_id: resource_id.into(), action: action.into() }
    }
}

/// Tenancy, checked first (as Stytch's SDKs do), and before the policy is needed: the token's organization must be
/// the check's.
pub(crate) fn tenancy(claims: &AccessTokenClaims, check: &AuthorizationCheck) -> Result<(), AccessTokenError> {
    let organization = claims.organization.as_ref().map(|o| o.organization_id.as_str());
    match organization == Some(check.organization_id.as_str()) {
        true => Ok(()),
        false => Err(AccessTokenError::TenancyMismatch),
    }
}

/// The permission: one of the token's scopes grants the check's action (or `*`) on its resource.
pub(crate) fn permitted(
    claims: &AccessTokenClaims,
    check: &AuthorizationCheck,
    policy: &RbacPolicy,
) -> Result<(), AccessTokenError> {
    let granted =
        policy.scopes.iter().filter(|scope| claims.scopes.has(&scope.scope)).flat_map(|scope| &scope.permissions).any(
            |permission| {
                permission.resource_id == check.resource_id
                    && permission.actions.iter().any(|action| action == "*" || *action == check.action)
            },
        );
    match granted {
        true => Ok(()),
        false => Err(AccessTokenError::PermissionDenied {
            resource_id: check.resource_id.clone(),
            action: check.action.clone(),
        }),
    }
}

/// The outcome of one fetch, as its waiters see it.
type Outcome = Option<Result<(), Arc<Error>>>;

#[derive(Default)]
struct State {
    policy: Option<Arc<RbacPolicy>>,
    fetched_at: Option<Instant>,
    last_failure: Option<(Arc<Error>, Instant)>,
    /// The fetch running now, and when it started.
    fetch: Option<(watch::Receiver<Outcome>, Instant)>,
}

/// The project's RBAC policy, cached per client and shared by its clones.
pub(crate) struct PolicyCache {
    refresh_after: Duration,
    cooldown: Duration,
    /// A fetch running longer than this is stuck (its runtime is gone or idle): forgotten.
    stuck_after: Duration,
    state: Mutex<State>,
}

impl PolicyCache {
    pub(crate) fn new(refresh_after: Duration, cooldown: Duration, stuck_after: Duration) -> Self {
        Self { refresh_after, cooldown, stuck_after, state: Mutex::new(State::default()) }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Plain data updated in single assignments: a panic elsewhere cannot leave it half-written.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The policy: the cached one (a refresh started in the background once it is old), or the one a fetch brings,
    /// waited for until `deadline`. `fetch` makes the request; it runs in a task of its own, so a caller that gives
    /// up cancels it for nobody.
    pub(crate) async fn policy<F, Fut>(
        self: &Arc<Self>,
        fetch: F,
        deadline: Option<Instant>,
    ) -> Result<Arc<RbacPolicy>, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<RbacPolicyResponse, Error>> + Send + 'static,
    {
        let mut outcome = {
            let mut state = self.state();
            let failed_recently = state.last_failure.as_ref().is_some_and(|(_, at)| at.elapsed() < self.cooldown);
            let running = self.running(&mut state);
            if let Some(policy) = state.policy.clone() {
                let stale = state.fetched_at.is_none_or(|at| at.elapsed() >= self.refresh_after);
                if stale && running.is_none() && !failed_recently {
                    // In the background: this call is answered with the policy it has.
                    let _ = self.start(&mut state, fetch());
                }
                return Ok(policy);
            }
            if let Some(outcome) = running {
                outcome
            } else if let Some((failure, _)) = state.last_failure.as_ref().filter(|_| failed_recently) {
                return Err(Error::RbacPolicy(failure.clone()));
            } else {
                self.start(&mut state, fetch())?
            }
        };
        let finished = outcome.wait_for(Option::is_some);
        let waited = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline.into(), finished).await.map_err(|_| {
                Error::Transport(TransportError::deadline_while_waiting(crate::ext::calls::operations::RBAC_POLICY.id))
            })?,
            None => finished.await,
        };
        match waited.as_deref() {
            Ok(Some(Err(failure))) => Err(Error::RbacPolicy(failure.clone())),
            Ok(Some(Ok(()))) => self
                .state()
                .policy
                .clone()
                .ok_or_else(|| Error::Configuration("the RBAC policy fetch succeeded without a policy".into())),
            // The fetch's task ended without an outcome (its runtime went away).
            Ok(None) | Err(_) => {
                Err(Error::Transport(TransportError::abandoned(crate::ext::calls::operations::RBAC_POLICY.id)))
            }
        }
    }

    /// The fetch running now; one that has ended, lost its task or is stuck is forgotten.
    fn running(&self, state: &mut State) -> Option<watch::Receiver<Outcome>> {
        let (outcome, started) = state.fetch.as_ref()?;
        if outcome.borrow().is_none() && outcome.has_changed().is_ok() && started.elapsed() < self.stuck_after {
            return Some(outcome.clone());
        }
        state.fetch = None;
        None
    }

    /// Starts the one fetch in a task of its own; its outcome is recorded and published in one critical section.
    fn start<Fut>(self: &Arc<Self>, state: &mut State, fetch: Fut) -> Result<watch::Receiver<Outcome>, Error>
    where
        Fut: Future<Output = Result<RbacPolicyResponse, Error>> + Send + 'static,
    {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Err(Error::Configuration("fetching the RBAC policy needs a tokio runtime".into()));
        };
        let (done, outcome) = watch::channel(None);
        state.fetch = Some((outcome.clone(), Instant::now()));
        let cache = self.clone();
        runtime.spawn(async move {
            let fetched = fetch.await;
            let mut state = cache.state();
            let published = match fetched {
                // A policy-less answer keeps what is known (as an empty key set does for the keys).
                Ok(RbacPolicyResponse { policy: Some(policy), .. }) => {
                    state.policy = Some(Arc::new(policy));
                    state.fetched_at = Some(Instant::now());
                    state.last_failure = None;
                    Ok(())
                }
                Ok(RbacPolicyResponse { policy: None, .. }) => {
                    let failure = Arc::new(Error::Configuration("Stytch answered without an RBAC policy".into()));
                    state.last_failure = Some((failure.clone(), Instant::now()));
                    Err(failure)
                }
                Err(error) => {
                    let failure = Arc::new(error);
                    state.last_failure = Some((failure.clone(), Instant::now()));
                    Err(failure)
                }
            };
            if state.fetch.as_ref().is_some_and(|(outcome, _)| outcome.same_channel(&done.subscribe())) {
                state.fetch = None;
            }
            let _ = done.send(Some(published));
        });
        Ok(outcome)
    }
}
