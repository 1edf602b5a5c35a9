//! `stytch-connected-apps`: consent audits, (bulk) revocation, and the Connected Apps themselves (clients, secret
//! rotation), for administrators.
//! See `--help` and the README's "For administrators".
#![forbid(unsafe_code)]

/// `eprintln!` that never panics: std's panics when stderr is closed (`2>&1 | head -1`), which would end a run
/// whose change is made with exit 101 instead of its documented code. Defined before the modules, so it replaces
/// std's in all of them.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod args;
mod clients;
mod confirm;
// The library's own escaping (control, line-breaking, bidirectional and invisible characters), compiled into the
// binary rather than made public API: one list of what a terminal must not receive raw.
#[path = "../../ext/hygiene/escape.rs"]
mod escape;
mod exit;
mod output;
mod progress;

use std::process::ExitCode;

use clap::Parser;
use stytch_connected_apps::bulk::{RevokeReport, UserRevokeReport};
use stytch_connected_apps::emulator::{Emulator, Fixture, SEED_ORGANIZATION, SEED_USER};
use stytch_connected_apps::{Client, Error, MemberSession};

use crate::args::{Cli, Command, Format, Revoke, RevokeUserApp};
use crate::exit::Exit;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return Exit::Configuration.into();
        }
    };
    runtime.block_on(run(cli)).into()
}

/// Why a command ended early.
enum Stop {
    /// A call failed.
    Call(Error),
    /// Writing to stdout failed (e.g. a closed pipe).
    Output(std::io::Error),
    /// Not confirmed; the message says why.
    NotConfirmed(String),
    /// The arguments cannot make a request; the message says why.
    Usage(String),
    /// Nothing was sent: the state of what was read makes the command pointless; the message says why.
    Failed(String),
}

impl From<Error> for Stop {
    fn from(error: Error) -> Self {
        Stop::Call(error)
    }
}

impl From<std::io::Error> for Stop {
    fn from(error: std::io::Error) -> Self {
        Stop::Output(error)
    }
}

async fn run(cli: Cli) -> Exit {
    // The emulator lives as long as the command.
    let (client, _emulator) = match connect(cli.emulator).await {
        Ok(connected) => connected,
        Err(message) => {
            eprintln!("error: {message}");
            return Exit::Configuration;
        }
    };
    match dispatch(&cli, &client).await {
        Ok(exit) => exit,
        Err(Stop::Call(error)) => {
            // The error's Display carries Stytch's request id, escaped; nothing server-sent is printed raw.
            eprintln!("error: {error}");
            match error {
                Error::Configuration(_) => Exit::Configuration,
                // An argument rejected before anything was sent (an empty or dot-segment id): a usage error.
                Error::InvalidInput(_) => Exit::Usage,
                _ => Exit::Failed,
            }
        }
        Err(Stop::Output(error)) => {
            eprintln!("error: cannot write the output: {error}");
            Exit::Failed
        }
        Err(Stop::NotConfirmed(message)) => {
            eprintln!("{message}");
            Exit::NotConfirmed
        }
        Err(Stop::Usage(message)) => {
            eprintln!("error: {message}");
            Exit::Usage
        }
        Err(Stop::Failed(message)) => {
            eprintln!("error: {message}");
            Exit::Failed
        }
    }
}

/// The client: the embedded emulator's, or Stytch's from the environment (with the member session, if one is set).
async fn connect(emulator: bool) -> Result<(Client, Option<Emulator>), String> {
    if emulator {
        let emulator = Emulator::start(Fixture::seed()).await.map_err(|e| format!("cannot start the emulator: {e}"))?;
        let client = emulator.client().map_err(|e| e.to_string())?;
        output::never_print([stytch_connected_apps::emulator::SEED_SECRET.to_owned()]);
        eprintln!(
            "using the embedded emulator (seed world) at {}: organization {SEED_ORGANIZATION}, user {SEED_USER}",
            emulator.url()
        );
        return Ok((client, Some(emulator)));
    }
    let client = Client::from_env().map_err(|e| e.to_string())?;
    let token = std::env::var("STYTCH_MEMBER_SESSION").ok().filter(|v| !v.is_empty());
    let jwt = std::env::var("STYTCH_MEMBER_SESSION_JWT").ok().filter(|v| !v.is_empty());
    let secret = std::env::var("STYTCH_SECRET").unwrap_or_default();
    output::never_print([Some(secret), token.clone(), jwt.clone()].into_iter().flatten());
    let session = match (token, jwt) {
        (Some(_), Some(_)) => {
            return Err("set STYTCH_MEMBER_SESSION or STYTCH_MEMBER_SESSION_JWT, not both".to_owned());
        }
        (Some(token), None) => Some(MemberSession::token(token).map_err(|e| e.to_string())?),
        (None, Some(jwt)) => Some(MemberSession::jwt(jwt).map_err(|e| e.to_string())?),
        (None, None) => None,
    };
    Ok((session.map_or_else(|| client.clone(), |s| client.with_member_session(s)), None))
}

