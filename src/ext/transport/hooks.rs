//! progenitor's hooks for the generated client: header hygiene before a request, the retry loop as `exec`.

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, Entry, HeaderName};

use crate::ext::calls::operations;

use crate::ext::errors::decode;
use crate::ext::sessions::session::{SESSION_JWT_HEADER, SESSION_TOKEN_HEADER};
use crate::ext::transport::scope;
use crate::ext::transport::state::ClientState;
use crate::generated::Client as GeneratedClient;

/// The header progenitor adds to every request and the hooks remove.
static API_VERSION: HeaderName = HeaderName::from_static("api-version");

impl ClientHooks<ClientState> for GeneratedClient {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        // The project's credentials, to the base URL's origin only (never to the custom domain or anywhere else a
        // request goes), unless the operation carries another party's (or none at all).
        let to_stytch = same_origin(request.url(), &self.inner().base_url);
        let headers = request.headers_mut();
        if to_stytch
            && !operations::WITHOUT_PROJECT_CREDENTIALS.contains(&info.operation_id)
            && let Entry::Vacant(entry) = headers.entry(AUTHORIZATION)
        {
            entry.insert(self.inner().project_authorization.clone());
        }
        // progenitor adds `api-version: <info.version>`; Stytch has no such header.
        headers.remove(&API_VERSION);
        // One pass over the few headers, rather than a lookup (and a name parse) per session header.
        for (name, value) in headers.iter_mut() {
            if name == SESSION_TOKEN_HEADER || name == SESSION_JWT_HEADER {
                value.set_sensitive(true);
            }
        }
        Ok(())
    }

    async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        let (response, body) = self.attempts(request, info.operation_id).await?;
        // The ext layer reads only the status and body of a success: progenitor would copy headers nobody reads.
        // Errors keep theirs, and so does a power user calling the generated client directly (no scope).
        let headers = !scope::in_scope() || !response.status().is_success();
        Ok(decode::with_body(response, body, headers))
    }
}

/// Same scheme, host and port (the default one when none is written).
fn same_origin(url: &reqwest::Url, base: &reqwest::Url) -> bool {
    url.scheme() == base.scheme()
        && url.host() == base.host()
        && url.port_or_known_default() == base.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::same_origin;

    /// The project's credentials follow the base URL's origin: scheme, host and port (defaults filled in).
    #[test]
    fn only_the_base_urls_origin_is_stytch() {
        let base = reqwest::Url::parse("https://api.stytch.com").unwrap();
        let url = |text: &str| reqwest::Url::parse(text).unwrap();
        assert!(same_origin(&url("https://api.stytch.com/v1/b2b/rbac/policy"), &base));
        assert!(same_origin(&url("https://api.stytch.com:443/v1"), &base));
        for other in [
            "https://auth.example.com/.well-known/jwks.json",
            "http://api.stytch.com/v1",
            "https://api.stytch.com:8443/v1",
            "https://api.stytch.com.evil/v1",
            "https://x-y-1.customers.stytch.com/v1/oauth2/introspect",
        ] {
            assert!(!same_origin(&url(other), &base), "{other}");
        }
    }
}
