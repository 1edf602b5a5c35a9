//! Matching the session a `sessions/authenticate` request carries, as the SDK writes it.

use super::consumer::ApiSessionV1AuthenticateWhen;
use super::operations::ApiB2bSessionV1AuthenticateWhen;
use super::sealed::Operation as _;
use crate::{MemberSession, UserSession};

/// The bytes the client sends for `body`: reqwest's `.json()` and the handwritten calls both write compact
/// serde_json, so the match is byte for byte (a body with a repeated key or extra spaces is not the SDK's).
fn exact_json(body: &impl serde::Serialize) -> String {
    // Cannot fail: the two bodies are a `serde_json::Value` and the generated request struct (strings, an integer,
    // a struct of strings, a string-keyed map); serde_json refuses only non-string map keys and failing `Serialize`
    // impls, and neither type has one.
    serde_json::to_string(body).expect("a session body serializes")
}

impl ApiB2bSessionV1AuthenticateWhen {
    /// Requires, byte for byte, the body the SDK sends to authenticate `session` (its token or its JWT, nothing
    /// else), as a session-inferred call ([`Client::as_member`](crate::Client::as_member)) does.
    pub fn session(self, session: &MemberSession) -> Self {
        self.map_when(|when| when.body(exact_json(&crate::ext::calls::b2b::authenticate_request(session))))
    }
}

impl ApiSessionV1AuthenticateWhen {
    /// Requires, byte for byte, the body the SDK sends to authenticate `session` (its token or its JWT, nothing
    /// else), as a session-inferred call ([`Client::as_user`](crate::Client::as_user)) does.
    pub fn session(self, session: &UserSession) -> Self {
        self.map_when(|when| when.body(exact_json(&crate::ext::calls::consumer::authenticate_body(session))))
    }
}
