//! Connected Apps clients (httpmock as Stytch): each call's exact request (method, path, headers, body) and its
//! decoded answer; secrets that never print; which calls are retried after an ambiguous failure (reads) and which
//! only when Stytch cannot have processed them (create, update, delete, rotation); search pages as a stream.

use serde_json::{Value, json};

use crate::common::*;
use stytch_connected_apps::models::{CreateClientRequest, SearchClientsRequest, UpdateClientRequest};
use stytch_connected_apps::{Client, Error, RetryPolicy};

const APP: &str = "connected-app-test-d731954d-dab3-4a2b-bdee-07f3ad1be885";
const SECRET_OF_APP: &str = "secret-test-5fDw2oWpn6HcdNuTB8wEhPmDWcmTpgv7Qx";
const NEXT_SECRET: &str = "secret-test-NextQ9rAa2bCc3dDd4eEe5fFf6gGg7hHh8iJ";

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn client_path(id: &str) -> String {
    format!("/v1/connected_apps/clients/{id}")
}

/// A client that retries quickly (the default policy's attempts, without its waits).
fn retrying(server: &httpmock::MockServer) -> Client {
    Client::builder(PROJECT_ID, SECRET)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::default().initial_backoff(std::time::Duration::from_millis(1)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn create_sends_only_what_was_set_and_its_secret_never_prints() {
    let (server, client) = start().await;
    let expect = Expect::post_json(
        "/v1/connected_apps/clients",
        json!({"client_type": "third_party", "client_name": "Partner sync",
               "redirect_urls": ["https://partner.example.com/callback"]}),
    );
    let mock = mount(&server, expect, 200, fixture("client_create_200.json")).await;
    let request = CreateClientRequest::builder()
        .client_type("third_party".to_owned())
        .client_name("Partner sync".to_owned())
        .redirect_urls(vec!["https://partner.example.com/callback".to_owned()]);
    let created = client.connected_apps().create(request).await.unwrap();
    mock.assert_calls_async(1).await;
    let app = &created.connected_app;
    assert_eq!((app.client_id.as_str(), app.client_type.as_str()), (APP, "third_party"));
    assert_eq!(app.client_secret.as_ref().map(|s| s.expose()), Some(SECRET_OF_APP));
    assert_eq!(created.request_id, "request-id-test-b05c992f-ebdc-489d-a754-c7e70ba13141");
    let shown = format!("{created:?}");
    assert!(!shown.contains(SECRET_OF_APP) && shown.contains("ClientSecret(<redacted>)"), "{shown}");
}

#[tokio::test]
async fn get_update_delete_send_exactly_their_requests() {
    let (server, client) = start().await;
    let get = mount(&server, Expect::get(client_path(APP)), 200, fixture("client_get_200.json")).await;
    let app = client.connected_apps().get(APP).await.unwrap().connected_app;
    assert_eq!((app.client_name.as_str(), app.client_secret_last_four.as_deref()), ("Partner sync", Some("v7Qx")));
    assert_eq!(app.next_client_secret_last_four, None);
    get.assert_calls_async(1).await;

    let update = Expect { method: "PUT", path: client_path(APP), session: Session::None, body: None };
    let update = Expect {
        body: Some(json!({"client_name": "Partner sync v2", "access_token_expiry_minutes": 30}).to_string()),
        ..update
    };
    let mut answer = fixture("client_get_200.json");
    answer["connected_app"]["client_name"] = json!("Partner sync v2");
    let updated = mount(&server, update, 200, answer).await;
    let request =
        UpdateClientRequest::builder().client_name("Partner sync v2".to_owned()).access_token_expiry_minutes(30);
    let app = client.connected_apps().update(APP, request).await.unwrap().connected_app;
    assert_eq!(app.client_name, "Partner sync v2");
    updated.assert_calls_async(1).await;

    let delete = Expect { method: "DELETE", path: client_path(APP), session: Session::None, body: None };
    let deleted = mount(&server, delete, 200, fixture("client_delete_200.json")).await;
    assert_eq!(client.connected_apps().delete(APP).await.unwrap().client_id, APP);
    deleted.assert_calls_async(1).await;

    // An id that is no path segment is refused before any request.
    let anything = catch_all(&server).await;
    for bad in ["", ".", "..", "a\\b"] {
        assert!(matches!(client.connected_apps().get(bad).await, Err(Error::InvalidInput(_))), "{bad:?}");
    }
    anything.assert_calls_async(0).await;
}

#[tokio::test]
async fn the_rotation_steps_send_empty_bodies_and_the_next_secret_never_prints() {
    let (server, client) = start().await;
    let rotate = |step: &str| Expect::post_json(format!("{}/secrets/{step}", client_path(APP)), json!({}));
    let start_mock = mount(&server, rotate("rotate/start"), 200, fixture("client_rotate_start_200.json")).await;
    let started = client.connected_apps().start_secret_rotation(APP).await.unwrap();
    assert_eq!(started.connected_app.next_client_secret.expose(), NEXT_SECRET);
    assert_eq!(started.connected_app.next_client_secret_last_four.as_deref(), Some("h8iJ"));
    let shown = format!("{started:?}");
    assert!(!shown.contains(NEXT_SECRET), "{shown}");
    start_mock.assert_calls_async(1).await;

    let complete = mount(&server, rotate("rotate"), 200, fixture("client_rotate_200.json")).await;
    let done = client.connected_apps().complete_secret_rotation(APP).await.unwrap().connected_app;
    assert_eq!(done.client_secret_last_four.as_deref(), Some("h8iJ"));
    complete.assert_calls_async(1).await;

    let cancel = mount(&server, rotate("rotate/cancel"), 200, fixture("client_get_200.json")).await;
    client.connected_apps().cancel_secret_rotation(APP).await.unwrap();
    cancel.assert_calls_async(1).await;
}

/// Reads are retried after a 5xx; calls that change something are not (they may have run), but are after a 429
/// (refused before it ran).
#[tokio::test]
async fn only_reads_are_retried_after_an_ambiguous_failure() {
    let server = httpmock::MockServer::start_async().await;
    let client = retrying(&server);
    let down = json!({"status_code": 503, "request_id": REQUEST_ID, "error_type": "internal_server_error"});

    let get = mount(&server, Expect::get(client_path(APP)), 503, down.clone()).await;
    assert!(client.connected_apps().get(APP).await.is_err());
    assert_eq!(get.calls_async().await, 3, "a read: every attempt of the policy");

    let create_body = json!({"client_type": "third_party"});
    let create =
        mount(&server, Expect::post_json("/v1/connected_apps/clients", create_body.clone()), 503, down.clone());
    let create = create.await;
    let err =
        client.connected_apps().create(CreateClientRequest::builder().client_type("third_party".to_owned())).await;
    let err = err.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(!err.is_retryable(), "the create may have run: trying again is not the caller's to assume");
    assert!(client.connected_apps().get(APP).await.unwrap_err().is_retryable(), "a read's 503 is retryable");
    create.assert_calls_async(1).await;

    for step in ["rotate/start", "rotate", "rotate/cancel"] {
        let path = format!("{}/secrets/{step}", client_path(APP));
        let mock = mount(&server, Expect::post_json(path, json!({})), 500, down.clone()).await;
        let calls = client.connected_apps();
        let outcome = match step {
            "rotate/start" => calls.start_secret_rotation(APP).await.map(drop),
            "rotate" => calls.complete_secret_rotation(APP).await.map(drop),
            _ => calls.cancel_secret_rotation(APP).await.map(drop),
        };
        assert!(outcome.is_err(), "{step}");
        mock.assert_calls_async(1).await;
    }
    let update_body = json!({"client_name": "Renamed"});
    let update =
        Expect { method: "PUT", path: client_path(APP), session: Session::None, body: Some(update_body.to_string()) };
    let update = mount(&server, update, 504, down.clone()).await;
    let renamed = UpdateClientRequest::builder().client_name(Some("Renamed".to_owned()));
    let err = client.connected_apps().update(APP, renamed).await.unwrap_err();
    assert!(!err.is_retryable(), "the update may have run: {err}");
    update.assert_calls_async(1).await;
    let delete = Expect { method: "DELETE", path: client_path(APP), session: Session::None, body: None };
    let delete = mount(&server, delete, 502, down.clone()).await;
    assert!(client.connected_apps().delete(APP).await.is_err());
    delete.assert_calls_async(1).await;

    // A 429: Stytch refused the create before running it, so trying again is safe.
    create.delete_async().await;
    let limited = json!({"status_code": 429, "request_id": REQUEST_ID, "error_type": "too_many_requests"});
    let throttled = mount(&server, Expect::post_json("/v1/connected_apps/clients", create_body), 429, limited).await;
    assert!(
        client
            .connected_apps()
            .create(CreateClientRequest::builder().client_type("third_party".to_owned()))
            .await
            .is_err()
    );
    assert_eq!(throttled.calls_async().await, 3);
}

/// A create whose connection is lost after the request was sent (the server read it, then hung up) is not tried
/// again; a read in the same situation is.
#[tokio::test]
async fn a_create_whose_answer_is_lost_runs_once() {
    use crate::fault_server::{FaultServer, Step};
    let hang_up = || Step::Raw(Vec::new()); // the request is read, then the connection closes unanswered
    let server = FaultServer::start(vec![hang_up(), hang_up(), hang_up(), hang_up()]).await;
    let client = Client::builder(PROJECT_ID, SECRET)
        .base_url(&server.url)
        .retry_policy(RetryPolicy::default().initial_backoff(std::time::Duration::from_millis(1)))
        .build()
        .unwrap();
    let err =
        client.connected_apps().create(CreateClientRequest::builder().client_type("third_party".to_owned())).await;
    assert!(err.is_err());
    assert_eq!(server.hits(), 1, "the create may have run: not sent again");
    let _ = client.connected_apps().get(APP).await;
    assert_eq!(server.hits(), 4, "a read is retried (three attempts)");
}

#[tokio::test]
async fn all_walks_every_page_by_cursor() {
    let (server, client) = start().await;
    let first = mount(
        &server,
        Expect::post_json("/v1/connected_apps/clients/search", json!({"limit": 1})),
        200,
        fixture("client_search_page1_200.json"),
    )
    .await;
    let second = mount(
        &server,
        Expect::post_json("/v1/connected_apps/clients/search", json!({"cursor": "cursor-test-page-2", "limit": 1})),
        200,
        fixture("client_search_page2_200.json"),
    )
    .await;
    use futures_util::TryStreamExt;
    let apps: Vec<_> = client.connected_apps().all(Some(1)).try_collect().await.unwrap();
    let ids: Vec<&str> = apps.iter().map(|app| app.client_id.as_str()).collect();
    assert_eq!(ids, [APP, "connected-app-test-3f1a2b4c-5d6e-4f70-8192-a3b4c5d6e7f8"]);
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;

    // One page, by hand.
    let page = client.connected_apps().search(SearchClientsRequest::builder().limit(1)).await.unwrap();
    assert_eq!(page.results_metadata.next_cursor.as_deref(), Some("cursor-test-page-2"));
    assert_eq!(page.results_metadata.total, 2);
}

#[tokio::test]
async fn a_cursor_stytch_repeats_ends_the_listing_with_an_error_after_its_page() {
    let (server, client) = start().await;
    let mut looping = fixture("client_search_page1_200.json");
    looping["results_metadata"]["next_cursor"] = json!("cursor-test-page-2");
    server
        .mock_async(|when, then| {
            when.method(httpmock::Method::POST).path("/v1/connected_apps/clients/search");
            then.status(200).json_body(looping);
        })
        .await;
    use futures_util::StreamExt;
    let items: Vec<_> = client.connected_apps().all(None).collect().await;
    // Page 1 (no cursor), page 2 (cursor-test-page-2, repeated): two apps, then the error, then the end.
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[..2].iter().all(Result::is_ok));
    assert!(matches!(items[2], Err(Error::UnexpectedBody(_))), "{:?}", items[2]);
}

#[tokio::test]
async fn an_empty_page_that_points_to_another_ends_the_listing_with_an_error() {
    let (server, client) = start().await;
    server
        .mock_async(|when, then| {
            when.method(httpmock::Method::POST).path("/v1/connected_apps/clients/search");
            then.status(200).json_body(json!({"request_id": REQUEST_ID, "connected_apps": [],
                "results_metadata": {"total": 0, "next_cursor": "cursor-test-forever"}, "status_code": 200}));
        })
        .await;
    use futures_util::StreamExt;
    let items: Vec<_> = client.connected_apps().all(None).collect().await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(matches!(items[0], Err(Error::UnexpectedBody(_))), "{:?}", items[0]);
}

/// The rule holds for the generated client too: a power user's direct create is not retried after a 503.
#[tokio::test]
async fn the_generated_clients_own_create_is_not_retried_either() {
    let server = httpmock::MockServer::start_async().await;
    let client = retrying(&server);
    let down = json!({"status_code": 503, "request_id": REQUEST_ID, "error_type": "internal_server_error"});
    let create = server
        .mock_async(|when, then| {
            when.method(httpmock::Method::POST).path("/v1/connected_apps/clients");
            then.status(503).json_body(down);
        })
        .await;
    let body = CreateClientRequest::builder().client_type("third_party".to_owned());
    let sent = client.generated().api_connectedapps_v1_connected_apps_clients_create().body(body).send().await;
    assert!(sent.is_err());
    create.assert_calls_async(1).await;
}
