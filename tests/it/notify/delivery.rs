//! Every notice kind reaches users through the fakes: WeChat with a grant (spent), SMS
//! when there is none or WeChat answers 43101, e-mail to an address, always in-app.

use std::sync::atomic::Ordering;

use guildhall::notices::{self, Notice, NoticeKind};
use serde_json::{Value, json};

use super::{Fakes, deliver, sms_template, spawn, wechat_template};
use crate::support::{TestApp, json_of};

async fn send_all(app: &TestApp, user_id: i64) {
    let at = app.state.clock.now_naive();
    app.state
        .db
        .write(move |conn| {
            for kind in NoticeKind::ALL {
                let notice = Notice {
                    kind,
                    body: format!("{}：测试", kind.title()),
                    payload: json!({"amount": "¥50.00"}),
                };
                notices::send(conn, at, user_id, &notice)?;
            }
            Ok(())
        })
        .await
        .unwrap();
}

fn accept_all() -> Value {
    let results: serde_json::Map<String, Value> =
        NoticeKind::ALL.iter().map(|k| (wechat_template(*k), json!("accept"))).collect();
    json!({"results": results})
}

#[tokio::test]
async fn every_kind_reaches_users_through_wechat_sms_email_and_in_app() {
    let fakes = Fakes::start().await;
    let (app, providers) = spawn(&fakes).await;
    let all = NoticeKind::ALL.len();

    // Alice: WeChat with one grant per template, phone and e-mail.
    let (alice, a, _) = app.user_client().await;
    app.set_openid(a.id, "openid-alice").await;
    app.exec(format!(
        "UPDATE users SET phone = '13800000001', email = 'alice@example.org' WHERE id = {}",
        a.id
    ))
    .await;
    let subs = json_of(alice.post(app.url("/api/v1/me/subscriptions")).json(&accept_all())).await;
    let items = subs["items"].as_array().unwrap();
    assert_eq!(items.len(), all - 1, "staff notices are not offered: {subs}");
    assert!(items.iter().all(|i| i["grants"] == 1 && i["status"] == "accept"), "{subs}");

    // Bob: phone only. Carol: WeChat without grants, and a phone.
    let (_, b, _) = app.user_client().await;
    app.exec(format!("UPDATE users SET phone = '13800000002' WHERE id = {}", b.id)).await;
    let (_, c, _) = app.user_client().await;
    app.set_openid(c.id, "openid-carol").await;
    app.exec(format!("UPDATE users SET phone = '13800000003' WHERE id = {}", c.id)).await;

    for id in [a.id, b.id, c.id] {
        send_all(&app, id).await;
    }
    assert_eq!(deliver(&app, &providers).await, all * 2 + all * 2);

    // Alice: every kind on WeChat (grant spent), every kind by e-mail, none by SMS.
    let wechat = fakes.wechat.sent.lock().clone();
    assert_eq!(wechat.len(), all);
    for kind in NoticeKind::ALL {
        let m = wechat.iter().find(|m| m["template_id"] == wechat_template(kind)).unwrap();
        assert_eq!(m["touser"], "openid-alice");
        assert_eq!(m["data"]["thing1"]["value"], kind.title());
    }
    assert_eq!(fakes.wechat.token_calls.load(Ordering::SeqCst), 1, "one token for all");
    let subs = json_of(alice.get(app.url("/api/v1/me/subscriptions"))).await;
    assert!(subs["items"].as_array().unwrap().iter().all(|i| i["grants"] == 0), "{subs}");
    let mails = fakes.smtp.to("alice@example.org");
    assert_eq!(mails.len(), all);
    assert!(mails.iter().any(|m| m.contains("Subject:")), "{mails:?}");

    // Bob and Carol: every kind by SMS with the kind's template and parameters.
    let sms = fakes.sms.received.lock().clone();
    for phone in ["+8613800000002", "+8613800000003"] {
        let mine: Vec<_> = sms.iter().filter(|s| s["PhoneNumberSet"][0] == phone).collect();
        assert_eq!(mine.len(), all, "{phone}");
        let paid = mine.iter().find(|s| s["TemplateId"] == sms_template(NoticeKind::OrderPaid));
        assert_eq!(paid.unwrap()["TemplateParamSet"], json!(["缴费成功", "缴费成功：测试"]));
    }
    for (phone, n) in [("13800000001", 0), ("13800000002", all), ("13800000003", all)] {
        let rows = app.outbox_to(phone).await;
        assert_eq!(rows.len(), n, "{phone}");
        assert!(rows.iter().all(|r| r.status == "sent" && r.payload == "{}"));
    }
    app.outbox_to("openid-alice").await;
    app.outbox_to("alice@example.org").await;

    // In-app: everything, for everyone.
    let inbox = json_of(alice.get(app.url("/api/v1/me/notifications"))).await;
    assert_eq!(inbox["total"].as_u64(), Some(all as u64));
}

