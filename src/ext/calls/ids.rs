//! Path identifiers are checked before anything is sent.
//!
//! progenitor percent-encodes path segments (`/ ? # % space`, controls, non-ASCII), so those arrive intact.
//! Three things would not: an empty id, `.` and `..` are dot-segments that the URL parser resolves away (the
//! request would silently reach ANOTHER endpoint), and `\` is a path separator for `http(s)` URLs, which
//! progenitor does not encode. Those are rejected here.

use crate::{Error, InvalidInput};

/// Checks one path identifier (`organization_id`, `member_id`, `user_id`, `connected_app_id`).
pub(crate) fn check(name: &'static str, value: &str) -> Result<(), Error> {
    let reason = match value {
        "" => "must not be empty",
        "." | ".." => "must not be `.` or `..` (a URL dot-segment would change the endpoint)",
        v if v.contains('\\') => "must not contain `\\` (URL parsers treat it as a path separator)",
        _ => return Ok(()),
    };
    Err(Error::InvalidInput(InvalidInput::new(name, reason)))
}

/// Percent-encodes one path segment exactly as the generated client does.
pub(crate) fn encode(value: &str) -> String {
    progenitor_client::encode_path(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_segments_that_would_change_the_path() {
        for bad in ["", ".", "..", "a\\b", "\\"] {
            let err = check("member_id", bad).unwrap_err();
            assert!(err.to_string().contains("member_id"), "{err}");
        }
    }

    #[test]
    fn accepts_ids_that_only_need_encoding() {
        for ok in ["member-test-1", "...", ".a", "a/b", "a b", "é", "%2e%2e", "a?b#c"] {
            assert!(check("member_id", ok).is_ok(), "{ok}");
        }
        assert_eq!(encode("a/b c?#%é"), "a%2Fb%20c%3F%23%25%C3%A9");
    }
}
