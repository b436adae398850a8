//! Dues: a period's orders for every member (twice and in parallel: one order each,
//! sharing the key of the join-approval order), paid-until, expiry after the grace
//! period, reactivation on payment, reminders at most once per step.

use chrono::TimeZone as _;
use guildhall::accounts::Role;
use guildhall::billing::dues;

use super::{notices, notices_to, payer};
use crate::membership::{applicant, approve, post_form};
use crate::support::TestApp;

/// The membership as the member sees it (a fresh token: the clock moves past expiry).
async fn member_status(app: &TestApp, user_id: i64) -> serde_json::Value {
    let client = app.client_of(user_id).await;
    crate::support::json_of(client.get(app.url("/api/v1/me"))).await["membership"].clone()
}

#[tokio::test]
async fn dues_runs_make_one_order_per_member_and_period_even_in_parallel() {
    let app = TestApp::spawn().await;
    let (secretary, _) = app.staff_client(Role::Secretary).await;
    // One member whose approval made this year's order, three without.
    let (_, first, application) = applicant(&app).await;
    assert_eq!(approve(&app, &secretary, application, true).await.status(), 303);
    for _ in 0..3 {
        let (_, user) = payer(&app).await;
        crate::membership::make_member(&app, user).await;
        assert_eq!(notices(&app, user).await, ["application_decided"]);
    }
    assert_eq!(app.count_rows("orders").await, 1);

    let (finance, _) = app.staff_client(Role::Finance).await;
    let html = finance
        .get(app.url("/admin/dues?on=2026-06-01"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("将新生成 <strong>3</strong> 笔订单"), "preview: {html}");

    let on = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let (db, clock) = (app.state.db.clone(), app.state.clock.clone());
        tasks.push(tokio::spawn(async move { dues::run_dues(&db, &clock, 1, on).await }));
    }
    let mut created = 0;
    for t in tasks {
        created += t.await.unwrap().unwrap().created;
    }
    assert_eq!(created, 3, "parallel runs create each order once");
    let res = post_form(&app, &finance, "/admin/dues/run", &[("on", "2026-06-01")]).await;
    assert_eq!(res.status(), 303, "and a second run through the workbench adds nothing");
    assert_eq!(app.count_rows("orders").await, 4);
    let orders = guildhall::billing::orders_of(&app.state.db, first).await.unwrap();
    assert_eq!((orders.len(), orders[0].period.as_deref()), (1, Some("2026")));
}

#[tokio::test]
async fn unpaid_dues_expire_membership_and_paying_reactivates_it() {
    let app = TestApp::spawn().await;
    let (secretary, _) = app.staff_client(Role::Secretary).await;
    let (_, user_id, application) = applicant(&app).await;
    app.set_openid(user_id, "openid-member").await;
    assert_eq!(approve(&app, &secretary, application, true).await.status(), 303);
    let order = guildhall::billing::orders_of(&app.state.db, user_id).await.unwrap().remove(0);
    assert_eq!(member_status(&app, user_id).await["status"], "active");

    // Due 2026-11-24, grace 30 days: a reminder a week later, one more a week before
    // the end, then expiry; passes in between change nothing.
    let at = |m: u32, d: u32| chrono::Utc.with_ymd_and_hms(2026, m, d, 2, 0, 0).unwrap();
    app.clock.set(at(12, 2));
    assert_eq!(app.billing_pass().await.1.reminders, 1, "overdue");
    assert_eq!(app.billing_pass().await.1.reminders, 0, "at most once per step");
    app.clock.set(at(12, 20));
    assert_eq!(app.billing_pass().await.1.reminders, 1, "final");
    app.billing_pass().await;
    let outbox = app.count_rows("outbox").await;
    app.clock.set(chrono::Utc.with_ymd_and_hms(2026, 12, 26, 2, 0, 0).unwrap());
    let (_, daily) = app.billing_pass().await;
    assert_eq!((daily.expired, daily.reminders), (1, 0));
    assert_eq!(app.billing_pass().await.1.expired, 0);
    assert_eq!(app.count_rows("outbox").await, outbox + 1, "one expiry notice");
    assert_eq!(member_status(&app, user_id).await["status"], "expired");

    let (finance, _) = app.staff_client(Role::Finance).await;
    let path = format!("/admin/orders/{}/offline-payment", order.id);
    let fields = [
        ("amount", "5000"),
        ("paid_on", "2026-12-26"),
        ("payer", "会员本人"),
        ("reference", "CASH-1"),
    ];
    let amount = format!("{}", order.amount_cents / 100);
    let mut form = fields.to_vec();
    form[0] = ("amount", &amount);
    let res = post_form(&app, &finance, &path, &form).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    assert_eq!(member_status(&app, user_id).await["status"], "active", "reactivated");
    let paid_until: Option<chrono::NaiveDate> = app
        .state
        .db
        .run(move |conn| {
            Ok(guildhall::membership::dues::member(conn, order.subject_id.unwrap())?
                .unwrap()
                .paid_until)
        })
        .await
        .unwrap();
    assert_eq!(paid_until, chrono::NaiveDate::from_ymd_opt(2026, 12, 31));
    assert_eq!(app.billing_pass().await.1, Default::default(), "nothing more to do");
    let expected = [
        "application_decided",
        "dues_reminder",
        "dues_reminder",
        "membership_expired",
        "order_paid",
    ];
    assert_eq!(notices_to(&app, "openid-member").await, expected);
}
