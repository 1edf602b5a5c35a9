//! What every operation's request matcher can also require: the request exactly as this SDK sends it.

use super::sealed::Operation;
use crate::Client;
use crate::ext::calls::operations;
use crate::ext::client::config::USER_AGENT;
use crate::ext::sessions::session::{SESSION_JWT_HEADER, SESSION_TOKEN_HEADER};

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
    /// - its `Authorization: Basic` credentials, the SDK's `User-Agent`, `Accept: application/json`, each exactly
    ///   once; no `api-version` header (progenitor's clients send one; this SDK does not); no query string;
    /// - on B1–B4, the member session of `client` ([`Client::with_member_session`]) in its header, exactly once,
    ///   and not the other session header; neither header without a session, and never on the other operations;
    /// - a `GET` or `DELETE` without a body, `Content-Type`, `Content-Length` or `Transfer-Encoding`; a `POST` or
    ///   `PUT` with `Content-Type: application/json` (once), and on the two revokes (B4, C2) and the three secret
    ///   rotation steps the body `{}`, byte for byte. A `sessions/authenticate` body depends on the session: add
    ///   `.session(&session)`; for the others, add the operation's typed `.body(...)`.
    ///
    /// A per-call session (`client.b2b().with_session(&s)`) or a session-inferred call (`client.as_member(s)`)
    /// sends what `client.with_member_session(s)` sends: pass that client.
    ///
    /// The Basic credential and the session go into the mock's expectations, which httpmock prints when a request
    /// does not match: use test credentials with mocks. The matchers include closures, which httpmock runs only on
    /// a local `MockServer` (not a remote one).
    ///
    /// # Panics
    ///
    /// When `client`'s base URL has a path (`http://127.0.0.1:PORT/stytch`): the typed mocks match paths from the
    /// server's root, so no request of that client could ever match. Point the client at
    /// `server.base_url()`, as [`client_builder`](super::client_builder) does. The panic says so at once, rather
    /// than as a 404 later in the test.
    fn sent_by(self, client: &Client) -> Self {
        let base = client.base_url();
        let after_host = base.split_once("://").map_or(base, |(_, rest)| rest);
        assert!(
            !after_host.contains('/'),
            "SdkRequest::sent_by: the client's base URL {base:?} has a path, and the typed mocks match paths from the \
             mock server's root: build the client with `.base_url(server.base_url())` (or mock::client_builder)"
        );
        let authorization = client.generated().inner.authorization.expose().to_owned();
        let carries_session = operations::WITH_MEMBER_SESSION.iter().any(|op| op.id == Self::OPERATION_ID);
        let session = if carries_session { client.member_session().cloned() } else { None };
        let empty_object = operations::EMPTY_OBJECT_BODY.iter().any(|op| op.id == Self::OPERATION_ID);
        self.map_when(move |when| {
            let mut once = vec!["authorization", "user-agent", "accept"];
            let when = when
                .header("authorization", authorization)
                .header("user-agent", USER_AGENT)
                .header("accept", "application/json")
                .header_missing("api-version")
                .is_true(|request| request.uri().query().is_none());
            let when = match session {
                Some(session) => {
                    let other = if session.is_jwt() { SESSION_TOKEN_HEADER } else { SESSION_JWT_HEADER };
                    once.push(if session.is_jwt() { "x-stytch-member-sessionjwt" } else { "x-stytch-member-session" });
                    when.header(session.header_name(), session.expose()).header_missing(other)
                }
                None => when.header_missing(SESSION_TOKEN_HEADER).header_missing(SESSION_JWT_HEADER),
            };
            let when = if matches!(Self::METHOD, "GET" | "DELETE") {
                when.header_missing("content-type")
                    .header_missing("content-length")
                    .header_missing("transfer-encoding")
                    .is_true(|request| request.body().is_empty())
            } else {
                once.push("content-type");
                let when = when.header("content-type", "application/json");
                if empty_object { when.body("{}") } else { when }
            };
            when.is_true(move |request| {
                let headers = request.headers();
                once.iter().all(|name| headers.get_all(*name).iter().count() == 1)
            })
        })
    }
}

impl<T: Operation> SdkRequest for T {}
