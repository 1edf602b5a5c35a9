//! Request bodies, checked as Stytch checks them before it looks anything up: a body that is not a JSON object is a
//! 400 `bad_request` ("The submitted request is invalid.", Stytch's documented 400 for a malformed request);
//! `sessions/authenticate` needs exactly one of `session_token` and `session_jwt` (its documentation: "requires
//! either a `session_jwt` or `session_token` ... will return an error if both are present") and fields of the
//! declared types.

use serde_json::{Map, Value};

/// Why a body was refused: the error type and message of the 400.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) error_type: &'static str,
    pub(crate) message: String,
}

pub(crate) fn bad_request(detail: &str) -> Refusal {
    Refusal { error_type: "bad_request", message: format!("The submitted request is invalid: {detail}.") }
}

/// The body as a JSON object. An empty body counts as `{}`: the revoke endpoints take no fields, and clients send
/// nothing or `{}`. Anything else must be JSON (whose whitespace is space, tab, CR and LF only).
pub(crate) fn object(body: &[u8]) -> Result<Map<String, Value>, Refusal> {
    if body.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(bad_request("the body must be a JSON object")),
        Err(_) => Err(bad_request("the body is not valid JSON")),
    }
}

/// A body that must be there and be a JSON object (the clients' and the consent grant's endpoints, whose body the
/// spec requires; an empty one is refused, unlike the revokes').
pub(crate) fn required_object(body: &[u8]) -> Result<Map<String, Value>, Refusal> {
    if body.is_empty() {
        return Err(bad_request("a JSON object body is required"));
    }
    object(body)
}

/// A required JSON object body as the generated request type `T` (so its fields have the spec's types); `null`
/// reads as absent.
pub(crate) fn typed<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Refusal> {
    let object: Map<String, Value> = required_object(body)?.into_iter().filter(|(_, value)| !value.is_null()).collect();
    serde_json::from_value(Value::Object(object)).map_err(|e| bad_request(&e.to_string()))
}

/// B4 and C2: no fields, but the body must be a JSON object (or empty). Unknown fields are ignored, as Stytch does.
pub(crate) fn revoke(body: &[u8]) -> Result<(), Refusal> {
    object(body).map(drop)
}

/// The session a `sessions/authenticate` body names.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum SessionArgument {
    /// `session_token`.
    Token(String),
    /// `session_jwt`.
    Jwt(String),
}

/// `authorization_check` of the B2B call: may the session's member do `action` on `resource_id` in
/// `organization_id`?
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct AuthorizationCheck {
    pub(crate) organization_id: String,
    pub(crate) resource_id: String,
    pub(crate) action: String,
}

/// A checked `sessions/authenticate` body.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SessionRequest {
    pub(crate) argument: SessionArgument,
    /// `session_duration_minutes`, when sent (5 to 527040).
    pub(crate) duration_minutes: Option<u64>,
    pub(crate) authorization_check: Option<AuthorizationCheck>,
}

/// The longest session Stytch allows: 366 days, in minutes.
const MAX_SESSION_MINUTES: u64 = 527_040;

/// A field's value; `null` counts as absent, as Stytch reads it (the official Rust crate sends every unset
/// optional field as `null`).
fn field<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).filter(|value| !value.is_null())
}

fn string_field(object: &Map<String, Value>, name: &str) -> Result<Option<String>, Refusal> {
    match field(object, name) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(value.clone())),
        Some(_) => Err(bad_request(&format!("{name} must be a string"))),
    }
}

