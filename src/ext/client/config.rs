//! Client configuration: credentials, base URL, timeouts.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use reqwest::Url;
use reqwest::header::HeaderValue;

use crate::ext::hygiene::redact::Secrets;
use crate::ext::jwt::key_cache::CacheTimings;
use crate::ext::sessions::verification::{VerificationSettings, Verifier};
use crate::ext::transport::ClientState;
use crate::{Client, Error, InvalidInput, RetryBudget, RetryPolicy, Secret, SessionVerification, Sleep, TokioSleep};

/// Stytch's live environment, used when the project id starts with `project-live-`.
pub const LIVE_BASE_URL: &str = "https://api.stytch.com";
/// Stytch's test environment, used for every other project id.
pub const TEST_BASE_URL: &str = "https://test.stytch.com";
/// How long establishing a connection may take, unless configured otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one attempt may take, from sending the request to the last byte of the response, unless configured
/// otherwise. Stytch's own server-side timeout is about 30 s.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(35);
/// The longest a JWKS or policy fetch may run before it counts as stuck (for a client without a deadline).
const MAX_STUCK_AFTER: Duration = Duration::from_secs(10 * 60);

/// How long one call may take, every attempt and wait between them included, unless configured otherwise.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(75);
/// The largest response body read, unless configured otherwise.
pub const DEFAULT_MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

pub(crate) const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"), " (rust)");

/// Builds a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use stytch_connected_apps::Client;
///
/// let client = Client::builder("project-test-123", "secret-test-456")
///     .base_url("http://127.0.0.1:8080")
///     .connect_timeout(Duration::from_secs(2))
///     .request_timeout(Duration::from_secs(10))
///     .build()?;
/// assert_eq!(client.base_url(), "http://127.0.0.1:8080");
/// assert!(!format!("{client:?}").contains("secret-test-456"));
/// # Ok::<(), stytch_connected_apps::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct ClientBuilder {
    project_id: String,
    secret: Secret,
    base_url: Option<String>,
    connect_timeout: Duration,
    request_timeout: Duration,
    deadline: Duration,
    max_body_bytes: usize,
    retry: RetryPolicy,
    budget: RetryBudget,
    sleep: Arc<dyn Sleep>,
    allow_insecure_http: bool,
    verification: VerificationSettings,
    custom_domain: Option<String>,
}

impl ClientBuilder {
    /// Starts from a project id and secret, with the default host and timeouts.
    pub fn new(project_id: impl Into<String>, secret: impl Into<Secret>) -> Self {
        Self {
            project_id: project_id.into(),
            secret: secret.into(),
            base_url: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            deadline: DEFAULT_DEADLINE,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            retry: RetryPolicy::default(),
            budget: RetryBudget::default(),
            sleep: Arc::new(TokioSleep),
            allow_insecure_http: false,
            verification: VerificationSettings::default(),
            custom_domain: None,
        }
    }