#[tokio::test]
async fn wechat_43101_falls_back_to_sms_once_and_kinds_without_sms_worth_stay_in_app() {
    let fakes = Fakes::start().await;
    let (app, providers) = spawn(&fakes).await;
    // Order paid: both templates, but an SMS is not worth it.
    let admin = app.create_staff(guildhall::accounts::Role::Admin).await;
    let no_sms = guildhall::notices::catalog::KindSettings {
        wechat_template_id: wechat_template(NoticeKind::OrderPaid),
        sms_template_id: sms_template(NoticeKind::OrderPaid),
        sms_fallback: Some(false),
        ..Default::default()
    };
    let (db, clock) = (&app.state.db, &app.state.clock);
    notices::update_kind(db, clock, admin.id, NoticeKind::OrderPaid, Some(no_sms)).await.unwrap();
    let (client, u, _) = app.user_client().await;
    app.set_openid(u.id, "openid-dave").await;
    app.exec(format!("UPDATE users SET phone = '13800000004' WHERE id = {}", u.id)).await;
    let body = json!({"results": {
        wechat_template(NoticeKind::ApplicationDecided): "accept",
        wechat_template(NoticeKind::EventChanged): "ban",
    }});
    assert_eq!(
        client.post(app.url("/api/v1/me/subscriptions")).json(&body).send().await.unwrap().status(),
        200
    );
    fakes.wechat.no_grant.lock().insert("openid-dave".into());

    let at = app.state.clock.now_naive();
    let id = u.id;
    app.state
        .db
        .write(move |conn| {
            for kind in [NoticeKind::ApplicationDecided, NoticeKind::EventChanged] {
                let notice =
                    Notice { kind, body: "您的入会申请已通过".into(), payload: json!({}) };
                notices::send(conn, at, id, &notice)?;
            }
            Ok(())
        })
        .await
        .unwrap();
    // One WeChat message (the accepted template), one SMS at once (banned template).
    let queued = app.outbox_to("openid-dave").await;
    assert_eq!(queued.len(), 1);
    assert_eq!(deliver(&app, &providers).await, 1, "the SMS of the banned template");
    let wechat = app.outbox_to("openid-dave").await.remove(0);
    assert_eq!(wechat.status, "failed");
    assert!(wechat.last_error.as_deref().unwrap().contains("43101"), "{:?}", wechat.last_error);
    assert_eq!(wechat.payload, "{}", "given up: only the reason stays");
    // The fallback SMS was queued in the same step and goes out next, once.
    assert_eq!(deliver(&app, &providers).await, 1);
    assert_eq!(deliver(&app, &providers).await, 0);
    let sms = app.outbox_to("13800000004").await;
    assert_eq!(sms.len(), 2);
    assert!(sms.iter().all(|r| r.status == "sent" && r.template != "sms_code"));
    assert!(fakes.wechat.sent.lock().is_empty());
    // The outbox page shows the refused message with WeChat's answer.
    let (admin, _) = app.staff_client(guildhall::accounts::Role::Admin).await;
    let page = admin.get(app.url("/admin/outbox?status=failed")).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains("43101") && html.contains("申请审核结果"), "{html}");
    let subs = json_of(client.get(app.url("/api/v1/me/subscriptions"))).await;
    let decided = subs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "application_decided")
        .cloned();
    assert_eq!(decided.unwrap()["grants"], 0, "43101 drops the counted grants");

    // A kind whose SMS is not worth it (order_paid, defaults) without a grant: in-app only.
    app.state
        .db
        .write(move |conn| {
            let notice =
                Notice {
                    kind: NoticeKind::OrderPaid, body: "已缴费".into(), payload: json!({})
                };
            notices::send(conn, at, id, &notice)
        })
        .await
        .unwrap();
    assert_eq!(app.outbox_to("openid-dave").await.len(), 1);
    assert_eq!(app.outbox_to("13800000004").await.len(), 2);
    let inbox = json_of(client.get(app.url("/api/v1/me/notifications"))).await;
    assert_eq!(inbox["total"], 3);
}

