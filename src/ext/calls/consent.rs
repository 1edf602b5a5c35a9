//! The consent grant, for a project that hosts its own consent screen: `authorize/start` says what a Connected App
//! asks of a member or user (the app, each scope and whether it can be granted, whether consent is needed at all),
//! `authorize` records the decision and returns where to send the browser (with the authorization code, or the
//! refusal). B2B (`/v1/b2b/idp/oauth/...`) for a member, consumer (`/v1/idp/oauth/...`) for a user; each by ids
//! ([`B2b`], [`Consumer`]) or by the session the crate already handles ([`MemberSessionCalls`],
//! [`UserSessionCalls`]: the session goes in the body, and Stytch authenticates it).
//!
//! `authorize`'s answer holds the authorization code twice: as `authorization_code` and inside `redirect_uri`,
//! where the browser must take it. Both are [`Credential`]s: neither prints; `.expose()` the redirect to send it.
//!
//! The request types are the generated ones; the call sets who consents (the ids, or the session) and clears the
//! other, whatever the request held. `authorize_start` changes nothing and is retried like a read; `authorize`
//! records a decision and issues a code, so it is retried only where Stytch cannot have run it (a `429`, a
//! connection never made).

use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;

use progenitor_client::ResponseValue;

use crate::ext::calls::operations::{self, Operation};
use crate::ext::hygiene::redact::Secrets;
use crate::ext::transport::{CallOptions, generated};
use crate::generated::types::StytchErrorEnvelope;
use crate::models::{
    MemberAuthorizeRequest, MemberAuthorizeResponse, MemberAuthorizeStartRequest, MemberAuthorizeStartResponse,
    ResponseMeta, UserAuthorizeRequest, UserAuthorizeResponse, UserAuthorizeStartRequest, UserAuthorizeStartResponse,
};
use crate::{
    B2b, Client, Consumer, Credential, Error, InvalidInput, MemberSession, MemberSessionCalls, UserSession,
    UserSessionCalls,
};

/// What a consent call needs of the handle it is made on: the client, and the call's options (with the secrets the
/// handle already keeps out of errors and traces).
pub(crate) struct Grant<'a> {
    pub(crate) client: &'a Client,
    pub(crate) options: CallOptions,
}