    /// Reads `STYTCH_PROJECT_ID`, `STYTCH_SECRET` and, if set, `STYTCH_BASE_URL` from the environment.
    /// `STYTCH_BASE_URL` follows the same rule as [`ClientBuilder::base_url`]: `https`, or `http` to loopback.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    pub(crate) fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let required = |name: &'static str| {
            var(name)
                .filter(|value| !value.is_empty())
                .ok_or(Error::Configuration(format!("environment variable {name} is not set").into()))
        };
        let mut builder = Self::new(required("STYTCH_PROJECT_ID")?, required("STYTCH_SECRET")?);
        if let Some(url) = var("STYTCH_BASE_URL").filter(|value| !value.is_empty()) {
            builder = builder.base_url(url);
        }
        if let Some(domain) = var("STYTCH_CUSTOM_DOMAIN").filter(|value| !value.is_empty()) {
            builder = builder.custom_domain(domain);
        }
        Ok(builder)
    }

    /// Sends requests to this URL instead of the host inferred from the project id: a custom domain, a test
    /// server, the emulator. It may carry a path prefix; a trailing `/` is ignored.
    ///
    /// Every request carries the project secret, so the URL must be `https`. Plain `http` is accepted only for a
    /// loopback host (`127.0.0.0/8`, `[::1]`, `localhost`: the emulator and tests; requests to it never go
    /// through a proxy), or after [`allow_insecure_http(true)`](ClientBuilder::allow_insecure_http); otherwise
    /// [`build`](ClientBuilder::build) fails with [`Error::Configuration`].
    ///
    /// ```
    /// use stytch_connected_apps::{Client, Error};
    /// assert!(Client::builder("project-test-1", "secret").base_url("http://127.0.0.1:8080").build().is_ok());
    /// let clear = Client::builder("project-test-1", "secret").base_url("http://api.stytch.com").build();
    /// assert!(matches!(clear, Err(Error::Configuration(_))));
    /// ```
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The project's domain (`https://auth.example.com`, or the default `https://{noun}-{verb}-{number}.customers.stytch.com`
    /// Stytch provisions; from `STYTCH_CUSTOM_DOMAIN` with [`from_env`](Client::from_env)): Connected Apps' access
    /// tokens issued on it name it as their issuer, which
    /// [`AccessTokens`](crate::AccessTokens) then accepts beside `stytch.com/{project_id}`, compared exactly.
    /// An origin only: `https` (plain `http` only to loopback, even with [`allow_insecure_http`](Self::allow_insecure_http)), no path, query,
    /// fragment or credentials; a trailing `/` is ignored. Token introspection
    /// (`{custom domain}/v1/oauth2/introspect`) and the keys access tokens are verified with
    /// (`{custom domain}/.well-known/jwks.json`, public: no credentials are sent) go to it, as Stytch documents;
    /// every other call, session JWTs' keys included, goes to the base URL.
    ///
    /// ```
    /// use stytch_connected_apps::Client;
    /// let client = Client::builder("project-test-1", "secret").custom_domain("https://Auth.Example.com/").build()?;
    /// assert_eq!(client.custom_domain(), Some("https://auth.example.com"));
    /// assert!(Client::builder("project-test-1", "secret").custom_domain("https://auth.example.com/v1").build().is_err());
    /// # Ok::<(), stytch_connected_apps::Error>(())
    /// ```
    pub fn custom_domain(mut self, url: impl Into<String>) -> Self {
        self.custom_domain = Some(url.into());
        self
    }

    /// Allows a plain-`http` base URL to a host that is not loopback, e.g. a test server on a private network.
    /// The project secret and session tokens then travel **in clear**: never use it across a network you do not
    /// control. Off by default.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Limits how long establishing a connection may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Limits how long each attempt may take, from sending the request to the last byte of the response.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Limits how long each call may take, every attempt and wait between them included.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Limits how many bytes of a response body are read; a longer success body is an error, not an allocation.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// How calls retry (see [`RetryPolicy`] for what is retried); [`RetryPolicy::disabled`] turns retries off.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Where the session-inferred calls verify a session JWT (default [`SessionVerification::Local`]); each
    /// call can override it.
    pub fn session_verification(mut self, policy: SessionVerification) -> Self {
        self.verification.policy = policy;
        self
    }

    /// Clock tolerance for a session JWT's `exp`, `nbf` and session expiry (default
    /// [`DEFAULT_JWT_LEEWAY`](crate::DEFAULT_JWT_LEEWAY), 10 s).
    pub fn jwt_leeway(mut self, leeway: Duration) -> Self {
        self.verification.leeway = leeway;
        self
    }

    /// A session JWT issued (`iat`) longer ago than this is not trusted locally: the session-inferred calls ask
    /// Stytch instead (as the official SDKs' `max_token_age`), and [`Client::verify_member_jwt`] refuses it
    /// ([`JwtErrorKind::TooOld`](crate::JwtErrorKind::TooOld)). Default: none (the JWT's own 5-minute lifetime).
    pub fn max_token_age(mut self, age: Duration) -> Self {
        self.verification.max_token_age = Some(age);
        self
    }

    /// Cached signing keys older than this are refreshed in the background of the next verification, which still
    /// uses them (default [`DEFAULT_JWKS_REFRESH_INTERVAL`](crate::DEFAULT_JWKS_REFRESH_INTERVAL), 10 min).
    pub fn jwks_refresh_interval(mut self, interval: Duration) -> Self {
        self.verification.timings.refresh_after = interval;
        self
    }

    /// After refetching the keys for an unknown `kid`, or a failed fetch, no other refetch for this long (default
    /// [`DEFAULT_JWKS_REFETCH_COOLDOWN`](crate::DEFAULT_JWKS_REFETCH_COOLDOWN), 30 s): a flood of forged `kid`s
    /// costs at most one JWKS request per cooldown.
    pub fn jwks_refetch_cooldown(mut self, cooldown: Duration) -> Self {
        self.verification.timings.cooldown = cooldown;
        self
    }

    /// The retry budget this client's calls share; pass a clone to share one budget between clients.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.budget = budget;
        self
    }

    /// How the client waits between attempts (default: tokio's timer). Tests inject one that records the waits.
    pub fn sleep(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = sleep;
        self
    }

    /// How long the project's RBAC policy (for access tokens' authorization checks) is used before a check
    /// refreshes it in the background (default [`DEFAULT_RBAC_POLICY_REFRESH_INTERVAL`](crate::DEFAULT_RBAC_POLICY_REFRESH_INTERVAL),
    /// 5 minutes, as Stytch's SDKs). The cached policy keeps answering while a refresh fails.
    pub fn rbac_policy_refresh_interval(mut self, interval: Duration) -> Self {
        self.verification.policy_refresh_after = interval;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        check_project_id(&self.project_id)?;
        if self.secret.expose().is_empty() {
            return Err(InvalidInput::new("secret", "must not be empty").into());
        }
        let base_url = match &self.base_url {
            Some(url) => check_base_url(url, self.allow_insecure_http)?,
            None => base_url_for(&self.project_id).to_owned(),
        };
        let custom_domain = match &self.custom_domain {
            Some(url) => Some(check_custom_domain(url)?),
            None => None,
        };
        // Not a default header: the request hooks add it to every request but those that must not carry the
        // project's credentials (token introspection carries a Connected App's).
        let (project_authorization, basic_credential) = auth_header(&self.project_id, &self.secret)?;
        let mut http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(self.connect_timeout)
            // An API client has no business following redirects (and would re-send credentials).
            .redirect(reqwest::redirect::Policy::none())
            // HTTP/1.1 even when another crate turns reqwest's `http2` feature on: h2 prints a GOAWAY frame's
            // server-chosen bytes in its errors and tracing events (see SECURITY.md).
            .http1_only();
        http = crate::ext::client::tls::configure(http)?;
        if base_url.starts_with("http://") || custom_domain.as_deref().is_some_and(|url| url.starts_with("http://")) {
            // Plain HTTP (loopback, or opted in) to Stytch or to the custom domain (introspection, with a Connected
            // App's secret and a bearer token): a system proxy (`HTTP_PROXY`) would receive them in clear, so none
            // is used.
            http = http.no_proxy();
        }
        let http =
            http.build().map_err(|e| Error::Configuration(format!("cannot build the HTTP client: {e}").into()))?;
        let mut secrets = Secrets::default();
        secrets.add(self.secret.expose());
        #[cfg(feature = "mock")]
        let authorization = crate::Secret::from(format!("Basic {basic_credential}"));
        secrets.add(basic_credential);
        // Each attempt's timeout is set per request by the transport (clamped to the call's deadline).
        let state = ClientState {
            max_body_bytes: self.max_body_bytes,
            attempt_timeout: self.request_timeout,
            deadline: self.deadline,
            retry: self.retry,
            budget: self.budget,
            sleep: self.sleep,
            secrets,
            project_authorization,
            base_url: reqwest::Url::parse(&base_url)
                .map_err(|e| Error::Configuration(format!("the base URL is not a valid URL ({e})").into()))?,
            #[cfg(feature = "mock")]
            authorization,
        };
        let generated = crate::generated::Client::new_with_client(&base_url, http, state);
        let settings = VerificationSettings {
            // A key fetch runs with the client's deadline: one still running a second past it is stuck. Without a
            // deadline, one running for ten minutes is (else a fetch on a blocked runtime would hold every caller).
            timings: CacheTimings {
                stuck_after: self.deadline.saturating_add(Duration::from_secs(1)).min(MAX_STUCK_AFTER),
                ..self.verification.timings
            },
            ..self.verification
        };
        let verifier = Arc::new(Verifier::new(settings, &generated, &self.project_id, custom_domain));
        Ok(Client::from_parts(generated, self.project_id.into(), verifier))
    }
}

