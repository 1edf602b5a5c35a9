//! Calls every Connected Apps endpoint and prints the results as tables.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! Without `STYTCH_PROJECT_ID` / `STYTCH_SECRET` it starts an in-process stand-in on 127.0.0.1 that serves the
//! Stytch documentation's example data, so it runs offline. With them it talks to Stytch and reads the ids to
//! query from `STYTCH_ORGANIZATION_ID`, `STYTCH_MEMBER_ID`, `STYTCH_USER_ID` and `STYTCH_CONNECTED_APP_ID`; it
//! revokes only when `STYTCH_QUICKSTART_REVOKE=yes`, because a revoke against a real project is real.

use std::env;
use std::process::ExitCode;

use httpmock::MockServer;
use stytch_connected_apps::{Client, Error};

const ORG: &str = "organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931";
const MEMBER: &str = "member-test-32fc5024-9c09-4da3-bd2e-c9ce4da9375f";
const USER: &str = "user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6";
const APP: &str = "connected-app-test-aeadeabc-a3a3-4796-83d0-b757e3001000";

/// The ids to query, and whether revokes may run.
struct Targets {
    organization_id: Option<String>,
    member_id: Option<String>,
    user_id: Option<String>,
    connected_app_id: Option<String>,
    revoke: bool,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    // Keep the stand-in alive until the end of main.
    let (client, targets, _stand_in) = match env::var("STYTCH_PROJECT_ID") {
        Ok(_) => match Client::from_env() {
            Ok(client) => {
                println!("Talking to Stytch at {} as {}\n", client.base_url(), client.project_id());
                (client, real_targets(), None)
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        },
        Err(_) => {
            let server = stand_in().await;
            let client = match Client::builder("project-test-quickstart", "secret-test-quickstart")
                .base_url(server.base_url())
                .build()
            {
                Ok(client) => client,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            };
            println!(
                "No STYTCH_PROJECT_ID/STYTCH_SECRET set: using an offline stand-in at {} that serves the\n\
                 examples of Stytch's documentation.\n",
                server.base_url()
            );
            (client, offline_targets(), Some(server))
        }
    };
    match run(&client, &targets).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(request_id) = e.request_id() {
                eprintln!("       request id {request_id}");
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(client: &Client, targets: &Targets) -> Result<(), Error> {
    let b2b = client.b2b();
    if let Some(org) = &targets.organization_id {
        let apps = b2b.organization_connected_apps(org).await?;
        section(&format!("B1  Connected Apps installed in organization {org}"));
        table(
            &["CONNECTED APP", "NAME", "CLIENT TYPE", "LOGO"],
            apps.connected_apps
                .iter()
                .map(|a| vec![a.connected_app_id.clone(), a.name.clone(), a.client_type.clone(), logo(&a.logo_url)]),
        );

        let app_id = targets
            .connected_app_id
            .clone()
            .or_else(|| apps.connected_apps.first().map(|a| a.connected_app_id.clone()));
        if let Some(app_id) = &app_id {
            let app = b2b.connected_app(org, app_id).await?;
            section(&format!("B2  {} ({}): members who installed it", app.name, app.client_type));
            table(
                &["MEMBER", "GRANTED SCOPES"],
                app.active_members.iter().map(|m| vec![m.member_id.clone(), m.granted_scopes.join(" ")]),
            );
        }

        if let Some(member) = &targets.member_id {
            let apps = b2b.member_connected_apps(org, member).await?;
            section(&format!("B3  Connected Apps of member {member}"));
            table(
                &["CONNECTED APP", "NAME", "CLIENT TYPE", "SCOPES GRANTED"],
                apps.connected_apps.iter().map(|a| {
                    vec![a.connected_app_id.clone(), a.name.clone(), a.client_type.clone(), a.scopes_granted.clone()]
                }),
            );
            if let (true, Some(app_id)) = (targets.revoke, &app_id) {
                let revoked = b2b.revoke_member_connected_app(org, member, app_id).await?;
                section("B4  Revoke the app for the member");
                table(
                    &["REVOKED", "STATUS", "REQUEST ID"],
                    [vec![app_id.clone(), revoked.status_code.to_string(), revoked.request_id]],
                );
            }
        }
    }

    if let Some(user) = &targets.user_id {
        let consumer = client.consumer();
        let apps = consumer.user_connected_apps(user).await?;
        section(&format!("C1  Connected Apps of user {user}"));
        table(
            &["CONNECTED APP", "NAME", "CLIENT TYPE", "SCOPES GRANTED"],
            apps.connected_apps.iter().map(|a| {
                vec![a.connected_app_id.clone(), a.name.clone(), a.client_type.clone(), a.scopes_granted.clone()]
            }),
        );
        let app_id = targets
            .connected_app_id
            .clone()
            .or_else(|| apps.connected_apps.first().map(|a| a.connected_app_id.clone()));
        if let (true, Some(app_id)) = (targets.revoke, app_id) {
            let revoked = consumer.revoke_user_connected_app(user, &app_id).await?;
            section("C2  Revoke the app for the user");
            table(
                &["REVOKED", "STATUS", "REQUEST ID"],
                [vec![app_id, revoked.status_code.to_string(), revoked.request_id]],
            );
        }
    }
    Ok(())
}

fn offline_targets() -> Targets {
    Targets {
        organization_id: Some(ORG.into()),
        member_id: Some(MEMBER.into()),
        user_id: Some(USER.into()),
        connected_app_id: None,
        revoke: true,
    }
}

fn real_targets() -> Targets {
    let var = |name| env::var(name).ok().filter(|v| !v.is_empty());
    let targets = Targets {
        organization_id: var("STYTCH_ORGANIZATION_ID"),
        member_id: var("STYTCH_MEMBER_ID"),
        user_id: var("STYTCH_USER_ID"),
        connected_app_id: var("STYTCH_CONNECTED_APP_ID"),
        revoke: var("STYTCH_QUICKSTART_REVOKE").as_deref() == Some("yes"),
    };
    if targets.organization_id.is_none() && targets.user_id.is_none() {
        println!("Set STYTCH_ORGANIZATION_ID (B2B) and/or STYTCH_USER_ID (Consumer) to choose what to list.");
    }
    targets
}

/// A stand-in for Stytch on 127.0.0.1 serving the documentation's example bodies (tests/fixtures/).
async fn stand_in() -> MockServer {
    let server = MockServer::start_async().await;
    let routes: [(&str, String, &str); 6] = [
        (
            "GET",
            format!("/v1/b2b/organizations/{ORG}/connected_apps"),
            include_str!("../tests/fixtures/seed001_b1_200.json"),
        ),
        (
            "GET",
            format!("/v1/b2b/organizations/{ORG}/connected_apps/{APP}"),
            include_str!("../tests/fixtures/b2_200_with_request_id.json"),
        ),
        (
            "GET",
            format!("/v1/b2b/organizations/{ORG}/members/{MEMBER}/connected_apps"),
            include_str!("../tests/fixtures/b3_200.json"),
        ),
        (
            "POST",
            format!("/v1/b2b/organizations/{ORG}/members/{MEMBER}/connected_apps/{APP}/revoke"),
            include_str!("../tests/fixtures/revoke_200.json"),
        ),
        ("GET", format!("/v1/users/{USER}/connected_apps"), include_str!("../tests/fixtures/seed004_c1_200.json")),
        (
            "POST",
            format!("/v1/users/{USER}/connected_apps/{APP}/revoke"),
            include_str!("../tests/fixtures/revoke_200.json"),
        ),
    ];
    for (method, path, body) in routes {
        server
            .mock_async(|when, then| {
                when.method(method).path(path).header_exists("authorization");
                then.status(200).header("content-type", "application/json").body(body);
            })
            .await;
    }
    server
}

fn section(title: &str) {
    println!("{title}");
}

fn logo(url: &Option<String>) -> String {
    url.clone().unwrap_or_else(|| "-".into())
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
