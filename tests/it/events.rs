//! Events over the API: listing with audience and pages, registration with capacity,
//! the FIFO waiting list, cancellation with promotion, fees, and parallel sign-ups.

use chrono::{Duration, NaiveDateTime};
use guildhall::events::{self, EventDetails, EventRow};
use serde_json::Value;

use crate::support::TestApp;

/// An event starting in six days, registration open now, published.
pub async fn published_event(app: &TestApp, tweak: impl FnOnce(&mut EventDetails)) -> EventRow {
    let now = app.state.clock.now_naive();
    let starts = now + Duration::days(6);
    let mut input = EventDetails {
        title: "年度会员大会".into(),
        cover_file_id: None,
        description_html: "<p>欢迎参加</p><script>alert(1)</script>".into(),
        place: "国际会议中心 3 楼".into(),
        starts_at: starts,
        ends_at: starts + Duration::hours(3),
        registration_opens_at: now - Duration::hours(1),
        registration_closes_at: starts - Duration::hours(1),
        capacity: 50,
        member_fee_cents: 0,
        non_member_fee_cents: 0,
        needs_approval: false,
        check_in_enabled: true,
        check_out_enabled: true,
        audience: "everyone".into(),
        checkin_opens_minutes: 120,
        screen_only: false,
    };
    tweak(&mut input);
    let (db, clock) = (&app.state.db, &app.state.clock);
    let event = events::create_event(db, clock, 1, input).await.expect("event created");
    events::publish_event(db, clock, 1, event.id).await.unwrap()
}

/// Runs raw SQL in the test database (fixtures owned by other contexts).
pub async fn exec(app: &TestApp, sql: String) {
    app.state
        .db
        .run(move |conn| {
            use diesel::RunQueryDsl as _;
            guildhall::per_backend!(conn, |c| diesel::sql_query(&sql).execute(c))?;
            Ok(())
        })
        .await
        .unwrap();
}

/// Makes `user_id` an active member (join application approved by a secretary).
pub async fn make_member(app: &TestApp, user_id: i64) {
    crate::membership::make_member(app, user_id).await;
}

async fn register(app: &TestApp, client: &reqwest::Client, event_id: i64) -> (u16, Value) {
    let res = client
        .post(app.url(&format!("/api/v1/events/{event_id}/registrations")))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

#[tokio::test]
async fn waiting_list_moves_up_on_cancellation_and_fees_create_orders() {
    let app = TestApp::spawn().await;
    let event = published_event(&app, |e| {
        e.capacity = 2;
        e.member_fee_cents = 2000;
        e.non_member_fee_cents = 5000;
    })
    .await;
    assert!(!event.description_html.contains("script"), "sanitised on save");
    let (c1, _, _) = app.user_client().await;
    let (c2, u2, _) = app.user_client().await;
    let (c3, u3, _) = app.user_client().await;
    make_member(&app, u2.id).await;
    exec(&app, format!("UPDATE users SET phone = '13800138000' WHERE id = {}", u3.id)).await;

    let (s1, r1) = register(&app, &c1, event.id).await;
    let (s2, r2) = register(&app, &c2, event.id).await;
    let (s3, r3) = register(&app, &c3, event.id).await;
    assert_eq!((s1, s2, s3), (201, 201, 201));
    assert_eq!((r1["status"].as_str(), r1["fee_cents"].as_i64()), (Some("registered"), Some(5000)));
    assert_eq!(
        (r2["status"].as_str(), r2["fee_cents"].as_i64()),
        (Some("registered"), Some(2000)),
        "member price"
    );
    assert_eq!(r3["status"], "waiting");
    assert!(r3["order_id"].is_null(), "no order while waiting");
    assert_eq!(app.count_rows("orders").await, 2);

    let (again, body) = register(&app, &c1, event.id).await;
    assert_eq!((again, body["error"]["code"].as_str()), (409, Some("already_registered")));

    // Someone else's registration is not found; one's own cancels and promotes u3.
    let r1_id = r1["id"].as_i64().unwrap();
    let res =
        c2.post(app.url(&format!("/api/v1/registrations/{r1_id}/cancel"))).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let res =
        c1.post(app.url(&format!("/api/v1/registrations/{r1_id}/cancel"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let mine: Value =
        c3.get(app.url("/api/v1/registrations")).send().await.unwrap().json().await.unwrap();
    assert_eq!(mine[0]["registration"]["status"], "registered");
    assert!(mine[0]["registration"]["order_id"].is_i64(), "promotion creates the fee order");
    assert_eq!(mine[0]["event"]["title"], "年度会员大会");
    let outbox = app.outbox_to("13800138000").await;
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].template, "event_waitlist_promoted");
    assert_eq!(app.count_rows("orders").await, 3);

    // Cancelling twice is refused; after the start nothing can be cancelled.
    let res =
        c1.post(app.url(&format!("/api/v1/registrations/{r1_id}/cancel"))).send().await.unwrap();
    assert_eq!(res.status(), 409);
    app.clock.advance(Duration::days(7));
    let r2_id = r2["id"].as_i64().unwrap();
    let res =
        c2.post(app.url(&format!("/api/v1/registrations/{r2_id}/cancel"))).send().await.unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "event_started");
}

#[tokio::test]
async fn registration_respects_window_audience_and_cancelled_events() {
    let app = TestApp::spawn().await;
    let members_only = published_event(&app, |e| e.audience = "members".into()).await;
    let (client, user, _) = app.user_client().await;
    let (status, body) = register(&app, &client, members_only.id).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("members_only")));
    make_member(&app, user.id).await;
    assert_eq!(register(&app, &client, members_only.id).await.0, 201);

    let later = published_event(&app, |e| e.registration_opens_at += Duration::days(1)).await;
    let (status, body) = register(&app, &client, later.id).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("registration_closed")));

    let cancelled = published_event(&app, |_| {}).await;
    events::cancel_event(&app.state.db, &app.state.clock, 1, cancelled.id).await.unwrap();
    let (status, body) = register(&app, &client, cancelled.id).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("event_cancelled")));

    let (status, _) = register(&app, &client, 999_999).await;
    assert_eq!(status, 404);
    assert_eq!(app.count_rows("event_registrations").await, 1, "refusals write nothing");
}

