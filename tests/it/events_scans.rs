//! QR scans: every outcome code, once-only recording (also in parallel), rotation,
//! screen-mode codes and the public landing page.

use chrono::Duration;
use guildhall::events::codes::{self, Action};
use guildhall::events::{self, EventRow, registrations};
use serde_json::{Value, json};

use crate::events::published_event;
use crate::support::TestApp;

fn printed_url(app: &TestApp, event: &EventRow, action: Action) -> String {
    let token = codes::printed(&app.state.config.hmac_key(), event.id, action, event.token_version);
    format!("{}/q/{token}", app.state.config.public_base_url)
}

async fn scan(app: &TestApp, client: &reqwest::Client, qr: &str) -> (u16, Value) {
    let res =
        client.post(app.url("/api/v1/scans")).json(&json!({ "qr": qr })).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

fn outcome(reply: &(u16, Value)) -> (u16, String) {
    let code =
        reply.1["outcome"].as_str().or(reply.1["error"]["code"].as_str()).unwrap_or_default();
    (reply.0, code.to_owned())
}

/// Moves the clock into the event's check-in window (30 minutes before the start).
fn open_window(app: &TestApp, event: &EventRow) {
    let start = event.starts_at.and_utc();
    app.clock.set(start - Duration::minutes(30));
}

#[tokio::test]
async fn each_scan_outcome_has_its_own_code_and_records_once() {
    let app = TestApp::spawn().await;
    let event = published_event(&app, |_| {}).await;
    let (alice, user, _) = app.user_client().await;
    let (stranger, _, _) = app.user_client().await;
    registrations::register(&app.state.db, &app.state.clock, user.id, event.id).await.unwrap();
    let check_in = printed_url(&app, &event, Action::CheckIn);
    let check_out = printed_url(&app, &event, Action::CheckOut);

    assert_eq!(
        outcome(&scan(&app, &alice, &check_in).await),
        (409, "outside_window".into()),
        "too early"
    );
    open_window(&app, &event);
    assert_eq!(
        outcome(&scan(&app, &alice, "https://evil.example/q/1.in.1.forged").await),
        (409, "invalid_code".into())
    );
    assert_eq!(outcome(&scan(&app, &alice, "").await), (422, "validation_failed".into()));
    assert_eq!(outcome(&scan(&app, &stranger, &check_in).await), (409, "not_registered".into()));
    assert_eq!(outcome(&scan(&app, &alice, &check_out).await), (409, "not_checked_in".into()));
    let first = scan(&app, &alice, &check_in).await;
    assert_eq!(outcome(&first), (200, "checked_in".into()));
    assert_eq!(first.1["message"], "签到成功");
    assert!(first.1["registration"]["checked_in_at"].is_string());
    assert_eq!(outcome(&scan(&app, &alice, &check_in).await), (200, "already_checked_in".into()));
    assert_eq!(outcome(&scan(&app, &alice, &check_out).await), (200, "checked_out".into()));
    assert_eq!(outcome(&scan(&app, &alice, &check_out).await), (200, "already_checked_out".into()));
    assert_eq!(app.count_rows("event_scans").await, 2, "one check-in and one check-out");

    app.clock.set(event.ends_at.and_utc() + Duration::minutes(1));
    assert_eq!(
        outcome(&scan(&app, &alice, &check_in).await),
        (409, "outside_window".into()),
        "too late"
    );

    // Rotation: the old printed codes stop working, the new ones work.
    open_window(&app, &event);
    let rotated = events::rotate_codes(&app.state.db, &app.state.clock, 1, event.id).await.unwrap();
    assert_eq!(outcome(&scan(&app, &alice, &check_in).await), (409, "invalid_code".into()));
    let fresh = printed_url(&app, &rotated, Action::CheckIn);
    assert_eq!(outcome(&scan(&app, &alice, &fresh).await), (200, "already_checked_in".into()));

    events::cancel_event(&app.state.db, &app.state.clock, 1, event.id).await.unwrap();
    assert_eq!(outcome(&scan(&app, &alice, &fresh).await), (409, "event_cancelled".into()));
    assert_eq!(app.count_rows("event_scans").await, 2);
}

#[tokio::test]
async fn pending_registrations_are_not_checked_in_and_parallel_scans_record_once() {
    let app = TestApp::spawn_with(|c| c.server.pool_size = 8).await;
    let event = published_event(&app, |e| e.needs_approval = true).await;
    let (client, user, _) = app.user_client().await;
    let row =
        registrations::register(&app.state.db, &app.state.clock, user.id, event.id).await.unwrap();
    assert_eq!(row.status, "pending");
    open_window(&app, &event);
    let check_in = printed_url(&app, &event, Action::CheckIn);
    assert_eq!(
        outcome(&scan(&app, &client, &check_in).await),
        (409, "registration_not_approved".into())
    );

    registrations::decide_registration(&app.state.db, &app.state.clock, 1, event.id, row.id, true)
        .await
        .unwrap();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (c, url, qr) = (client.clone(), app.url("/api/v1/scans"), check_in.clone());
            tokio::spawn(async move {
                let res = c.post(url).json(&json!({ "qr": qr })).send().await.unwrap();
                let body: Value = res.json().await.unwrap();
                body["outcome"].as_str().unwrap_or_default().to_owned()
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap());
    }
    assert_eq!(outcomes.iter().filter(|o| *o == "checked_in").count(), 1);
    assert_eq!(outcomes.iter().filter(|o| *o == "already_checked_in").count(), 19);
    assert_eq!(app.count_rows("event_scans").await, 1);
}

#[tokio::test]
async fn screen_only_events_take_short_lived_codes_with_one_period_of_grace() {
    let app = TestApp::spawn().await;
    let event = published_event(&app, |e| e.screen_only = true).await;
    let (client, user, _) = app.user_client().await;
    registrations::register(&app.state.db, &app.state.clock, user.id, event.id).await.unwrap();
    open_window(&app, &event);
    let printed = printed_url(&app, &event, Action::CheckIn);
    assert_eq!(outcome(&scan(&app, &client, &printed).await), (409, "screen_code_required".into()));

    let key = app.state.config.hmac_key();
    let shown_at = app.state.clock.now().timestamp();
    let token = codes::screen(&key, event.id, event.token_version, shown_at);
    app.clock.advance(Duration::seconds(60));
    assert_eq!(
        outcome(&scan(&app, &client, &token).await),
        (409, "invalid_code".into()),
        "expired"
    );
    let token =
        codes::screen(&key, event.id, event.token_version, app.state.clock.now().timestamp());
    app.clock.advance(Duration::seconds(30));
    assert_eq!(
        outcome(&scan(&app, &client, &token).await),
        (200, "checked_in".into()),
        "grace period"
    );
}

#[tokio::test]
async fn the_landing_page_says_to_use_the_mini_program() {
    let app = TestApp::spawn().await;
    let event = published_event(&app, |_| {}).await;
    let token = codes::printed(
        &app.state.config.hmac_key(),
        event.id,
        Action::CheckIn,
        event.token_version,
    );
    let res = app.client().get(app.url(&format!("/q/{token}"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(body.contains("小程序"));
    assert!(body.contains(&event.title), "a valid code names its event");
    let body =
        app.client().get(app.url("/q/1.in.1.forged")).send().await.unwrap().text().await.unwrap();
    assert!(body.contains("小程序") && !body.contains(&event.title));
    assert_eq!(app.count_rows("event_scans").await, 0, "opening the link records nothing");
}

/// The scan log is the one source of truth: a registration's check-in time mirrors it in
/// every path, and whoever has checked in keeps the place.
#[tokio::test]
async fn attendance_follows_the_scan_log_in_every_path() {
    let app = TestApp::spawn().await;
    let event = published_event(&app, |_| {}).await;
    let (alice, user, _) = app.user_client().await;
    let (db, clock) = (&app.state.db, &app.state.clock);
    // Sign up, cancel, sign up again: the same registration row is reused.
    let first = registrations::register(db, clock, user.id, event.id).await.unwrap();
    registrations::cancel_registration(db, clock, user.id, first.id).await.unwrap();
    let again = registrations::register(db, clock, user.id, event.id).await.unwrap();
    assert_eq!(again.id, first.id);
    open_window(&app, &event);
    let check_in = printed_url(&app, &event, Action::CheckIn);
    let reply = scan(&app, &alice, &check_in).await;
    assert_eq!(outcome(&reply), (200, "checked_in".into()));
    assert!(reply.1["registration"]["checked_in_at"].is_string());
    // Checked in: the place cannot be given up any more.
    let err = registrations::cancel_registration(db, clock, user.id, first.id).await.unwrap_err();
    assert_eq!(err.code(), "already_checked_in");
    assert_eq!(outcome(&scan(&app, &alice, &check_in).await), (200, "already_checked_in".into()));
    // The log and the registrations agree: one check-in, one checked-in registration.
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let marked: Count = app
        .state
        .db
        .run(|conn| {
            let sql =
                "SELECT COUNT(*) AS n FROM event_registrations WHERE checked_in_at IS NOT NULL";
            Ok(guildhall::per_backend!(conn, |c| diesel::RunQueryDsl::get_result(
                diesel::sql_query(sql),
                c
            ))?)
        })
        .await
        .unwrap();
    assert_eq!((marked.n, app.count_rows("event_scans").await), (1, 1));
}
