use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::pacer::Pacer;
use super::revoke::bulk_revoke_options;
use super::revoke_each::{Pacing, RevokeCounts, RevokeOutcome, Settings, revoke_each};
use crate::{Consumer, Error};

/// What [`Consumer::revoke_all_for_user`] did: one entry per app C1 listed, in C1's order.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UserRevokeReport {
    /// The user, as it was asked for (its id or external id).
    pub user_id: String,
    /// `true` for a dry run: nothing was revoked, every outcome is [`RevokeOutcome::WouldRevoke`].
    pub dry_run: bool,
    /// Each app the user had authorized, with its scopes and what happened.
    pub apps: Vec<AppRevocation>,
    /// How the run was paced.
    pub pacing: Pacing,
}

/// One app of a [`UserRevokeReport`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct AppRevocation {
    /// The app.
    pub connected_app_id: String,
    /// Its name.
    pub name: String,
    /// The scopes the user had granted, as C1 sends them: one space-separated string.
    pub scopes_granted: String,
    /// What happened.
    pub outcome: RevokeOutcome,
}

impl UserRevokeReport {
    /// How many apps ended in each outcome.
    pub fn counts(&self) -> RevokeCounts {
        RevokeCounts::of(self.apps.iter().map(|a| &a.outcome))
    }

    /// `true` when no app's access may remain. A dry run is complete.
    pub fn is_complete(&self) -> bool {
        self.counts().left() == 0
    }

    /// The apps whose access may remain; running the same call again revokes them.
    pub fn left(&self) -> impl Iterator<Item = &AppRevocation> {
        self.apps.iter().filter(|a| a.outcome.is_left())
    }
}

impl<'a> Consumer<'a> {
    /// Revokes every Connected App a consumer user has authorized: **C1**, then **C2** for each app, with the
    /// same pacing, outcomes, stop rules, dry run and re-run safety as
    /// [`B2b::revoke_for_all_members`](crate::B2b::revoke_for_all_members). `await` the returned value.
    ///
    /// ```no_run
    /// # async fn run(client: stytch_connected_apps::Client) -> Result<(), stytch_connected_apps::Error> {
    /// let plan = client.consumer().revoke_all_for_user("user-test-1").dry_run(true).await?;
    /// for app in &plan.apps {
    ///     println!("would revoke {} ({})", app.name, app.scopes_granted);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn revoke_all_for_user(&self, user_id: &str) -> RevokeAllForUser<'a> {
        RevokeAllForUser {
            consumer: self.clone(),
            user_id: user_id.to_owned(),
            settings: Settings::default(),
            only: None,
        }
    }
}

/// A bulk revocation to run: set options, then `.await` it. From [`Consumer::revoke_all_for_user`].
#[must_use = "a bulk revocation does nothing until awaited"]
pub struct RevokeAllForUser<'a> {
    consumer: Consumer<'a>,
    user_id: String,
    settings: Settings,
    only: Option<std::collections::BTreeSet<String>>,
}

impl RevokeAllForUser<'_> {
    bulk_revoke_options!();

    /// Revokes only these apps (of those C1 lists), e.g. the ones a dry run showed and the user confirmed: an app
    /// authorized since is left alone. Ids are compared with C1's `connected_app_id`.
    pub fn only_apps<I, S>(mut self, connected_app_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.only = Some(connected_app_ids.into_iter().map(Into::into).collect());
        self
    }

    async fn run(self) -> Result<UserRevokeReport, Error> {
        let Self { consumer, user_id, settings, only } = self;
        let pacer = Arc::new(Pacer::new(settings.concurrency));
        let consumer = consumer.paced(pacer.clone());
        let mut listed = consumer.user_connected_apps(&user_id).await?;
        if let Some(only) = &only {
            listed.connected_apps.retain(|app| only.contains(&app.connected_app_id));
        }
        let outcomes = revoke_each(&listed.connected_apps, &settings, |app| {
            let (consumer, user_id) = (&consumer, &user_id);
            async move {
                let revoked = consumer.revoke_user_connected_app(user_id, &app.connected_app_id);
                revoked.await.map(|response| response.request_id)
            }
        })
        .await;
        let apps = listed
            .connected_apps
            .into_iter()
            .zip(outcomes)
            .map(|(app, outcome)| AppRevocation {
                connected_app_id: app.connected_app_id,
                name: app.name,
                scopes_granted: app.scopes_granted,
                outcome,
            })
            .collect();
        Ok(UserRevokeReport { user_id, dry_run: settings.dry_run, apps, pacing: pacer.stats().into() })
    }
}

impl<'a> IntoFuture for RevokeAllForUser<'a> {
    type Output = Result<UserRevokeReport, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

impl fmt::Debug for RevokeAllForUser<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RevokeAllForUser")
            .field("consumer", &self.consumer)
            .field("user_id", &self.user_id)
            .field("settings", &self.settings)
            .field("only", &self.only)
            .finish()
    }
}
