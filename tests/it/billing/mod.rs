//! Orders: idempotent creation under parallel requests; paying (WeChat Pay against the
//! fake, offline), refunds, dues runs and expiry — on SQLite, or PostgreSQL with
//! `TEST_DATABASE_URL`.

mod dues;
mod offline_refund;
mod pay;
mod pay_races;
mod receipts;
mod reminders;

use guildhall::billing::{self, NewOrder, OrderKind};
use guildhall::kernel::audit::Actor;
use serde_json::Value;

use crate::support::TestApp;

/// Creates an unpaid event-fee order of `cents` for `user_id` (as events would).
pub async fn order_for(app: &TestApp, user_id: i64, cents: i64) -> i64 {
    let order = NewOrder {
        user_id,
        kind: OrderKind::EventFee,
        title: "活动报名费：年度会员大会".into(),
        amount_cents: cents,
        subject: None,
        period: None,
        dedupe_key: None,
    };
    let at = app.state.clock.now_naive();
    app.state
        .db
        .write(move |c| billing::create_order(c, at, Actor::System, &order))
        .await
        .unwrap()
        .id
}

/// A mini-program user with WeChat bound: (client, user id).
pub async fn payer(app: &TestApp) -> (reqwest::Client, i64) {
    let (client, user, _) = app.user_client().await;
    app.set_openid(user.id, &format!("openid-{}", user.id)).await;
    (client, user.id)
}

/// POSTs to an order action (`pay`, `cancel`, `refresh`); (status, JSON).
pub async fn order_action(
    app: &TestApp,
    client: &reqwest::Client,
    id: i64,
    action: &str,
) -> (u16, Value) {
    let res =
        client.post(app.url(&format!("/api/v1/me/orders/{id}/{action}"))).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

/// The user's view of order `id`.
pub async fn order_view(app: &TestApp, client: &reqwest::Client, id: i64) -> Value {
    crate::support::json_of(client.get(app.url(&format!("/api/v1/me/orders/{id}")))).await
}

/// The templates of the messages queued to `user_id`'s WeChat (as [`payer`] binds it),
/// sorted.
pub async fn notices(app: &TestApp, user_id: i64) -> Vec<String> {
    notices_to(app, &format!("openid-{user_id}")).await
}

/// The templates of the messages queued to `recipient`, sorted.
pub async fn notices_to(app: &TestApp, recipient: &str) -> Vec<String> {
    let mut t: Vec<String> =
        app.outbox_to(recipient).await.into_iter().map(|r| r.template).collect();
    t.sort();
    t
}

/// The manual clock's now in seconds (notification timestamps).
pub fn now_secs(app: &TestApp) -> i64 {
    app.state.clock.now().timestamp()
}

#[tokio::test]
async fn one_order_per_dedupe_key_even_in_parallel() {
    let app = TestApp::spawn().await;
    let (_, user, _) = app.user_client().await;
    let order = NewOrder {
        user_id: user.id,
        kind: OrderKind::Dues,
        title: "2026 年度会费".into(),
        amount_cents: 120_000,
        subject: None,
        period: Some("2026".into()),
        dedupe_key: Some(format!("dues:2026:user:{}", user.id)),
    };
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (db, order, at) = (app.state.db.clone(), order.clone(), app.state.clock.now_naive());
        tasks.push(tokio::spawn(async move {
            db.write(move |conn| billing::create_order(conn, at, Actor::System, &order)).await
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap().unwrap().id);
    }
    assert!(ids.iter().all(|id| *id == ids[0]), "all callers get the same order: {ids:?}");
    assert_eq!(app.count_rows("orders").await, 1);
    let orders = billing::orders_of(&app.state.db, user.id).await.unwrap();
    assert_eq!((orders[0].status.as_str(), orders[0].amount_cents), ("unpaid", 120_000));

    let bad = NewOrder { amount_cents: 0, dedupe_key: None, ..order };
    let at = app.state.clock.now_naive();
    let err = app
        .state
        .db
        .run(move |conn| billing::create_order(conn, at, Actor::System, &bad))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "validation_failed");
}

#[tokio::test]
async fn nested_write_transactions_fail_instead_of_waiting_forever() {
    let app = TestApp::spawn().await;
    let nested = app
        .state
        .db
        .run_writer(|conn, writer| {
            writer.transaction(conn, |conn| writer.transaction(conn, |_| Ok(())))
        })
        .await;
    // Refused on both backends: on SQLite it would wait for the queue this thread holds,
    // and one rule keeps code that passes on PostgreSQL from hanging on SQLite.
    assert_eq!(nested.unwrap_err().code(), "internal_error");
    // The thread is usable for the next write.
    let again = app.state.db.write(|_| Ok(())).await;
    assert!(again.is_ok());
}
