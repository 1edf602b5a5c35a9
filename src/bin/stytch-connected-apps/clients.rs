//! `clients ...`: create, read, update and delete the project's Connected Apps, and rotate their secrets. A secret
//! Stytch returns (create, rotate-secret start) is printed once, to stdout, with a warning on stderr; it is never
//! written anywhere else. Delete, rotate-secret complete and rotate-secret cancel confirm first, as `revoke` does.

use futures_util::TryStreamExt;
use serde::Serialize;
use stytch_connected_apps::models::{
    ConnectedAppClient, CreateClientRequest, CreateClientResponse, RotateSecretStartResponse, UpdateClientRequest,
};
use stytch_connected_apps::{Client, ExposeSecrets};

use crate::args::{Clients, Format, Rotate, Settings};
use crate::exit::Exit;
use crate::output::{self, Rows};
use crate::{Stop, ask, can_ask};

/// The columns of an app, as list, get, update and the rotation steps show it.
const APP_HEADER: &[&str] = &[
    "client_id",
    "client_name",
    "client_type",
    "status",
    "client_secret_last_four",
    "next_client_secret_last_four",
    "redirect_urls",
];

pub async fn run(format: Format, client: &Client, command: &Clients) -> Result<Exit, Stop> {
    let apps = client.connected_apps();
    match command {
        Clients::List { page_size } => {
            let listed: Vec<ConnectedAppClient> = apps.all(Some(*page_size)).try_collect().await?;
            output::write(format, &listed, app_rows(&listed))?;
            eprintln!("{} Connected Apps", listed.len());
            Ok(Exit::Done)
        }
        Clients::Get { client_id } => {
            let got = apps.get(client_id).await?;
            output::write(format, &got, app_rows(std::slice::from_ref(&got.connected_app)))?;
            Ok(Exit::Done)
        }
        Clients::Create(create) => {
            let request = settings(&create.settings, CreateClientRequest::builder())
                .client_type(create.client_type.as_str().to_owned());
            let created = apps.create(request).await?;
            print_created(format, &created)
        }
        Clients::Update(update) => {
            let request: UpdateClientRequest = update_request(&update.settings)?;
            let updated = apps.update(&update.client_id, request).await?;
            output::write(format, &updated, app_rows(std::slice::from_ref(&updated.connected_app)))?;
            eprintln!("1 updated");
            Ok(Exit::Done)
        }
        Clients::Delete { client_id, confirm } => {
            if !confirm.dry_run {
                can_ask(confirm.yes, "delete")?;
            }
            // Read first: the question (and a dry run) names the app as Stytch has it.
            let app = apps.get(client_id).await?.connected_app;
            if confirm.dry_run {
                output::write(format, &app, app_rows(std::slice::from_ref(&app)))?;
                eprintln!(
                    "dry run: this Connected App would be deleted, with every consent to it; nothing was sent but the read"
                );
                return Ok(Exit::Done);
            }
            ask(
                confirm.yes,
                &format!(
                    "Delete Connected App '{}' ({})? Every consent to it goes with it and its tokens stop working.",
                    output::escape(&app.client_name),
                    output::escape(client_id)
                ),
                "not confirmed: nothing was deleted",
            )?;
            let deleted = apps.delete(client_id).await?;
            let rows = Rows::new(
                &["client_id", "outcome", "request_id"],
                vec![vec![deleted.client_id.clone(), "deleted".to_owned(), deleted.request_id.clone()]],
            );
            let written = output::write(format, &deleted, rows);
            eprintln!("1 deleted");
            written?;
            Ok(Exit::Done)
        }
        Clients::RotateSecret(Rotate::Start { client_id }) => {
            let started = apps.start_secret_rotation(client_id).await?;
            print_next_secret(format, &started)
        }
        Clients::RotateSecret(Rotate::Complete { client_id, confirm }) => {
            let question = "Complete the rotation of {app}? Its current secret stops working; only the next one works.";
            let Some(app) = confirm_rotation(format, &apps, client_id, confirm, question, "completed").await? else {
                return Ok(Exit::Done);
            };
            let completed = apps.complete_secret_rotation(&app.client_id).await?;
            output::write(format, &completed, app_rows(std::slice::from_ref(&completed.connected_app)))?;
            eprintln!("rotation completed: only the secret whose last four are shown works now");
            Ok(Exit::Done)
        }
        Clients::RotateSecret(Rotate::Cancel { client_id, confirm }) => {
            let question = "Cancel the rotation of {app}? Its next secret stops working; the current one stays.";
            let Some(app) = confirm_rotation(format, &apps, client_id, confirm, question, "cancelled").await? else {
                return Ok(Exit::Done);
            };
            let cancelled = apps.cancel_secret_rotation(&app.client_id).await?;
            output::write(format, &cancelled, app_rows(std::slice::from_ref(&cancelled.connected_app)))?;
            eprintln!("rotation cancelled: the current secret is the only one");
            Ok(Exit::Done)
        }
    }
}