/// Who consents: a member or user by id, or the holder of a session.
enum Subject<'s> {
    Member { organization_id: &'s str, member_id: &'s str },
    MemberSession(&'s MemberSession),
    User { user_id: &'s str },
    UserSession(&'s UserSession),
}

/// The session as the body carries it: `(session_token, session_jwt)`, exactly one set.
fn session_fields(value: &str, is_jwt: bool) -> (Option<Credential>, Option<Credential>) {
    let value = Some(Credential::from(value));
    if is_jwt { (None, value) } else { (value, None) }
}

fn convert<T>(request: impl TryInto<T, Error = impl Display>, what: &'static str) -> Result<T, Error> {
    request.try_into().map_err(|e| InvalidInput::new(what, e.to_string()).into())
}

impl Grant<'_> {
    fn secrets(&self) -> Secrets {
        self.client.generated().inner.secrets.union(&self.options.secrets)
    }

    /// Runs one generated call (see [`generated::run`]).
    async fn run<T: ResponseMeta, F>(&self, operation: &'static Operation, call: Pin<Box<F>>) -> Result<T, Error>
    where
        F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<StytchErrorEnvelope>>>,
    {
        generated::run(self.client, &self.options, operation, || self.secrets(), call).await
    }

    async fn member_start(
        &self,
        subject: Subject<'_>,
        mut body: MemberAuthorizeStartRequest,
    ) -> Result<MemberAuthorizeStartResponse, Error> {
        (body.organization_id, body.member_id, body.session_token, body.session_jwt) = member_identity(&subject);
        let call = self.client.generated().api_b2b_idp_v1_b2b_idp_oauth_authorize_start().body(body);
        self.run(&operations::B2B_AUTHORIZE_START, Box::pin(call.send())).await
    }

    async fn member_decide(
        &self,
        subject: Subject<'_>,
        mut body: MemberAuthorizeRequest,
    ) -> Result<MemberAuthorizeResponse, Error> {
        (body.organization_id, body.member_id, body.session_token, body.session_jwt) = member_identity(&subject);
        let call = self.client.generated().api_b2b_idp_v1_b2b_idp_oauth_authorize().body(body);
        self.run(&operations::B2B_AUTHORIZE, Box::pin(call.send())).await
    }

    async fn user_start(
        &self,
        subject: Subject<'_>,
        mut body: UserAuthorizeStartRequest,
    ) -> Result<UserAuthorizeStartResponse, Error> {
        (body.user_id, body.session_token, body.session_jwt) = user_identity(&subject);
        let call = self.client.generated().api_idp_v1_idp_oauth_authorize_start().body(body);
        self.run(&operations::USER_AUTHORIZE_START, Box::pin(call.send())).await
    }

    async fn user_decide(
        &self,
        subject: Subject<'_>,
        mut body: UserAuthorizeRequest,
    ) -> Result<UserAuthorizeResponse, Error> {
        (body.user_id, body.session_token, body.session_jwt) = user_identity(&subject);
        let call = self.client.generated().api_idp_v1_idp_oauth_authorize().body(body);
        self.run(&operations::USER_AUTHORIZE, Box::pin(call.send())).await
    }
}

type MemberIdentity = (Option<String>, Option<String>, Option<Credential>, Option<Credential>);

/// `(organization_id, member_id, session_token, session_jwt)` for `subject`.
fn member_identity(subject: &Subject<'_>) -> MemberIdentity {
    match subject {
        Subject::Member { organization_id, member_id } => {
            (Some((*organization_id).to_owned()), Some((*member_id).to_owned()), None, None)
        }
        Subject::MemberSession(session) => {
            let (token, jwt) = session_fields(session.expose(), session.is_jwt());
            (None, None, token, jwt)
        }
        Subject::User { .. } | Subject::UserSession(_) => (None, None, None, None),
    }
}

/// `(user_id, session_token, session_jwt)` for `subject`.
fn user_identity(subject: &Subject<'_>) -> (Option<String>, Option<Credential>, Option<Credential>) {
    match subject {
        Subject::User { user_id } => (Some((*user_id).to_owned()), None, None),
        Subject::UserSession(session) => {
            let (token, jwt) = session_fields(session.expose(), session.is_jwt());
            (None, token, jwt)
        }
        Subject::Member { .. } | Subject::MemberSession(_) => (None, None, None),
    }
}

impl B2b<'_> {
    /// **Consent, step 1** (`POST /v1/b2b/idp/oauth/authorize/start`): what the Connected App `request.client_id`
    /// asks of member `member_id` of `organization_id` (sent as ids, without a session): the app, each scope with
    /// its description and whether it can be granted (`scope_results`), and whether consent is needed
    /// (`consent_required`). Render your consent screen from it.
    pub async fn authorize_start(
        &self,
        organization_id: &str,
        member_id: &str,
        request: impl TryInto<MemberAuthorizeStartRequest, Error = impl Display>,
    ) -> Result<MemberAuthorizeStartResponse, Error> {
        let body = convert(request, "authorize_start request")?;
        self.grant().member_start(Subject::Member { organization_id, member_id }, body).await
    }

    /// **Consent, step 2** (`POST /v1/b2b/idp/oauth/authorize`): records member `member_id`'s decision
    /// (`consent_granted`) and returns the `redirect_uri` to send the browser to (with the authorization code when
    /// granted). Retried only where Stytch cannot have run it.
    pub async fn authorize(
        &self,
        organization_id: &str,
        member_id: &str,
        request: impl TryInto<MemberAuthorizeRequest, Error = impl Display>,
    ) -> Result<MemberAuthorizeResponse, Error> {
        let body = convert(request, "authorize request")?;
        self.grant().member_decide(Subject::Member { organization_id, member_id }, body).await
    }
}

impl MemberSessionCalls<'_> {
    /// **Consent, step 1** for the member behind the session (it goes in the body; Stytch authenticates it). See
    /// [`B2b::authorize_start`].
    pub async fn authorize_start(
        &self,
        request: impl TryInto<MemberAuthorizeStartRequest, Error = impl Display>,
    ) -> Result<MemberAuthorizeStartResponse, Error> {
        let body = convert(request, "authorize_start request")?;
        self.grant().member_start(Subject::MemberSession(self.session()), body).await
    }

    /// **Consent, step 2** for the member behind the session. See [`B2b::authorize`].
    pub async fn authorize(
        &self,
        request: impl TryInto<MemberAuthorizeRequest, Error = impl Display>,
    ) -> Result<MemberAuthorizeResponse, Error> {
        let body = convert(request, "authorize request")?;
        self.grant().member_decide(Subject::MemberSession(self.session()), body).await
    }
}

impl Consumer<'_> {
    /// **Consent, step 1** (`POST /v1/idp/oauth/authorize/start`) for user `user_id` (sent as an id, without a
    /// session). See [`B2b::authorize_start`].
    pub async fn authorize_start(
        &self,
        user_id: &str,
        request: impl TryInto<UserAuthorizeStartRequest, Error = impl Display>,
    ) -> Result<UserAuthorizeStartResponse, Error> {
        let body = convert(request, "authorize_start request")?;
        self.grant().user_start(Subject::User { user_id }, body).await
    }

    /// **Consent, step 2** (`POST /v1/idp/oauth/authorize`) for user `user_id`. See [`B2b::authorize`].
    pub async fn authorize(
        &self,
        user_id: &str,
        request: impl TryInto<UserAuthorizeRequest, Error = impl Display>,
    ) -> Result<UserAuthorizeResponse, Error> {
        let body = convert(request, "authorize request")?;
        self.grant().user_decide(Subject::User { user_id }, body).await
    }
}

impl UserSessionCalls<'_> {
    /// **Consent, step 1** for the user behind the session. See [`Consumer::authorize_start`].
    pub async fn authorize_start(
        &self,
        request: impl TryInto<UserAuthorizeStartRequest, Error = impl Display>,
    ) -> Result<UserAuthorizeStartResponse, Error> {
        let body = convert(request, "authorize_start request")?;
        self.grant().user_start(Subject::UserSession(self.session()), body).await
    }

    /// **Consent, step 2** for the user behind the session. See [`Consumer::authorize`].
    pub async fn authorize(
        &self,
        request: impl TryInto<UserAuthorizeRequest, Error = impl Display>,
    ) -> Result<UserAuthorizeResponse, Error> {
        let body = convert(request, "authorize request")?;
        self.grant().user_decide(Subject::UserSession(self.session()), body).await
    }
}
