use std::fmt;
use std::sync::Arc;

use crate::{Error, InvalidInput};

/// The header that carries a member session token.
pub(crate) const SESSION_TOKEN_HEADER: &str = "X-Stytch-Member-Session";
/// The header that carries a member session JWT.
pub(crate) const SESSION_JWT_HEADER: &str = "X-Stytch-Member-SessionJWT";

/// A B2B member session under whose permissions a call runs.
///
/// With a session, Stytch checks that the member's roles allow the action (`stytch.member` /
/// `get.connected-apps`, `revoke.connected-app`) and that the session belongs to the organization in the path;
/// otherwise it answers 403 `session_authorization_error` or `session_authorization_tenancy_error`. Without one,
/// Stytch performs no RBAC check. Consumer calls never carry it.
///
/// The value is validated when built (non-empty, visible ASCII only: no spaces, CR, LF or other bytes that are
/// illegal or ambiguous in a header) and never printed.
///
/// ```
/// use stytch_connected_apps::MemberSession;
/// let session = MemberSession::token("mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q")?;
/// assert_eq!(format!("{session:?}"), "MemberSession::Token(<redacted>)");
/// assert!(MemberSession::jwt("eyJ\r\nX-Injected: 1").is_err());
/// # Ok::<(), stytch_connected_apps::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct MemberSession {
    kind: SessionKind,
    value: Arc<str>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum SessionKind {
    Token,
    Jwt,
}

impl MemberSession {
    /// A session token, sent as `X-Stytch-Member-Session`.
    pub fn token(value: impl AsRef<str>) -> Result<Self, Error> {
        Self::new(SessionKind::Token, value.as_ref())
    }

    /// A session JWT, sent as `X-Stytch-Member-SessionJWT`.
    pub fn jwt(value: impl AsRef<str>) -> Result<Self, Error> {
        Self::new(SessionKind::Jwt, value.as_ref())
    }

    fn new(kind: SessionKind, value: &str) -> Result<Self, Error> {
        let what = match kind {
            SessionKind::Token => "member session token",
            SessionKind::Jwt => "member session JWT",
        };
        check_value(what, value)?;
        Ok(Self { kind, value: value.into() })
    }

    /// `true` for a JWT, `false` for an opaque session token.
    pub fn is_jwt(&self) -> bool {
        self.kind == SessionKind::Jwt
    }

    /// The name of the header this session is sent in.
    pub fn header_name(&self) -> &'static str {
        match self.kind {
            SessionKind::Token => SESSION_TOKEN_HEADER,
            SessionKind::Jwt => SESSION_JWT_HEADER,
        }
    }

    /// The session's value. Do not log it.
    pub fn expose(&self) -> &str {
        &self.value
    }

    /// The value, shared (to be scrubbed from what servers send back).
    pub(crate) fn shared(&self) -> Arc<str> {
        self.value.clone()
    }
}

/// A session value must be a legal header value and a sane JSON string: non-empty, visible ASCII only.
fn check_value(what: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(InvalidInput::new(what, "must not be empty").into());
    }
    // Never echo the value (or the offending byte) back: it is a credential.
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(InvalidInput::new(
            what,
            "must be visible ASCII (no spaces, CR, LF or other control or non-ASCII characters)",
        )
        .into());
    }
    Ok(())
}

/// A consumer user's session (token or JWT), for the calls whose user is inferred from it
/// ([`Client::as_user`](crate::Client::as_user)). Validated like [`MemberSession`] and never printed.
///
/// ```
/// use stytch_connected_apps::UserSession;
/// let session = UserSession::jwt("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")?;
/// assert_eq!(format!("{session:?}"), "UserSession::Jwt(<redacted>)");
/// # Ok::<(), stytch_connected_apps::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct UserSession {
    kind: SessionKind,
    value: Arc<str>,
}

impl UserSession {
    /// A session token.
    pub fn token(value: impl AsRef<str>) -> Result<Self, Error> {
        check_value("user session token", value.as_ref())?;
        Ok(Self { kind: SessionKind::Token, value: value.as_ref().into() })
    }

    /// A session JWT.
    pub fn jwt(value: impl AsRef<str>) -> Result<Self, Error> {
        check_value("user session JWT", value.as_ref())?;
        Ok(Self { kind: SessionKind::Jwt, value: value.as_ref().into() })
    }

    /// `true` for a JWT.
    pub fn is_jwt(&self) -> bool {
        self.kind == SessionKind::Jwt
    }

    /// The session's value. Do not log it.
    pub fn expose(&self) -> &str {
        &self.value
    }

    /// The value, shared (to be scrubbed from what servers send back).
    pub(crate) fn shared(&self) -> Arc<str> {
        self.value.clone()
    }
}

impl fmt::Debug for UserSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UserSession::{:?}(<redacted>)", self.kind)
    }
}

impl fmt::Debug for MemberSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MemberSession::{:?}(<redacted>)", self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_header_breaking_values_without_echoing_them() {
        for bad in ["", "a b", "tok\r\nX-Evil: 1", "tok\n", "tok\0", "tök", "tok\t"] {
            let err = MemberSession::token(bad).unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(shown.contains("member session token"), "{shown}");
            if !bad.is_empty() {
                assert!(!shown.contains(bad), "{shown}");
            }
        }
    }

    #[test]
    fn picks_the_header_by_kind() {
        let token = MemberSession::token("abc").unwrap();
        let jwt = MemberSession::jwt("a.b.c").unwrap();
        assert_eq!(token.header_name(), "X-Stytch-Member-Session");
        assert_eq!(jwt.header_name(), "X-Stytch-Member-SessionJWT");
        assert!(jwt.is_jwt() && !token.is_jwt());
        assert_eq!(format!("{jwt:?}"), "MemberSession::Jwt(<redacted>)");
    }
}