/// Before completing or cancelling: the app read back, so that the question names it and a rotation that is not
/// under way is said so before anything changes; a dry run shows it and stops (`None`); the question is asked unless
/// `--yes`.
async fn confirm_rotation(
    format: Format,
    apps: &stytch_connected_apps::ConnectedApps<'_>,
    client_id: &str,
    confirm: &crate::args::Confirm,
    question: &str,
    done: &str,
) -> Result<Option<ConnectedAppClient>, Stop> {
    if !confirm.dry_run {
        can_ask(confirm.yes, "change the app's secrets")?;
    }
    let app = apps.get(client_id).await?.connected_app;
    if app.next_client_secret_last_four.is_none() {
        return Err(Stop::Failed(format!(
            "no secret rotation is under way for {}: nothing to do (start one with `clients rotate-secret start`)",
            output::escape(client_id)
        )));
    }
    if confirm.dry_run {
        output::write(format, &app, app_rows(std::slice::from_ref(&app)))?;
        eprintln!("dry run: the rotation would be {done}; nothing was sent but the read");
        return Ok(None);
    }
    let named = format!("'{}' ({})", output::escape(&app.client_name), output::escape(client_id));
    ask(confirm.yes, &question.replace("{app}", &named), "not confirmed: the secrets are as they were")?;
    Ok(Some(app))
}

/// The created app, with its secret (once): JSON is the library's answer with the secret in it, asked for
/// explicitly; table and CSV add the secret as the last column. The warning goes to stderr, even when stdout is
/// gone.
fn print_created(format: Format, created: &CreateClientResponse) -> Result<Exit, Stop> {
    let app = &created.connected_app;
    let secret = app.client_secret.as_ref().map(|s| s.expose().to_owned()).unwrap_or_default();
    let row = vec![
        app.client_id.clone(),
        app.client_name.clone(),
        app.client_type.clone(),
        app.status.clone(),
        app.redirect_urls.join(" "),
        secret.clone(),
    ];
    let rows =
        Rows::new(&["client_id", "client_name", "client_type", "status", "redirect_urls", "client_secret"], vec![row]);
    print_with_secret(format, created, rows, !secret.is_empty(), "client secret")
}

/// The next secret of a rotation just started (once), as [`print_created`] prints a created app's.
fn print_next_secret(format: Format, started: &RotateSecretStartResponse) -> Result<Exit, Stop> {
    let app = &started.connected_app;
    let row = vec![
        app.client_id.clone(),
        app.client_name.clone(),
        app.client_secret_last_four.clone(),
        app.next_client_secret_last_four.clone().unwrap_or_default(),
        app.next_client_secret.expose().to_owned(),
    ];
    let header =
        &["client_id", "client_name", "client_secret_last_four", "next_client_secret_last_four", "next_client_secret"];
    let exit = print_with_secret(format, started, Rows::new(header, vec![row]), true, "next client secret")?;
    eprintln!(
        "rotation started: both secrets work until you run `clients rotate-secret complete` (or `cancel`) for {}",
        output::escape(&app.client_id)
    );
    Ok(exit)
}

fn print_with_secret(
    format: Format,
    answer: &impl Serialize,
    rows: Rows,
    has_secret: bool,
    what: &str,
) -> Result<Exit, Stop> {
    if has_secret {
        eprintln!(
            "warning: the {what} below is shown this once (Stytch keeps only its last four characters): store it in \
             your secret manager now, and clear this terminal's scrollback"
        );
    }
    output::write(format, &ExposeSecrets(answer), rows)?;
    Ok(Exit::Done)
}

fn app_rows(apps: &[ConnectedAppClient]) -> Rows {
    let rows = apps
        .iter()
        .map(|app| {
            vec![
                app.client_id.clone(),
                app.client_name.clone(),
                app.client_type.clone(),
                app.status.clone(),
                app.client_secret_last_four.clone().unwrap_or_default(),
                app.next_client_secret_last_four.clone().unwrap_or_default(),
                app.redirect_urls.join(" "),
            ]
        })
        .collect();
    Rows::new(APP_HEADER, rows)
}

/// The settings given on the command line, set on a create request's builder (those left out are not sent).
fn settings(
    given: &Settings,
    builder: stytch_connected_apps::generated::types::builder::ApiConnectedappsV1ConnectedAppsClientsCreateRequest,
) -> stytch_connected_apps::generated::types::builder::ApiConnectedappsV1ConnectedAppsClientsCreateRequest {
    builder
        .client_name(given.name.clone())
        .client_description(given.description.clone())
        .redirect_urls(given.redirect_urls.clone())
        .post_logout_redirect_urls(given.post_logout_redirect_urls.clone())
        .logo_url(given.logo_url.clone())
        .full_access_allowed(given.full_access_allowed)
        .bypass_consent_for_offline_access(given.bypass_consent_for_offline_access)
        .access_token_expiry_minutes(given.access_token_expiry_minutes)
        .access_token_custom_audience(given.access_token_custom_audience.clone())
        .access_token_template_content(given.access_token_template_content.clone())
}

/// An update request with the settings given; refused (a usage error) when none is.
fn update_request(given: &Settings) -> Result<UpdateClientRequest, Stop> {
    let request = UpdateClientRequest {
        client_name: given.name.clone(),
        client_description: given.description.clone(),
        redirect_urls: given.redirect_urls.clone(),
        post_logout_redirect_urls: given.post_logout_redirect_urls.clone(),
        logo_url: given.logo_url.clone(),
        full_access_allowed: given.full_access_allowed,
        bypass_consent_for_offline_access: given.bypass_consent_for_offline_access,
        access_token_expiry_minutes: given.access_token_expiry_minutes,
        access_token_custom_audience: given.access_token_custom_audience.clone(),
        access_token_template_content: given.access_token_template_content.clone(),
    };
    if request == UpdateClientRequest::default() {
        return Err(Stop::Usage(
            "clients update: nothing to change (give at least one setting, e.g. --name)".to_owned(),
        ));
    }
    Ok(request)
}