#[tokio::test]
async fn the_access_token_is_cached_refreshed_early_and_after_wechat_drops_it() {
    let fakes = Fakes::start().await;
    let (app, providers) = spawn(&fakes).await;
    let (client, u, _) = app.user_client().await;
    app.set_openid(u.id, "openid-erin").await;
    let kind = NoticeKind::SurveyReminder;
    let accept = json!({"results": {wechat_template(kind): "accept"}});
    for _ in 0..5 {
        client.post(app.url("/api/v1/me/subscriptions")).json(&accept).send().await.unwrap();
    }
    let send = || async {
        let at = app.state.clock.now_naive();
        let id = u.id;
        app.state
            .db
            .write(move |conn| {
                let notice = Notice { kind, body: "请填写问卷".into(), payload: json!({}) };
                notices::send(conn, at, id, &notice)
            })
            .await
            .unwrap();
    };
    send().await;
    send().await;
    assert_eq!(deliver(&app, &providers).await, 2);
    assert_eq!(fakes.wechat.token_calls.load(Ordering::SeqCst), 1);

    // Still fresh 6,899 s later; refreshed 5 minutes before WeChat's 7,200 s.
    app.clock.advance(chrono::Duration::seconds(6899));
    send().await;
    deliver(&app, &providers).await;
    assert_eq!(fakes.wechat.token_calls.load(Ordering::SeqCst), 1);
    app.clock.advance(chrono::Duration::seconds(2));
    send().await;
    deliver(&app, &providers).await;
    assert_eq!(fakes.wechat.token_calls.load(Ordering::SeqCst), 2);

    // Someone else fetched a token (ours is dead: 42001): retried with a new one.
    reqwest::get(format!(
        "{}/cgi-bin/token?grant_type=client_credential&appid={}&secret={}",
        fakes.wechat.url,
        crate::support::fakes::WECHAT_APP_ID,
        crate::support::fakes::WECHAT_SECRET
    ))
    .await
    .unwrap();
    send().await;
    assert_eq!(deliver(&app, &providers).await, 0);
    let waiting = app.outbox_to("openid-erin").await.remove(0);
    assert_eq!((waiting.status.as_str(), waiting.attempts), ("pending", 1));
    assert_ne!(waiting.payload, "{}", "a failed message keeps its payload until given up");
    app.clock.advance(chrono::Duration::seconds(30));
    assert_eq!(deliver(&app, &providers).await, 1);
    assert_eq!(fakes.wechat.token_calls.load(Ordering::SeqCst), 4);
    assert_eq!(fakes.wechat.sent.lock().len(), 5);
}

#[tokio::test]
async fn subscription_reports_are_checked_and_nothing_is_saved_on_error() {
    let fakes = Fakes::start().await;
    let (app, _) = spawn(&fakes).await;
    let (client, _, _) = app.user_client().await;
    let ok = wechat_template(NoticeKind::OrderPaid);
    for body in [
        json!({"results": {ok.clone(): "accept", "not-ours": "accept"}}),
        json!({"results": {ok.clone(): "maybe"}}),
        json!({"results": {}}),
        json!({"results": "accept"}),
    ] {
        let res =
            client.post(app.url("/api/v1/me/subscriptions")).json(&body).send().await.unwrap();
        assert!(res.status().is_client_error(), "{body}: {}", res.status());
    }
    assert_eq!(app.count_rows("wechat_subscriptions").await, 0);
    let filtered = json!({"results": {ok.clone(): "filter"}});
    let subs = json_of(client.post(app.url("/api/v1/me/subscriptions")).json(&filtered)).await;
    assert!(
        subs["items"].as_array().unwrap().iter().all(|i| i["grants"] == 0 && i["status"] == "")
    );
    let anonymous = reqwest::Client::new().get(app.url("/api/v1/me/subscriptions")).send().await;
    assert_eq!(anonymous.unwrap().status(), 401);
}
