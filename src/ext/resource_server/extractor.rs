//! [`VerifiedToken`]: the claims [`AccessTokenLayer`](crate::AccessTokenLayer) verified, as an axum extractor.

use axum::extract::FromRequestParts;
use axum::response::Response;
use http::request::Parts;

use crate::AccessTokenClaims;
use crate::ext::resource_server::rejection::Rejection;

/// The verified claims of the request's access token. Only a route behind
/// [`AccessTokenLayer`](crate::AccessTokenLayer) has them; elsewhere the extractor answers 500 (the route is
/// misconfigured), never a response as if the token were verified.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedToken(pub AccessTokenClaims);

impl<S: Send + Sync> FromRequestParts<S> for VerifiedToken {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<AccessTokenClaims>() {
            Some(claims) => Ok(VerifiedToken(claims.clone())),
            None => {
                tracing::error!("VerifiedToken on a route that AccessTokenLayer does not protect");
                Err(Rejection::ServerError.response(None))
            }
        }
    }
}
