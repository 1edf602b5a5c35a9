//! `B2b::consent_report`: B1, then B2 per app (bounded), into a report that keeps every app, audited or failed.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use stytch_connected_apps::bulk::{AppConsent, ConsentReport, Progress};
use stytch_connected_apps::emulator::{
    Emulator, Endpoint, Fault, Fixture, SEED_ADMIN_SESSION, SEED_APP, SEED_ORGANIZATION, SEED_OTHER_ORGANIZATION,
    SEED_THIRD_PARTY_APP,
};
use stytch_connected_apps::models::{ActiveMember, OrganizationConnectedApp};
use stytch_connected_apps::{MemberSession, RetryPolicy};

use crate::common::*;

/// The report the fixture implies, computed from the fixture alone: apps with an authorization in the organization
/// (fixture order), each with its members and scopes.
fn expected_report(fixture: &Fixture, organization_id: &str) -> ConsentReport {
    let apps = fixture
        .connected_apps
        .iter()
        .filter_map(|app| {
            // Built through serde, not struct literals: a field the spec adds later must not break this test.
            let members: Vec<ActiveMember> = fixture
                .authorizations
                .iter()
                .filter(|a| {
                    a.organization_id.as_deref() == Some(organization_id) && a.connected_app_id == app.connected_app_id
                })
                .map(|a| {
                    serde_json::from_value(serde_json::json!({"member_id": a.member_id, "granted_scopes": a.scopes}))
                        .unwrap()
                })
                .collect();
            let listed: OrganizationConnectedApp = serde_json::from_value(serde_json::json!({
                "connected_app_id": app.connected_app_id,
                "name": app.name,
                "description": app.description,
                "client_type": app.client_type,
                "logo_url": app.logo_url,
            }))
            .unwrap();
            (!members.is_empty()).then_some(AppConsent::Audited { app: listed, active_members: members })
        })
        .collect();
    ConsentReport { organization_id: organization_id.to_owned(), apps }
}

/// `apps` connected apps, each authorized by `members_per_app` members of the seed organization.
fn world_with_apps(apps: usize, members_per_app: usize) -> Fixture {
    let mut fixture = Fixture::seed();
    for member in 0..members_per_app {
        fixture = fixture.member(SEED_ORGANIZATION, &format!("member-test-bulk-{member:04}"), None, &[]);
    }
    for app in 0..apps {
        let app_id = format!("connected-app-test-bulk-{app:03}");
        fixture = fixture.connected_app(&app_id, &format!("App {app}"), "Bulk test app", "third_party", None);
        for member in 0..members_per_app {
            let scopes: &[&str] = if member % 2 == 0 { &["openid", "email"] } else { &["openid"] };
            fixture = fixture.member_authorization(
                SEED_ORGANIZATION,
                &format!("member-test-bulk-{member:04}"),
                &app_id,
                scopes,
            );
        }
    }
    fixture
}

#[tokio::test]
async fn the_seed_organizations_report_lists_every_app_with_its_members_and_scopes() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let client = emulator.client().unwrap();
    let report = client.b2b().consent_report(SEED_ORGANIZATION).await.unwrap();

    assert_eq!(report, expected_report(&emulator.fixture(), SEED_ORGANIZATION));
    assert_eq!(report.apps.len(), 2, "the seed organization has both apps installed");
    assert!(report.is_complete());
    let grants: Vec<(&str, &str, String)> = report
        .grants()
        .map(|(app, member, scopes)| (app.connected_app_id.as_str(), member, scopes.join(" ")))
        .collect();
    assert_eq!(
        grants,
        [
            (SEED_APP, stytch_connected_apps::emulator::SEED_ADMIN, "openid profile email".to_owned()),
            (SEED_THIRD_PARTY_APP, stytch_connected_apps::emulator::SEED_MEMBER, "openid calendar.read".to_owned()),
        ]
    );
    // Exactly B1, then one B2 per app; nothing else, no session.
    let sent = emulator.requests();
    assert_eq!(sent[0].endpoint, Some(Endpoint::OrganizationConnectedApps));
    assert_eq!((sent[0].method.as_str(), sent[0].path.clone()), ("GET", b1_path(SEED_ORGANIZATION)));
    let mut b2: Vec<(String, String)> = sent[1..]
        .iter()
        .inspect(|r| assert_eq!(r.endpoint, Some(Endpoint::ConnectedApp)))
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    b2.sort();
    let mut expected_b2 =
        [SEED_APP, SEED_THIRD_PARTY_APP].map(|app| ("GET".to_owned(), b2_path(SEED_ORGANIZATION, app)));
    expected_b2.sort();
    assert_eq!(b2, expected_b2);
    assert!(emulator.requests().iter().all(|r| r.session.is_none() && r.status == 200));

    // Stored and read back, it is the same report.
    let stored = serde_json::to_string(&report).unwrap();
    assert_eq!(serde_json::from_str::<ConsentReport>(&stored).unwrap(), report);
}

