//! `clients ...`: create, read, update and delete the project's Connected Apps, and rotate their secrets. A secret
//! Stytch returns (create, rotate-secret start) is printed once, to stdout, with a warning on stderr; it is never
//! written anywhere else. Delete, rotate-secret complete and rotate-secret cancel confirm first, as `revoke` does.

use futures_util::TryStreamExt;
use serde::Serialize;
use stytch_connected_apps::models::{
    ConnectedAppClient, CreateClientRequest, CreateClientResponse, RotateSecretStartResponse, UpdateClientRequest,
};
use stytch_connected_apps::{Client, ConnectedApps, Error, ExposeSecrets};

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
    let result = dispatch(format, &apps, command).await;
    if let Err(Stop::Call(error)) = &result
        && may_have_run(error)
        && let Some(hint) = recovery(command)
    {
        eprintln!("note: Stytch may have run the request before it failed; {hint}");
    }
    result
}

async fn dispatch(format: Format, apps: &ConnectedApps<'_>, command: &Clients) -> Result<Exit, Stop> {
    match command {
        Clients::List { page_size, limit } => {
            // `--limit`: a server that pages on and on (a fresh cursor each time) ends the listing with what it
            // gave, exit 3, rather than running until memory is gone.
            let limit = usize::try_from(*limit).unwrap_or(usize::MAX);
            let mut listed: Vec<ConnectedAppClient> = Vec::new();
            let mut pages = std::pin::pin!(apps.clone().all(Some(*page_size)));
            let mut more = false;
            while let Some(app) = pages.try_next().await? {
                if listed.len() == limit {
                    more = true;
                    break;
                }
                listed.push(app);
            }
            let written = output::write(format, &listed, app_rows(&listed));
            if more {
                eprintln!("{limit} Connected Apps, and the server offers more: stopped at --limit");
                written?;
                return Ok(Exit::Partial);
            }
            eprintln!("{} Connected Apps", listed.len());
            written?;
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
            let written = output::write(format, &updated, app_rows(std::slice::from_ref(&updated.connected_app)));
            eprintln!("1 updated: {}", output::escape(&update.client_id));
            written?;
            Ok(Exit::Done)
        }
        Clients::Delete { client_id, confirm } => {
            if !confirm.dry_run {
                can_ask(confirm.yes, "delete")?;
            }
            // Read first: the question (and a dry run) names the app as Stytch has it.
            let app = read_back(apps, client_id).await?;
            if confirm.dry_run {
                output::write(format, &app, app_rows(std::slice::from_ref(&app)))?;
                eprintln!(
                    "dry run: this Connected App would be deleted, with every consent to it; nothing was sent but \
                     the read"
                );
                return Ok(Exit::Done);
            }
            ask(
                confirm.yes,
                &format!(
                    "Delete Connected App {} named '{}'? Every consent to it goes with it and its tokens stop working.",
                    output::escape(client_id),
                    output::escape(&app.client_name),
                ),
                "not confirmed: nothing was deleted",
            )?;
            let deleted = apps.delete(client_id).await?;
            let rows = Rows::new(
                &["client_id", "outcome", "request_id"],
                vec![vec![client_id.clone(), "deleted".to_owned(), deleted.request_id.clone()]],
            );
            let written = output::write(format, &deleted, rows);
            eprintln!("1 deleted");
            written?;
            Ok(Exit::Done)
        }
        Clients::RotateSecret(Rotate::Start { client_id }) => {
            let started = apps.start_secret_rotation(client_id).await?;
            print_next_secret(format, client_id, &started)
        }
        Clients::RotateSecret(Rotate::Complete { client_id, confirm }) => {
            let question = "Complete the rotation of {app}? Its current secret stops working; only the next one works.";
            if !confirm_rotation(format, apps, client_id, confirm, question, "completed").await? {
                return Ok(Exit::Done);
            }
            // The id typed, never the one a server's answer named: the app confirmed is the app changed.
            let completed = apps.complete_secret_rotation(client_id).await?;
            let written = output::write(format, &completed, app_rows(std::slice::from_ref(&completed.connected_app)));
            eprintln!("rotation completed for {}: only the next secret works now", output::escape(client_id));
            written?;
            Ok(Exit::Done)
        }
        Clients::RotateSecret(Rotate::Cancel { client_id, confirm }) => {
            let question = "Cancel the rotation of {app}? Its next secret stops working; the current one stays.";
            if !confirm_rotation(format, apps, client_id, confirm, question, "cancelled").await? {
                return Ok(Exit::Done);
            }
            let cancelled = apps.cancel_secret_rotation(client_id).await?;
            let written = output::write(format, &cancelled, app_rows(std::slice::from_ref(&cancelled.connected_app)));
            eprintln!("rotation cancelled for {}: the current secret is the only one", output::escape(client_id));
            written?;
            Ok(Exit::Done)
        }
    }
}

/// Whether a failed call may have run at Stytch anyway: a 5xx, a timeout or a connection lost after the request
/// went out, or a success whose body could not be read.
fn may_have_run(error: &Error) -> bool {
    match error {
        Error::Transport(transport) => transport.may_have_reached_server(),
        Error::UnexpectedBody(_) => true,
        _ => error.status().is_some_and(|status| status.is_server_error()),
    }
}

