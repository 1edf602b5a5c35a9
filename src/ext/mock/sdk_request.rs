//! What every operation's request matcher can also require: the request exactly as this SDK sends it.

use httpmock::When;

use super::sealed::Operation;
use crate::Client;
use crate::ext::config::USER_AGENT;
use crate::ext::session::{SESSION_JWT_HEADER, SESSION_TOKEN_HEADER};

/// Matchers every `...When` of [`operations`](super::operations) has, generated or handwritten, beside its own
/// typed ones (path parameters, body): what the SDK sends on every request.
///
/// ```
/// use httpmock::MockServer;
/// use stytch_connected_apps::MemberSession;
/// use stytch_connected_apps::mock::{self, MockServerExt, SdkRequest};
/// use stytch_connected_apps::models::OrganizationConnectedAppsResponse;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), stytch_connected_apps::Error> {
/// let server = MockServer::start_async().await;
/// let client = mock::client_builder(&server).build()?;
/// let as_member = client.with_member_session(MemberSession::token("session-token-of-member-x")?);
/// let b1 = server.api_organization_v1_connected_apps(|when, then| {
///     when.sent_by(&as_member).organization_id("organization-x");
///     then.ok(&OrganizationConnectedAppsResponse::example());
/// });
///
/// // Without the session, the request is not the one mocked: httpmock answers 404.
/// assert!(client.b2b().organization_connected_apps("organization-x").await.is_err());
/// let apps = as_member.b2b().organization_connected_apps("organization-x").await?;
/// assert_eq!(apps.connected_apps[0].name, "first-party-confidential-app");
/// b1.assert_calls(1);
/// # Ok(()) }
/// ```
pub trait SdkRequest: Operation {
    /// Requires the request exactly as `client` sends this operation:
    ///
    /// - its `Authorization: Basic` credentials, the SDK's `User-Agent`, `Accept: application/json`, no
    ///   `api-version` header (progenitor's clients send one; this SDK does not), no query string;
    /// - on B1–B4, the member session of `client` ([`Client::with_member_session`]) in its header, and not the
    ///   other session header; neither header without a session, and never on the other operations;
    /// - a `GET` without a body or `Content-Type`; a `POST` with `Content-Type: application/json`.
    ///
    /// A per-call session (`client.b2b().with_session(&s)`) or a session-inferred call (`client.as_member(s)`)
    /// sends what `client.with_member_session(s)` sends: pass that client.
    ///
    /// The Basic credential and the session go into the mock's expectations, which httpmock prints when a request
    /// does not match: use test credentials with mocks.
    fn sent_by(self, client: &Client) -> Self {
        let authorization = client.generated().inner.authorization.expose().to_owned();
        let session = if Self::MEMBER_SESSION_HEADERS { client.member_session().cloned() } else { None };
        self.map_when(move |when| {
            let when = when
                .header("authorization", authorization)
                .header("user-agent", USER_AGENT)
                .header("accept", "application/json")
                .header_missing("api-version")
                .is_true(|request| request.uri().query().is_none());
            let when = match session {
                Some(session) => {
                    let other = if session.is_jwt() { SESSION_TOKEN_HEADER } else { SESSION_JWT_HEADER };
                    when.header(session.header_name(), session.expose()).header_missing(other)
                }
                None => when.header_missing(SESSION_TOKEN_HEADER).header_missing(SESSION_JWT_HEADER),
            };
            with_body_rules(when, Self::METHOD)
        })
    }
}

impl<T: Operation> SdkRequest for T {}

/// A `GET` carries nothing; a `POST` carries JSON.
fn with_body_rules(when: When, method: &str) -> When {
    if method == "GET" {
        when.header_missing("content-type")
            .header_missing("content-length")
            .is_true(|request| request.body().is_empty())
    } else {
        when.header("content-type", "application/json")
    }
}