/// A `sessions/authenticate` body (`member`: the B2B call, whose `authorization_check` names an organization).
pub(crate) fn session_request(body: &[u8], member: bool) -> Result<SessionRequest, Refusal> {
    let object = object(body)?;
    let argument = match (string_field(&object, "session_token")?, string_field(&object, "session_jwt")?) {
        (Some(token), None) => SessionArgument::Token(token),
        (None, Some(jwt)) => SessionArgument::Jwt(jwt),
        (None, None) => {
            return Err(Refusal {
                error_type: "missing_session_argument",
                message: "Pass a session_token or a session_jwt.".into(),
            });
        }
        (Some(_), Some(_)) => {
            return Err(Refusal {
                error_type: "too_many_session_arguments",
                message: "Pass a session_token or a session_jwt, not both.".into(),
            });
        }
    };
    let duration_minutes = match field(&object, "session_duration_minutes") {
        None => None,
        Some(value) => match value.as_u64().filter(|minutes| (5..=MAX_SESSION_MINUTES).contains(minutes)) {
            Some(minutes) => Some(minutes),
            None => return Err(bad_request("session_duration_minutes must be an integer from 5 to 527040")),
        },
    };
    match field(&object, "session_custom_claims") {
        None | Some(Value::Object(_)) => {}
        Some(_) => return Err(bad_request("session_custom_claims must be an object")),
    }
    let authorization_check = match field(&object, "authorization_check") {
        None => None,
        Some(Value::Object(check)) => {
            let field = |name: &str| match check.get(name) {
                Some(Value::String(value)) => Ok(value.clone()),
                _ => Err(bad_request(&format!("authorization_check.{name} must be a string"))),
            };
            let organization_id = if member { field("organization_id")? } else { String::new() };
            Some(AuthorizationCheck { organization_id, resource_id: field("resource_id")?, action: field("action")? })
        }
        Some(_) => return Err(bad_request("authorization_check must be an object")),
    };
    Ok(SessionRequest { argument, duration_minutes, authorization_check })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revoke_body_is_empty_or_a_json_object() {
        assert_eq!(revoke(b""), Ok(()));
        assert_eq!(revoke(b" {}\r\n"), Ok(()));
        assert_eq!(revoke(br#"{"unknown": 1}"#), Ok(()));
        for body in [&b"\x00"[..], b"[]", b"\"x\"", b"{", b"null", b"\x0c", b"   ", b" \x0c\r\n"] {
            assert_eq!(revoke(body).unwrap_err().error_type, "bad_request", "{body:?}");
        }
    }

    #[test]
    fn a_session_body_names_exactly_one_session_with_fields_of_the_declared_types() {
        let ok = session_request(br#"{"session_token": "t", "session_duration_minutes": 60}"#, true).unwrap();
        assert_eq!((ok.argument, ok.duration_minutes), (SessionArgument::Token("t".into()), Some(60)));
        let refused = |body: &[u8]| session_request(body, true).unwrap_err().error_type;
        assert_eq!(refused(b"{}"), "missing_session_argument");
        assert_eq!(refused(br#"{"session_token": "t", "session_jwt": "j"}"#), "too_many_session_arguments");
        assert_eq!(refused(br#"{"session_token": 5}"#), "bad_request");
        assert_eq!(refused(br#"{"session_jwt": "j", "session_duration_minutes": 4}"#), "bad_request");
        assert_eq!(refused(br#"{"session_jwt": "j", "session_duration_minutes": "60"}"#), "bad_request");
        assert_eq!(refused(br#"{"session_jwt": "j", "session_custom_claims": []}"#), "bad_request");
        assert_eq!(refused(br#"{"session_jwt": "j", "authorization_check": {"resource_id": "r"}}"#), "bad_request");
        assert_eq!(refused(b"\x00"), "bad_request");
        let official = br#"{"session_token": "t", "session_duration_minutes": null, "session_jwt": null,
            "session_custom_claims": null, "authorization_check": null}"#;
        assert_eq!(
            session_request(official, true).unwrap().argument,
            SessionArgument::Token("t".into()),
            "null: absent"
        );
        let check = br#"{"session_jwt": "j", "authorization_check": {"resource_id": "r", "action": "a"}}"#;
        assert!(session_request(check, false).unwrap().authorization_check.is_some(), "consumer: no organization");
    }
}
