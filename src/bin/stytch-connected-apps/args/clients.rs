//! `clients ...`: the project's Connected Apps themselves, and their secrets.

use clap::{Args, Subcommand, ValueEnum};

use super::Confirm;

/// The `clients` subcommands.
#[derive(Debug, Subcommand)]
pub enum Clients {
    /// Every Connected App of the project, all pages (secrets by their last four characters only).
    List {
        /// Apps asked for per request.
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1000))]
        page_size: u32,
        /// Stop after this many apps (exit 3 when the server offers more): a server that pages on and on cannot
        /// run the listing forever.
        #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        limit: u64,
    },
    /// One Connected App (its secrets by their last four characters; a next one while a rotation is under way).
    Get {
        /// The Connected App's client id.
        client_id: String,
    },
    /// Create a Connected App. A confidential app's secret is printed once, to stdout: store it then.
    Create(Create),
    /// Change a Connected App's settings; options left out keep their value.
    Update(Update),
    /// Delete a Connected App: every consent to it goes with it, and its tokens stop working.
    Delete {
        /// The Connected App's client id.
        client_id: String,
        #[command(flatten)]
        confirm: Confirm,
    },
    /// Rotate a Connected App's secret: `start` (prints the next secret once; both work), deploy it, then
    /// `complete` (only the next works) or `cancel` (only the current works).
    #[command(subcommand)]
    RotateSecret(Rotate),
}

/// The three steps of a secret rotation.
#[derive(Debug, Subcommand)]
pub enum Rotate {
    /// Start: the next secret is printed once, to stdout; from now on both the current and the next secret work.
    Start {
        /// The Connected App's client id.
        client_id: String,
    },
    /// Complete: the next secret becomes the only one; the current one stops working.
    Complete {
        /// The Connected App's client id.
        client_id: String,
        #[command(flatten)]
        confirm: Confirm,
    },
    /// Cancel: the next secret stops working; the current one stays.
    Cancel {
        /// The Connected App's client id.
        client_id: String,
        #[command(flatten)]
        confirm: Confirm,
    },
}

/// The kinds of Connected App Stytch supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ClientType {
    /// Yours, confidential (it has a secret).
    #[value(name = "first_party")]
    FirstParty,
    /// Yours, public (no secret: a browser or mobile app, with PKCE).
    #[value(name = "first_party_public")]
    FirstPartyPublic,
    /// A partner's, confidential; members or users consent to it.
    #[value(name = "third_party")]
    ThirdParty,
    /// A partner's, public.
    #[value(name = "third_party_public")]
    ThirdPartyPublic,
}

impl ClientType {
    /// The name Stytch uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientType::FirstParty => "first_party",
            ClientType::FirstPartyPublic => "first_party_public",
            ClientType::ThirdParty => "third_party",
            ClientType::ThirdPartyPublic => "third_party_public",
        }
    }
}

/// `clients create`'s arguments.
#[derive(Debug, Args)]
pub struct Create {
    /// The kind of app.
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub client_type: ClientType,
    #[command(flatten)]
    pub settings: Settings,
}

/// `clients update`'s arguments.
#[derive(Debug, Args)]
pub struct Update {
    /// The Connected App's client id.
    pub client_id: String,
    #[command(flatten)]
    pub settings: Settings,
}

/// An app's settings, as `create` and `update` take them.
#[derive(Debug, Args)]
pub struct Settings {
    /// Its name, as members and users see it on the consent screen.
    #[arg(long)]
    pub name: Option<String>,
    /// Its description.
    #[arg(long)]
    pub description: Option<String>,
    /// Where it may send the browser back after consent (repeat for several; on update, they replace the list).
    #[arg(long = "redirect-url", value_name = "URL")]
    pub redirect_urls: Vec<String>,
    /// Where it may send the browser after a logout (repeat for several).
    #[arg(long = "post-logout-redirect-url", value_name = "URL")]
    pub post_logout_redirect_urls: Vec<String>,
    /// Its logo's address.
    #[arg(long, value_name = "URL")]
    pub logo_url: Option<String>,
    /// Whether it may be granted every permission of the member or user (`true` or `false`).
    #[arg(long, value_name = "BOOL")]
    pub full_access_allowed: Option<bool>,
    /// Whether consent is skipped when it asks for offline access (`true` or `false`).
    #[arg(long, value_name = "BOOL")]
    pub bypass_consent_for_offline_access: Option<bool>,
    /// How long its access tokens live.
    #[arg(long, value_name = "MINUTES", value_parser = clap::value_parser!(i32).range(1..))]
    pub access_token_expiry_minutes: Option<i32>,
    /// The `aud` its access tokens carry besides the project id.
    #[arg(long, value_name = "AUDIENCE")]
    pub access_token_custom_audience: Option<String>,
    /// The custom claims template of its access tokens.
    #[arg(long, value_name = "TEMPLATE")]
    pub access_token_template_content: Option<String>,
}
