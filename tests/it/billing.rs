//! Orders: idempotent creation under parallel requests.

use guildhall::billing::{self, NewOrder, OrderKind};
use guildhall::kernel::audit::Actor;

use crate::support::TestApp;

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
