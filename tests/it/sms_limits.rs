//! Rate limits of SMS codes, also under parallel requests; the Tencent provider.

use std::sync::atomic::Ordering;

use guildhall::notify::{self, Providers};
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::fakes::{FakeTencentSms, TENCENT_SECRET_ID, TENCENT_SECRET_KEY};

async fn ask(app: &TestApp, phone: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/v1/auth/sms-code"))
        .json(&json!({"phone": phone}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn one_code_per_phone_per_minute_and_ten_per_day() {
    let app = TestApp::spawn().await;
    assert_eq!(ask(&app, "13800000001").await.status(), 202);
    app.clock.advance(chrono::Duration::seconds(20));
    let res = ask(&app, "13800000001").await;
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "40");
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "rate_limited");
    for _ in 0..9 {
        app.clock.advance(chrono::Duration::seconds(61));
        assert_eq!(ask(&app, "13800000001").await.status(), 202);
    }
    app.clock.advance(chrono::Duration::seconds(61));
    let res = ask(&app, "13800000001").await;
    assert_eq!(res.status(), 429, "the eleventh code of the day");
    let wait: i64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 3600, "until the next local day: {wait}");
    app.clock.advance(chrono::Duration::seconds(wait));
    assert_eq!(ask(&app, "13800000001").await.status(), 202, "a new day");
    assert_eq!(app.outbox_to("13800000001").await.len(), 11, "ten codes, then one the next day");
}

#[tokio::test]
async fn twenty_codes_per_address_per_hour() {
    let app = TestApp::spawn().await;
    for i in 0..20 {
        assert_eq!(ask(&app, &format!("138000001{i:02}")).await.status(), 202, "phone {i}");
    }
    let res = ask(&app, "13900000000").await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    app.clock.advance(chrono::Duration::minutes(61));
    assert_eq!(ask(&app, "13900000000").await.status(), 202);
    for i in 0..20 {
        assert_eq!(app.outbox_to(&format!("138000001{i:02}")).await.len(), 1, "phone {i}");
    }
    assert_eq!(app.outbox_to("13900000000").await.len(), 1, "only the code after the hour");
}

#[tokio::test]
async fn parallel_requests_for_one_phone_send_one_code() {
    let app = TestApp::spawn().await;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let url = app.url("/api/v1/auth/sms-code");
        tasks.push(tokio::spawn(async move {
            reqwest::Client::new()
                .post(url)
                .json(&json!({"phone": "13600136000"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses.iter().filter(|s| **s == 202).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 202 || *s == 429), "{statuses:?}");
    assert_eq!(app.count_rows("outbox").await, 1);
    assert_eq!(app.outbox_to("13600136000").await[0].template, "sms_code");
}

#[tokio::test]
async fn tencent_provider_sends_signed_requests_and_retries_failures() {
    let fake = FakeTencentSms::start();
    let endpoint = fake.url.clone();
    let app = TestApp::spawn_with(move |c| {
        c.sms.provider = "tencent".into();
        c.sms.tencent.secret_id = TENCENT_SECRET_ID.into();
        c.sms.tencent.secret_key = guildhall::config::Secret::new(TENCENT_SECRET_KEY);
        c.sms.tencent.sdk_app_id = "1400000000".into();
        c.sms.tencent.sign_name = "示范商会".into();
        c.sms.tencent.code_template_id = "123456".into();
        c.sms.tencent.endpoint = endpoint;
    })
    .await;
    let providers = Providers::from_config(&app.state.config, app.state.clock.clone()).unwrap();
    assert_eq!(ask(&app, "13800138000").await.status(), 202);
    let code = app.sms_code("13800138000").await;

    fake.fail.store(true, Ordering::SeqCst);
    assert_eq!(notify::deliver_due(&app.state.db, &app.state.clock, &providers).await.unwrap(), 0);
    assert!(fake.received.lock().is_empty());

    fake.fail.store(false, Ordering::SeqCst);
    app.clock.advance(chrono::Duration::seconds(30));
    assert_eq!(notify::deliver_due(&app.state.db, &app.state.clock, &providers).await.unwrap(), 1);
    let sent = fake.received.lock()[0].clone();
    assert_eq!(sent["PhoneNumberSet"], json!(["+8613800138000"]));
    assert_eq!(sent["TemplateParamSet"], json!([code, "5"]));
    assert_eq!(
        (sent["SmsSdkAppId"].as_str(), sent["SignName"].as_str()),
        (Some("1400000000"), Some("示范商会"))
    );
    let rows = app.outbox_to("13800138000").await;
    assert_eq!(
        (rows[0].status.as_str(), rows[0].payload.as_str()),
        ("sent", "{}"),
        "the code does not linger"
    );
}
