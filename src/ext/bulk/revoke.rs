use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::pacer::Pacer;
use super::revoke_each::{Pacing, RevokeCounts, RevokeOutcome, Settings, revoke_each};
use crate::{B2b, Error};

/// What [`B2b::revoke_for_all_members`] did: one entry per member B2 listed as active, in B2's order.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct RevokeReport {
    /// The organization, as it was asked for.
    pub organization_id: String,
    /// The app whose access was revoked.
    pub connected_app_id: String,
    /// The app's name, from B2.
    pub app_name: String,
    /// `true` for a dry run: nothing was revoked, every outcome is [`RevokeOutcome::WouldRevoke`].
    pub dry_run: bool,
    /// Each active member, with the scopes it had granted and what happened.
    pub members: Vec<MemberRevocation>,
    /// How the run was paced.
    pub pacing: Pacing,
}

/// One member of a [`RevokeReport`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct MemberRevocation {
    /// The member.
    pub member_id: String,
    /// The scopes the member had granted the app (B2's `granted_scopes`).
    pub granted_scopes: Vec<String>,
    /// What happened.
    pub outcome: RevokeOutcome,
}

impl RevokeReport {
    /// How many members ended in each outcome.
    pub fn counts(&self) -> RevokeCounts {
        RevokeCounts::of(self.members.iter().map(|m| &m.outcome))
    }

    /// `true` when no member's access may remain (nothing failed or was left unattempted). A dry run is complete.
    pub fn is_complete(&self) -> bool {
        self.counts().left() == 0
    }

    /// The members whose access may remain; running the same call again revokes them.
    pub fn left(&self) -> impl Iterator<Item = &MemberRevocation> {
        self.members.iter().filter(|m| m.outcome.is_left())
    }
}

impl<'a> B2b<'a> {
    /// Revokes a Connected App for every member of an organization, for incident response: **B2** for the
    /// members who have it installed, then **B4** for each, at most
    /// [`DEFAULT_CONCURRENCY`](crate::bulk::DEFAULT_CONCURRENCY) at once. `await` the returned value.
    ///
    /// - **Paced.** Each revoke is retried by the client's policy within its retry budget. A 429 (its
    ///   `Retry-After`), a retryable 5xx or a timeout pauses every worker and halves the concurrency, which then
    ///   climbs back: the run slows down rather than hammering.
    /// - **Every member is reported**, never dropped ([`RevokeOutcome`]): revoked, already gone (a 404 for the
    ///   member or the app), failed with its error, or not attempted because the run stopped (after a 401
    ///   or 403, or [`stop_after_failures`](RevokeForAllMembers::stop_after_failures) failures in a row).
    /// - **Safe to re-run.** A second run lists the members still active and revokes them: it finishes what a
    ///   partial run left, and reports exactly that.
    /// - **[`dry_run`](RevokeForAllMembers::dry_run)** lists what would be revoked, sending B2 only.
    ///
    /// Only a failed B2 fails the call (nothing was revoked then).
    ///
    /// ```no_run
    /// # async fn run(client: stytch_connected_apps::Client) -> Result<(), stytch_connected_apps::Error> {
    /// let report = client.b2b().revoke_for_all_members("organization-test-1", "connected-app-test-2").await?;
    /// let counts = report.counts();
    /// println!("{} revoked, {} already gone", counts.revoked, counts.already_gone);
    /// for member in report.left() {
    ///     eprintln!("{} still has access: {:?}", member.member_id, member.outcome);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn revoke_for_all_members(&self, organization_id: &str, connected_app_id: &str) -> RevokeForAllMembers<'a> {
        RevokeForAllMembers {
            b2b: self.clone(),
            organization_id: organization_id.to_owned(),
            connected_app_id: connected_app_id.to_owned(),
            settings: Settings::default(),
            only: None,
        }
    }
}

