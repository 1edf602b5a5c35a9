//! The Connected Apps story, end to end, printed as tables.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! Without `STYTCH_PROJECT_ID` / `STYTCH_SECRET` it starts the offline emulator on 127.0.0.1 with the seed world
//! (the examples of Stytch's documentation). With them it talks to Stytch and reads what to query from
//! `STYTCH_ORGANIZATION_ID`, `STYTCH_MEMBER_ID`, `STYTCH_USER_ID` and `STYTCH_CONNECTED_APP_ID`.
//!
//! Sections 1 to 8 read (and, offline, revoke); 9 to 14 walk a Connected App's whole lifecycle: create it, grant a
//! member's consent, see it in B1–B3, rotate its secret, revoke the consent, delete it. Against Stytch, the
//! lifecycle runs only with `STYTCH_QUICKSTART_LIFECYCLE=yes` (and `STYTCH_ORGANIZATION_ID`, `STYTCH_MEMBER_ID`):
//! it creates and deletes a real app in your project and records a real consent, which it revokes.

use std::env;
use std::process::ExitCode;

use stytch_connected_apps::emulator::{self, Emulator, Fixture};
use stytch_connected_apps::models::{CreateClientRequest, MemberAuthorizeRequest, MemberAuthorizeStartRequest};
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
    /// Walk the lifecycle (sections 9 to 14): create an app, consent, list, rotate, revoke, delete.
    lifecycle: bool,
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
        lifecycle: true,
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
        lifecycle: var("STYTCH_QUICKSTART_LIFECYCLE").as_deref() == Some("yes"),
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
    match (&story.organization_id, &story.member_id) {
        (Some(org), Some(member)) if story.lifecycle => lifecycle(client, org, member).await?,
        _ if story.lifecycle => println!("The lifecycle (9 to 14) needs STYTCH_ORGANIZATION_ID and STYTCH_MEMBER_ID."),
        _ => println!(
            "Set STYTCH_QUICKSTART_LIFECYCLE=yes to walk a Connected App's lifecycle (9 to 14) in your project."
        ),
    }
    Ok(())
}

/// Where the app sends the browser back after consent (registered at create; Stytch redirects only there).
const REDIRECT: &str = "https://partner.example.com/callback";