#[tokio::test]
async fn the_list_shows_published_events_the_user_may_see_in_pages() {
    let app = TestApp::spawn().await;
    for i in 0..21 {
        published_event(&app, |e| e.title = format!("活动 {i}")).await;
    }
    published_event(&app, |e| e.audience = "members".into()).await;
    let draft_input =
        EventDetails { title: "草稿".into(), ..sample_input(app.state.clock.now_naive()) };
    events::create_event(&app.state.db, &app.state.clock, 1, draft_input).await.unwrap();

    let (client, user, _) = app.user_client().await;
    let page1: Value =
        client.get(app.url("/api/v1/events")).send().await.unwrap().json().await.unwrap();
    assert_eq!((page1["total"].as_i64(), page1["pages"].as_i64()), (Some(21), Some(2)));
    assert_eq!(page1["items"].as_array().unwrap().len(), 20);
    let page2: Value =
        client.get(app.url("/api/v1/events?page=2")).send().await.unwrap().json().await.unwrap();
    assert_eq!(page2["items"].as_array().unwrap().len(), 1);
    assert!(page1["items"].as_array().unwrap().iter().all(|e| e["audience"] == "everyone"));

    make_member(&app, user.id).await;
    let member_view: Value =
        client.get(app.url("/api/v1/events")).send().await.unwrap().json().await.unwrap();
    assert_eq!(member_view["total"], 22, "members also see members-only events");

    let id = page1["items"][0]["id"].as_i64().unwrap();
    let detail: Value = client
        .get(app.url(&format!("/api/v1/events/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(detail["event"]["id"], id);
    assert!(detail["my_registration"].is_null());
    let res = app.client().get(app.url("/api/v1/events")).send().await.unwrap();
    assert_eq!(res.status(), 401, "needs a bearer token");
}

/// A valid draft input starting six days after `now`.
pub fn sample_input(now: NaiveDateTime) -> EventDetails {
    let starts = now + Duration::days(6);
    EventDetails {
        title: "沙龙".into(),
        cover_file_id: None,
        description_html: String::new(),
        place: "会议室".into(),
        starts_at: starts,
        ends_at: starts + Duration::hours(2),
        registration_opens_at: now,
        registration_closes_at: starts - Duration::hours(1),
        capacity: 10,
        member_fee_cents: 0,
        non_member_fee_cents: 0,
        needs_approval: false,
        check_in_enabled: true,
        check_out_enabled: false,
        audience: "everyone".into(),
        checkin_opens_minutes: 120,
        screen_only: false,
    }
}

#[tokio::test]
async fn two_hundred_parallel_sign_ups_fill_fifty_places_exactly() {
    let app = TestApp::spawn_with(|c| c.server.pool_size = 16).await;
    let event = published_event(&app, |e| e.capacity = 50).await;
    let mut clients = Vec::new();
    for _ in 0..200 {
        clients.push(app.user_client().await.0);
    }
    let url = app.url(&format!("/api/v1/events/{}/registrations", event.id));
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|c| {
            let url = url.clone();
            tokio::spawn(async move {
                let res = c.post(url).send().await.unwrap();
                let status = res.status().as_u16();
                let body: Value = res.json().await.unwrap();
                (status, body["status"].as_str().unwrap_or_default().to_owned())
            })
        })
        .collect();
    let mut registered = 0;
    let mut waiting = 0;
    for task in tasks {
        let (status, state) = task.await.unwrap();
        assert_eq!(status, 201);
        match state.as_str() {
            "registered" => registered += 1,
            "waiting" => waiting += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!((registered, waiting), (50, 150));
    let counts = events::event_counts(&app.state.db, event.id).await.unwrap();
    assert_eq!((counts.registered, counts.waiting), (50, 150));

    // One user, many parallel clicks: one registration.
    let (client, _, _) = app.user_client().await;
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (c, url) = (client.clone(), url.clone());
            tokio::spawn(async move { c.post(url).send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    assert_eq!(app.count_rows("event_registrations").await, 201);
}
