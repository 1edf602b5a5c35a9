//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`). Not part of the stable API.

use reqwest::StatusCode;

use crate::Error;
use crate::ext::decode;
use crate::ext::redact::Secrets;
use crate::models::{
    MemberConnectedAppsResponse, MemberSessionAuthenticateResponse, OrganizationConnectedAppResponse,
    OrganizationConnectedAppsResponse, RevokeMemberConnectedAppResponse, RevokeUserConnectedAppResponse,
    UserConnectedAppsResponse, UserSessionAuthenticateResponse,
};

/// The value the decoders are told the call sent (like a session token): no rendering of an error may contain it.
pub const SENT_SECRET: &str = "fuzz-sent-session-token-Zq8xK2";

fn sent() -> Secrets {
    let mut secrets = Secrets::default();
    secrets.add(SENT_SECRET);
    secrets
}

/// Decodes `body` as the error of a response with `status` (any status from 100 to 999), as the client does.
pub fn decode_error(status: u16, body: &[u8]) -> Error {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    decode::api_error("fuzz", status, body, &sent())
}

/// Decodes `body` as each of the eight success responses, as the client does: the errors of those that did not
/// decode.
pub fn decode_success(body: &[u8]) -> Vec<Error> {
    fn errors<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<Error> {
        decode::success::<T>("fuzz", StatusCode::OK, body, sent).err()
    }
    [
        errors::<OrganizationConnectedAppsResponse>(body),
        errors::<OrganizationConnectedAppResponse>(body),
        errors::<MemberConnectedAppsResponse>(body),
        errors::<RevokeMemberConnectedAppResponse>(body),
        errors::<UserConnectedAppsResponse>(body),
        errors::<RevokeUserConnectedAppResponse>(body),
        errors::<MemberSessionAuthenticateResponse>(body),
        errors::<UserSessionAuthenticateResponse>(body),
    ]
    .into_iter()
    .flatten()
    .collect()
}
