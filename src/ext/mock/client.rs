//! A client pointed at a mock server, with test credentials.

use httpmock::MockServer;

use crate::ClientBuilder;

/// The project id of [`client_builder`]'s client (a test project: nothing could reach a live one).
pub const PROJECT_ID: &str = "project-test-00000000-0000-4000-8000-000000000000";

/// The secret of [`client_builder`]'s client: a fake, safe to print in a test's failure output.
pub const SECRET: &str = "secret-test-mock-not-a-real-secret";

/// A [`ClientBuilder`] for a client that talks to `server` with [`PROJECT_ID`] and [`SECRET`]. Everything else
/// is the SDK's default (retries included: a mocked 429 or 5xx is retried as it would be against Stytch; turn
/// them off with [`ClientBuilder::retry_policy`] and [`RetryPolicy::disabled`](crate::RetryPolicy::disabled)).
///
/// ```
/// let server = httpmock::MockServer::start();
/// let client = stytch_connected_apps::mock::client_builder(&server).build()?;
/// assert_eq!(client.base_url(), server.base_url());
/// # Ok::<(), stytch_connected_apps::Error>(())
/// ```
pub fn client_builder(server: &MockServer) -> ClientBuilder {
    ClientBuilder::new(PROJECT_ID, SECRET).base_url(server.base_url())
}
