//! Credentials travel over HTTPS only: a plain-`http` base URL is refused unless its host is loopback
//! (`127.0.0.0/8`, `::1`, `localhost`) or the caller opted in with `allow_insecure_http(true)`.

use crate::common::*;
use stytch_connected_apps::{Client, Error};

fn build(url: &str) -> Result<Client, Error> {
    Client::builder(PROJECT_ID, SECRET).base_url(url).build()
}

#[test]
fn plain_http_to_a_host_that_is_not_loopback_is_refused() {
    for url in [
        "http://api.stytch.com",
        "HTTP://API.STYTCH.COM/",
        "http://test.stytch.com:80/prefix",
        "http://10.0.0.7:8080",
        "http://0.0.0.0:8080",
        "http://[::ffff:127.0.0.1]:8080",
        "http://[::]:8080",
        "http://localhost.attacker.example",
        "http://127.0.0.1.nip.io",
        "http://localhostx",
    ] {
        let err = build(url).map(|_| ()).expect_err(url);
        let Error::Configuration(message) = &err else { panic!("{url}: {err:?}") };
        assert!(message.contains("plain http") && message.contains("allow_insecure_http"), "{url}: {err}");
        assert!(!format!("{err} {err:?}").contains(SECRET), "{url}: {err:?}");
    }
}

#[test]
fn https_and_loopback_http_are_accepted() {
    for (url, expected) in [
        ("https://api.stytch.com", "https://api.stytch.com"),
        ("https://stytch.example.com/prefix/", "https://stytch.example.com/prefix"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.8.9.10", "http://127.8.9.10"),
        ("http://127.1:9", "http://127.0.0.1:9"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("http://localhost:9", "http://localhost:9"),
        ("http://LOCALHOST:9", "http://localhost:9"),
    ] {
        let client = build(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(client.base_url(), expected);
    }
}

#[test]
fn plain_http_elsewhere_needs_an_explicit_opt_in() {
    let client = Client::builder(PROJECT_ID, SECRET)
        .base_url("http://stytch.internal.example:8080")
        .allow_insecure_http(true)
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://stytch.internal.example:8080");
    // The opt-in does not loosen anything else.
    let err = Client::builder(PROJECT_ID, SECRET)
        .base_url("ftp://stytch.internal.example")
        .allow_insecure_http(true)
        .build()
        .map(|_| ())
        .unwrap_err();
    assert!(matches!(err, Error::Configuration(_)), "{err:?}");
}

#[test]
fn a_refused_url_is_never_echoed_with_what_could_be_secret_in_it() {
    for url in ["http://user:hunter2-password@api.stytch.com", "https://api.stytch.com/?token=hunter2-password"] {
        let err = build(url).map(|_| ()).unwrap_err();
        assert!(!format!("{err} {err:?}").contains("hunter2-password"), "{err:?}");
    }
    // An unparsable URL is not echoed at all.
    let err = build("http://user:hunter2-password@[not a host").map(|_| ()).unwrap_err();
    assert!(!format!("{err} {err:?}").contains("hunter2-password"), "{err:?}");
}
