//! Fault suite: the retry loop, timeouts, deadlines and bounded bodies against scripted servers on 127.0.0.1.
//! Waits between attempts go through a recording `Sleep`, so backoff is asserted exactly and costs no time.

use std::sync::Arc;
use std::time::Duration;

use crate::common::*;
use crate::fault_server::{FaultServer, Step};
use stytch_connected_apps::{Client, Error, RetryBudget, RetryPolicy, TransportErrorKind};

/// Backoff 100 ms doubling, no jitter, 3 attempts: waits are exactly [100, 200].
fn policy() -> RetryPolicy {
    RetryPolicy::default().without_jitter()
}

fn retrying_client(url: &str, policy: RetryPolicy) -> (Client, Arc<RecordingSleep>) {
    client_with(url, policy, RetryBudget::unlimited(), |b| b)
}

fn client_with(
    url: &str,
    policy: RetryPolicy,
    budget: RetryBudget,
    configure: impl FnOnce(stytch_connected_apps::ClientBuilder) -> stytch_connected_apps::ClientBuilder,
) -> (Client, Arc<RecordingSleep>) {
    let sleep = Arc::new(RecordingSleep::default());
    let builder = Client::builder(PROJECT_ID, SECRET)
        .base_url(url)
        .retry_policy(policy)
        .retry_budget(budget)
        .sleep(sleep.clone());
    (configure(builder).build().unwrap(), sleep)
}

fn transport_kind(err: &Error) -> TransportErrorKind {
    match err {
        Error::Transport(transport) => transport.kind,
        other => panic!("not a transport error: {other:?}"),
    }
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (client, sleep) = retrying_client(&format!("http://127.0.0.1:{port}"), policy());

    for op in [Op::B1, Op::C1] {
        let err = bounded(op.call(&client)).await.unwrap_err();
        assert_eq!(transport_kind(&err), TransportErrorKind::Connect, "{op:?}");
    }

    assert_eq!(sleep.waits_ms(), [100, 200, 100, 200]);
}

#[tokio::test]
async fn a_reset_mid_body_is_retried_on_both_request_paths() {
    for op in [Op::B3, Op::C1] {
        let cut = Step::ResetMidBody { declared: 400, sent: br#"{"status_code": 200, "connected_ap"#.to_vec() };
        let server = FaultServer::start(vec![cut.clone(), cut, Step::json(200, op.success_body())]).await;
        let (client, sleep) = retrying_client(&server.url, policy());

        let value = bounded(op.call(&client)).await.unwrap();

        assert_eq!(value["request_id"], REQUEST_ID);
        assert_eq!(server.hits(), 3, "{op:?}");
        assert_eq!(sleep.waits_ms(), [100, 200], "{op:?}");
    }
}

#[tokio::test]
async fn a_server_that_accepts_and_never_answers_cannot_hang_the_caller() {
    let server = FaultServer::start(vec![Step::Hang]).await;
    let (client, sleep) = client_with(&server.url, policy().max_attempts(2), RetryBudget::unlimited(), |b| {
        b.request_timeout(Duration::from_millis(200))
    });

    for op in [Op::B1, Op::C2] {
        let err = bounded(op.call(&client)).await.unwrap_err();
        assert_eq!(transport_kind(&err), TransportErrorKind::Timeout, "{op:?}: {err:?}");
        assert!(err.is_retryable());
    }

    assert_eq!(server.hits(), 4, "two attempts per call");
    assert_eq!(sleep.waits_ms(), [100, 100]);
}

#[tokio::test]
async fn the_deadline_bounds_the_whole_call_and_clamps_each_attempt() {
    let server = FaultServer::start(vec![Step::Hang]).await;
    // Attempts may take 30 s, but the call only 300 ms: the first attempt is cut at the deadline, and no retry
    // starts after it.
    let (client, sleep) = client_with(&server.url, policy(), RetryBudget::unlimited(), |b| {
        b.request_timeout(Duration::from_secs(30)).deadline(Duration::from_millis(300))
    });

    let err = bounded(Op::B2.call(&client)).await.unwrap_err();

    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout, "{err:?}");
    assert_eq!(server.hits(), 1);
    assert!(sleep.waits_ms().is_empty());

    // The same per call, on a client whose own deadline is long, on the handwritten path.
    let (client, sleep) = retrying_client(&server.url, policy());
    let err = bounded(
        client
            .consumer()
            .timeout(Duration::from_secs(30))
            .deadline(Duration::from_millis(300))
            .user_connected_apps(USER),
    )
    .await
    .unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout, "{err:?}");
    assert_eq!(server.hits(), 2);
    assert!(sleep.waits_ms().is_empty());
}

