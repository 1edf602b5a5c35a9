//! Any bytes, with any status, through the response and error decoders: never a panic, never an unbounded
//! excerpt. The first two bytes choose the status, the rest is the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stytch_connected_apps::fuzzing::{decode_error, decode_success};

fuzz_target!(|data: &[u8]| {
    let Some((head, body)) = data.split_first_chunk::<2>() else { return };
    let status = 100 + u16::from_be_bytes(*head) % 900;
    let error = decode_error(status, body);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    if let Some(excerpt) = error.as_api().and_then(|api| api.body_excerpt.as_ref()) {
        assert!(excerpt.len() <= 1024);
    }
    let _ = format!("{error} {error:?}");
    let _ = decode_success(body);
});
