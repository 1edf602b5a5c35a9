//! Retries: which outcomes are retried, how long to wait, and how many retries a client may spend.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// How a call retries. The default: 3 attempts, exponential backoff from 100 ms capped at 2 s with full jitter,
/// `Retry-After` honoured up to 10 s.
///
/// | outcome | retried? |
/// |---|---|
/// | 429, 500, 502, 503, 504 | yes, after `Retry-After` when the response has one (capped), else the backoff |
/// | connection refused or reset, failure while sending or reading the body, attempt timeout | yes |
/// | a response that is not valid HTTP or too large to read (e.g. 20 000 headers, a broken chunked body) | never |
/// | any other 4xx (400, 401, 403, 404, 409, ...) | never |
/// | 2xx, 3xx, a success body that does not decode, a body over the size limit | never |
/// | the wait would pass the call's deadline | no: the last outcome is returned |
/// | the client's [`RetryBudget`] is empty | no: the last outcome is returned |
///
/// GETs are retried, and so are revokes: revoking twice has the same effect as revoking once.
///
/// ```
/// use std::time::Duration;
/// use stytch_connected_apps::RetryPolicy;
///
/// let patient = RetryPolicy::default().max_attempts(5).max_backoff(Duration::from_secs(5));
/// let never = RetryPolicy::disabled();
/// assert_eq!(never.attempts(), 1);
/// # let _ = patient;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(10),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retry.
    pub fn disabled() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff before the first retry; it doubles for each further one.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The largest backoff.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest `Retry-After` honoured; a longer one is cut to this.
    pub fn max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// Waits the full backoff instead of a random time up to it (full jitter). For tests and reproducible runs.
    pub fn without_jitter(mut self) -> Self {
        self.jitter = false;
        self
    }

    /// Attempts in all.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The wait before retry number `retry` (1 for the first retry): `Retry-After` when present (capped), else
    /// `min(max_backoff, initial_backoff * 2^(retry-1))`, scaled by `jitter` (a uniform draw in [0, 1]) unless
    /// jitter is off.
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_retry_after);
        }
        let doubling = 2u32.saturating_pow(retry.saturating_sub(1));
        let backoff = self.initial_backoff.saturating_mul(doubling).min(self.max_backoff);
        if self.jitter { backoff.mul_f64(jitter.clamp(0.0, 1.0)) } else { backoff }
    }
}

/// Is a response with this status worth another attempt?
pub(crate) fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// `Retry-After` as a wait: delay-seconds or an HTTP date (relative to `now`). Absent or unreadable: `None`.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A client-wide budget of retries (a token bucket), so that an outage does not multiply the load on Stytch.
/// It starts with `reserve` tokens; every call deposits `per_call` (up to `reserve`); every retry spends one.
/// With the default (10 tokens, 0.1 per call) a client retries at most about one call in ten once its reserve is
/// spent. Clones share the bucket.
///
/// ```
/// use stytch_connected_apps::RetryBudget;
/// let budget = RetryBudget::new(2.0, 0.0);
/// assert!(budget.try_spend() && budget.try_spend() && !budget.try_spend());
/// ```
#[derive(Clone)]
pub struct RetryBudget {
    inner: Arc<Bucket>,
}

struct Bucket {
    reserve: f64,
    per_call: f64,
    tokens: Mutex<f64>,
}

impl RetryBudget {
    /// A bucket holding `reserve` tokens at most (and at first), refilled by `per_call` per call.
    pub fn new(reserve: f64, per_call: f64) -> Self {
        let reserve = reserve.max(0.0);
        Self { inner: Arc::new(Bucket { reserve, per_call: per_call.max(0.0), tokens: Mutex::new(reserve) }) }
    }

    /// A budget that never runs out.
    pub fn unlimited() -> Self {
        Self::new(f64::INFINITY, 0.0)
    }

    /// Tokens left.
    pub fn available(&self) -> f64 {
        *self.lock()
    }

    /// Spends one token for a retry; `false` (and nothing spent) when fewer than one is left.
    pub fn try_spend(&self) -> bool {
        let mut tokens = self.lock();
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }

    pub(crate) fn deposit(&self) {
        let mut tokens = self.lock();
        *tokens = (*tokens + self.inner.per_call).min(self.inner.reserve);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, f64> {
        // A poisoned lock only means another thread panicked while holding a plain f64: the value is still valid.
        self.inner.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self::new(10.0, 0.1)
    }
}

impl fmt::Debug for RetryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryBudget")
            .field("available", &self.available())
            .field("reserve", &self.inner.reserve)
            .field("per_call", &self.inner.per_call)
            .finish()
    }
}

/// Waits between attempts. The default sleeps on tokio's timer; tests inject one that records the waits.
pub trait Sleep: Send + Sync + fmt::Debug {
    /// Waits `duration`.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// [`Sleep`] on tokio's timer.
#[derive(Debug, Default, Clone, Copy)]
pub struct TokioSleep;

impl Sleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_jitter_scales_it() {
        let policy = RetryPolicy::default().without_jitter();
        let delays: Vec<u128> = (1..=7).map(|retry| policy.delay(retry, None, 0.5).as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 800, 1600, 2000, 2000]);
        let jittered = RetryPolicy::default();
        assert_eq!(jittered.delay(3, None, 0.25), Duration::from_millis(100));
        assert_eq!(jittered.delay(3, None, 0.0), Duration::ZERO);
        assert_eq!(jittered.delay(40, None, 1.0), Duration::from_secs(2), "no overflow far out");
    }

    #[test]
    fn retry_after_wins_and_is_capped() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(1, Some(Duration::from_secs(3)), 0.0), Duration::from_secs(3));
        assert_eq!(policy.delay(1, Some(Duration::from_secs(3600)), 0.0), Duration::from_secs(10));
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let header = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(RETRY_AFTER, value.parse().unwrap());
            retry_after(&headers, now)
        };
        assert_eq!(header("7"), Some(Duration::from_secs(7)));
        assert_eq!(header(&httpdate::fmt_http_date(now + Duration::from_secs(42))), Some(Duration::from_secs(42)));
        assert_eq!(header(&httpdate::fmt_http_date(now - Duration::from_secs(42))), Some(Duration::ZERO));
        assert_eq!(header("soon"), None);
        assert_eq!(header("-1"), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn the_budget_refills_per_call_up_to_its_reserve() {
        let budget = RetryBudget::new(1.0, 0.5);
        assert!(budget.try_spend());
        assert!(!budget.try_spend());
        budget.deposit();
        assert!(!budget.try_spend(), "half a token is not a retry");
        budget.deposit();
        budget.deposit();
        assert_eq!(budget.available(), 1.0, "capped at the reserve");
        assert!(budget.try_spend());
        assert!(RetryBudget::unlimited().try_spend());
    }

    #[test]
    fn only_transient_statuses_are_retryable() {
        let retryable: Vec<u16> = (100..600).filter(|&s| retryable_status(StatusCode::from_u16(s).unwrap())).collect();
        assert_eq!(retryable, [429, 500, 502, 503, 504]);
    }
}