/// Sections 9 to 14: a Connected App from creation to deletion. Secrets and the authorization code are never
/// printed, only their last four characters and length.
async fn lifecycle(client: &Client, org: &str, member: &str) -> Result<(), Error> {
    let apps = client.connected_apps();
    let created = apps
        .create(
            CreateClientRequest::builder()
                .client_type("third_party".to_owned())
                .client_name("Quickstart partner".to_owned())
                .client_description("Created by the quickstart; deleted at its end".to_owned())
                .redirect_urls(vec![REDIRECT.to_owned()]),
        )
        .await?
        .connected_app;
    let app = created.client_id.clone();
    section("9. Create a third-party Connected App (its secret is returned once: store it then)");
    table(
        &["CLIENT ID", "NAME", "TYPE", "SECRET"],
        [vec![
            app.clone(),
            created.client_name.clone(),
            created.client_type.clone(),
            last_four(&created.client_secret_last_four),
        ]],
    );

    let scopes = vec!["openid".to_owned(), "profile".to_owned()];
    let asked = client
        .b2b()
        .authorize_start(
            org,
            member,
            MemberAuthorizeStartRequest::builder()
                .client_id(app.clone())
                .redirect_uri(REDIRECT.to_owned())
                .response_type("code".to_owned())
                .scopes(scopes.clone()),
        )
        .await?;
    let granted = client
        .b2b()
        .authorize(
            org,
            member,
            MemberAuthorizeRequest::builder()
                .client_id(app.clone())
                .redirect_uri(REDIRECT.to_owned())
                .response_type("code".to_owned())
                .scopes(scopes)
                .consent_granted(true)
                .state(Some("quickstart".to_owned())),
        )
        .await?;
    section(&format!(
        "10. Member {member} consents (authorize/start, then authorize; consent required: {})",
        asked.consent_required
    ));
    table(
        &["SCOPE", "DESCRIPTION", "GRANTABLE"],
        asked.scope_results.iter().map(|r| vec![r.scope.clone(), r.description.clone(), r.is_grantable.to_string()]),
    );
    let code = granted.authorization_code.as_ref().map_or(0, |c| c.expose().len());
    let back_to = granted.redirect_uri.expose().split('?').next().unwrap_or_default().to_owned();
    println!("  redirect to {back_to}?code=<{code} characters>&state=quickstart\n");

    let b1 = client.b2b().organization_connected_apps(org).await?;
    let b2 = client.b2b().connected_app(org, &app).await?;
    let b3 = client.b2b().member_connected_apps(org, member).await?;
    section("11. Listed: by the organization (B1), with its members (B2), by the member (B3)");
    let yes = |found: bool| if found { "listed" } else { "missing" }.to_owned();
    table(
        &["CALL", "THE NEW APP", "DETAIL"],
        [
            vec!["B1".into(), yes(b1.connected_apps.iter().any(|a| a.connected_app_id == app)), String::new()],
            vec![
                "B2".into(),
                yes(b2.active_members.iter().any(|m| m.member_id == member)),
                b2.active_members.iter().map(|m| m.granted_scopes.join(" ")).collect::<Vec<_>>().join("; "),
            ],
            vec![
                "B3".into(),
                yes(b3.connected_apps.iter().any(|a| a.connected_app_id == app)),
                b3.connected_apps
                    .iter()
                    .filter(|a| a.connected_app_id == app)
                    .map(|a| a.scopes_granted.clone())
                    .collect(),
            ],
        ],
    );

    let started = apps.start_secret_rotation(&app).await?.connected_app;
    let during = apps.get(&app).await?.connected_app;
    let completed = apps.complete_secret_rotation(&app).await?.connected_app;
    section("12. Rotate its secret: start (both work), deploy the next, complete (only the next works)");
    table(
        &["STEP", "CURRENT SECRET", "NEXT SECRET"],
        [
            vec!["created".into(), last_four(&created.client_secret_last_four), "-".into()],
            vec![
                "started".into(),
                last_four(&Some(started.client_secret_last_four.clone())),
                last_four(&started.next_client_secret_last_four),
            ],
            vec![
                "get".into(),
                last_four(&during.client_secret_last_four),
                last_four(&during.next_client_secret_last_four),
            ],
            vec![
                "completed".into(),
                last_four(&completed.client_secret_last_four),
                last_four(&completed.next_client_secret_last_four),
            ],
        ],
    );

    let revoked = client.b2b().revoke_member_connected_app(org, member, &app).await?;
    let after = client.b2b().connected_app(org, &app).await?;
    section("13. Revoke the member's consent (B4): B2 lists nobody");
    table(
        &["REVOKED", "REQUEST ID", "ACTIVE MEMBERS"],
        [vec![app.clone(), revoked.request_id, after.active_members.len().to_string()]],
    );

    let deleted = apps.delete(&app).await?;
    let gone = apps.get(&app).await.err();
    section("14. Delete the app: it is gone");
    table(
        &["DELETED", "REQUEST ID", "GET AFTERWARDS"],
        [vec![
            deleted.client_id,
            deleted.request_id,
            gone.map_or("still there".into(), |e| {
                format!(
                    "{} {}",
                    e.status().map_or(0, |s| s.as_u16()),
                    e.error_type().map_or("-".into(), ToString::to_string)
                )
            }),
        ]],
    );
    Ok(())
}

/// A secret shown by its last four characters only.
fn last_four(last_four: &Option<String>) -> String {
    last_four.as_deref().map_or("-".into(), |four| format!("...{four}"))
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