/// A bulk revocation to run: set options, then `.await` it. From [`B2b::revoke_for_all_members`].
#[must_use = "a bulk revocation does nothing until awaited"]
pub struct RevokeForAllMembers<'a> {
    b2b: B2b<'a>,
    organization_id: String,
    connected_app_id: String,
    settings: Settings,
    only: Option<std::collections::BTreeSet<String>>,
}

/// The options both bulk revocations take.
macro_rules! bulk_revoke_options {
    () => {
        /// At most `concurrency` requests in flight at once (at least 1; default
        /// [`DEFAULT_CONCURRENCY`](crate::bulk::DEFAULT_CONCURRENCY)).
        pub fn concurrency(mut self, concurrency: usize) -> Self {
            self.settings.concurrency = concurrency.max(1);
            self
        }

        /// Lists what would be revoked without revoking anything (only the list call is sent).
        pub fn dry_run(mut self, dry_run: bool) -> Self {
            self.settings.dry_run = dry_run;
            self
        }

        /// Stops starting new revokes after `failures` revokes in a row failed (0: never stop; default
        /// [`DEFAULT_STOP_AFTER_FAILURES`](crate::bulk::DEFAULT_STOP_AFTER_FAILURES)); the rest are reported
        /// [`NotAttempted`](crate::bulk::RevokeOutcome::NotAttempted). A 401 or 403 always stops the run.
        pub fn stop_after_failures(mut self, failures: usize) -> Self {
            self.settings.stop_after_failures = failures;
            self
        }

        /// Calls `callback` when the number of items is known, then after each item.
        pub fn on_progress(mut self, callback: impl Fn(crate::bulk::Progress) + Send + Sync + 'static) -> Self {
            self.settings.progress = crate::ext::bulk::progress::OnProgress::new(callback);
            self
        }
    };
}
pub(crate) use bulk_revoke_options;

impl RevokeForAllMembers<'_> {
    bulk_revoke_options!();

    /// Revokes only these members (of those B2 lists as active), e.g. the ones a dry run showed and an operator
    /// confirmed: a member who installed the app since is left alone. Ids are compared with B2's `member_id`.
    pub fn only_members<I, S>(mut self, member_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.only = Some(member_ids.into_iter().map(Into::into).collect());
        self
    }

    async fn run(self) -> Result<RevokeReport, Error> {
        let Self { b2b, organization_id, connected_app_id, settings, only } = self;
        let pacer = Arc::new(Pacer::new(settings.concurrency));
        let b2b = b2b.paced(pacer.clone());
        let mut app = b2b.connected_app(&organization_id, &connected_app_id).await?;
        if let Some(only) = &only {
            app.active_members.retain(|member| only.contains(&member.member_id));
        }
        let outcomes = revoke_each(&app.active_members, &settings, |member| {
            let b2b = &b2b;
            let (organization_id, connected_app_id) = (&organization_id, &connected_app_id);
            async move {
                let revoked = b2b.revoke_member_connected_app(organization_id, &member.member_id, connected_app_id);
                revoked.await.map(|response| response.request_id)
            }
        })
        .await;
        let members = app
            .active_members
            .into_iter()
            .zip(outcomes)
            .map(|(member, outcome)| MemberRevocation {
                member_id: member.member_id,
                granted_scopes: member.granted_scopes,
                outcome,
            })
            .collect();
        Ok(RevokeReport {
            organization_id,
            connected_app_id,
            app_name: app.name,
            dry_run: settings.dry_run,
            members,
            pacing: pacer.stats().into(),
        })
    }
}

impl<'a> IntoFuture for RevokeForAllMembers<'a> {
    type Output = Result<RevokeReport, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

impl fmt::Debug for RevokeForAllMembers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RevokeForAllMembers")
            .field("b2b", &self.b2b)
            .field("organization_id", &self.organization_id)
            .field("connected_app_id", &self.connected_app_id)
            .field("settings", &self.settings)
            .field("only", &self.only)
            .finish()
    }
}