/// The Stytch host for a project id: live for `project-live-...`, test otherwise (as every official SDK does).
pub fn base_url_for(project_id: &str) -> &'static str {
    if project_id.starts_with("project-live-") { LIVE_BASE_URL } else { TEST_BASE_URL }
}

fn check_project_id(project_id: &str) -> Result<(), Error> {
    let reason = if project_id.is_empty() {
        "must not be empty"
    } else if project_id.contains(':') {
        "must not contain `:` (it is the Basic-auth user name)"
    } else if !project_id.bytes().all(|b| b.is_ascii_graphic()) {
        "must be visible ASCII"
    } else if project_id == "." || project_id == ".." || project_id.contains('\\') {
        // It is a path segment of the JWKS and introspection endpoints, where these would change the path.
        "must not be `.` or `..` or contain `\\` (it is a URL path segment)"
    } else {
        return Ok(());
    };
    Err(InvalidInput::new("project id", reason).into())
}

/// Checks a base URL: `https` (or `http` to loopback, or with `allow_insecure_http`), no credentials, query or
/// fragment. Messages show the URL without what could be secret in it (user info, query).
fn check_base_url(url: &str, allow_insecure_http: bool) -> Result<String, Error> {
    check_url(url, allow_insecure_http, "base URL")
}

/// The rules of [`check_base_url`], for a URL called `what` in messages.
fn check_url(url: &str, allow_insecure_http: bool, what: &str) -> Result<String, Error> {
    let config = |message: String| Error::Configuration(message.into());
    // The parser's reason only, not the URL: an unparsable URL may still hold a password.
    let parsed = Url::parse(url).map_err(|e| config(format!("the {what} is not a valid URL ({e})")))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(config(format!("the {what} must not carry credentials (user:password@)")));
    }
    let shown = shown_url(&parsed);
    if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(config(format!("{what} {shown:?} must be https, without query or fragment")));
    }
    if parsed.scheme() == "http" && !allow_insecure_http && !is_loopback(&parsed) {
        return Err(config(format!(
            "{what} {shown:?} is plain http to a host that is not loopback: the project secret would travel in \
             clear. Use https, or ClientBuilder::allow_insecure_http(true) on a network you control"
        )));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

/// A custom domain as the origin an issuer names (`https://auth.example.com`): the base URL's rules, and no path.
///
/// Plain http only to loopback, even with `allow_insecure_http`: the keys access tokens are verified with come from
/// this domain, and anyone on the path of a clear-text fetch could serve their own.
fn check_custom_domain(url: &str) -> Result<String, Error> {
    let config = |message: String| Error::Configuration(message.into());
    if let Ok(parsed) = Url::parse(url)
        && parsed.scheme() == "http"
        && !is_loopback(&parsed)
    {
        return Err(config(format!(
            "custom domain {:?} is plain http to a host that is not loopback: the keys access tokens are verified \
             with would travel in clear, for anyone on the way to replace. Use https",
            shown_url(&parsed)
        )));
    }
    let checked = check_url(url, false, "custom domain")?;
    let parsed = Url::parse(&checked).map_err(|e| config(format!("the custom domain is not a valid URL ({e})")))?;
    if parsed.path() != "/" {
        return Err(config(format!("custom domain {:?} must be an origin, without a path", shown_url(&parsed))));
    }
    Ok(parsed.origin().ascii_serialization())
}

/// `127.0.0.0/8`, `::1` or `localhost` (the URL parser has already normalised `127.1`, `0x7f.1`, case, ...).
fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else { return false };
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `scheme://host[:port]/path` of a URL, for messages.
fn shown_url(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{}://{host}:{port}{}", url.scheme(), url.path()),
        None => format!("{}://{host}{}", url.scheme(), url.path()),
    }
}

