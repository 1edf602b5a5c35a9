//! A rate limit per endpoint, as Stytch applies one per endpoint and project: a token bucket holding a second's
//! worth of requests, refilled continuously.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::Endpoint;

/// Buckets per endpoint, all with the same rate.
#[derive(Debug)]
pub(crate) struct RateLimit {
    per_second: f64,
    buckets: HashMap<Endpoint, (f64, Instant)>,
}

impl RateLimit {
    /// `per_second` requests per second per endpoint (at least one), in bursts of up to as many.
    pub(crate) fn new(per_second: u32) -> Self {
        Self { per_second: f64::from(per_second.max(1)), buckets: HashMap::new() }
    }

    /// Takes a token for a request to `endpoint` arriving `now`; when there is none, how long until there is one.
    pub(crate) fn take(&mut self, endpoint: Endpoint, now: Instant) -> Result<(), Duration> {
        let (tokens, at) = self.buckets.entry(endpoint).or_insert((self.per_second, now));
        let refilled =
            (*tokens + now.saturating_duration_since(*at).as_secs_f64() * self.per_second).min(self.per_second);
        *at = now;
        if refilled >= 1.0 {
            *tokens = refilled - 1.0;
            Ok(())
        } else {
            *tokens = refilled;
            Err(Duration::from_secs_f64((1.0 - refilled) / self.per_second))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_one_second_then_the_rate() {
        let start = Instant::now();
        let mut limit = RateLimit::new(10);
        let burst = (0..12).filter(|_| limit.take(Endpoint::ConnectedApp, start).is_ok()).count();
        assert_eq!(burst, 10);
        let wait = limit.take(Endpoint::ConnectedApp, start).unwrap_err();
        assert!(wait > Duration::from_millis(99) && wait <= Duration::from_millis(100), "{wait:?}");
        assert!(limit.take(Endpoint::OrganizationConnectedApps, start).is_ok(), "another endpoint has its own bucket");
        let later = start + Duration::from_millis(250);
        let refilled = (0..5).filter(|_| limit.take(Endpoint::ConnectedApp, later).is_ok()).count();
        assert_eq!(refilled, 2, "2.5 tokens in 250 ms at 10/s");
    }
}
