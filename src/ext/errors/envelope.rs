//! Reading Stytch's error envelope leniently: every scalar field that is a string is kept even when another field
//! is not what the spec says, and an `error_details` that cannot be decoded (nested past serde_json's recursion
//! limit, not an object, too large) is dropped, with a word saying so, instead of losing the whole envelope and
//! its `request_id`.
//!
//! The generated `StytchErrorEnvelope` stays the model of a well-formed envelope; this is the fallback the error
//! path needs, and it never recurses: unknown and ill-typed fields are skipped by serde's iterative `IgnoredAny`.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::ErrorDetails;

/// The largest `error_details` kept, in bytes of JSON: larger ones are dropped (an error is not a data channel).
pub(crate) const DETAILS_LIMIT: usize = 16 * 1024;

/// The fields of an envelope, OAuth-style aliases merged in, not yet scrubbed.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Envelope {
    pub(crate) request_id: Option<String>,
    pub(crate) error_type: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) details: Option<ErrorDetails>,
}

/// The envelope's fields as found: the first of each key wins (a duplicate cannot undo the envelope), unknown keys
/// are skipped without recursion.
#[derive(Default)]
struct Lenient<'a> {
    request_id: Option<String>,
    error_type: Option<String>,
    error: Option<String>,
    error_message: Option<String>,
    error_description: Option<String>,
    error_url: Option<String>,
    error_uri: Option<String>,
    error_details: Option<&'a RawValue>,
}

impl<'de> Deserialize<'de> for Lenient<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;

        impl<'de> Visitor<'de> for Fields {
            type Value = Lenient<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut found = Lenient::default();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    let slot = match key.as_ref() {
                        "request_id" => &mut found.request_id,
                        "error_type" => &mut found.error_type,
                        "error" => &mut found.error,
                        "error_message" => &mut found.error_message,
                        "error_description" => &mut found.error_description,
                        "error_url" => &mut found.error_url,
                        "error_uri" => &mut found.error_uri,
                        "error_details" => {
                            let details = map.next_value::<Option<&'de RawValue>>()?;
                            found.error_details = found.error_details.or(details);
                            continue;
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    let value = map.next_value_seed(Text)?;
                    if slot.is_none() {
                        *slot = value;
                    }
                }
                Ok(found)
            }
        }

        deserializer.deserialize_map(Fields)
    }
}

/// The envelope in `body`, if `body` is a JSON object that says anything a Stytch error says (`{}` and
/// `{"foo": 1}` are not envelopes). Invalid UTF-8 is replaced first, so one bad byte cannot lose the envelope.
pub(crate) fn decode(body: &[u8]) -> Option<Envelope> {
    let text = String::from_utf8_lossy(body);
    let lenient: Lenient<'_> = serde_json::from_str(&text).ok()?;
    let envelope = Envelope {
        request_id: lenient.request_id,
        error_type: lenient.error_type.or(lenient.error),
        message: lenient.error_message.or(lenient.error_description),
        url: lenient.error_url.or(lenient.error_uri),
        details: lenient.error_details.and_then(details),
    };
    let says_something = envelope.request_id.is_some() || envelope.error_type.is_some() || envelope.message.is_some();
    says_something.then_some(envelope)
}

/// `error_details` as an object, or why it was dropped; `None` when absent, `null` or empty.
fn details(raw: &RawValue) -> Option<ErrorDetails> {
    let json = raw.get();
    if json == "null" {
        return None;
    }
    if json.len() > DETAILS_LIMIT {
        return Some(ErrorDetails::Dropped("error_details was dropped: larger than 16 KiB"));
    }
    if !json.starts_with('{') {
        return Some(ErrorDetails::Dropped("error_details was dropped: it is not a JSON object"));
    }
    match serde_json::from_str::<Map<String, Value>>(json) {
        Ok(map) if map.is_empty() => None,
        Ok(map) => Some(ErrorDetails::Object(map)),
        Err(e) if e.to_string().starts_with("recursion limit exceeded") => {
            Some(ErrorDetails::Dropped("error_details was dropped: nested too deeply to decode"))
        }
        // A lone surrogate escape, a number out of range, a duplicate key the map refuses...
        Err(_) => Some(ErrorDetails::Dropped("error_details was dropped: it could not be decoded")),
    }
}

