//! The outbox worker: delivery, retries with back-off, giving up, never twice.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use guildhall::kernel::outbox::{self, Channel};
use guildhall::notify::{self, Providers, SendFuture, Sender};

use crate::support::TestApp;

/// Fails the first `failures` sends, then succeeds; counts every call.
#[derive(Debug, Default)]
struct FlakySender {
    failures: usize,
    calls: AtomicUsize,
}

impl Sender for FlakySender {
    fn send<'a>(&'a self, _message: &'a outbox::OutboxRow) -> SendFuture<'a> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            if n < self.failures { Err("provider down".into()) } else { Ok(()) }
        })
    }
}

async fn enqueue(app: &TestApp, recipient: &'static str) {
    let at = app.state.clock.now_naive();
    app.state
        .db
        .run(move |conn| {
            outbox::enqueue(conn, at, Channel::Sms, recipient, "test", &serde_json::json!({"n": 1}))
        })
        .await
        .unwrap();
}

async fn rows(app: &TestApp, recipient: &'static str) -> Vec<outbox::OutboxRow> {
    app.outbox_to(recipient).await
}

#[tokio::test]
async fn failed_deliveries_are_retried_with_backoff_then_sent_once() {
    let app = TestApp::spawn().await;
    let sender = Arc::new(FlakySender { failures: 2, ..FlakySender::default() });
    let providers = Providers { sms: sender.clone(), ..Providers::default() };
    enqueue(&app, "13800000001").await;

    assert_eq!(notify::deliver_due(&app.state.db, &app.state.clock, &providers).await.unwrap(), 0);
    let row = &rows(&app, "13800000001").await[0];
    assert_eq!((row.status.as_str(), row.attempts), ("pending", 1));
    assert_eq!(row.next_attempt_at - app.state.clock.now_naive(), chrono::Duration::seconds(30));
    assert_eq!(row.last_error.as_deref(), Some("provider down"));

    // Not due yet: nothing is tried.
    notify::deliver_due(&app.state.db, &app.state.clock, &providers).await.unwrap();
    assert_eq!(sender.calls.load(Ordering::SeqCst), 1);

    app.clock.advance(chrono::Duration::seconds(30));
    notify::deliver_due(&app.state.db, &app.state.clock, &providers).await.unwrap();
    app.clock.advance(chrono::Duration::seconds(60));
    assert_eq!(notify::deliver_due(&app.state.db, &app.state.clock, &providers).await.unwrap(), 1);
    let row = &rows(&app, "13800000001").await[0];
    assert_eq!((row.status.as_str(), row.attempts), ("sent", 3));

    app.clock.advance(chrono::Duration::hours(2));
    notify::deliver_due(&app.state.db, &app.state.clock, &providers).await.unwrap();
    assert_eq!(sender.calls.load(Ordering::SeqCst), 3, "never sent twice");
}

#[tokio::test]
async fn messages_fail_for_good_after_the_last_attempt() {
    let app = TestApp::spawn().await;
    let sender = Arc::new(FlakySender { failures: usize::MAX, ..FlakySender::default() });
    let providers = Providers { sms: sender.clone(), ..Providers::default() };
    enqueue(&app, "13800000002").await;
    for _ in 0..notify::MAX_ATTEMPTS + 2 {
        notify::deliver_due(&app.state.db, &app.state.clock, &providers).await.unwrap();
        app.clock.advance(chrono::Duration::hours(1));
    }
    let row = &rows(&app, "13800000002").await[0];
    assert_eq!((row.status.as_str(), row.attempts), ("failed", notify::MAX_ATTEMPTS));
    assert_eq!(sender.calls.load(Ordering::SeqCst), usize::try_from(notify::MAX_ATTEMPTS).unwrap());
}

