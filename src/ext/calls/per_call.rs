//! The per-call options every call handle ([`crate::B2b`], [`crate::Consumer`]) offers, written once.

/// Adds `timeout`, `deadline` and `retry` to a handle with an `options: CallOptions` field.
macro_rules! per_call_options {
    () => {
        /// Limits each attempt of the calls made through this value (overrides the client's request timeout).
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.options.attempt_timeout = Some(timeout);
            self
        }

        /// Limits each call made through this value, all attempts and waits included (overrides the client's).
        pub fn deadline(mut self, deadline: std::time::Duration) -> Self {
            self.options.deadline = Some(deadline);
            self
        }

        /// Retries the calls made through this value by `policy` (overrides the client's);
        /// [`RetryPolicy::disabled`](crate::RetryPolicy::disabled) turns retries off.
        pub fn retry(mut self, policy: crate::RetryPolicy) -> Self {
            self.options.retry = Some(policy);
            self
        }
    };
}

pub(crate) use per_call_options;
