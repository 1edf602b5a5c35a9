//! [`AccessTokenLayer`]: a tower layer that lets a request through only with an access token that verifies and
//! meets the route's requirements, and hands the verified claims to the handler (request extensions, or the
//! [`VerifiedToken`](crate::VerifiedToken) extractor).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::response::Response;
use http::Request;
use tower_layer::Layer;
use tower_service::Service;

use crate::ext::resource_server::bearer::bearer;
use crate::ext::resource_server::rejection::Rejection;
use crate::{AccessTokens, ProtectedResource, TokenRequirements};

/// Protects the routes it wraps with Connected Apps access tokens: the `Authorization: Bearer` token is verified
/// by [`AccessTokens`] (locally, by introspection, or both: the verifier's or the requirements' policy) against
/// [`TokenRequirements`]; the request then reaches the route with the [`AccessTokenClaims`](crate::AccessTokenClaims)
/// in its extensions. Otherwise the answer is RFC 6750's (401 `invalid_token`, 403 `insufficient_scope` naming the
/// missing scope, 400 `invalid_request`, 401 without an error code for no token) or 503 when no key or
/// introspection answer can be had, with `resource_metadata` (RFC 9728) in `WWW-Authenticate` when configured.
/// The answer never says why a token was invalid.
///
/// ```no_run
/// # fn run(client: stytch_connected_apps::Client) {
/// use axum::{Router, routing::get};
/// use stytch_connected_apps::{AccessTokenLayer, TokenRequirements, VerifiedToken};
///
/// async fn me(VerifiedToken(claims): VerifiedToken) -> String {
///     format!("{} for {}", claims.client_id, claims.subject)
/// }
///
/// let tokens = AccessTokenLayer::new(client.b2b_access_tokens());
/// let app: Router = Router::new()
///     .route("/me", get(me))
///     .route_layer(tokens.clone().require(TokenRequirements::new().scope("read:users")));
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct AccessTokenLayer {
    tokens: AccessTokens,
    requirements: Arc<TokenRequirements>,
    resource_metadata: Option<Arc<str>>,
}

impl AccessTokenLayer {
    /// Requires a valid token (nothing more, until [`require`](Self::require)).
    pub fn new(tokens: AccessTokens) -> Self {
        Self { tokens, requirements: Arc::new(TokenRequirements::new()), resource_metadata: None }
    }

    /// Requires `requirements` of the token too (scopes, and where it is verified).
    #[must_use]
    pub fn require(mut self, requirements: TokenRequirements) -> Self {
        self.requirements = Arc::new(requirements);
        self
    }

    /// Points clients at `resource`'s RFC 9728 metadata (`resource_metadata` in every `WWW-Authenticate`).
    #[must_use]
    pub fn protected_resource(mut self, resource: &ProtectedResource) -> Self {
        self.resource_metadata = Some(resource.metadata_url().into());
        self
    }
}

impl<S> Layer<S> for AccessTokenLayer {
    type Service = AccessTokenService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AccessTokenService { inner, layer: self.clone() }
    }
}

/// The service [`AccessTokenLayer`] wraps a route in.
#[derive(Clone, Debug)]
pub struct AccessTokenService<S> {
    inner: S,
    layer: AccessTokenLayer,
}

impl<S, B> Service<Request<B>> for AccessTokenService<S>
where
    S: Service<Request<B>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        // The service that was polled ready handles this request; a fresh clone takes its place (tower's rule).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let layer = self.layer.clone();
        Box::pin(async move {
            let metadata = layer.resource_metadata.as_deref();
            let token = match bearer(request.headers()) {
                Ok(token) => token.to_owned(),
                Err(no_bearer) => return Ok(Rejection::from(no_bearer).response(metadata)),
            };
            match layer.tokens.verify_with(&token, &layer.requirements).await {
                Ok(claims) => {
                    request.extensions_mut().insert(claims);
                    inner.call(request).await
                }
                Err(error) => {
                    // The reason stays on this side: logged (without the token), never answered.
                    tracing::info!(error = %error, "access token refused");
                    Ok(Rejection::of(&error).response(metadata))
                }
            }
        })
    }
}