#[tokio::test]
async fn a_slow_drip_body_times_out_per_attempt() {
    let body = fixtures::B1_200.as_bytes().to_vec();
    let server = FaultServer::start(vec![Step::SlowDrip { body, interval: Duration::from_millis(50) }]).await;
    let (client, _) = client_with(&server.url, policy().max_attempts(2), RetryBudget::unlimited(), |b| {
        b.request_timeout(Duration::from_millis(250))
    });

    let err = bounded(Op::B1.call(&client)).await.unwrap_err();

    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout, "{err:?}");
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn truncated_json_on_a_success_is_not_retried() {
    let server = FaultServer::start(vec![Step::json(200, r#"{"status_code": 200, "request_id": "req"#)]).await;
    let (client, sleep) = retrying_client(&server.url, policy());

    for op in [Op::B1, Op::C1] {
        let err = bounded(op.call(&client)).await.unwrap_err();
        assert!(matches!(err, Error::UnexpectedBody(_)), "{err:?}");
    }

    assert_eq!(server.hits(), 2);
    assert!(sleep.waits_ms().is_empty());
}

#[tokio::test]
async fn html_502_is_retried_until_attempts_run_out() {
    let html = Step::Respond {
        status: 502,
        headers: vec![("content-type", "text/html".into())],
        body: fixtures::HTML_502.into(),
    };
    let server = FaultServer::start(vec![html]).await;
    let (client, sleep) = retrying_client(&server.url, policy());

    let err = bounded(Op::B4.call(&client)).await.unwrap_err();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert!(err.as_api().and_then(|e| e.body_excerpt.as_deref()).is_some_and(|b| b.contains("502 Bad Gateway")));
    assert_eq!(server.hits(), 3);
    assert_eq!(sleep.waits_ms(), [100, 200]);
    // A revoke is retried with the same request each time.
    for request in server.requests() {
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, b4_path(ORG, MEMBER, APP));
        assert_eq!(request.body, b"{}");
    }
}

#[tokio::test]
async fn retry_after_is_honoured_in_seconds_and_as_a_date_and_capped() {
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(4));
    let script = vec![
        Step::json(429, fixtures::E429).with_header("retry-after", "1"),
        Step::json(429, fixtures::E429).with_header("retry-after", date),
        Step::json(200, fixtures::C1_200),
    ];
    let server = FaultServer::start(script).await;
    let (client, sleep) = retrying_client(&server.url, policy());

    let value = bounded(Op::C1.call(&client)).await.unwrap();

    assert_eq!(value["request_id"], REQUEST_ID);
    assert_eq!(server.hits(), 3);
    let waits = sleep.waits_ms();
    assert_eq!(waits[0], 1000);
    assert!((2000..=4000).contains(&waits[1]), "an HTTP date some 4 s ahead: {waits:?}");

    // An hour-long Retry-After is cut to the policy's cap.
    let server = FaultServer::start(vec![
        Step::json(503, "{}").with_header("retry-after", "3600"),
        Step::json(200, fixtures::B1_200),
    ])
    .await;
    let (client, sleep) = retrying_client(&server.url, policy().max_retry_after(Duration::from_secs(10)));
    bounded(Op::B1.call(&client)).await.unwrap();
    assert_eq!(sleep.waits_ms(), [10_000]);
}

#[tokio::test]
async fn a_retry_after_beyond_the_deadline_is_not_waited_for() {
    let server = FaultServer::start(vec![Step::json(429, fixtures::E429).with_header("retry-after", "5")]).await;
    let (client, sleep) =
        client_with(&server.url, policy(), RetryBudget::unlimited(), |b| b.deadline(Duration::from_secs(2)));

    let err = bounded(Op::B1.call(&client)).await.unwrap_err();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(server.hits(), 1);
    assert!(sleep.waits_ms().is_empty());
}

#[tokio::test]
async fn a_5xx_storm_exhausts_the_retry_budget_and_retries_stop() {
    let server = FaultServer::start(vec![Step::json(503, fixtures::E500)]).await;
    let budget = RetryBudget::new(4.0, 0.0);
    let (client, sleep) = client_with(&server.url, policy(), budget.clone(), |b| b);

    for _ in 0..5 {
        let err = bounded(Op::B1.call(&client)).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    }

    // Calls 1 and 2 spend two retries each (3 attempts); calls 3 to 5 find the bucket empty (1 attempt).
    assert_eq!(server.hits(), 3 + 3 + 1 + 1 + 1);
    assert_eq!(sleep.waits_ms(), [100, 200, 100, 200]);
    assert_eq!(budget.available(), 0.0);
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for (status, body) in [
        (400, ""),
        (401, fixtures::E401),
        (403, fixtures::E403_SESSION),
        (404, fixtures::E404_APP),
        (409, fixtures::E_UNKNOWN_TYPE),
    ] {
        let server = FaultServer::start(vec![Step::json(status, body)]).await;
        let (client, sleep) = retrying_client(&server.url, policy());
        for op in [Op::B2, Op::C2] {
            let err = bounded(op.call(&client)).await.unwrap_err();
            assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
            assert!(!err.is_retryable());
        }
        assert_eq!(server.hits(), 2, "{status}");
        assert!(sleep.waits_ms().is_empty());
    }
}

#[tokio::test]
async fn retries_are_configurable_per_call_and_switchable_off() {
    let server = FaultServer::start(vec![Step::json(500, fixtures::E500)]).await;
    let (client, sleep) = retrying_client(&server.url, RetryPolicy::disabled());

    bounded(client.b2b().organization_connected_apps(ORG)).await.unwrap_err();
    assert_eq!(server.hits(), 1, "off for the client");
    bounded(client.consumer().retry(policy().max_attempts(4)).user_connected_apps(USER)).await.unwrap_err();
    assert_eq!(server.hits(), 1 + 4, "on for one call");
    assert_eq!(sleep.waits_ms(), [100, 200, 400]);

    let (client, _) = retrying_client(&server.url, policy());
    bounded(client.b2b().retry(RetryPolicy::disabled()).member_connected_apps(ORG, MEMBER)).await.unwrap_err();
    assert_eq!(server.hits(), 1 + 4 + 1, "off for one call");
}

#[tokio::test]
async fn an_oversized_success_body_is_an_error_not_an_allocation() {
    let big = format!(r#"{{"status_code": 200, "request_id": "{}", "connected_apps": []}}"#, "x".repeat(64 * 1024));
    let server = FaultServer::start(vec![Step::json(200, &big)]).await;
    let (client, sleep) = client_with(&server.url, policy(), RetryBudget::unlimited(), |b| b.max_body_bytes(4096));

    for op in [Op::B1, Op::C1] {
        let err = bounded(op.call(&client)).await.unwrap_err();
        let Error::UnexpectedBody(body) = &err else { panic!("{op:?}: {err:?}") };
        assert_eq!(body.reason, "the body is larger than the 4096-byte limit");
        assert_eq!(body.status.as_u16(), 200);
        assert!(!err.is_retryable());
    }
    assert_eq!(server.hits(), 2);
    assert!(sleep.waits_ms().is_empty());

    // An oversized ERROR body is only excerpted: the status survives.
    let server =
        FaultServer::start(vec![Step::Respond { status: 500, headers: vec![], body: vec![b'x'; 64 * 1024] }]).await;
    let (client, _) =
        client_with(&server.url, RetryPolicy::disabled(), RetryBudget::unlimited(), |b| b.max_body_bytes(4096));
    let err = bounded(Op::B2.call(&client)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.as_api().and_then(|e| e.body_excerpt.as_ref()).map(String::len), Some(1024));
}

#[tokio::test]
async fn invalid_utf8_and_deep_nesting_are_errors_not_panics() {
    let mut invalid = br#"{"status_code": 200, "request_id": ""#.to_vec();
    invalid.extend_from_slice(&[0xff, 0xfe, 0xfd]);
    invalid.extend_from_slice(br#"", "connected_apps": []}"#);
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let nested_object = format!("{}1{}", r#"{"a":"#.repeat(50_000), "}".repeat(50_000));
    for body in [invalid.clone(), nested.into_bytes(), nested_object.into_bytes()] {
        let server = FaultServer::start(vec![
            Step::Respond { status: 200, headers: vec![], body: body.clone() },
            Step::Respond { status: 500, headers: vec![], body: body.clone() },
        ])
        .await;
        let (client, _) = retrying_client(&server.url, RetryPolicy::disabled());
        // The first request (B1, generated path) gets the 200: a body that is not the payload.
        let err = bounded(Op::B1.call(&client)).await.unwrap_err();
        let Error::UnexpectedBody(unexpected) = &err else { panic!("{err:?}") };
        assert_eq!(unexpected.status.as_u16(), 200);
        assert!(unexpected.body_excerpt.len() <= 1024);
        // The second (C1, handwritten path) gets the 500: its status survives, and what could be read of it.
        let err = bounded(Op::C1.call(&client)).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(500), "{err:?}");
        let api = err.as_api().expect("an API error");
        if body == invalid {
            // Invalid UTF-8 is replaced, so the envelope around it is still read.
            assert_eq!(api.request_id(), Some("\u{fffd}\u{fffd}\u{fffd}"), "{err:?}");
        } else {
            let excerpt = api.body_excerpt.as_ref().expect("a non-envelope body keeps an excerpt");
            assert!(excerpt.len() <= 1024);
        }
    }
}

#[tokio::test]
async fn a_malformed_or_oversized_response_is_a_protocol_error_and_never_retried() {
    let many_headers: String = (0..20_000).map(|i| format!("x-h{i}: v\r\n")).collect();
    let cases: [(&str, Vec<u8>, &str); 7] = [
        (
            "20 000 headers",
            format!("HTTP/1.1 200 OK\r\n{many_headers}content-length: 2\r\n\r\n{{}}").into_bytes(),
            "message head is too large",
        ),
        (
            "a 1 MB header",
            format!("HTTP/1.1 200 OK\r\nx: {}\r\ncontent-length: 2\r\n\r\n{{}}", "a".repeat(1 << 20)).into_bytes(),
            "message head is too large",
        ),
        ("an invalid status line", b"HTTP/1.1 abc OK\r\ncontent-length: 2\r\n\r\n{}".to_vec(), "invalid status line"),
        ("an invalid header", b"HTTP/1.1 200 OK\r\nbad header: x\r\n\r\n{}".to_vec(), "invalid header"),
        (
            "two content-lengths",
            b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 5\r\n\r\n{}".to_vec(),
            "invalid content-length",
        ),
        (
            "a broken chunked body",
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n".to_vec(),
            "invalid body framing",
        ),
        ("not HTTP at all", b"\x00\x01garbage\r\n\r\n".to_vec(), "not an HTTP/1.x response"),
    ];
    for (name, raw, what) in cases {
        for op in [Op::B1, Op::C1] {
            let server = FaultServer::start(vec![Step::Raw(raw.clone())]).await;
            let (client, sleep) = retrying_client(&server.url, policy());

            let err = bounded(op.call(&client)).await.unwrap_err();

            let context = format!("{name} / {op:?}: {err}");
            let Error::Transport(transport) = &err else { panic!("{context}") };
            assert_eq!(transport.kind, TransportErrorKind::Protocol, "{context}");
            assert!(transport.may_have_reached_server(), "{context}");
            assert!(!err.is_retryable(), "{context}");
            assert_eq!(server.hits(), 1, "not retried: {context}");
            assert!(sleep.waits_ms().is_empty(), "{context}");
            let shown = err.to_string();
            assert!(shown.contains("not valid HTTP or is too large") && shown.contains(what), "{context}");
            assert!(shown.ends_with("not retried"), "{context}");
        }
    }
    // A connection closed early is still a retried I/O failure, not a protocol error.
    let server = FaultServer::start(vec![
        Step::Raw(b"HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\n{}".to_vec()),
        Step::json(200, fixtures::B1_200),
    ])
    .await;
    let (client, _) = retrying_client(&server.url, policy());
    bounded(Op::B1.call(&client)).await.unwrap();
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn durations_too_large_to_add_to_now_are_no_limit_not_a_panic() {
    let server = FaultServer::start(vec![
        Step::json(503, fixtures::E500).with_header("retry-after", u64::MAX.to_string()),
        Step::json(200, fixtures::B1_200),
    ])
    .await;
    // Every limit at Duration::MAX, and a Retry-After of u64::MAX seconds honoured up to Duration::MAX.
    let policy = policy().max_retry_after(Duration::MAX);
    let (client, sleep) = client_with(&server.url, policy.clone(), RetryBudget::unlimited(), |b| {
        b.deadline(Duration::MAX).request_timeout(Duration::MAX).connect_timeout(Duration::MAX)
    });

    let err = bounded(client.b2b().deadline(Duration::MAX).timeout(Duration::MAX).organization_connected_apps(ORG))
        .await
        .unwrap_err();

    // A wait that cannot be added to now is not waited for: the 503 is the answer.
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.hits(), 1);
    assert!(sleep.waits_ms().is_empty());
    // The same limits on the handwritten path, answered at once.
    let ok = bounded(client.consumer().deadline(Duration::MAX).user_connected_apps(USER)).await;
    assert_eq!(ok.unwrap_err().status().map(|s| s.as_u16()), Some(200), "the B1 body is not a C1 answer");
}
