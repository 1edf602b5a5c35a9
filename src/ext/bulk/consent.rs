use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use super::failure::CallFailure;
use super::pacer::Pacer;
use super::progress::{OnProgress, Progress};
use super::revoke_each::DEFAULT_CONCURRENCY;
use crate::models::{ActiveMember, OrganizationConnectedApp};
use crate::{B2b, Error};

/// Which Connected Apps can reach an organization, through which members, with which scopes: what
/// [`B2b::consent_report`] found. Every app B1 listed is here, in B1's order, audited or failed: a partial report
/// says which apps could not be read and why.
///
/// ```
/// use stytch_connected_apps::bulk::ConsentReport;
///
/// let stored = r#"{"organization_id": "organization-test-1", "apps": [{
///     "outcome": "audited",
///     "app": {"connected_app_id": "connected-app-test-2", "name": "Notes", "description": "",
///             "client_type": "third_party", "logo_url": null},
///     "active_members": [{"member_id": "member-test-3", "granted_scopes": ["openid", "email"]}]}]}"#;
/// let report: ConsentReport = serde_json::from_str(stored)?;
/// assert!(report.is_complete());
/// let (app, member, scopes) = report.grants().next().unwrap();
/// assert_eq!((app.name.as_str(), member, scopes), ("Notes", "member-test-3", &["openid".to_owned(), "email".to_owned()][..]));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ConsentReport {
    /// The organization, as it was asked for (its id, slug or external id).
    pub organization_id: String,
    /// One entry per app B1 listed.
    pub apps: Vec<AppConsent>,
}

/// One app of a [`ConsentReport`]: its members and their scopes (from B2), or why B2 failed.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AppConsent {
    /// B2 answered: the members who have the app installed, and the scopes each granted.
    Audited {
        /// The app, as B1 listed it.
        app: OrganizationConnectedApp,
        /// B2's `active_members`.
        active_members: Vec<ActiveMember>,
    },
    /// B2 failed (after the client's retries).
    Failed {
        /// The app, as B1 listed it.
        app: OrganizationConnectedApp,
        /// Why.
        error: CallFailure,
    },
}

impl AppConsent {
    /// The app, as B1 listed it.
    pub fn app(&self) -> &OrganizationConnectedApp {
        match self {
            AppConsent::Audited { app, .. } | AppConsent::Failed { app, .. } => app,
        }
    }

    /// The members and their scopes, when B2 answered.
    pub fn active_members(&self) -> Option<&[ActiveMember]> {
        match self {
            AppConsent::Audited { active_members, .. } => Some(active_members),
            AppConsent::Failed { .. } => None,
        }
    }

    /// Why B2 failed, when it did.
    pub fn error(&self) -> Option<&CallFailure> {
        match self {
            AppConsent::Audited { .. } => None,
            AppConsent::Failed { error, .. } => Some(error),
        }
    }
}

impl ConsentReport {
    /// `true` when every app was audited.
    pub fn is_complete(&self) -> bool {
        self.apps.iter().all(|app| app.error().is_none())
    }

    /// The apps whose B2 failed, and why.
    pub fn failures(&self) -> impl Iterator<Item = (&OrganizationConnectedApp, &CallFailure)> {
        self.apps.iter().filter_map(|entry| Some((entry.app(), entry.error()?)))
    }

    /// Every grant: (app, member id, scopes), app by app in the report's order, members in B2's order.
    pub fn grants(&self) -> impl Iterator<Item = (&OrganizationConnectedApp, &str, &[String])> {
        self.apps.iter().flat_map(|entry| {
            let members = entry.active_members().unwrap_or_default();
            members.iter().map(move |m| (entry.app(), m.member_id.as_str(), m.granted_scopes.as_slice()))
        })
    }
}

impl<'a> B2b<'a> {
    /// A consent audit of an organization: **B1**, then **B2** for each app (at most
    /// [`DEFAULT_CONCURRENCY`](crate::bulk::DEFAULT_CONCURRENCY) at once; see [`ConsentAudit::concurrency`]),
    /// into a [`ConsentReport`]. An app whose B2 fails stays in the report with its error; only a failed B1 fails
    /// the call. `await` the returned value.
    ///
    /// ```no_run
    /// # async fn run(client: stytch_connected_apps::Client) -> Result<(), stytch_connected_apps::Error> {
    /// let report = client.b2b().consent_report("organization-test-1").concurrency(16).await?;
    /// for (app, member, scopes) in report.grants() {
    ///     println!("{} -> {member}: {}", app.name, scopes.join(" "));
    /// }
    /// for (app, error) in report.failures() {
    ///     eprintln!("{} could not be read: {}", app.name, error.message);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn consent_report(&self, organization_id: &str) -> ConsentAudit<'a> {
        ConsentAudit {
            b2b: self.clone(),
            organization_id: organization_id.to_owned(),
            concurrency: DEFAULT_CONCURRENCY,
            progress: OnProgress::default(),
        }
    }
}

/// A consent audit to run: set options, then `.await` it. From [`B2b::consent_report`].
#[must_use = "a consent audit does nothing until awaited"]
pub struct ConsentAudit<'a> {
    b2b: B2b<'a>,
    organization_id: String,
    concurrency: usize,
    progress: OnProgress,
}

impl ConsentAudit<'_> {
    /// At most `concurrency` requests in flight at once (at least 1; default
    /// [`DEFAULT_CONCURRENCY`](crate::bulk::DEFAULT_CONCURRENCY)). After a 429 or an overload the run slows
    /// down below it, then climbs back.
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Calls `callback` when the number of apps is known, then after each app.
    pub fn on_progress(mut self, callback: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = OnProgress::new(callback);
        self
    }

    async fn run(self) -> Result<ConsentReport, Error> {
        let Self { b2b, organization_id, concurrency, progress } = self;
        let b2b = b2b.paced(Arc::new(Pacer::new(concurrency)));
        let listed = b2b.organization_connected_apps(&organization_id).await?;
        let total = listed.connected_apps.len();
        progress.report(0, total);
        let done = AtomicUsize::new(0);
        let (b2b, organization_id, progress, done) = (&b2b, &organization_id, &progress, &done);
        // Made up front, not in a stream's closure (see `revoke_each`).
        let audits: Vec<_> = listed
            .connected_apps
            .into_iter()
            .map(|app| async move {
                let entry = match b2b.connected_app(organization_id, &app.connected_app_id).await {
                    Ok(found) => AppConsent::Audited { app, active_members: found.active_members },
                    Err(error) => AppConsent::Failed { app, error: CallFailure::from(&error) },
                };
                progress.report(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                entry
            })
            .collect();
        let apps = futures_util::stream::iter(audits).buffered(concurrency).collect().await;
        Ok(ConsentReport { organization_id: organization_id.clone(), apps })
    }
}

impl<'a> IntoFuture for ConsentAudit<'a> {
    type Output = Result<ConsentReport, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

impl fmt::Debug for ConsentAudit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsentAudit")
            .field("b2b", &self.b2b)
            .field("organization_id", &self.organization_id)
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}
