//! examples/consent_screen.rs driven over HTTP on the emulator: the page escapes everything Stytch returns (an app
//! named with markup, a hostile logo URL), an approval sends the browser on with a code and records the consent, a
//! denial sends it on with `error=access_denied` and records nothing, and a post without the page's anti-forgery
//! token (a cross-site request, a guessed token, a token in the form but not the cookie, a used token) is refused.

#[path = "../../examples/consent_screen.rs"]
#[allow(dead_code)]
mod example;

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use stytch_connected_apps::emulator::{Emulator, Fixture, SEED_ADMIN, SEED_ADMIN_SESSION, SEED_ORGANIZATION};
use stytch_connected_apps::models::UpdateClientRequest;

struct Running {
    _emulator: Emulator,
    client: stytch_connected_apps::Client,
    url: String,
    browser: reqwest::Client,
    app: String,
}

async fn start(name: &str) -> Running {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let client = emulator.client().unwrap();
    let app = example::register_app(&client, name).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let router = example::router(client.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Running { _emulator: emulator, client, url, browser, app }
}

const SESSION: &str = "stytch_session";

impl Running {
    /// The page: its HTML, the form's token and the cookie that carries it.
    async fn page(&self) -> (StatusCode, String, String, String) {
        let url = format!(
            "{}/authorize?client_id={}&redirect_uri={}&scope=openid+profile&state=s1",
            self.url,
            self.app,
            example::REDIRECT
        );
        let response =
            self.browser.get(url).header(COOKIE, format!("{SESSION}={SEED_ADMIN_SESSION}")).send().await.unwrap();
        let status = response.status();
        let cookie = response.headers().get(SET_COOKIE).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        let cookie = cookie.split(';').next().unwrap_or("").to_owned();
        let html = response.text().await.unwrap();
        let token =
            html.split(r#"name="csrf" value=""#).nth(1).and_then(|r| r.split('"').next()).unwrap_or("").to_owned();
        (status, html, token, cookie)
    }

    async fn decide(&self, decision: &str, token: &str, cookies: &str) -> reqwest::Response {
        let body = format!(
            "client_id={}&redirect_uri={}&scope=openid+profile&state=s1&decision={decision}&csrf={token}",
            self.app,
            example::REDIRECT
        );
        self.browser
            .post(format!("{}/authorize/decision", self.url))
            .header("content-type", "application/x-www-form-urlencoded")
            .header(COOKIE, cookies)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    async fn listed(&self) -> bool {
        let b3 = self.client.b2b().member_connected_apps(SEED_ORGANIZATION, SEED_ADMIN).await.unwrap();
        b3.connected_apps.iter().any(|app| app.connected_app_id == self.app)
    }
}

#[tokio::test]
async fn the_page_escapes_what_stytch_returns() {
    let running = start("<script>alert('name')</script>").await;
    let logo = "https://cdn.example.com/logo.png\"><script>alert(1)</script>";
    let update = UpdateClientRequest::builder().logo_url(Some(logo.to_owned()));
    running.client.connected_apps().update(&running.app, update).await.unwrap();
    let (status, html, token, cookie) = running.page().await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;"), "{html}");
    assert!(html.contains(r#"<img src="https://cdn.example.com/logo.png&quot;&gt;&lt;script&gt;"#), "{html}");
    assert!(html.contains("<b>openid</b>") && html.contains("<b>profile</b>"), "{html}");
    assert!(!token.is_empty() && cookie == format!("consent_csrf={token}"), "{cookie}");
}

#[tokio::test]
async fn allow_sends_the_browser_on_with_a_code_and_deny_with_access_denied() {
    let running = start("Partner sync").await;
    let session = format!("{SESSION}={SEED_ADMIN_SESSION}");
    let (_, _, token, cookie) = running.page().await;
    let denied = running.decide("deny", &token, &format!("{session}; {cookie}")).await;
    assert_eq!(denied.status(), StatusCode::SEE_OTHER);
    let to = denied.headers()[LOCATION].to_str().unwrap().to_owned();
    assert_eq!(to, format!("{}?error=access_denied&state=s1", example::REDIRECT));
    assert!(!running.listed().await, "a denial records nothing");

    let (_, _, token, cookie) = running.page().await;
    let allowed = running.decide("allow", &token, &format!("{session}; {cookie}")).await;
    assert_eq!(allowed.status(), StatusCode::SEE_OTHER);
    let to = allowed.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(
        to.starts_with(&format!("{}?code=authorization-code-test-", example::REDIRECT)) && to.ends_with("&state=s1"),
        "{to}"
    );
    assert!(running.listed().await, "an approval is the consent B3 lists");
}

#[tokio::test]
async fn a_post_without_the_pages_token_is_refused_and_records_nothing() {
    let running = start("Partner sync").await;
    let session = format!("{SESSION}={SEED_ADMIN_SESSION}");
    let (_, _, token, cookie) = running.page().await;
    let cases = [
        ("a cross-site post: no token, no cookie", String::new(), session.clone()),
        ("a guessed token in form and cookie", "guessed".to_owned(), format!("{session}; consent_csrf=guessed")),
        ("the page's token in the form, no cookie", token.clone(), session.clone()),
        ("the cookie, and another token in the form", "0".repeat(32), format!("{session}; {cookie}")),
    ];
    for (what, form_token, cookies) in cases {
        let response = running.decide("allow", &form_token, &cookies).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{what}");
    }
    assert!(!running.listed().await);
    // The genuine post goes through once; replayed, it is refused.
    let allowed = running.decide("allow", &token, &format!("{session}; {cookie}")).await;
    assert_eq!(allowed.status(), StatusCode::SEE_OTHER);
    let replayed = running.decide("allow", &token, &format!("{session}; {cookie}")).await;
    assert_eq!(replayed.status(), StatusCode::FORBIDDEN);
}
