//! Any bytes, with any status, through the response and error decoders: never a panic, never an unbounded
//! excerpt, never the value the call sent in any rendering, and never a control character in `Display` (one error,
//! one log line). The first two bytes choose the status, the rest is the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stytch_connected_apps::Error;
use stytch_connected_apps::fuzzing::{SENT_SECRET, decode_error, decode_success};

fn check(error: &Error) {
    let shown = error.to_string();
    assert!(!shown.chars().any(char::is_control), "a control character in {shown:?}");
    let rendered = format!("{shown} {error:?} {error:#?}");
    assert!(!rendered.contains(SENT_SECRET), "the sent secret leaks: {rendered}");
    if let Some(excerpt) = error.as_api().and_then(|api| api.body_excerpt.as_ref()) {
        assert!(excerpt.len() <= 1024);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((head, body)) = data.split_first_chunk::<2>() else { return };
    let status = 100 + u16::from_be_bytes(*head) % 900;
    let error = decode_error(status, body);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    check(&error);
    for error in decode_success(body) {
        check(&error);
    }
});