#[tokio::test]
async fn every_request_goes_out_exactly_as_the_single_calls_send_it_with_the_handles_session() {
    let server = httpmock::MockServer::start_async().await;
    let client = stytch_connected_apps::mock::client_builder(&server).build().unwrap();
    let session = MemberSession::token(SESSION_TOKEN).unwrap();
    let as_admin = client.with_member_session(session);
    let listed = stytch_connected_apps::models::OrganizationConnectedAppsResponse::example();
    let b1 = server.api_organization_v1_connected_apps(|when, then| {
        when.organization_id(ORG).sent_by(&as_admin);
        then.ok(&listed);
    });
    let mut b2 = Vec::new();
    for app in &listed.connected_apps {
        let mut answer = stytch_connected_apps::models::OrganizationConnectedAppResponse::example();
        answer.connected_app_id = app.connected_app_id.clone();
        b2.push(server.api_organization_v1_get_connected_app(|when, then| {
            when.organization_id(ORG).connected_app_id(&app.connected_app_id).sent_by(&as_admin);
            then.ok(&answer);
        }));
    }
    let report = as_admin.b2b().consent_report(ORG).await.unwrap();
    b1.assert_calls(1);
    for mock in &b2 {
        mock.assert_calls(1);
    }
    assert_eq!(report.apps.len(), listed.connected_apps.len());
    for (entry, app) in report.apps.iter().zip(&listed.connected_apps) {
        assert_eq!(entry.app(), app, "B1's app, in B1's order");
        assert_eq!(
            entry.active_members().unwrap(),
            stytch_connected_apps::models::OrganizationConnectedAppResponse::example().active_members
        );
    }
}

#[tokio::test]
async fn an_app_whose_b2_fails_stays_in_the_report_with_its_error() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let client = emulator.client().unwrap();
    emulator.script(Endpoint::ConnectedApp, [Fault::internal_error()]);
    let report =
        client.b2b().retry(RetryPolicy::disabled()).consent_report(SEED_ORGANIZATION).concurrency(1).await.unwrap();

    assert!(!report.is_complete());
    let expected = expected_report(&Fixture::seed(), SEED_ORGANIZATION);
    assert_eq!(report.apps[1], expected.apps[1], "the other app is audited");
    let AppConsent::Failed { app, error } = &report.apps[0] else { panic!("{:?}", report.apps[0]) };
    assert_eq!(app, expected.apps[0].app());
    assert_eq!(error.status, Some(500));
    assert_eq!(error.error_type.as_deref(), Some("internal_server_error"));
    assert!(error.retryable);
    let logged_500 = emulator.requests().into_iter().filter(|r| r.status == 500).count();
    assert_eq!(logged_500, 1);
    assert!(error.request_id.as_deref().is_some_and(|id| id.starts_with("request-id-")), "{error:?}");
    assert_eq!(report.failures().map(|(app, _)| app.connected_app_id.as_str()).collect::<Vec<_>>(), [SEED_APP]);

    // In JSON, the failure says which app and why.
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["apps"][0]["outcome"], "failed");
    assert_eq!(json["apps"][0]["app"]["connected_app_id"], SEED_APP);
    assert_eq!(json["apps"][0]["error"]["status"], 500);
    assert_eq!(json["apps"][1]["outcome"], "audited");
}

#[tokio::test]
async fn a_failed_b1_fails_the_call_and_nothing_else_is_sent() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let client = emulator.client().unwrap();
    let error = client.b2b().consent_report("organization-test-does-not-exist").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.error_type().map(|t| t.as_str()), Some("organization_not_found"));
    assert_eq!(emulator.requests().len(), 1);
}

#[tokio::test]
async fn the_handles_session_applies_rbac_and_tenancy_to_every_call() {
    let emulator = Emulator::start(Fixture::seed()).await.unwrap();
    let admin = MemberSession::token(SEED_ADMIN_SESSION).unwrap();
    let client = emulator.client().unwrap();
    let report = client.b2b().with_session(&admin).consent_report(SEED_ORGANIZATION).await.unwrap();
    assert!(report.is_complete());
    assert!(emulator.requests().iter().all(|r| r.session == Some("token")));
    // The same admin, aimed at another organization: B1 is refused for tenancy.
    let error = client.b2b().with_session(&admin).consent_report(SEED_OTHER_ORGANIZATION).await.unwrap_err();
    assert_eq!(error.error_type().map(|t| t.as_str()), Some("session_authorization_tenancy_error"));
}

#[tokio::test]
async fn at_most_the_asked_concurrency_is_in_flight_and_progress_counts_every_app() {
    let emulator = Emulator::start(world_with_apps(24, 2)).await.unwrap();
    emulator.set_latency(Duration::from_millis(40));
    let client = emulator.client().unwrap();
    for concurrency in [1, 4, 8] {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let recorded = seen.clone();
        emulator.take_peak_in_flight();
        let report = client
            .b2b()
            .consent_report(SEED_ORGANIZATION)
            .concurrency(concurrency)
            .on_progress(move |progress| recorded.lock().unwrap().push(progress))
            .await
            .unwrap();
        let peak = emulator.take_peak_in_flight();
        assert!(peak <= concurrency && peak * 2 > concurrency, "concurrency {concurrency}: peak {peak}");
        assert_eq!(report.apps.len(), 26);
        assert!(report.is_complete());
        let seen: Vec<(usize, usize)> = seen.lock().unwrap().iter().map(|p: &Progress| (p.done, p.total)).collect();
        assert_eq!(seen, (0..=26).map(|done| (done, 26)).collect::<Vec<_>>(), "once at the start, once per app");
    }
}

#[test]
fn the_report_has_a_json_schema_naming_both_outcomes() {
    let schema = serde_json::to_value(schemars::schema_for!(ConsentReport)).unwrap();
    let text = schema.to_string();
    for word in ["organization_id", "apps", "audited", "failed", "active_members", "granted_scopes", "retryable"] {
        assert!(text.contains(&format!("\"{word}\"")), "{word} missing from {text}");
    }
}
