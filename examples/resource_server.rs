//! An API protected by Connected Apps access tokens, offline: an axum server behind `AccessTokenLayer`, on the
//! embedded emulator, called the way a Connected App (a partner integration, an AI agent, an MCP server) calls it.
//!
//! ```sh
//! cargo run --example resource_server
//! ```
//!
//! It prints one row per request: a valid token (200, and whose it is), a token without a required scope (403), a
//! forged one (401), and the same token before and after its consent is revoked, verified locally and locally then
//! by introspection. It exits with an error if any answer is not the one this table promises.

use std::process::ExitCode;

use axum::Router;
use axum::routing::get;
use stytch_connected_apps::emulator::{
    Emulator, Fixture, SEED_ADMIN, SEED_APP, SEED_APP_SECRET, SEED_ORGANIZATION, SigningKey,
};
use stytch_connected_apps::{
    AccessTokenLayer, IntrospectionClient, ProtectedResource, TokenRequirements, TokenVerification, VerifiedToken,
};

/// What `/me`, `/email` and `/sensitive` answer once the token passed: whose it is.
async fn whose(VerifiedToken(claims): VerifiedToken) -> String {
    let organization = claims.organization.map(|o| o.organization_id).unwrap_or_default();
    format!("{} for {} in {}", claims.client_id, claims.subject, organization)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("resource_server: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // Stytch, offline: the seed world (an admin who authorized the first-party app for `openid profile email`).
    let emulator = Emulator::start(Fixture::seed()).await?;
    let client = emulator.client()?;

    // The API. Local verification by default; `/sensitive` also asks Stytch (as the app the API is registered as).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let api = format!("http://{}", listener.local_addr()?);
    let resource = ProtectedResource::new(format!("{api}/"), [emulator.url()])?.scopes_supported(["profile", "email"]);
    let tokens =
        client.b2b_access_tokens().introspection_client(IntrospectionClient::confidential(SEED_APP, SEED_APP_SECRET));
    let layer = AccessTokenLayer::new(tokens).protected_resource(&resource);
    let sensitive = TokenRequirements::new().verification(TokenVerification::LocalThenNetwork);
    let app = Router::new()
        .route("/me", get(whose).route_layer(layer.clone()))
        .route("/email", get(whose).route_layer(layer.clone().require(TokenRequirements::new().scope("email"))))
        .route("/sensitive", get(whose).route_layer(layer.require(sensitive)))
        .merge(resource.router());
    tokio::spawn(async move { axum::serve(listener, app).await });

    // A token the app got with the admin's consent, for `openid profile` (not `email`).
    let token = emulator
        .issue_member_access_token(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP, &["openid", "profile"])
        .ok_or("the seed admin has no consent grant for the app")?;
    // A forgery: the same claims, signed by a key the project never served.
    let claims = token.split('.').nth(1).ok_or("not a JWT")?;
    let claims: serde_json::Value =
        serde_json::from_slice(&base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims)?)?;
    let forged = SigningKey::generation(7).sign(&claims);

    let http = reqwest::Client::new();
    let call = |path: &'static str, token: String| {
        let request = http.get(format!("{api}{path}")).bearer_auth(token);
        async move {
            let response = request.send().await?;
            let status = response.status().as_u16();
            let challenge = response.headers().get("www-authenticate").map(|v| v.to_str().unwrap_or("").to_owned());
            let body = response.text().await?;
            Ok::<_, reqwest::Error>((status, challenge.unwrap_or(body)))
        }
    };

    println!("{:<44} {:<22} {:>6}  answer", "request", "verified", "status");
    let mut rows = Vec::new();
    rows.push(("GET /me, valid token", "locally", 200, call("/me", token.clone()).await?));
    rows.push(("GET /email, token without `email`", "locally", 403, call("/email", token.clone()).await?));
    rows.push(("GET /me, forged token", "locally", 401, call("/me", forged).await?));
    rows.push((
        "GET /sensitive, before the revocation",
        "locally, then Stytch",
        200,
        call("/sensitive", token.clone()).await?,
    ));
    // The admin's consent is revoked (B4: what an administrator, the CLI or a bulk revocation does).
    client.b2b().revoke_member_connected_app(SEED_ORGANIZATION, SEED_ADMIN, SEED_APP).await?;
    rows.push(("GET /me, after the revocation", "locally", 200, call("/me", token.clone()).await?));
    rows.push(("GET /sensitive, after the revocation", "locally, then Stytch", 401, call("/sensitive", token).await?));

    let mut wrong = Vec::new();
    for (request, verified, expected, (status, answer)) in &rows {
        let answer: String = answer.chars().take(140).collect();
        println!("{request:<44} {verified:<22} {status:>6}  {answer}");
        if status != expected {
            wrong.push(format!("{request}: {status}, expected {expected}"));
        }
    }
    println!(
        "\nA token verified locally stays valid after its consent is revoked, until it expires; a route that also \
         introspects sees the revocation at once."
    );
    match wrong.is_empty() {
        true => Ok(()),
        false => Err(wrong.join("; ").into()),
    }
}
