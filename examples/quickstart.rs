//! The Connected Apps story, end to end, printed as tables.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! Without `STYTCH_PROJECT_ID` / `STYTCH_SECRET` it starts the offline emulator on 127.0.0.1 with the seed world
//! (the examples of Stytch's documentation). With them it talks to Stytch and reads what to query from
//! `STYTCH_ORGANIZATION_ID`, `STYTCH_MEMBER_ID`, `STYTCH_USER_ID` and `STYTCH_CONNECTED_APP_ID`; it revokes only
//! when `STYTCH_QUICKSTART_REVOKE=yes`, because a revoke against a real project is real.

use std::env;
use std::process::ExitCode;

use stytch_connected_apps::emulator::{self, Emulator, Fixture};
use stytch_connected_apps::{Client, Credential, Error, MemberSession, UserSession};

/// What to query, and with which sessions.
struct Story {
    organization_id: Option<String>,
    member_id: Option<String>,
    user_id: Option<String>,
    connected_app_id: Option<String>,
    /// Revoke as this session (`None`: do not revoke).
    admin: Option<MemberSession>,
    /// Show a denial with this session of a member without the permission.
    unprivileged: Option<MemberSession>,
    /// A consumer session JWT whose user's apps are listed with local verification (one request).
    user_jwt: Option<UserSession>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    // The emulator lives until the end of main.
    let (client, story, _emulator) = match env::var("STYTCH_PROJECT_ID") {
        Ok(_) => match Client::from_env() {
            Ok(client) => {
                println!("Talking to Stytch at {} as {}\n", client.base_url(), client.project_id());
                (client, real_story(), None)
            }
            Err(e) => return fail(&e),
        },
        Err(_) => match offline().await {
            Ok((client, story, emulator)) => (client, story, Some(emulator)),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    match run(&client, &story, _emulator.as_ref()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

async fn offline() -> Result<(Client, Story, Emulator), Box<dyn std::error::Error>> {
    let fixture = Fixture::seed();
    let session =
        |member: &str| fixture.session_of(member).and_then(|s| s.session_jwt.clone().map(Credential::into_exposed));
    let (admin, member) = (session(emulator::SEED_ADMIN), session(emulator::SEED_MEMBER));
    let emulator = Emulator::start(fixture).await?;
    println!("No STYTCH_PROJECT_ID/STYTCH_SECRET set: using the offline emulator at {}\n", emulator.url());
    // A fresh JWT, signed by the emulator's key, as Stytch's frontend SDK would hand the user's browser.
    let user_jwt = emulator.issue_user_jwt(emulator::SEED_USER_SESSION).map(UserSession::jwt).transpose()?;
    let story = Story {
        organization_id: Some(emulator::SEED_ORGANIZATION.into()),
        member_id: Some(emulator::SEED_ADMIN.into()),
        user_id: Some(emulator::SEED_USER.into()),
        connected_app_id: Some(emulator::SEED_APP.into()),
        admin: admin.map(MemberSession::jwt).transpose()?,
        unprivileged: member.map(MemberSession::jwt).transpose()?,
        user_jwt,
    };
    Ok((emulator.client()?, story, emulator))
}

fn real_story() -> Story {
    let var = |name| env::var(name).ok().filter(|v| !v.is_empty());
    let story = Story {
        organization_id: var("STYTCH_ORGANIZATION_ID"),
        member_id: var("STYTCH_MEMBER_ID"),
        user_id: var("STYTCH_USER_ID"),
        connected_app_id: var("STYTCH_CONNECTED_APP_ID"),
        admin: None,
        unprivileged: None,
        user_jwt: var("STYTCH_USER_SESSION_JWT").and_then(|jwt| UserSession::jwt(jwt).ok()),
    };
    if story.organization_id.is_none() && story.user_id.is_none() {
        println!("Set STYTCH_ORGANIZATION_ID (B2B) and/or STYTCH_USER_ID (Consumer) to choose what to list.");
    }
    story
}

async fn run(client: &Client, story: &Story, emulator: Option<&Emulator>) -> Result<(), Error> {
    if let Some(org) = &story.organization_id {
        organization_apps(client, org, "1. The organization's installed Connected Apps").await?;

        let app_id = match &story.connected_app_id {
            Some(id) => Some(id.clone()),
            None => client
                .b2b()
                .organization_connected_apps(org)
                .await?
                .connected_apps
                .first()
                .map(|a| a.connected_app_id.clone()),
        };
        if let Some(app_id) = &app_id {
            let app = client.b2b().connected_app(org, app_id).await?;
            section(&format!("2. {} ({}): the members who installed it, and their scopes", app.name, app.client_type));
            table(
                &["MEMBER", "GRANTED SCOPES"],
                app.active_members.iter().map(|m| vec![m.member_id.clone(), m.granted_scopes.join(" ")]),
            );
        }

        if let Some(member) = &story.member_id {
            let apps = client.b2b().member_connected_apps(org, member).await?;
            section(&format!("3. The Connected Apps of member {member}"));
            table(
                &["CONNECTED APP", "NAME", "CLIENT TYPE", "SCOPES GRANTED"],
                apps.connected_apps.iter().map(|a| {
                    vec![a.connected_app_id.clone(), a.name.clone(), a.client_type.clone(), a.scopes_granted.clone()]
                }),
            );
            if let (Some(admin), Some(app_id)) = (&story.admin, &app_id) {
                let revoked = client.b2b().with_session(admin).revoke_member_connected_app(org, member, app_id).await?;
                section("4. Revoke it, as an admin's session (X-Stytch-Member-SessionJWT)");
                table(
                    &["REVOKED", "FOR MEMBER", "REQUEST ID"],
                    [vec![app_id.clone(), member.clone(), revoked.request_id]],
                );
                organization_apps(client, org, "5. The organization's Connected Apps again: the revoked one is gone")
                    .await?;
            }
        }
    }

    if let Some(user) = &story.user_id {
        let apps = client.consumer().user_connected_apps(user).await?;
        section(&format!("6. The Connected Apps of user {user}"));
        table(
            &["CONNECTED APP", "NAME", "CLIENT TYPE", "SCOPES GRANTED"],
            apps.connected_apps.iter().map(|a| {
                vec![a.connected_app_id.clone(), a.name.clone(), a.client_type.clone(), a.scopes_granted.clone()]
            }),
        );
    }
    if let (Some(org), Some(session)) = (&story.organization_id, &story.unprivileged) {
        section("7. A member without the permission asks for the organization's apps");
        match client.b2b().with_session(session).organization_connected_apps(org).await {
            Ok(_) => println!("  unexpectedly allowed\n"),
            Err(e) => table(
                &["STATUS", "ERROR TYPE", "REQUEST ID"],
                [vec![
                    e.status().map_or("-".into(), |s| s.as_u16().to_string()),
                    e.error_type().map_or("-".into(), ToString::to_string),
                    e.request_id().unwrap_or("-").to_owned(),
                ]],
            ),
        }
    }
    if let Some(session) = &story.user_jwt {
        section("8. The user behind a session JWT, verified locally against the project's JWKS");
        let sent_before = emulator.map(|e| e.requests().len());
        let me = client.as_user(session.clone());
        let apps = me.connected_apps().await?; // first call: fetches the signing keys, then C1
        let sent_first = emulator.map(|e| e.requests().len());
        let again = me.connected_apps().await?; // keys cached: C1 only
        let sent_second = emulator.map(|e| e.requests().len());
        let count = |from: Option<usize>, to: Option<usize>| match (from, to) {
            (Some(from), Some(to)) => (to - from).to_string(),
            _ => "-".into(),
        };
        table(
            &["CALL", "APPS", "REQUESTS", "WHICH"],
            [
                vec![
                    "first".into(),
                    apps.connected_apps.len().to_string(),
                    count(sent_before, sent_first),
                    "JWKS + C1".into(),
                ],
                vec![
                    "second".into(),
                    again.connected_apps.len().to_string(),
                    count(sent_first, sent_second),
                    "C1".into(),
                ],
            ],
        );
        println!("  no sessions/authenticate: 1 request per call once the keys are cached (a token needs 2)\n");
    }
    Ok(())
}

async fn organization_apps(client: &Client, org: &str, title: &str) -> Result<(), Error> {
    let apps = client.b2b().organization_connected_apps(org).await?;
    section(title);
    table(
        &["CONNECTED APP", "NAME", "CLIENT TYPE", "LOGO"],
        apps.connected_apps.iter().map(|a| {
            vec![
                a.connected_app_id.clone(),
                a.name.clone(),
                a.client_type.clone(),
                a.logo_url.clone().unwrap_or_else(|| "-".into()),
            ]
        }),
    );
    Ok(())
}

fn fail(error: &Error) -> ExitCode {
    eprintln!("error: {error}");
    if let Some(request_id) = error.request_id() {
        eprintln!("       request id {request_id}");
    }
    ExitCode::FAILURE
}

fn section(title: &str) {
    println!("{title}");
}

/// Prints rows under headers, each column as wide as its widest cell.
fn table(headers: &[&str], rows: impl IntoIterator<Item = Vec<String>>) {
    let rows: Vec<Vec<String>> = rows.into_iter().collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).chain([headers[i].len()]).max().unwrap_or(0))
        .collect();
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        println!("  {}", padded.join("  ").trim_end());
    };
    line(headers.iter().map(|h| h.to_string()).collect());
    line(widths.iter().map(|w| "-".repeat(*w)).collect());
    if rows.is_empty() {
        println!("  (none)");
    }
    for row in rows {
        line(row);
    }
    println!();
}
