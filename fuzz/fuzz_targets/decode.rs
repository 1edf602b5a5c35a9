//! Any bytes, with any status, through one of the response decoders: never a panic, never an unbounded excerpt,
//! never the value the call sent in any rendering, and never a control character in `Display` (one error, one log
//! line). The first byte chooses the decoder: one of the eight success decoders (the body does not decode: its
//! error), or the error decoder, whose status the next two bytes choose. The rest is the body. One decoder per
//! input keeps each run cheap, so that a run explores many more inputs; every decoder is reached by a byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stytch_connected_apps::Error;
use stytch_connected_apps::fuzzing::{SENT_SECRET, SUCCESS_DECODERS, decode_error, decode_success_as};

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
    let Some((&choice, rest)) = data.split_first() else { return };
    let decoder = usize::from(choice) % (SUCCESS_DECODERS + 1);
    if decoder == SUCCESS_DECODERS {
        let Some((head, body)) = rest.split_first_chunk::<2>() else { return };
        let status = 100 + u16::from_be_bytes(*head) % 900;
        let error = decode_error(status, body);
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        check(&error);
    } else if let Some(error) = decode_success_as(decoder, rest) {
        check(&error);
    }
});
