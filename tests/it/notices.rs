//! The member centre's notice list: every notice is kept for the user, counted unread,
//! marked read one by one or all at once, and private to its user.

use guildhall::accounts::Role;
use guildhall::events::registrations;
use serde_json::Value;

use crate::events::published_event;
use crate::support::{TestApp, json_of};

#[tokio::test]
async fn decisions_reach_the_notice_list_and_are_marked_read() {
    let app = TestApp::spawn().await;
    let event = published_event(&app, |e| e.needs_approval = true).await;
    let (alice, user, _) = app.user_client().await;
    let (bob, _, _) = app.user_client().await;
    let staff = app.create_staff(Role::Secretary).await;
    let (db, clock) = (&app.state.db, &app.state.clock);
    let reg = registrations::register(db, clock, user.id, event.id).await.unwrap();
    registrations::decide_registration(db, clock, staff.id, event.id, reg.id, true).await.unwrap();

    let list = json_of(alice.get(app.url("/api/v1/me/notifications"))).await;
    assert_eq!((list["unread"].as_i64(), list["total"].as_i64()), (Some(1), Some(1)));
    let notice = &list["items"][0];
    assert_eq!(notice["kind"], "event_registration_decided");
    assert_eq!(notice["title"], "活动报名审核结果");
    assert_eq!(notice["read"], false);
    let body = notice["body"].as_str().unwrap();
    assert!(body.contains(&event.title) && body.contains("已报名"), "{body}");
    let id = notice["id"].as_i64().unwrap();

    // Another user sees nothing of it and cannot touch it.
    let theirs = json_of(bob.get(app.url("/api/v1/me/notifications"))).await;
    assert_eq!(
        (theirs["total"].as_i64(), theirs["items"].as_array().map(Vec::len)),
        (Some(0), Some(0))
    );
    let res =
        bob.post(app.url(&format!("/api/v1/me/notifications/{id}/read"))).send().await.unwrap();
    assert_eq!(res.status(), 404);

    let read = json_of(alice.post(app.url(&format!("/api/v1/me/notifications/{id}/read")))).await;
    assert_eq!(read["unread"], 0);
    let again = json_of(alice.post(app.url(&format!("/api/v1/me/notifications/{id}/read")))).await;
    assert_eq!(again["unread"], 0, "reading twice is harmless");
    let list = json_of(alice.get(app.url("/api/v1/me/notifications"))).await;
    assert_eq!(
        (list["unread"].as_i64(), list["items"][0]["read"].as_bool()),
        (Some(0), Some(true))
    );
}

#[tokio::test]
async fn read_all_clears_the_badge_and_pages_hold_twenty() {
    let app = TestApp::spawn().await;
    let (alice, user, _) = app.user_client().await;
    let at = app.state.clock.now_naive();
    let user_id = user.id;
    app.state
        .db
        .write(move |conn| {
            for n in 0..25 {
                let notice = guildhall::notices::Notice {
                    kind: guildhall::notices::NoticeKind::WaitlistPromoted,
                    body: format!("第 {n} 条"),
                    payload: serde_json::json!({}),
                };
                guildhall::notices::send(conn, at, user_id, &notice)?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let first: Value = json_of(alice.get(app.url("/api/v1/me/notifications"))).await;
    assert_eq!((first["unread"].as_i64(), first["pages"].as_i64()), (Some(25), Some(2)));
    assert_eq!(first["items"].as_array().map(Vec::len), Some(20));
    assert_eq!(first["items"][0]["body"], "第 24 条", "newest first");
    let second = json_of(alice.get(app.url("/api/v1/me/notifications?page=2"))).await;
    assert_eq!(second["items"].as_array().map(Vec::len), Some(5));
    let res = json_of(alice.post(app.url("/api/v1/me/notifications/read-all"))).await;
    assert_eq!(res["unread"], 0);
    let after = json_of(alice.get(app.url("/api/v1/me/notifications"))).await;
    assert_eq!(after["unread"], 0);
    let anonymous = reqwest::Client::new().get(app.url("/api/v1/me/notifications")).send().await;
    assert_eq!(anonymous.unwrap().status(), 401);
}
