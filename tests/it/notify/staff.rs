//! Staff notices (e-mail for new queue items, batched) and the production start check.

use guildhall::accounts::Role;
use guildhall::app::{Application, Dependencies};
use guildhall::config::{Config, Environment};
use guildhall::notices::NoticeKind;
use guildhall::notify;

use super::{Fakes, deliver, spawn, use_fakes};
use crate::membership::applicant;
use crate::support::TestApp;

async fn queue_pass(app: &TestApp) -> usize {
    notify::staff::notify_queues(&app.state.db, &app.state.clock).await.unwrap()
}

#[tokio::test]
async fn staff_hear_of_new_queue_items_by_email_at_most_once_per_ten_minutes() {
    let fakes = Fakes::start().await;
    let (app, providers) = spawn(&fakes).await;
    let (db, clock) = (&app.state.db, &app.state.clock);
    let secretary = app.create_staff(Role::Secretary).await;
    let finance = app.create_staff(Role::Finance).await;
    notify::set_staff_email(db, clock, secretary.id, "sec@example.org").await.unwrap();
    notify::set_staff_email(db, clock, finance.id, "fin@example.org").await.unwrap();
    assert_eq!(queue_pass(&app).await, 0, "nothing waits");

    applicant(&app).await;
    assert_eq!(queue_pass(&app).await, 1);
    applicant(&app).await;
    app.clock.advance(chrono::Duration::minutes(5));
    assert_eq!(queue_pass(&app).await, 0, "batched: the last notice is 5 minutes old");
    app.clock.advance(chrono::Duration::minutes(5));
    assert_eq!(queue_pass(&app).await, 1, "10 minutes on, the new item is told");
    app.clock.advance(chrono::Duration::minutes(30));
    assert_eq!(queue_pass(&app).await, 0, "nothing new since");

    assert_eq!(deliver(&app, &providers).await, 2);
    let mails = fakes.smtp.to("sec@example.org");
    assert_eq!(mails.len(), 2);
    assert!(mails.iter().all(|m| m.contains("Subject:")), "{mails:?}");
    assert!(fakes.smtp.to("fin@example.org").is_empty(), "finance decides no applications");
    assert_eq!(app.outbox_to("sec@example.org").await.len(), 2);
}

#[tokio::test]
async fn staff_linked_to_a_user_get_the_queue_notice_in_the_mini_program() {
    let fakes = Fakes::start().await;
    let (app, providers) = spawn(&fakes).await;
    let (client, user, _) = app.user_client().await;
    let secretary = app.create_staff(Role::Secretary).await;
    app.exec(format!("UPDATE staff SET user_id = {} WHERE id = {}", user.id, secretary.id)).await;
    app.set_openid(user.id, "openid-secretary").await;
    let template = super::wechat_template(NoticeKind::QueueItems);
    let accept = serde_json::json!({"results": {template: "accept"}});
    assert_eq!(
        client
            .post(app.url("/api/v1/me/subscriptions"))
            .json(&accept)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    applicant(&app).await;
    assert_eq!(queue_pass(&app).await, 1);
    assert_eq!(deliver(&app, &providers).await, 1);
    let sent = fakes.wechat.sent.lock().clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["touser"], "openid-secretary");
    assert!(sent[0]["data"]["thing2"]["value"].as_str().unwrap().contains("会员申请"), "{sent:?}");
    app.outbox_to("openid-secretary").await;
    let inbox = crate::support::json_of(client.get(app.url("/api/v1/me/notifications"))).await;
    assert_eq!(inbox["items"][0]["kind"], "staff_queue_items");
}

fn production(fakes: &Fakes, dir: &std::path::Path) -> Config {
    let mut c = Config {
        environment: Environment::Production,
        bind: "127.0.0.1:0".into(),
        data_dir: dir.to_path_buf(),
        ..Config::default()
    };
    use_fakes(&mut c, fakes);
    c.email.provider = "none".into();
    c.log.level = "warn".into();
    c
}

fn deps() -> Dependencies {
    Dependencies { outbox_interval: None, billing_interval: None, ..Dependencies::default() }
}

#[tokio::test]
async fn production_refuses_to_start_while_a_kind_in_use_has_no_working_channel() {
    let fakes = Fakes::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = production(&fakes, dir.path());
    for kind in [NoticeKind::OrderPaid, NoticeKind::QueueItems] {
        config.notices.kinds.remove(kind.key());
    }
    let error = Application::build(config.clone(), deps()).await.err().unwrap().to_string();
    assert!(error.contains("notices.kinds.order_paid"), "{error}");
    assert!(error.contains("notices.kinds.staff_queue_items"), "{error}");
    assert!(!error.contains("application_decided"), "{error}");

    // WeChat unset: the kinds that only have a WeChat template have no channel either.
    let mut wechat_only = production(&fakes, dir.path());
    for s in wechat_only.notices.kinds.values_mut() {
        s.sms_template_id.clear();
    }
    wechat_only.wechat.app_id.clear();
    let error = Application::build(wechat_only, deps()).await.err().unwrap().to_string();
    assert!(error.contains("wechat.app_id"), "{error}");

    // Out of use, or carried by a channel, it starts.
    let mut config = production(&fakes, dir.path());
    config.notices.kinds.get_mut("order_paid").unwrap().in_use = Some(false);
    config.notices.kinds.get_mut("order_paid").unwrap().sms_template_id.clear();
    config.notices.kinds.get_mut("order_paid").unwrap().wechat_template_id.clear();
    assert!(Application::build(config, deps()).await.is_ok());
}