/// A string field, or `None` for anything else (a number, an object, ...), skipped without recursion.
struct Text;

impl<'de> DeserializeSeed<'de> for Text {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Text {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Some(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deeply_nested_error_details_keeps_the_rest_of_the_envelope() {
        let nested = format!("{}1{}", r#"{"a":"#.repeat(1_000), "}".repeat(1_000));
        let body = format!(
            r#"{{"status_code": 400, "request_id": "req-1", "error_type": "bad", "error_message": "m", "error_details": {nested}}}"#
        );
        let envelope = decode(body.as_bytes()).expect("an envelope");
        assert_eq!(envelope.request_id.as_deref(), Some("req-1"));
        assert_eq!(envelope.error_type.as_deref(), Some("bad"));
        assert_eq!(
            envelope.details,
            Some(ErrorDetails::Dropped("error_details was dropped: nested too deeply to decode"))
        );
    }

    #[test]
    fn ill_typed_fields_are_skipped_not_fatal() {
        let body =
            br#"{"request_id": 7, "error_type": ["x", {"y": [1]}], "error_message": "kept", "error_details": "s"}"#;
        let envelope = decode(body).expect("an envelope");
        assert_eq!(envelope.request_id, None);
        assert_eq!(envelope.error_type, None);
        assert_eq!(envelope.message.as_deref(), Some("kept"));
        assert!(
            matches!(envelope.details, Some(ErrorDetails::Dropped(reason)) if reason.contains("not a JSON object"))
        );
    }

    #[test]
    fn duplicates_invalid_utf8_and_bad_escapes_do_not_lose_the_envelope() {
        let duplicate =
            br#"{"request_id": "r1", "error_details": {"a": 1}, "error_details": {"b": 2}, "request_id": "r2"}"#;
        let envelope = decode(duplicate).expect("an envelope");
        assert_eq!(envelope.request_id.as_deref(), Some("r1"), "the first of each key wins");
        assert_eq!(envelope.details.and_then(|d| d.as_object().cloned()).map(|m| m.contains_key("a")), Some(true));
        let invalid_utf8 = b"{\"request_id\": \"r\", \"error_type\": \"t\", \"error_details\": {\"a\": \"\xff\"}}";
        let envelope = decode(invalid_utf8).expect("an envelope");
        assert_eq!((envelope.request_id.as_deref(), envelope.error_type.as_deref()), (Some("r"), Some("t")));
        for details in [r#"{"a": "\ud800"}"#, r#"{"a": 1e999}"#] {
            let body = format!(r#"{{"request_id": "r", "error_details": {details}}}"#);
            let envelope = decode(body.as_bytes()).expect("an envelope");
            assert_eq!(
                envelope.details,
                Some(ErrorDetails::Dropped("error_details was dropped: it could not be decoded"))
            );
        }
    }

    #[test]
    fn oauth_aliases_fill_in_and_non_envelopes_are_none() {
        let body =
            br#"{"error":"invalid_client","error_description":"bad","error_uri":"https://x","error_details":{}}"#;
        let envelope = decode(body).expect("an envelope");
        assert_eq!(envelope.error_type.as_deref(), Some("invalid_client"));
        assert_eq!((envelope.message.as_deref(), envelope.url.as_deref()), (Some("bad"), Some("https://x")));
        assert_eq!(envelope.details, None);
        for body in [&b""[..], b"{}", b"[1]", b"{\"foo\": 1}", b"{\"request_id\": \"r\"", b"null", b"<html>"] {
            assert_eq!(decode(body), None, "{}", String::from_utf8_lossy(body));
        }
    }
}