/// A channel without a real provider never pretends: its messages end as `unsent`, with
/// the reason, and nothing counts them as delivered.
#[tokio::test]
async fn channels_without_a_provider_mark_messages_not_sent() {
    let app = TestApp::spawn().await;
    let at = app.state.clock.now_naive();
    app.state
        .db
        .run(move |conn| {
            let payload = serde_json::json!({"body": "x"});
            outbox::enqueue(conn, at, Channel::Wechat, "openid-1", "test", &payload)?;
            outbox::enqueue(conn, at, Channel::Sms, "13800000003", "test", &payload)
        })
        .await
        .unwrap();
    let providers = Providers::from_config(&app.state.config, app.state.clock.clone()).unwrap();
    assert_eq!(notify::deliver_due(&app.state.db, &app.state.clock, &providers).await.unwrap(), 0);
    for recipient in ["openid-1", "13800000003"] {
        let row = &rows_of(&app, recipient).await[0];
        assert_eq!(row.status, "unsent", "{recipient}");
        assert!(
            row.last_error.as_deref().is_some_and(|e| e.contains("未")),
            "{:?}",
            row.last_error
        );
        assert_eq!(row.payload, "{}", "nothing kept of what was not sent");
        assert!(row.sent_at.is_none());
    }
}

async fn rows_of(app: &TestApp, recipient: &str) -> Vec<outbox::OutboxRow> {
    app.outbox_to(recipient).await
}

/// Admins see failing messages with the reason, masked, and send one at once instead of
/// waiting out the back-off; a message given up keeps nothing to resend.
#[tokio::test]
async fn admins_see_failing_messages_and_retry_them_at_once() {
    use guildhall::accounts::Role;

    let app = TestApp::spawn().await;
    let at = app.state.clock.now_naive();
    app.state
        .db
        .run(move |conn| {
            let code = serde_json::json!({"code": "123456"});
            outbox::enqueue(conn, at, Channel::Sms, "13912345678", "sms_code", &code)
        })
        .await
        .unwrap();
    let down = Arc::new(FlakySender { failures: usize::MAX, ..FlakySender::default() });
    let providers = Providers { sms: down, ..Providers::default() };
    // The code's message fails for good; then a notice fails once and waits.
    for _ in 0..notify::MAX_ATTEMPTS {
        notify::deliver_due(&app.state.db, &app.state.clock, &providers).await.unwrap();
        app.clock.advance(chrono::Duration::hours(1));
    }
    let now = app.state.clock.now_naive();
    app.state
        .db
        .run(move |conn| {
            let notice = serde_json::json!({"body": "「活动报名费」已缴费 ¥50.00"});
            outbox::enqueue(conn, now, Channel::Sms, "13712345678", "order_paid", &notice)
        })
        .await
        .unwrap();
    notify::deliver_due(&app.state.db, &app.state.clock, &providers).await.unwrap();

    let (secretary, _) = app.staff_client(Role::Secretary).await;
    assert_eq!(secretary.get(app.url("/admin/outbox")).send().await.unwrap().status(), 403);
    let (admin, _) = app.staff_client(Role::Admin).await;
    let html = admin.get(app.url("/admin/outbox")).send().await.unwrap().text().await.unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let rows: Vec<_> = doc.select(&sel("#outbox tbody tr[data-id]")).collect();
    assert_eq!(rows.len(), 2, "{html}");
    let text: String = rows.iter().flat_map(|r| r.text()).collect();
    assert!(text.contains("137****5678") && !text.contains("13712345678"), "{text}");
    assert!(text.contains("缴费成功") && text.contains("provider down"), "{text}");
    let buttons: Vec<_> = doc.select(&sel("#outbox form[action$='/retry']")).collect();
    assert_eq!(buttons.len(), 1, "only the message waiting after a failure");

    let given_up = app.outbox_to("13912345678").await.remove(0);
    assert_eq!((given_up.status.as_str(), given_up.payload.as_str()), ("failed", "{}"));
    let token = app.csrf_token(&admin, "/admin/outbox").await;
    let retry = |id: i64| app.url(&format!("/admin/outbox/{id}/retry"));
    assert_eq!(crate::support::post_csrf(&admin, &retry(given_up.id), &token).await, 409);

    let waiting = app.outbox_to("13712345678").await.remove(0);
    assert_eq!((waiting.status.as_str(), waiting.attempts), ("pending", 1));
    assert_eq!(crate::support::post_csrf(&admin, &retry(waiting.id), &token).await, 303);
    assert_eq!(crate::support::post_csrf(&admin, &retry(waiting.id), &token).await, 409, "once");
    let up = Arc::new(FlakySender::default());
    let providers = Providers { sms: up.clone(), ..Providers::default() };
    assert_eq!(notify::deliver_due(&app.state.db, &app.state.clock, &providers).await.unwrap(), 1);
    let sent = app.outbox_to("13712345678").await.remove(0);
    assert_eq!((sent.status.as_str(), sent.attempts), ("sent", 2));
}
