//! Properties, over generated inputs, through the real client and a loopback server:
//! - any string as an id is rejected, or arrives as exactly that string in its path segment;
//! - any string as a session value is rejected, or is sent verbatim in its header;
//! - any bytes as a response body, with any status, decode to a value or an error, never a panic.

use percent_encoding::percent_decode_str;
use proptest::prelude::*;

use crate::common::*;
use crate::fault_server::{FaultServer, Step};
use stytch_connected_apps::{Client, Error, MemberSession, RetryPolicy};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

fn client(url: &str) -> Client {
    Client::builder(PROJECT_ID, SECRET).base_url(url).retry_policy(RetryPolicy::disabled()).build().unwrap()
}

/// Strings that stress paths and headers: anything at all, and ASCII-heavy ones with controls, dots, slashes,
/// percent signs and backslashes.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[\\x00-\\x7f]{0,24}", "[./%\\\\?#a ]{0,6}",]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn an_id_is_rejected_or_arrives_exactly(id in hostile_string()) {
        let rt = runtime();
        rt.block_on(async {
            let server = FaultServer::start(vec![Step::json(200, fixtures::B3_200)]).await;
            let client = client(&server.url);
            // B3 (generated) puts the id in two segments; C1 (handwritten) in one.
            let generated = client.b2b().member_connected_apps(&id, &id).await;
            let handwritten = client.consumer().user_connected_apps(&id).await;
            // Rejected exactly when the URL parser would change the path: empty, a dot-segment, or a backslash.
            let must_reject = id.is_empty() || id == "." || id == ".." || id.contains('\\');
            prop_assert_eq!(generated.is_err() && handwritten.is_err(), must_reject, "{:?}: {:?} / {:?}", id, generated, handwritten);
            match (&generated, &handwritten) {
                (Err(Error::InvalidInput(_)), Err(Error::InvalidInput(_))) => prop_assert_eq!(server.hits(), 0),
                (Ok(_), Ok(_)) => {
                    let requests = server.requests();
                    prop_assert_eq!(requests.len(), 2);
                    let b3 = requests[0].path.strip_prefix("/v1/b2b/organizations/").and_then(|p| p.strip_suffix("/connected_apps"));
                    let segments: Vec<&str> = b3.map(|p| p.split("/members/").collect()).unwrap_or_default();
                    prop_assert_eq!(segments.len(), 2, "{}", requests[0].path);
                    let c1 = requests[1].path.strip_prefix("/v1/users/").and_then(|p| p.strip_suffix("/connected_apps"));
                    for segment in segments.into_iter().chain(c1) {
                        prop_assert!(!segment.contains('/'));
                        prop_assert_eq!(percent_decode_str(segment).decode_utf8().unwrap(), id.as_str());
                    }
                }
                _ => prop_assert!(false, "the two request paths disagree on {:?}: {:?} / {:?}", id, generated, handwritten),
            }
            Ok(())
        })?;
    }

    #[test]
    fn a_session_value_is_rejected_or_sent_verbatim(value in hostile_string(), jwt in any::<bool>()) {
        let session = if jwt { MemberSession::jwt(&value) } else { MemberSession::token(&value) };
        // Rejected exactly when the value is empty or has a byte outside visible ASCII.
        let legal = !value.is_empty() && value.bytes().all(|b| b.is_ascii_graphic());
        prop_assert_eq!(session.is_ok(), legal, "{:?}", value);
        let Ok(session) = session else { return Ok(()) };
        let rt = runtime();
        rt.block_on(async {
            let server = FaultServer::start(vec![Step::json(200, fixtures::B1_200)]).await;
            let client = client(&server.url).with_member_session(session);
            client.b2b().organization_connected_apps(ORG).await.unwrap();
            let request = &server.requests()[0];
            let (sent, absent) = if jwt {
                ("x-stytch-member-sessionjwt", "x-stytch-member-session")
            } else {
                ("x-stytch-member-session", "x-stytch-member-sessionjwt")
            };
            prop_assert_eq!(request.header(sent), Some(value.as_bytes()));
            prop_assert_eq!(request.header(absent), None);
            Ok(())
        })?;
    }

    #[test]
    fn any_body_with_any_status_decodes_without_panicking(
        body in proptest::collection::vec(any::<u8>(), 0..1536),
        status in prop::sample::select(vec![200u16, 400, 401, 403, 404, 409, 418, 429, 500, 502, 503, 504]),
    ) {
        let rt = runtime();
        rt.block_on(async {
            let server = FaultServer::start(vec![Step::Respond { status, headers: vec![], body: body.clone() }]).await;
            let client = client(&server.url);
            for op in [Op::B2, Op::C1] {
                match op.call(&client).await {
                    Ok(_) => prop_assert_eq!(status, 200),
                    Err(err) => {
                        prop_assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{:?}", err);
                        if let Some(excerpt) = err.as_api().and_then(|api| api.body_excerpt.as_ref()) {
                            prop_assert!(excerpt.len() <= 1024);
                        }
                        let _ = format!("{err} {err:?}");
                    }
                }
            }
            Ok(())
        })?;
    }
}
