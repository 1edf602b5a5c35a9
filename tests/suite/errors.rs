//! Every error class, against every operation: the status is always the real HTTP status, envelopes decode
//! (including OAuth-style aliases and `error_details`), and anything else keeps a bounded excerpt.

use crate::common::*;
use stytch_connected_apps::{Error, ErrorDetails, ErrorType};

struct Case {
    name: &'static str,
    status: u16,
    content_type: &'static str,
    body: String,
    error_type: Option<ErrorType>,
    request_id: Option<&'static str>,
    message: Option<&'static str>,
    retryable: bool,
    /// `Some(prefix)`: the body is not an envelope and the excerpt starts with `prefix`.
    excerpt_prefix: Option<&'static str>,
}

fn cases() -> Vec<Case> {
    let json = "application/json";
    let envelope = |name, status, body: &str, error_type, message, retryable| Case {
        name,
        status,
        content_type: json,
        body: body.to_owned(),
        error_type: Some(error_type),
        request_id: Some(REQUEST_ID),
        message: Some(message),
        retryable,
        excerpt_prefix: None,
    };
    let raw = |name, status, content_type, body: String, prefix, retryable| Case {
        name,
        status,
        content_type,
        body,
        error_type: None,
        request_id: None,
        message: None,
        retryable,
        excerpt_prefix: Some(prefix),
    };
    vec![
        raw("400 with an empty body", 400, json, String::new(), "", false),
        envelope(
            "401 seed",
            401,
            fixtures::E401,
            ErrorType::UnauthorizedCredentials,
            "Unauthorized credentials.",
            false,
        ),
        envelope(
            "403 session authorization",
            403,
            fixtures::E403_SESSION,
            ErrorType::SessionAuthorizationError,
            "The session is not authorized to perform this action.",
            false,
        ),
        envelope(
            "403 tenancy",
            403,
            fixtures::E403_TENANCY,
            ErrorType::SessionAuthorizationTenancyError,
            "The session's organization does not match the organization in the request.",
            false,
        ),
        envelope(
            "404",
            404,
            fixtures::E404_APP,
            ErrorType::ConnectedAppNotFound,
            "Connected App could not be found.",
            false,
        ),
        envelope(
            "429 seed",
            429,
            fixtures::E429,
            ErrorType::TooManyRequests,
            "Too many requests have been made.",
            true,
        ),
        envelope(
            "500 seed",
            500,
            fixtures::E500,
            ErrorType::InternalServerError,
            "Oops, something seems to have gone wrong, please reach out to support@stytch.com to let us know what went wrong.",
            true,
        ),
        raw(
            "HTML 502 from a proxy",
            502,
            "text/html",
            fixtures::HTML_502.to_owned(),
            "<html>\n<head><title>502 Bad Gateway",
            true,
        ),
        envelope(
            "OAuth-style alias body",
            401,
            fixtures::E_OAUTH,
            ErrorType::Other("invalid_client".into()),
            "Client authentication failed.",
            false,
        ),
        envelope(
            "unknown error_type on an undocumented status",
            409,
            fixtures::E_UNKNOWN_TYPE,
            ErrorType::Other("connected_app_policy_conflict".into()),
            "A type this SDK has never heard of.",
            false,
        ),
        raw(
            "truncated JSON on a 500",
            500,
            json,
            r#"{"status_code": 500, "error_ty"#.to_owned(),
            r#"{"status_code": 500"#,
            true,
        ),
        raw("empty 503", 503, "text/plain", String::new(), "", true),
        raw(
            "an HTML 504 far over 1 KiB",
            504,
            "text/html",
            format!("<html>{}</html>", "x".repeat(64 * 1024)),
            "<html>xxx",
            true,
        ),
    ]
}