/// The `Authorization: Basic` header's value, marked sensitive so that no `Debug` of the HTTP client prints it, and the
/// credential it carries (to scrub from anything a server sends back).
fn auth_header(project_id: &str, secret: &Secret) -> Result<(HeaderValue, String), Error> {
    let credentials = base64::engine::general_purpose::STANDARD.encode(format!("{project_id}:{}", secret.expose()));
    let mut value = HeaderValue::try_from(format!("Basic {credentials}"))
        .map_err(|_| Error::Configuration("credentials do not form a valid header".into()))?;
    value.set_sensitive(true);
    Ok((value, credentials))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infers_the_host_from_the_project_id() {
        assert_eq!(base_url_for("project-live-abc"), LIVE_BASE_URL);
        assert_eq!(base_url_for("project-test-abc"), TEST_BASE_URL);
        assert_eq!(base_url_for("anything"), TEST_BASE_URL);
    }

    #[test]
    fn reads_the_environment() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
        };
        let client = ClientBuilder::from_vars(vars(&[("STYTCH_PROJECT_ID", "project-live-1"), ("STYTCH_SECRET", "s")]))
            .and_then(ClientBuilder::build)
            .unwrap();
        assert_eq!(client.base_url(), LIVE_BASE_URL);
        let client = ClientBuilder::from_vars(vars(&[
            ("STYTCH_PROJECT_ID", "project-live-1"),
            ("STYTCH_SECRET", "s"),
            ("STYTCH_BASE_URL", "http://127.0.0.1:9/prefix/"),
        ]))
        .and_then(ClientBuilder::build)
        .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9/prefix");
        // STYTCH_BASE_URL follows the builder's rule: no plain http to a host that is not loopback.
        let err = ClientBuilder::from_vars(vars(&[
            ("STYTCH_PROJECT_ID", "project-live-1"),
            ("STYTCH_SECRET", "s"),
            ("STYTCH_BASE_URL", "http://api.stytch.com"),
        ]))
        .and_then(ClientBuilder::build)
        .unwrap_err();
        assert!(matches!(&err, Error::Configuration(m) if m.contains("plain http")), "{err:?}");
        let err = ClientBuilder::from_vars(vars(&[("STYTCH_PROJECT_ID", "p")])).unwrap_err();
        assert!(err.to_string().contains("STYTCH_SECRET"), "{err}");
        let err = ClientBuilder::from_vars(vars(&[("STYTCH_SECRET", "s"), ("STYTCH_PROJECT_ID", "")])).unwrap_err();
        assert!(err.to_string().contains("STYTCH_PROJECT_ID"), "{err}");
    }

    #[test]
    fn rejects_bad_configuration_without_echoing_the_secret() {
        let bad = [
            ClientBuilder::new("", "s3cr3t-value"),
            ClientBuilder::new("pro:ject", "s3cr3t-value"),
            ClientBuilder::new("project-test-1", ""),
            ClientBuilder::new("project-test-1", "s3cr3t-value").base_url("ftp://x"),
            ClientBuilder::new("project-test-1", "s3cr3t-value").base_url("not a url"),
            ClientBuilder::new("project-test-1", "s3cr3t-value").base_url("http://u:p@x"),
            ClientBuilder::new("project-test-1", "s3cr3t-value").base_url("http://x/?q=1"),
        ];
        for builder in bad {
            let err = builder.build().unwrap_err();
            assert!(!format!("{err} {err:?}").contains("s3cr3t-value"));
        }
    }
}
