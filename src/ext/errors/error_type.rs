use std::fmt;

/// Stytch's machine-readable `error_type`. Known types get a variant; any other string is kept in
/// [`ErrorType::Other`], so a type Stytch adds tomorrow is still matched by name rather than lost.
///
/// ```
/// use stytch_connected_apps::ErrorType;
/// assert_eq!(ErrorType::from("connected_app_not_found"), ErrorType::ConnectedAppNotFound);
/// assert_eq!(ErrorType::from("brand_new_type").as_str(), "brand_new_type");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorType {
    /// 401: the project id or secret is wrong.
    UnauthorizedCredentials,
    /// 403: the member session's roles do not allow the action.
    SessionAuthorizationError,
    /// 403: the member session belongs to another organization than the one in the path.
    SessionAuthorizationTenancyError,
    /// 404: no such Connected App.
    ConnectedAppNotFound,
    /// 404: no such Organization.
    OrganizationNotFound,
    /// 404: no such Member.
    MemberNotFound,
    /// 404: no such User.
    UserNotFound,
    /// 429: rate limited.
    TooManyRequests,
    /// 500: Stytch failed.
    InternalServerError,
    /// Any other type, kept verbatim.
    Other(String),
}

const KNOWN: [(ErrorType, &str); 9] = [
    (ErrorType::UnauthorizedCredentials, "unauthorized_credentials"),
    (ErrorType::SessionAuthorizationError, "session_authorization_error"),
    (ErrorType::SessionAuthorizationTenancyError, "session_authorization_tenancy_error"),
    (ErrorType::ConnectedAppNotFound, "connected_app_not_found"),
    (ErrorType::OrganizationNotFound, "organization_not_found"),
    (ErrorType::MemberNotFound, "member_not_found"),
    (ErrorType::UserNotFound, "user_not_found"),
    (ErrorType::TooManyRequests, "too_many_requests"),
    (ErrorType::InternalServerError, "internal_server_error"),
];

impl ErrorType {
    /// The wire string, e.g. `"session_authorization_error"`.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorType::Other(other) => other,
            known => KNOWN.iter().find(|(variant, _)| variant == known).map_or("", |(_, name)| name),
        }
    }

    /// `true` for the two 403 types a member session can cause.
    pub fn is_session_authorization(&self) -> bool {
        matches!(self, ErrorType::SessionAuthorizationError | ErrorType::SessionAuthorizationTenancyError)
    }

    /// `true` for the `*_not_found` types.
    pub fn is_not_found(&self) -> bool {
        self.as_str().ends_with("_not_found")
    }
}

impl From<&str> for ErrorType {
    fn from(value: &str) -> Self {
        KNOWN
            .iter()
            .find(|(_, name)| *name == value)
            .map_or_else(|| ErrorType::Other(value.to_owned()), |(variant, _)| variant.clone())
    }
}

impl fmt::Display for ErrorType {
    /// The wire string, with control characters escaped (an unknown type is server-provided text).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&crate::ext::hygiene::escape::Escaped(self.as_str()), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_type_round_trips() {
        for (variant, name) in KNOWN {
            assert_eq!(ErrorType::from(name), variant);
            assert_eq!(variant.as_str(), name);
        }
        assert_eq!(ErrorType::from("x_not_found").to_string(), "x_not_found");
        assert!(ErrorType::from("x_not_found").is_not_found());
    }
}
