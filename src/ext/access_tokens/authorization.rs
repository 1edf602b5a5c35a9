//! B2B authorization of an access token, as Stytch's SDKs do it locally (`authorization_check`): the token's
//! organization must be the one the check names (tenancy), and one of its scopes must grant the action on the
//! resource in the project's RBAC policy (`GET /v1/b2b/rbac/policy`; an action `*` grants every action). The policy
//! is cached per client: fetched once (single-flight), refreshed in the background after 5 minutes (as the SDKs
//! do), kept through an outage, and after a failed fetch not asked again for the cooldown.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::ext::transport::single_flight::{self, Fetch, Flight, Shared, Waited, failed};
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

#[derive(Default)]
pub(crate) struct State {
    policy: Option<Arc<RbacPolicy>>,
    fetched_at: Option<Instant>,
    last_failure: Option<(Arc<Error>, Instant)>,
    /// The fetch running now, if any.
    flight: Flight,
}

/// The project's RBAC policy, cached per client and shared by its clones; fetched by the same single-flight
/// machinery as the signing keys ([`single_flight`](crate::ext::transport::single_flight)).
pub(crate) struct PolicyCache {
    refresh_after: Duration,
    cooldown: Duration,
    /// A fetch running longer than this is stuck (its runtime is gone or idle): forgotten.
    stuck_after: Duration,
    state: Mutex<State>,
}

/// What a call that has no policy yet must do.
enum Next {
    Wait(Fetch),
    Fail(Error),
}

impl PolicyCache {
    pub(crate) fn new(refresh_after: Duration, cooldown: Duration, stuck_after: Duration) -> Self {
        Self { refresh_after, cooldown, stuck_after, state: Mutex::new(State::default()) }
    }

    /// The policy: the cached one (a refresh started in the background once it is old), or the one a fetch brings,
    /// waited for until `deadline`. `fetch` makes the request (called once per fetch started); it runs in a task of
    /// its own, so a caller that gives up cancels it for nobody. A fetch that is lost (its runtime gone) or stuck
    /// is forgotten and asked again, three waits at most.
    pub(crate) async fn policy<F, Fut>(
        self: &Arc<Self>,
        fetch: F,
        deadline: Option<Instant>,
    ) -> Result<Arc<RbacPolicy>, Error>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<RbacPolicyResponse, Error>> + Send + 'static,
    {
        let operation = crate::ext::calls::operations::RBAC_POLICY.id;
        let mut next = {
            let mut state = self.lock();
            if let Some(policy) = state.policy.clone() {
                let stale = state.fetched_at.is_none_or(|at| at.elapsed() >= self.refresh_after);
                if stale && state.flight.running(self.stuck_after).is_none() && !self.failed_recently(&state) {
                    // In the background: this call is answered with the policy it has.
                    let _ = Flight::start(self, &mut state, fetch(), "the RBAC policy");
                }
                return Ok(policy);
            }
            self.without_policy(&mut state, &fetch)
        };
        for wait in 1..=3 {
            let fetch_running = match next {
                Next::Fail(error) => return Err(error),
                Next::Wait(running) => running,
            };
            let waited = fetch_running.wait(deadline, self.stuck_after, operation, Error::RbacPolicy).await?;
            let mut state = self.lock();
            if let Some(policy) = state.policy.clone() {
                return Ok(policy);
            }
            next = match waited {
                // A fetch answered, and the policy is still missing: only its failure can say why.
                Waited::Done => match state.last_failure.as_ref() {
                    Some((failure, _)) => Next::Fail(Error::RbacPolicy(failure.clone())),
                    None => Next::Fail(Error::Configuration("the RBAC policy fetch ended without a policy".into())),
                },
                // No fetch is started that nobody would wait for.
                Waited::Lost if wait == 3 => break,
                Waited::Lost => self.without_policy(&mut state, &fetch),
            };
        }
        // Three fetches in a row ended without an outcome: their runtimes are going away.
        Err(Error::Transport(TransportError::abandoned(operation)))
    }

    /// No policy yet: join the running fetch, answer with a failure within the cooldown, or start a fetch.
    fn without_policy<F, Fut>(self: &Arc<Self>, state: &mut State, fetch: &F) -> Next
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<RbacPolicyResponse, Error>> + Send + 'static,
    {
        if let Some(running) = state.flight.running(self.stuck_after) {
            return Next::Wait(running);
        }
        if let Some((failure, _)) = state.last_failure.as_ref().filter(|_| self.failed_recently(state)) {
            return Next::Fail(Error::RbacPolicy(failure.clone()));
        }
        match Flight::start(self, state, fetch(), "the RBAC policy") {
            Ok(running) => Next::Wait(running),
            Err(error) => Next::Fail(error),
        }
    }

    /// The last fetch failed within the cooldown.
    fn failed_recently(&self, state: &State) -> bool {
        state.last_failure.as_ref().is_some_and(|(_, at)| at.elapsed() < self.cooldown)
    }
}

impl Shared for PolicyCache {
    type State = State;
    type Fetched = Result<RbacPolicyResponse, Error>;

    fn lock(&self) -> MutexGuard<'_, State> {
        single_flight::lock(&self.state)
    }

    fn flight(state: &mut State) -> &mut Flight {
        &mut state.flight
    }

    /// The policy a fetch brought; a policy-less answer or a failure keeps what is known (as an empty key set does
    /// for the keys).
    fn record(
        &self,
        state: &mut State,
        fetched: Result<RbacPolicyResponse, Error>,
        started_at: Instant,
    ) -> Result<bool, Arc<Error>> {
        match fetched {
            Ok(RbacPolicyResponse { policy: Some(policy), .. }) => {
                state.policy = Some(Arc::new(policy));
                state.fetched_at = Some(started_at);
                state.last_failure = None;
                Ok(true)
            }
            Ok(RbacPolicyResponse { policy: None, .. }) => {
                let answer = Error::Configuration("Stytch answered without an RBAC policy".into());
                Err(failed(&mut state.last_failure, answer))
            }
            Err(error) => Err(failed(&mut state.last_failure, error)),
        }
    }
}
