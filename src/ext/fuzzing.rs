//! Entry points for the fuzz targets in `fuzz/` and the error benchmark (`benches/errors.rs`), feature `fuzzing`.
//! Not part of the stable API.

use reqwest::StatusCode;

use crate::Error;
use crate::ext::errors::decode;
use crate::ext::hygiene::redact::Secrets;
use crate::models::{
    MemberConnectedAppsResponse, MemberSessionAuthenticateResponse, OrganizationConnectedAppResponse,
    OrganizationConnectedAppsResponse, RevokeMemberConnectedAppResponse, RevokeUserConnectedAppResponse,
    UserConnectedAppsResponse, UserSessionAuthenticateResponse,
};

/// The value the decoders are told the call sent (like a session token): no rendering of an error may contain it.
pub const SENT_SECRET: &str = "fuzz-sent-session-token-Zq8xK2";

/// How many success decoders [`decode_success_as`] chooses from.
pub const SUCCESS_DECODERS: usize = 8;

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

/// Decodes `body` as success response number `decoder % SUCCESS_DECODERS` (B1, B2, B3, B4, C1, C2, then the B2B
/// and consumer `sessions/authenticate` answers), as the client does: its error if it did not decode.
pub fn decode_success_as(decoder: usize, body: &[u8]) -> Option<Error> {
    fn error<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<Error> {
        decode::success::<T>("fuzz", StatusCode::OK, body, sent).err()
    }
    match decoder % SUCCESS_DECODERS {
        0 => error::<OrganizationConnectedAppsResponse>(body),
        1 => error::<OrganizationConnectedAppResponse>(body),
        2 => error::<MemberConnectedAppsResponse>(body),
        3 => error::<RevokeMemberConnectedAppResponse>(body),
        4 => error::<UserConnectedAppsResponse>(body),
        5 => error::<RevokeUserConnectedAppResponse>(body),
        6 => error::<MemberSessionAuthenticateResponse>(body),
        _ => error::<UserSessionAuthenticateResponse>(body),
    }
}

/// Decodes `body` as each of the eight success responses: the errors of those that did not decode.
pub fn decode_success(body: &[u8]) -> Vec<Error> {
    (0..SUCCESS_DECODERS).filter_map(|decoder| decode_success_as(decoder, body)).collect()
}
