//! The command line, as clap parses it.

mod clients;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use clients::{Clients, Rotate, Settings};

/// Audit and revoke Stytch Connected Apps consent, and manage the apps themselves, for administrators.
///
/// Credentials come from the environment: STYTCH_PROJECT_ID, STYTCH_SECRET and optional STYTCH_BASE_URL; B2B
/// calls carry a member session when STYTCH_MEMBER_SESSION (a session token) or STYTCH_MEMBER_SESSION_JWT is set,
/// so Stytch enforces that member's permissions. `--emulator` runs against an embedded emulator with the seed
/// world instead (offline; each run starts from the seed).
///
/// Results go to stdout (`--format`); progress, prompts and summaries to stderr.
///
/// Exit codes: 0 done; 1 a call failed, or stdout could not be written (a revoke's summary still goes to stderr), or
/// a rotation step found none under way, or a read answered for another app; 2 usage error (including an id rejected
/// before sending); 3 partial (the report is printed, but some apps or members failed or were not attempted: re-run
/// to finish; `clients list` stopped at `--limit`); 4 not confirmed (declined, or no terminal to ask and no `--yes`);
/// 5 configuration (credentials, base URL, or the emulator could not start).
#[derive(Debug, Parser)]
#[command(name = "stytch-connected-apps", version, about, long_about)]
pub struct Cli {
    /// How results are written to stdout.
    #[arg(long, value_enum, default_value_t = Format::Table, global = true)]
    pub format: Format,

    /// Run against an embedded emulator with the seed world (offline), not Stytch.
    #[arg(long, global = true)]
    pub emulator: bool,

    /// Requests in flight at once for bulk work (audit, --all-members, --all-apps).
    #[arg(long, default_value_t = stytch_connected_apps::bulk::DEFAULT_CONCURRENCY, global = true,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=256))]
    pub concurrency: usize,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns, for people.
    Table,
    /// The library's types as JSON (one document).
    Json,
    /// One header row, then one row per item.
    Csv,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Consent audit: every app installed in the organization, its members and the scopes each granted.
    Audit(Org),
    /// The apps installed by the organization's members (B1).
    Apps(Org),
    /// One app: the members who installed it and their scopes (B2).
    App {
        #[command(flatten)]
        org: Org,
        /// The Connected App's id.
        app_id: String,
    },
    /// The apps one member installed (B3).
    MemberApps {
        #[command(flatten)]
        org: Org,
        /// The member's id or external id.
        member_id: String,
    },
    /// The apps one consumer user authorized (C1).
    UserApps {
        /// The user's id or external id.
        user_id: String,
    },
    /// Revoke an app for one member (B4) or for every member who installed it.
    Revoke(Revoke),
    /// Revoke an app for one consumer user (C2), or every app the user authorized.
    RevokeUserApp(RevokeUserApp),
    /// The project's Connected Apps themselves: list, get, create, update, delete, rotate-secret.
    #[command(subcommand)]
    Clients(Clients),
}

/// `--org`.
#[derive(Debug, Args)]
pub struct Org {
    /// The organization's id, slug or external id.
    #[arg(long = "org", value_name = "ORG")]
    pub organization_id: String,
}

/// `revoke`'s arguments.
#[derive(Debug, Args)]
pub struct Revoke {
    #[command(flatten)]
    pub org: Org,
    /// The Connected App's id.
    #[arg(long = "app", value_name = "APP")]
    pub app_id: String,
    /// The member to revoke it for.
    #[arg(
        long = "member",
        value_name = "MEMBER",
        required_unless_present = "all_members",
        conflicts_with = "all_members"
    )]
    pub member_id: Option<String>,
    /// Revoke it for every member who installed it.
    #[arg(long)]
    pub all_members: bool,
    #[command(flatten)]
    pub confirm: Confirm,
}

/// `revoke-user-app`'s arguments.
#[derive(Debug, Args)]
pub struct RevokeUserApp {
    /// The user's id or external id.
    pub user_id: String,
    /// The Connected App's id.
    #[arg(required_unless_present = "all_apps", conflicts_with = "all_apps")]
    pub app_id: Option<String>,
    /// Revoke every app the user authorized.
    #[arg(long)]
    pub all_apps: bool,
    #[command(flatten)]
    pub confirm: Confirm,
}

/// What every destructive command takes.
#[derive(Debug, Args)]
pub struct Confirm {
    /// Show what would be revoked or deleted; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation (required when stdin or stderr is not a terminal).
    #[arg(long)]
    pub yes: bool,
}