#[tokio::test]
async fn every_error_class_on_every_operation() {
    let (server, client) = start().await;
    for case in cases() {
        for op in Op::ALL {
            let expect = op.expect();
            let mock = server
                .mock_async(|when, then| {
                    expect.matcher(when);
                    then.status(case.status).header("content-type", case.content_type).body(case.body.clone());
                })
                .await;

            let err = op.call(&client).await.expect_err(case.name);

            mock.assert_async().await;
            let context = format!("{} / {op:?}: {err:?}", case.name);
            assert_eq!(err.status().map(|s| s.as_u16()), Some(case.status), "{context}");
            assert_eq!(err.error_type(), case.error_type.as_ref(), "{context}");
            assert_eq!(err.request_id(), case.request_id, "{context}");
            assert_eq!(err.is_retryable(), case.retryable, "{context}");
            let Error::Api(api) = &err else { panic!("not an API error: {context}") };
            assert_eq!(api.operation, op.operation(), "{context}");
            assert_eq!(api.message.as_deref(), case.message, "{context}");
            match case.excerpt_prefix {
                None => assert_eq!(api.body_excerpt, None, "{context}"),
                Some(prefix) => {
                    let excerpt = api.body_excerpt.as_deref().unwrap_or_else(|| panic!("no excerpt: {context}"));
                    assert!(excerpt.starts_with(prefix), "{context}");
                    assert!(excerpt.len() <= 1024, "{context}");
                    assert_eq!(excerpt, &case.body[..case.body.len().min(1024)], "{context}");
                }
            }
            let shown = err.to_string();
            assert!(shown.contains(&case.status.to_string()) && shown.contains(op.operation()), "{shown}");
            mock.delete_async().await;
        }
    }
}

#[tokio::test]
async fn envelope_details_and_url_are_kept() {
    let (server, client) = start().await;
    server
        .mock_async(|when, then| {
            Op::B2.expect().matcher(when);
            then.status(404).body(fixtures::E404_APP);
        })
        .await;

    let err = Op::B2.call(&client).await.unwrap_err();

    let api = err.as_api().expect("an API error");
    assert_eq!(api.url.as_deref(), Some("https://stytch.com/docs/api/errors/404"));
    let details = api.details.as_ref().and_then(ErrorDetails::as_object).expect("error_details");
    assert_eq!(details["connected_app_id"], "connected-app-test-missing");
    assert!(err.error_type().is_some_and(ErrorType::is_not_found));
    assert_eq!(
        err.to_string(),
        format!(
            "api_organization_v1_get_connected_app: Stytch answered HTTP 404 connected_app_not_found: \
             Connected App could not be found. [request_id {REQUEST_ID}]"
        )
    );
}

#[tokio::test]
async fn a_success_status_with_a_malformed_body_keeps_its_status() {
    let (server, client) = start().await;
    for op in Op::ALL {
        let expect = op.expect();
        let mock = server
            .mock_async(|when, then| {
                expect.matcher(when);
                then.status(200).body(r#"{"status_code": 200, "connected_apps": [{"name": 7"#);
            })
            .await;

        let err = op.call(&client).await.unwrap_err();

        let Error::UnexpectedBody(body) = &err else { panic!("{op:?}: {err:?}") };
        assert_eq!(body.status.as_u16(), 200, "{op:?}");
        assert_eq!(body.operation, op.operation());
        assert!(body.body_excerpt.starts_with(r#"{"status_code": 200"#), "{op:?}");
        assert!(!err.is_retryable());
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn an_undecodable_error_details_keeps_the_rest_of_the_envelope() {
    let (server, client) = start().await;
    let nested = format!("{}true{}", r#"{"a":"#.repeat(1_000), "}".repeat(1_000));
    let cases = [
        (nested, "nested too deeply"),
        (r#""a string, not an object""#.to_owned(), "not a JSON object"),
        (format!(r#"{{"blob": "{}"}}"#, "x".repeat(20_000)), "larger than 16 KiB"),
    ];
    for (details, why) in cases {
        let body = format!(
            r#"{{"status_code": 400, "request_id": "{REQUEST_ID}", "error_type": "invalid_argument",
                "error_message": "Bad request.", "error_url": "https://stytch.com/docs/api/errors/400",
                "error_details": {details}}}"#
        );
        for op in Op::ALL {
            let expect = op.expect();
            let mock = server
                .mock_async(|when, then| {
                    expect.matcher(when);
                    then.status(400).header("content-type", "application/json").body(body.clone());
                })
                .await;

            let err = op.call(&client).await.unwrap_err();

            mock.assert_async().await;
            let context = format!("{why} / {op:?}: {err:?}");
            assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{context}");
            assert_eq!(err.request_id(), Some(REQUEST_ID), "{context}");
            assert_eq!(err.error_type(), Some(&ErrorType::Other("invalid_argument".into())), "{context}");
            let api = err.as_api().expect("an API error");
            assert_eq!(api.message.as_deref(), Some("Bad request."), "{context}");
            assert_eq!(api.url.as_deref(), Some("https://stytch.com/docs/api/errors/400"), "{context}");
            assert_eq!(api.body_excerpt, None, "{context}");
            let details = api.details.as_ref().expect("details say what happened");
            assert!(details.is_dropped() && format!("{details:?}").contains(why), "{context}");
            assert!(format!("{details:?}").contains("dropped"), "{context}");
            mock.delete_async().await;
        }
    }
}