async fn dispatch(cli: &Cli, client: &Client) -> Result<Exit, Stop> {
    let format = cli.format;
    let b2b = client.b2b();
    match &cli.command {
        Command::Audit(org) => {
            let bar = progress::bar("apps");
            let report = b2b
                .consent_report(&org.organization_id)
                .concurrency(cli.concurrency)
                .on_progress(progress::follow(&bar))
                .await;
            bar.finish_and_clear();
            let report = report?;
            output::write(format, &report, output::consent(&report))?;
            let failed = report.failures().count();
            eprintln!(
                "{} apps, {} grants{}",
                report.apps.len(),
                report.grants().count(),
                if failed > 0 {
                    format!("; {failed} apps could not be read: re-run to complete")
                } else {
                    String::new()
                }
            );
            Ok(if failed > 0 { Exit::Partial } else { Exit::Done })
        }
        Command::Apps(org) => {
            let apps = b2b.organization_connected_apps(&org.organization_id).await?;
            output::write(format, &apps, output::organization_apps(&apps))?;
            Ok(Exit::Done)
        }
        Command::App { org, app_id } => {
            let app = b2b.connected_app(&org.organization_id, app_id).await?;
            output::write(format, &app, output::app_members(&app))?;
            Ok(Exit::Done)
        }
        Command::MemberApps { org, member_id } => {
            let apps = b2b.member_connected_apps(&org.organization_id, member_id).await?;
            output::write(format, &apps, output::member_apps(&apps))?;
            Ok(Exit::Done)
        }
        Command::UserApps { user_id } => {
            let apps = client.consumer().user_connected_apps(user_id).await?;
            output::write(format, &apps, output::user_apps(&apps))?;
            Ok(Exit::Done)
        }
        Command::Revoke(revoke) => revoke_members(cli, client, revoke).await,
        Command::RevokeUserApp(revoke) => revoke_user_apps(cli, client, revoke).await,
        Command::Clients(command) => clients::run(format, client, command).await,
    }
}

/// Before anything is sent: a destructive command without `--yes` needs someone to ask.
fn can_ask(yes: bool, what: &str) -> Result<(), Stop> {
    if yes || confirm::can_ask() {
        Ok(())
    } else {
        Err(Stop::NotConfirmed(format!(
            "refused to {what}: not on a terminal, so nobody can confirm; pass --yes to proceed (or --dry-run to see what \
             would happen)"
        )))
    }
}

/// Asks unless `--yes`. The question carries the app's name as the server sent it, escaped by the caller; it is
/// scrubbed of the run's credentials here, as stdout is. `declined` is what a "no" prints.
fn ask(yes: bool, question: &str, declined: &str) -> Result<(), Stop> {
    if yes { Ok(()) } else { confirm::ask(&output::scrub(question), declined).map_err(Stop::NotConfirmed) }
}

/// What a declined revoke prints.
const NOT_REVOKED: &str = "not confirmed: nothing was revoked";

async fn revoke_members(cli: &Cli, client: &Client, revoke: &Revoke) -> Result<Exit, Stop> {
    let (org, app, confirm) = (&revoke.org.organization_id, &revoke.app_id, &revoke.confirm);
    let b2b = client.b2b();
    if !confirm.dry_run {
        can_ask(confirm.yes, "revoke")?;
    }
    let mut plan = b2b.revoke_for_all_members(org, app).concurrency(cli.concurrency).dry_run(true).await?;
    let Some(member) = &revoke.member_id else {
        if confirm.dry_run {
            return report_members(cli.format, &plan);
        }
        if plan.members.is_empty() {
            plan.dry_run = false;
            return report_members(cli.format, &plan);
        }
        let question = format!(
            "Revoke '{}' ({}) for {} members of {}?",
            output::escape(&plan.app_name),
            output::escape(app),
            plan.members.len(),
            output::escape(org)
        );
        ask(confirm.yes, &question, NOT_REVOKED)?;
        let bar = progress::bar("members");
        // Exactly the members the question counted: one who installed the app since is not revoked unasked.
        let report = b2b
            .revoke_for_all_members(org, app)
            .only_members(plan.members.iter().map(|m| m.member_id.clone()))
            .concurrency(cli.concurrency)
            .on_progress(progress::follow(&bar))
            .await;
        bar.finish_and_clear();
        return report_members(cli.format, &report?);
    };
    if confirm.dry_run {
        // The plan for this member alone: listed if B2 lists it as active.
        plan.members.retain(|m| &m.member_id == member);
        if plan.members.is_empty() {
            eprintln!(
                "note: B2 lists no active member with the id {}; an external id is resolved only by the revoke itself",
                output::escape(member)
            );
        }
        return report_members(cli.format, &plan);
    }
    let question = format!(
        "Revoke '{}' ({}) for member {} of {}?",
        output::escape(&plan.app_name),
        output::escape(app),
        output::escape(member),
        output::escape(org)
    );
    ask(confirm.yes, &question, NOT_REVOKED)?;
    let revoked = b2b.revoke_member_connected_app(org, member, app).await?;
    report_single(cli.format, &revoked, &revoked.request_id)
}

