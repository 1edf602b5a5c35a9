//! RFC 9728 Protected Resource Metadata: what an MCP client (or any OAuth client) fetches to find the authorization
//! server of an API that answered 401, at `/.well-known/oauth-protected-resource`, and the `resource_metadata`
//! attribute of `WWW-Authenticate` that points to it.

use axum::Json;
use axum::Router;
use axum::routing::get;
use serde::Serialize;

use crate::Error;

/// Where RFC 9728 puts the metadata, between the resource's host and its path.
pub const WELL_KNOWN_PATH: &str = "/.well-known/oauth-protected-resource";

/// Your API's RFC 9728 metadata: its resource identifier, the authorization servers whose tokens it accepts (the
/// Stytch project's: its custom domain, or its `https://{test|api}.stytch.com/v1/public/{project_id}` issuer),
/// the scopes it knows, and that tokens come in the `Authorization` header only.
///
/// ```
/// use stytch_connected_apps::ProtectedResource;
/// let resource = ProtectedResource::new("https://api.example.com/mcp", ["https://auth.example.com"])?
///     .scopes_supported(["read:users", "write:users"]);
/// assert_eq!(resource.metadata_url(), "https://api.example.com/.well-known/oauth-protected-resource/mcp");
/// # Ok::<(), stytch_connected_apps::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProtectedResource {
    resource: String,
    authorization_servers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    scopes_supported: Vec<String>,
    bearer_methods_supported: [&'static str; 1],
    #[serde(skip)]
    metadata_url: String,
}

impl ProtectedResource {
    /// The metadata of the resource `resource` (an `https` URL without query or fragment; plain `http` only for
    /// loopback), whose tokens `authorization_servers` issue.
    pub fn new<S: Into<String>>(
        resource: impl Into<String>,
        authorization_servers: impl IntoIterator<Item = S>,
    ) -> Result<Self, Error> {
        let resource = resource.into();
        let config = |why: &str| Error::Configuration(format!("protected resource: {why}").into());
        let parsed = reqwest::Url::parse(&resource).map_err(|_| config("the resource is not a valid URL"))?;
        let loopback = matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
        let scheme_ok = parsed.scheme() == "https" || (parsed.scheme() == "http" && loopback);
        let credentials = !parsed.username().is_empty() || parsed.password().is_some();
        if !scheme_ok || parsed.query().is_some() || parsed.fragment().is_some() || credentials {
            return Err(config(
                "the resource must be https (http only on loopback), without credentials, query or fragment",
            ));
        }
        // The metadata route is an axum path: a segment starting with `:` or `*` would be read as a capture.
        if parsed.path_segments().into_iter().flatten().any(|segment| segment.starts_with([':', '*'])) {
            return Err(config("the resource's path segments must not start with `:` or `*`"));
        }
        let origin = parsed.origin().ascii_serialization();
        let path = parsed.path().trim_end_matches('/');
        let metadata_url = format!("{origin}{WELL_KNOWN_PATH}{path}");
        let resource = format!("{origin}{path}");
        let authorization_servers = authorization_servers.into_iter().map(Into::into).collect();
        Ok(Self {
            resource,
            authorization_servers,
            scopes_supported: Vec::new(),
            bearer_methods_supported: ["header"],
            metadata_url,
        })
    }

    /// Lists the scopes the API knows (`scopes_supported`).
    #[must_use]
    pub fn scopes_supported<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes_supported = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The resource identifier.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// Where the metadata is served: the resource's origin, [`WELL_KNOWN_PATH`], then the resource's path.
    pub fn metadata_url(&self) -> &str {
        &self.metadata_url
    }

    /// An axum router that serves the metadata at its path (merge it into your app, outside the token layer).
    pub fn router<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        let path = self
            .metadata_url
            .split_once(WELL_KNOWN_PATH)
            .map_or(WELL_KNOWN_PATH.to_owned(), |(_, p)| format!("{WELL_KNOWN_PATH}{p}"));
        let metadata = self.clone();
        Router::new().route(&path, get(move || async move { Json(metadata) }))
    }
}
