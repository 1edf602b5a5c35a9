//! The bearer token of a request (RFC 6750 §2.1): from the `Authorization` header only, scheme `Bearer`
//! (case-insensitive), one `b64token`. Query and form parameters are not read (RFC 6750 discourages them: they end
//! up in logs).

use http::HeaderMap;
use http::header::AUTHORIZATION;

/// Why a request has no usable bearer token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NoBearer {
    /// No `Authorization: Bearer ...` at all (no header, or another scheme): 401 without an error code.
    Missing,
    /// Several `Authorization` headers, or a `Bearer` credential that is not one `b64token`: 400 `invalid_request`.
    Malformed,
}

/// The token of the request's one `Authorization: Bearer <token>` header.
pub(crate) fn bearer(headers: &HeaderMap) -> Result<&str, NoBearer> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(if headers.contains_key(AUTHORIZATION) { NoBearer::Malformed } else { NoBearer::Missing });
    };
    let value = value.to_str().map_err(|_| NoBearer::Malformed)?;
    let Some((scheme, token)) = value.split_once(' ') else {
        return Err(if value.eq_ignore_ascii_case("bearer") { NoBearer::Malformed } else { NoBearer::Missing });
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(NoBearer::Missing);
    }
    // `"Bearer" 1*SP b64token`: one or more spaces.
    let token = token.trim_start_matches(' ');
    if is_b64token(token) { Ok(token) } else { Err(NoBearer::Malformed) }
}

/// `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="` (RFC 6750 §2.1).
fn is_b64token(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append(AUTHORIZATION, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn reads_one_bearer_token_and_nothing_else() {
        assert_eq!(bearer(&headers(&["Bearer abc.DEF-_~+/=="])), Ok("abc.DEF-_~+/=="));
        assert_eq!(bearer(&headers(&["bearer abc"])), Ok("abc"));
        assert_eq!(bearer(&headers(&["Bearer   abc"])), Ok("abc"));
        assert_eq!(bearer(&headers(&[])), Err(NoBearer::Missing));
        assert_eq!(bearer(&headers(&["Basic dXNlcjpwYXNz"])), Err(NoBearer::Missing));
        for malformed in
            [&["Bearer"][..], &["Bearer "], &["Bearer a b"], &["Bearer a,b"], &["Bearer =="], &["Bearer a", "Bearer b"]]
        {
            assert_eq!(bearer(&headers(malformed)), Err(NoBearer::Malformed), "{malformed:?}");
        }
    }
}