async fn revoke_user_apps(cli: &Cli, client: &Client, revoke: &RevokeUserApp) -> Result<Exit, Stop> {
    let (user, confirm) = (&revoke.user_id, &revoke.confirm);
    let consumer = client.consumer();
    if !confirm.dry_run {
        can_ask(confirm.yes, "revoke")?;
    }
    let Some(app) = &revoke.app_id else {
        let mut plan = consumer.revoke_all_for_user(user).concurrency(cli.concurrency).dry_run(true).await?;
        if confirm.dry_run {
            return report_apps(cli.format, &plan);
        }
        if plan.apps.is_empty() {
            plan.dry_run = false;
            return report_apps(cli.format, &plan);
        }
        let question = format!("Revoke all {} Connected Apps of user {}?", plan.apps.len(), output::escape(user));
        ask(confirm.yes, &question, NOT_REVOKED)?;
        let bar = progress::bar("apps");
        // Exactly the apps the question counted: one authorized since is not revoked unasked.
        let report = consumer
            .revoke_all_for_user(user)
            .only_apps(plan.apps.iter().map(|a| a.connected_app_id.clone()))
            .concurrency(cli.concurrency)
            .on_progress(progress::follow(&bar))
            .await;
        bar.finish_and_clear();
        return report_apps(cli.format, &report?);
    };
    if confirm.dry_run {
        let mut plan = consumer.revoke_all_for_user(user).dry_run(true).await?;
        plan.apps.retain(|a| &a.connected_app_id == app);
        return report_apps(cli.format, &plan);
    }
    ask(confirm.yes, &format!("Revoke {} for user {}?", output::escape(app), output::escape(user)), NOT_REVOKED)?;
    let revoked = consumer.revoke_user_connected_app(user, app).await?;
    report_single(cli.format, &revoked, &revoked.request_id)
}

/// A single revoke's answer on stdout, and "1 revoked" on stderr, which is printed even when stdout is gone.
fn report_single(format: Format, revoked: &impl serde::Serialize, request_id: &str) -> Result<Exit, Stop> {
    let written = output::write(format, revoked, output::revoked(request_id));
    eprintln!("1 revoked");
    written?;
    Ok(Exit::Done)
}

/// The report on stdout, then the summary on stderr, which is printed even when stdout is gone (a closed pipe): what
/// was revoked is never only in a lost report.
fn report_members(format: Format, report: &RevokeReport) -> Result<Exit, Stop> {
    let written = output::write(format, report, output::member_revocations(report));
    let exit = summarize(report.dry_run, report.counts(), "members");
    written?;
    exit
}

fn report_apps(format: Format, report: &UserRevokeReport) -> Result<Exit, Stop> {
    let written = output::write(format, report, output::app_revocations(report));
    let exit = summarize(report.dry_run, report.counts(), "apps");
    written?;
    exit
}

fn summarize(dry_run: bool, counts: stytch_connected_apps::bulk::RevokeCounts, unit: &str) -> Result<Exit, Stop> {
    if dry_run {
        eprintln!("dry run: {} {unit} would be revoked; nothing was sent but the list", counts.would_revoke);
        return Ok(Exit::Done);
    }
    eprintln!(
        "{} revoked, {} already gone, {} failed, {} not attempted{}",
        counts.revoked,
        counts.already_gone,
        counts.failed,
        counts.not_attempted,
        if counts.left() > 0 {
            format!(": re-run the same command to finish the {} {unit} left", counts.left())
        } else {
            String::new()
        }
    );
    Ok(if counts.left() > 0 { Exit::Partial } else { Exit::Done })
}
