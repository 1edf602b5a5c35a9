//! A consent screen of your own, offline: an axum app on the embedded emulator that renders `authorize_start`'s
//! answer as an HTML page (the app's name and logo, each scope with its description) and posts the member's
//! decision to `authorize`, then sends the browser on to the app's redirect URI.
//!
//! ```sh
//! cargo run --example consent_screen
//! ```
//!
//! It drives itself the way a browser would: the page, an approval (303 to the app with a code), a denial (303 with
//! `error=access_denied`), and a cross-site post without the page's anti-forgery token (403). It prints one row per
//! step and exits with an error if any answer is not the one promised. Everything Stytch returns is HTML-escaped.

use std::collections::HashSet;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use stytch_connected_apps::emulator::{Emulator, Fixture, SEED_ADMIN, SEED_ADMIN_SESSION, SEED_ORGANIZATION};
use stytch_connected_apps::models::{CreateClientRequest, MemberAuthorizeRequest, MemberAuthorizeStartRequest};
use stytch_connected_apps::{Client, MemberSession};

/// The cookie the member's Stytch session travels in (set by your login).
const SESSION_COOKIE: &str = "stytch_session";
/// The cookie holding the page's anti-forgery token (double submit: the form carries it too).
const CSRF_COOKIE: &str = "consent_csrf";

/// The consent screen's state: the Stytch client and the anti-forgery tokens of the pages it rendered (each good
/// for one decision).
#[derive(Clone)]
pub struct Screen {
    client: Client,
    tokens: Arc<Mutex<HashSet<String>>>,
}

/// The consent screen's routes: `GET /authorize` (the page) and `POST /authorize/decision` (the form's target).
pub fn router(client: Client) -> Router {
    let screen = Screen { client, tokens: Arc::default() };
    Router::new().route("/authorize", get(page)).route("/authorize/decision", post(decide)).with_state(screen)
}

/// What the app asks, from the query string an OAuth authorization request carries.
pub struct Ask {
    client_id: String,
    redirect_uri: String,
    /// Space-separated.
    scope: String,
    state: String,
}

impl Ask {
    fn from_query(query: &str) -> Self {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        let field = |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, v)| v.clone()).unwrap_or_default();
        Self {
            client_id: field("client_id"),
            redirect_uri: field("redirect_uri"),
            scope: field("scope"),
            state: field("state"),
        }
    }
}

/// `GET /authorize`: the page, for the member behind the session cookie.
async fn page(State(screen): State<Screen>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    let ask = Ask::from_query(query.as_deref().unwrap_or_default());
    let Some(session) = cookie(&headers, SESSION_COOKIE).and_then(|value| MemberSession::token(value).ok()) else {
        return (StatusCode::UNAUTHORIZED, "log in first").into_response();
    };
    let request = MemberAuthorizeStartRequest::builder()
        .client_id(ask.client_id.clone())
        .redirect_uri(ask.redirect_uri.clone())
        .response_type("code".to_owned())
        .scopes(ask.scope.split_whitespace().map(str::to_owned).collect::<Vec<_>>());
    let asked = match screen.client.as_member(session).authorize_start(request).await {
        Ok(asked) => asked,
        Err(error) => return (StatusCode::BAD_REQUEST, format!("cannot ask for consent: {error}")).into_response(),
    };
    let token = format!("{:032x}", fastrand::u128(..));
    lock(&screen.tokens).insert(token.clone());
    let app = &asked.client;
    let logo = app.logo_url.as_deref().map(|url| format!(r#"<img src="{}" alt="">"#, escape(url))).unwrap_or_default();
    let scopes: String = asked
        .scope_results
        .iter()
        .map(|result| {
            let note = if result.is_grantable { "" } else { " (cannot be granted)" };
            format!("<li><b>{}</b>: {}{note}</li>", escape(&result.scope), escape(&result.description))
        })
        .collect();
    let hidden = |name: &str, value: &str| format!(r#"<input type="hidden" name="{name}" value="{}">"#, escape(value));
    let html = format!(
        "<!doctype html><title>Allow {name}?</title>{logo}<h1>{name} wants to access your account</h1>\
         <p>{description}</p><ul>{scopes}</ul>\
         <form method=\"post\" action=\"/authorize/decision\">{}{}{}{}{}\
         <button name=\"decision\" value=\"allow\">Allow</button> <button name=\"decision\" value=\"deny\">Deny</button></form>",
        hidden("client_id", &ask.client_id),
        hidden("redirect_uri", &ask.redirect_uri),
        hidden("scope", &ask.scope),
        hidden("state", &ask.state),
        hidden("csrf", &token),
        name = escape(&app.client_name),
        description = escape(&app.client_description),
    );
    // `SameSite=Strict`: a cross-site post does not even carry it.
    let set_cookie = format!("{CSRF_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/authorize");
    ([(header::SET_COOKIE, set_cookie)], Html(html)).into_response()
}

/// `POST /authorize/decision`: the member's answer, refused without the page's anti-forgery token (in the form and
/// in the cookie, equal, and issued by this server for one use).
async fn decide(State(screen): State<Screen>, headers: HeaderMap, body: Bytes) -> Response {
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| form.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str()).unwrap_or("");
    let csrf = field("csrf");
    let issued = !csrf.is_empty() && cookie(&headers, CSRF_COOKIE) == Some(csrf) && lock(&screen.tokens).remove(csrf);
    if !issued {
        return (StatusCode::FORBIDDEN, "this form did not come from the consent page").into_response();
    }
    let Some(session) = cookie(&headers, SESSION_COOKIE).and_then(|value| MemberSession::token(value).ok()) else {
        return (StatusCode::UNAUTHORIZED, "log in first").into_response();
    };
    let state = Some(field("state").to_owned()).filter(|state| !state.is_empty());
    let request = MemberAuthorizeRequest::builder()
        .client_id(field("client_id").to_owned())
        .redirect_uri(field("redirect_uri").to_owned())
        .response_type("code".to_owned())
        .scopes(field("scope").split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .consent_granted(field("decision") == "allow")
        .state(state);
    match screen.client.as_member(session).authorize(request).await {
        // The redirect carries the code: it goes to the browser, never to a log.
        Ok(decided) => {
            (StatusCode::SEE_OTHER, [(header::LOCATION, decided.redirect_uri.expose().to_owned())]).into_response()
        }
        Err(error) => (StatusCode::BAD_REQUEST, format!("cannot record the decision: {error}")).into_response(),
    }
}

/// A cookie's value.
fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(key, value)| (key == name).then_some(value))
}

/// Text made safe for HTML, in an element or an attribute.
pub fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            other => other.to_string(),
        })
        .collect()
}

