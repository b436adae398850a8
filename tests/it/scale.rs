//! Two instances on one PostgreSQL database (issue 21): revocations, throttles and
//! limits reach both at once, outbox messages go out once, passes and migrations run
//! one instance at a time. PostgreSQL only: on SQLite one process owns the file.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use guildhall::accounts::Role;
use guildhall::db::{Db, DbUrl, Exclusive, IfHeld};
use guildhall::kernel::outbox::{self, Channel};
use guildhall::notify::{self, Providers, SendFuture, Sender};
use parking_lot::Mutex;
use serde_json::json;

use crate::support::{STAFF_PASSWORD, TestApp};

/// Two instances, or `None` (with a message) on SQLite.
async fn two_instances() -> Option<(TestApp, TestApp)> {
    let a = TestApp::spawn().await;
    if !a.on_postgres() {
        eprintln!("skipped: two instances need PostgreSQL (set TEST_DATABASE_URL)");
        return None;
    }
    let b = a.spawn_sibling().await;
    Some((a, b))
}

async fn me_status(app: &TestApp, token: &str) -> u16 {
    let res = reqwest::Client::new().get(app.url("/api/v1/me")).bearer_auth(token);
    res.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn a_token_revoked_on_one_instance_is_refused_by_the_other_at_once() {
    let Some((a, b)) = two_instances().await else { return };
    let (client, _, token) = a.user_client().await;
    assert_eq!(me_status(&b, &token).await, 200);
    assert_eq!(me_status(&b, &token).await, 200, "checked twice on b (a cache would hold it)");
    let res = client.post(a.url("/api/v1/auth/logout")).send().await.unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(me_status(&b, &token).await, 401, "b refuses it at once");
    assert_eq!(me_status(&a, &token).await, 401);
}

#[tokio::test]
async fn sign_in_failures_count_across_instances() {
    let Some((a, b)) = two_instances().await else { return };
    let staff = a.create_staff(Role::Admin).await;
    for (i, app) in [&a, &b, &a, &b, &a].into_iter().enumerate() {
        let res = app.sign_in(&app.client(), &staff.username, "wrong-password-1").await;
        assert_eq!(res.status(), 422, "failure {i}");
    }
    for app in [&a, &b] {
        let res = app.sign_in(&app.client(), &staff.username, STAFF_PASSWORD).await;
        assert_eq!(res.status(), 429, "five failures over both lock the account everywhere");
        assert_eq!(res.headers()["retry-after"], "900");
    }
    a.clock.advance(chrono::Duration::minutes(16));
    let res = b.sign_in(&b.client(), &staff.username, STAFF_PASSWORD).await;
    assert_eq!(res.status(), 303, "the lock ends on both");
}

async fn ask_code(app: &TestApp, phone: &str) -> u16 {
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/auth/sms-code"))
        .json(&json!({"phone": phone}))
        .send()
        .await
        .unwrap();
    res.status().as_u16()
}

#[tokio::test]
async fn the_sms_address_limit_counts_across_instances() {
    let Some((a, b)) = two_instances().await else { return };
    for i in 0..20 {
        let app = if i % 2 == 0 { &a } else { &b };
        assert_eq!(ask_code(app, &format!("138000002{i:02}")).await, 202, "phone {i}");
    }
    assert_eq!(ask_code(&a, "13900000001").await, 429, "twenty from this address over both");
    assert_eq!(ask_code(&b, "13900000001").await, 429);
    for i in 0..20 {
        assert_eq!(a.outbox_to(&format!("138000002{i:02}")).await.len(), 1);
    }
    assert!(a.outbox_to("13900000001").await.is_empty());
}

/// Records every send and yields in the middle, so both workers overlap.
#[derive(Debug, Default)]
struct CountingSender {
    sent: Mutex<HashMap<String, usize>>,
    calls: AtomicUsize,
}

impl Sender for CountingSender {
    fn send<'a>(&'a self, message: &'a outbox::OutboxRow) -> SendFuture<'a> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
            *self.sent.lock().entry(message.recipient.clone()).or_default() += 1;
            Ok(())
        })
    }
}

#[tokio::test]
async fn an_outbox_message_is_sent_exactly_once_with_both_workers_running() {
    let Some((a, b)) = two_instances().await else { return };
    let at = a.state.clock.now_naive();
    let recipients: Vec<String> = (0..60).map(|i| format!("1370000{i:04}")).collect();
    let queued = recipients.clone();
    a.state
        .db
        .write(move |conn| {
            for r in &queued {
                outbox::enqueue(conn, at, Channel::Sms, r, "test", &json!({"n": 1}))?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let sender = Arc::new(CountingSender::default());
    let providers = Providers { sms: sender.clone(), ..Providers::default() };
    for _ in 0..3 {
        let (x, y) = tokio::join!(
            notify::deliver_due(&a.state.db, &a.state.clock, &providers),
            notify::deliver_due(&b.state.db, &b.state.clock, &providers),
        );
        x.unwrap();
        y.unwrap();
    }
    let sent = sender.sent.lock().clone();
    assert_eq!(sender.calls.load(Ordering::SeqCst), 60, "no message handed over twice");
    for r in &recipients {
        assert_eq!(sent.get(r), Some(&1), "{r}");
        let rows = a.outbox_to(r).await;
        assert_eq!((rows.len(), rows[0].status.as_str()), (1, "sent"), "{r}");
    }
}

#[tokio::test]
async fn a_background_pass_runs_on_one_instance_at_a_time() {
    let Some((a, b)) = two_instances().await else { return };
    let (da, db) = (a.state.db.clone(), b.state.db.clone());
    let outer = da
        .exclusively(Exclusive::BillingPass, IfHeld::Skip, || async {
            let inner =
                db.exclusively(Exclusive::BillingPass, IfHeld::Skip, || async { Ok(()) }).await?;
            Ok(inner.is_none())
        })
        .await
        .unwrap();
    assert_eq!(outer, Some(true), "b skipped the pass while a ran it");
    let after = db.exclusively(Exclusive::BillingPass, IfHeld::Skip, || async { Ok(1) }).await;
    assert_eq!(after.unwrap(), Some(1), "the lock is released when a's pass ends");
}

#[tokio::test]
async fn instances_started_together_migrate_once() {
    let Some(fresh) = crate::support::fresh_pg() else {
        eprintln!("skipped: the migration lock is PostgreSQL's (set TEST_DATABASE_URL)");
        return;
    };
    let url = DbUrl::parse(&fresh.url).unwrap();
    let dbs: Vec<Db> = (0..3).map(|_| Db::connect(&url, 1).unwrap()).collect();
    let tasks: Vec<_> =
        dbs.into_iter().map(|db| tokio::task::spawn_blocking(move || db.migrate())).collect();
    let mut applied = Vec::new();
    for task in tasks {
        applied.push(task.await.unwrap().expect("every instance starts"));
    }
    applied.sort_unstable();
    assert_eq!(applied[..2], [0, 0], "only one instance ran the migrations: {applied:?}");
    assert!(applied[2] > 10, "{applied:?}");
}
