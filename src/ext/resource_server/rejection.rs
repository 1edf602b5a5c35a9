//! What a resource server answers when a request's token does not do (RFC 6750 §3): 401 `invalid_token` with
//! `WWW-Authenticate`, 403 `insufficient_scope` (with the missing scope), 400 `invalid_request`, 401 without an
//! error code when the request has no token; 503 when no key or introspection answer can be had (an outage is not
//! the caller's fault). The body never says why a token was invalid: a forger learns nothing.

use axum::response::{IntoResponse, Response};
use http::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderValue, StatusCode};

use crate::ext::resource_server::bearer::NoBearer;
use crate::{AccessTokenError, Error, JwtErrorKind};

/// Why a request was refused, as the answer tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Rejection {
    /// No bearer token.
    Missing,
    /// A malformed `Authorization` header.
    InvalidRequest,
    /// Not valid, for whatever reason.
    InvalidToken,
    /// Valid, but without this required scope.
    InsufficientScope(Option<String>),
    /// No key, policy or introspection answer could be had.
    Unavailable,
    /// The server is misconfigured (for example introspection without an app).
    ServerError,
}

impl From<NoBearer> for Rejection {
    fn from(value: NoBearer) -> Self {
        match value {
            NoBearer::Missing => Rejection::Missing,
            NoBearer::Malformed => Rejection::InvalidRequest,
        }
    }
}

impl Rejection {
    /// The answer for a verification error.
    pub(crate) fn of(error: &Error) -> Self {
        match error {
            Error::AccessToken(AccessTokenError::InsufficientScope { missing }) => {
                Rejection::InsufficientScope(Some(missing.clone()))
            }
            Error::AccessToken(AccessTokenError::TenancyMismatch | AccessTokenError::PermissionDenied { .. }) => {
                Rejection::InsufficientScope(None)
            }
            // A build without an RS256 backend verifies no token: the server's fault, not the caller's.
            Error::AccessToken(AccessTokenError::Invalid(jwt)) if jwt.kind == JwtErrorKind::NoCryptoBackend => {
                Rejection::ServerError
            }
            Error::AccessToken(_) => Rejection::InvalidToken,
            Error::Configuration(_) | Error::InvalidInput(_) => Rejection::ServerError,
            // Stytch refused this server's own request (its credentials, its project id): a misconfiguration that
            // no retry mends, not an outage.
            _ if error.status().is_some_and(|s| s.is_client_error() && s != StatusCode::TOO_MANY_REQUESTS) => {
                Rejection::ServerError
            }
            // The JWKS or introspection could not answer: Stytch, the network or a proxy is failing.
            _ => Rejection::Unavailable,
        }
    }

    /// The response, with `resource_metadata` (RFC 9728) in `WWW-Authenticate` when given.
    pub(crate) fn response(&self, resource_metadata: Option<&str>) -> Response {
        let (status, code, description) = match self {
            Rejection::Missing => {
                (StatusCode::UNAUTHORIZED, None, "This resource needs an access token (Authorization: Bearer).")
            }
            Rejection::InvalidRequest => {
                (StatusCode::BAD_REQUEST, Some("invalid_request"), "The Authorization header is malformed.")
            }
            Rejection::InvalidToken => {
                (StatusCode::UNAUTHORIZED, Some("invalid_token"), "The access token is invalid, expired or revoked.")
            }
            Rejection::InsufficientScope(_) => {
                (StatusCode::FORBIDDEN, Some("insufficient_scope"), "The access token does not allow this request.")
            }
            Rejection::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                Some("temporarily_unavailable"),
                "The access token cannot be verified right now.",
            ),
            Rejection::ServerError => (StatusCode::INTERNAL_SERVER_ERROR, Some("server_error"), "Internal error."),
        };
        let mut challenge = String::from("Bearer");
        let mut attributes = Vec::new();
        if let Some(code) = code.filter(|_| status != StatusCode::SERVICE_UNAVAILABLE && status.is_client_error()) {
            attributes.push(format!("error=\"{code}\""));
            attributes.push(format!("error_description=\"{description}\""));
        }
        if let Rejection::InsufficientScope(Some(scope)) = self {
            // Only scope-token characters reach the header (RFC 6749 §3.3); a scope is the server's own word.
            let scope: String = scope.chars().filter(|c| c.is_ascii_graphic() && *c != '"' && *c != '\\').collect();
            attributes.push(format!("scope=\"{scope}\""));
        }
        if let Some(metadata) = resource_metadata {
            attributes.push(format!("resource_metadata=\"{metadata}\""));
        }
        if !attributes.is_empty() {
            challenge.push(' ');
            challenge.push_str(&attributes.join(", "));
        }
        let mut body = serde_json::Map::new();
        if let Some(code) = code {
            body.insert("error".into(), code.into());
        }
        body.insert("error_description".into(), description.into());
        let mut response = (status, serde_json::Value::Object(body).to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(RETRY_AFTER, HeaderValue::from_static("5"));
        } else if status != StatusCode::INTERNAL_SERVER_ERROR
            && let Ok(value) = HeaderValue::from_str(&challenge)
        {
            headers.insert(WWW_AUTHENTICATE, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::JwtError;

    #[test]
    fn a_build_without_an_rs256_backend_is_the_servers_fault() {
        let no_backend =
            Error::AccessToken(AccessTokenError::Invalid(JwtError::new("access token", JwtErrorKind::NoCryptoBackend)));
        assert!(matches!(Rejection::of(&no_backend), Rejection::ServerError));
        let forged = Error::AccessToken(AccessTokenError::Invalid(JwtError::new(
            "access token",
            JwtErrorKind::InvalidSignature,
        )));
        assert!(matches!(Rejection::of(&forged), Rejection::InvalidToken));
    }
}