fn lock(tokens: &Mutex<HashSet<String>>) -> std::sync::MutexGuard<'_, HashSet<String>> {
    tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The partner app this walk-through registers, and where it wants the browser back.
pub const REDIRECT: &str = "https://partner.example.com/callback";

/// Registers a third-party app that can be sent back to [`REDIRECT`]; returns its client id.
pub async fn register_app(client: &Client, name: &str) -> Result<String, stytch_connected_apps::Error> {
    let request = CreateClientRequest::builder()
        .client_type("third_party".to_owned())
        .client_name(name.to_owned())
        .client_description("Syncs your calendar".to_owned())
        .redirect_urls(vec![REDIRECT.to_owned()]);
    Ok(client.connected_apps().create(request).await?.connected_app.client_id)
}

#[allow(dead_code)] // the test suite includes this file for its router, not for `main`
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("consent_screen: {error}");
            ExitCode::FAILURE
        }
    }
}

#[allow(dead_code)]
async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start(Fixture::seed()).await?;
    let client = emulator.client()?;
    let app = register_app(&client, "Partner <sync>").await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let screen = format!("http://{}", listener.local_addr()?);
    let router = router(client.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });

    // The browser: no redirects followed, the admin's session in its cookie.
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let session = format!("{SESSION_COOKIE}={SEED_ADMIN_SESSION}");
    let url = format!("{screen}/authorize?client_id={app}&redirect_uri={REDIRECT}&scope=openid+profile&state=xyz");
    // The page, as the browser gets it: its HTML, and the anti-forgery token in its form and in its cookie.
    let open_page = || async {
        let page = browser.get(&url).header(header::COOKIE, &session).send().await?;
        let cookie = page.headers().get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let cookie = cookie.split(';').next().unwrap_or("").to_owned();
        let html = page.text().await?;
        let token = html.split(r#"name="csrf" value=""#).nth(1).and_then(|rest| rest.split('"').next());
        Ok::<_, reqwest::Error>((html.clone(), token.unwrap_or("").to_owned(), cookie))
    };
    let (html, token, csrf) = open_page().await?;
    let form = |decision: &str, token: &str| {
        format!(
            "client_id={app}&redirect_uri={REDIRECT}&scope=openid+profile&state=xyz&decision={decision}&csrf={token}"
        )
    };
    let post = |body: String, cookies: String| {
        browser
            .post(format!("{screen}/authorize/decision"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookies)
            .body(body)
            .send()
    };
    let forged = post(form("allow", "guessed"), session.clone()).await?;
    let allowed = post(form("allow", &token), format!("{session}; {csrf}")).await?;
    let replayed = post(form("allow", &token), format!("{session}; {csrf}")).await?;
    let (_, token, csrf) = open_page().await?;
    let denied = post(form("deny", &token), format!("{session}; {csrf}")).await?;
    let location = |response: &reqwest::Response| {
        response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
    };
    let allowed_to = location(&allowed);
    let b3 = client.b2b().member_connected_apps(SEED_ORGANIZATION, SEED_ADMIN).await?;
    let listed = b3.connected_apps.iter().any(|listed| listed.connected_app_id == app);

    println!("{:<44} {:<8} answer", "step", "status");
    let rows = [
        ("the page (app name escaped)", html.contains("Partner &lt;sync&gt;") && !html.contains("<sync>"), "200"),
        ("a cross-site post without the token", forged.status() == StatusCode::FORBIDDEN, "403"),
        (
            "allow, with the page's token",
            allowed.status() == StatusCode::SEE_OTHER && allowed_to.contains("code="),
            "303",
        ),
        ("the same form posted again (token used up)", replayed.status() == StatusCode::FORBIDDEN, "403"),
        ("the consent, listed by B3", listed, "listed"),
        (
            "deny, from a fresh page",
            denied.status() == StatusCode::SEE_OTHER && location(&denied).contains("error=access_denied"),
            "303",
        ),
    ];
    let mut failed = false;
    for (step, ok, expected) in rows {
        println!("{step:<44} {expected:<8} {}", if ok { "as promised" } else { "NOT as promised" });
        failed |= !ok;
    }
    println!("after allow, the browser goes to {REDIRECT}?code=<the code, never logged>&state=xyz");
    if failed {
        return Err("an answer was not the one this table promises".into());
    }
    Ok(())
}
