//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`). Not part of the stable API.

use reqwest::StatusCode;

use crate::Error;
use crate::ext::decode;
use crate::models::{
    MemberConnectedAppsResponse, OrganizationConnectedAppResponse, OrganizationConnectedAppsResponse,
    RevokeMemberConnectedAppResponse, RevokeUserConnectedAppResponse, UserConnectedAppsResponse,
};

/// Decodes `body` as the error of a response with `status` (any status from 100 to 999), as the client does.
pub fn decode_error(status: u16, body: &[u8]) -> Error {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    decode::api_error("fuzz", status, body)
}

/// Decodes `body` as each of the six success responses, as the client does; how many decoded.
pub fn decode_success(body: &[u8]) -> usize {
    let ok = StatusCode::OK;
    [
        decode::success::<OrganizationConnectedAppsResponse>("fuzz", ok, body).is_ok(),
        decode::success::<OrganizationConnectedAppResponse>("fuzz", ok, body).is_ok(),
        decode::success::<MemberConnectedAppsResponse>("fuzz", ok, body).is_ok(),
        decode::success::<RevokeMemberConnectedAppResponse>("fuzz", ok, body).is_ok(),
        decode::success::<UserConnectedAppsResponse>("fuzz", ok, body).is_ok(),
        decode::success::<RevokeUserConnectedAppResponse>("fuzz", ok, body).is_ok(),
    ]
    .into_iter()
    .filter(|decoded| *decoded)
    .count()
}
