//! Matching the session a `sessions/authenticate` request carries, as the SDK writes it.

use super::consumer::ApiSessionV1AuthenticateWhen;
use super::operations::ApiB2bSessionV1AuthenticateWhen;
use crate::{MemberSession, UserSession};

impl ApiB2bSessionV1AuthenticateWhen {
    /// Requires the body the SDK sends to authenticate `session` (its token or its JWT, nothing else), as a
    /// session-inferred call ([`Client::as_member`](crate::Client::as_member)) does.
    pub fn session(self, session: &MemberSession) -> Self {
        self.body(&crate::ext::b2b::authenticate_request(session))
    }
}

impl ApiSessionV1AuthenticateWhen {
    /// Requires the body the SDK sends to authenticate `session` (its token or its JWT, nothing else), as a
    /// session-inferred call ([`Client::as_user`](crate::Client::as_user)) does.
    pub fn session(self, session: &UserSession) -> Self {
        self.body(&crate::ext::consumer::authenticate_body(session))
    }
}
