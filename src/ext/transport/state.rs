//! The per-client state the request path reads: progenitor's `inner` type.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::ext::hygiene::redact::Secrets;
use crate::ext::transport::retry::{RetryBudget, RetryPolicy, Sleep};

/// Per-client state the hooks read (progenitor's `inner` type).
#[derive(Clone, Debug)]
pub struct ClientState {
    pub(crate) max_body_bytes: usize,
    pub(crate) attempt_timeout: Duration,
    pub(crate) deadline: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) budget: RetryBudget,
    pub(crate) sleep: Arc<dyn Sleep>,
    /// The project secret and the Basic credential, cut out of anything a server sends back.
    pub(crate) secrets: Secrets,
    /// `Authorization: Basic` with the project's credentials (marked sensitive: no `Debug` prints it), added by the
    /// request hooks to every request except those that carry other credentials.
    pub(crate) project_authorization: HeaderValue,
    /// The base URL: the project's credentials go to its origin only.
    pub(crate) base_url: reqwest::Url,
    /// The `Authorization` header's value, for the mock matchers (`SdkRequest::sent_by`); never prints.
    #[cfg(feature = "mock")]
    pub(crate) authorization: crate::Secret,
}