/// What to do after a change that failed but may have run (the library retries none of them then).
fn recovery(command: &Clients) -> Option<String> {
    let id = |id: &str| output::escape(id);
    Some(match command {
        Clients::List { .. } | Clients::Get { .. } => return None,
        Clients::Create(_) => "run `clients list` before creating again: the app may exist, and its secret was not \
                               received (delete it, or rotate its secret)"
            .to_owned(),
        Clients::Update(update) => format!("run `clients get {}` to see which settings it has", id(&update.client_id)),
        Clients::Delete { client_id, .. } => format!("run `clients get {}`: a 404 means it was deleted", id(client_id)),
        Clients::RotateSecret(Rotate::Start { client_id }) => format!(
            "run `clients get {0}`: if it shows a next secret, that secret was not received; run `clients \
             rotate-secret cancel {0}` and start again (the current secret works throughout)",
            id(client_id)
        ),
        Clients::RotateSecret(Rotate::Complete { client_id, .. }) => format!(
            "run `clients get {}`: no next_client_secret_last_four means it completed; until then both secrets work",
            id(client_id)
        ),
        Clients::RotateSecret(Rotate::Cancel { client_id, .. }) => format!(
            "run `clients get {}`: no next_client_secret_last_four means it was cancelled; the current secret works \
             either way",
            id(client_id)
        ),
    })
}

/// The app `client_id` as Stytch has it, refused if the answer names another app: the question must name the app
/// that will be changed.
async fn read_back(apps: &ConnectedApps<'_>, client_id: &str) -> Result<ConnectedAppClient, Stop> {
    let app = apps.get(client_id).await?.connected_app;
    if app.client_id != client_id {
        return Err(Stop::Failed(format!(
            "asked for {}, the server answered with {}: nothing was changed",
            output::escape(client_id),
            output::escape(&app.client_id)
        )));
    }
    Ok(app)
}

/// Before completing or cancelling: the app read back, so that the question names it and a rotation that is not
/// under way is said so before anything changes; a dry run shows it and stops (`false`); the question is asked
/// unless `--yes`.
async fn confirm_rotation(
    format: Format,
    apps: &ConnectedApps<'_>,
    client_id: &str,
    confirm: &crate::args::Confirm,
    question: &str,
    done: &str,
) -> Result<bool, Stop> {
    if !confirm.dry_run {
        can_ask(confirm.yes, "change the app's secrets")?;
    }
    let app = read_back(apps, client_id).await?;
    if app.next_client_secret_last_four.is_none() {
        return Err(Stop::Failed(format!(
            "no secret rotation is under way for {}: nothing to do (start one with `clients rotate-secret start`)",
            output::escape(client_id)
        )));
    }
    if confirm.dry_run {
        output::write(format, &app, app_rows(std::slice::from_ref(&app)))?;
        eprintln!("dry run: the rotation would be {done}; nothing was sent but the read");
        return Ok(false);
    }
    let named = format!("{} named '{}'", output::escape(client_id), output::escape(&app.client_name));
    ask(confirm.yes, &question.replace("{app}", &named), "not confirmed: the secrets are as they were")?;
    Ok(true)
}

/// The created app, with its secret (once): JSON is the library's answer with the secret in it, asked for
/// explicitly; table and CSV add the secret as the last column. What was created is said on stderr whatever
/// happens to stdout, and so is a secret that could not be written (it is lost then: the way to a new one).
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
    let header = &["client_id", "client_name", "client_type", "status", "redirect_urls", "client_secret"];
    let id = output::escape(&app.client_id);
    let lost = format!(
        "run `clients rotate-secret start {id}` for a new one, then `clients rotate-secret complete {id}` (or delete \
         the app)"
    );
    let written = print_with_secret(format, created, Rows::new(header, vec![row]), &secret, "client secret", &lost);
    eprintln!("1 created: {id} ({})", output::escape(&app.client_type));
    if secret.is_empty() && !app.client_type.ends_with("_public") {
        eprintln!("note: Stytch returned no client secret for this confidential app");
    }
    written
}

/// The next secret of a rotation just started (once), as [`print_created`] prints a created app's.
fn print_next_secret(format: Format, client_id: &str, started: &RotateSecretStartResponse) -> Result<Exit, Stop> {
    let app = &started.connected_app;
    let next = app.next_client_secret.expose().to_owned();
    let row = vec![
        app.client_id.clone(),
        app.client_name.clone(),
        app.client_secret_last_four.clone(),
        app.next_client_secret_last_four.clone().unwrap_or_default(),
        next.clone(),
    ];
    let header =
        &["client_id", "client_name", "client_secret_last_four", "next_client_secret_last_four", "next_client_secret"];
    let id = output::escape(client_id);
    let lost = format!("run `clients rotate-secret cancel {id}` and start again (the current secret works throughout)");
    let written = print_with_secret(format, started, Rows::new(header, vec![row]), &next, "next client secret", &lost);
    eprintln!(
        "rotation started for {id}: both secrets work until you run `clients rotate-secret complete {id}` (or `cancel`)"
    );
    written
}

/// Writes an answer that carries a secret (`secret`, empty for none): the warning first, then stdout with the
/// secret's cell exact (never prefixed against spreadsheet formulas: a changed secret would not work; a note says
/// when it starts like a formula). If stdout cannot be written, stderr says the secret is lost and `lost` says what
/// to do; the secret itself never goes to stderr.
fn print_with_secret(
    format: Format,
    answer: &impl Serialize,
    rows: Rows,
    secret: &str,
    what: &str,
    lost: &str,
) -> Result<Exit, Stop> {
    if !secret.is_empty() {
        eprintln!(
            "warning: the {what} below is shown this once (Stytch keeps only its last four characters): store it in \
             your secret manager now, and clear this terminal's scrollback"
        );
        if format == Format::Csv && secret.starts_with(['=', '+', '-', '@']) {
            eprintln!("note: the {what} starts like a spreadsheet formula; its CSV cell is exact, open it as text");
        }
    }
    let written = output::write(format, &ExposeSecrets(answer), rows.with_exact_last_column());
    if written.is_err() && !secret.is_empty() {
        eprintln!("error: the {what} could not be written, and Stytch does not show it again: {lost}");
    }
    written?;
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
