//! Composite calls built on the single ones: a consent audit of an organization, and revoking one app for every
//! member of an organization (or every app of a consumer user), each with bounded concurrency, paced together when
//! the server pushes back, and a report that keeps every per-item outcome. This file is the table of contents.
//!
//! | Call | Requests | Report |
//! |---|---|---|
//! | [`B2b::consent_report`](crate::B2b::consent_report) | B1, then B2 per app | [`ConsentReport`](crate::bulk::ConsentReport) |
//! | [`B2b::revoke_for_all_members`](crate::B2b::revoke_for_all_members) | B2, then B4 per active member | [`RevokeReport`](crate::bulk::RevokeReport) |
//! | [`Consumer::revoke_all_for_user`](crate::Consumer::revoke_all_for_user) | C1, then C2 per app | [`UserRevokeReport`](crate::bulk::UserRevokeReport) |
//!
//! Each request is a call of its own: the handle's session, timeout, deadline and retry policy apply to each,
//! and the client's retry budget is shared by all. The reports derive `serde` (and `schemars::JsonSchema` with the
//! `schemars` feature), so they can be stored, diffed and read back.

/// The consent audit: [`ConsentReport`], [`AppConsent`] and the call that builds them.
mod consent;
/// What a report keeps of a failed call: [`CallFailure`].
mod failure;
/// Pacing one run's attempts: bounded in flight, slowed down together on 429s and overloads.
pub(crate) mod pacer;
/// Progress callbacks: [`Progress`].
mod progress;
/// Revoking one app for every member of an organization: [`RevokeReport`] and its call.
mod revoke;
/// The per-item revocation outcome and the bounded, stoppable driver both bulk revocations share.
mod revoke_each;
/// Revoking every app of a consumer user: [`UserRevokeReport`] and its call.
mod user_revoke;

pub use consent::{AppConsent, ConsentAudit, ConsentReport};
pub use failure::CallFailure;
pub use progress::Progress;
pub use revoke::{MemberRevocation, RevokeForAllMembers, RevokeReport};
pub use revoke_each::{DEFAULT_CONCURRENCY, DEFAULT_STOP_AFTER_FAILURES, Pacing, RevokeCounts, RevokeOutcome};
pub use user_revoke::{AppRevocation, RevokeAllForUser, UserRevokeReport};
