//! Mini-program sign-in: WeChat code, phone + SMS code, tokens.

use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::fakes::FakeWechat;

async fn post(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    app.post_json(path, None, body).await
}

async fn me(app: &TestApp, token: &str) -> (u16, Value) {
    let res =
        reqwest::Client::new().get(app.url("/api/v1/me")).bearer_auth(token).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn wechat_sign_in_registers_a_visitor_once() {
    let wechat = FakeWechat::start();
    let app = TestApp::spawn_with_wechat(&wechat).await;
    let (status, first) = post(&app, "/api/v1/auth/wechat", json!({"code": "code-alice"})).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["token"].as_str().unwrap().len(), 43, "256 random bits");
    assert_eq!(first["user"]["wechat_bound"], true);
    assert_eq!(first["expires_at"], "2026-12-24T06:30:00Z");
    insta::assert_json_snapshot!("wechat_sign_in_answer", first, {".token" => "[token]", ".user.id" => "[id]"});
    let (_, again) = post(&app, "/api/v1/auth/wechat", json!({"code": "code-alice"})).await;
    assert_eq!(again["user"]["id"], first["user"]["id"]);
    assert_ne!(again["token"], first["token"]);
    assert_eq!(app.count_rows("users").await, 1);

    let (_, bob) = post(&app, "/api/v1/auth/wechat", json!({"code": "union-bob"})).await;
    let (status, view) = me(&app, bob["token"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(view["membership"], Value::Null, "a visitor");
    insta::assert_json_snapshot!("me_visitor", view, {".user.id" => "[id]"});
    assert!(
        !view.to_string().contains("openid") && !view.to_string().contains("unionid"),
        "{view}"
    );
    let stored = guildhall::accounts::profile::user_with_staff(
        &app.state.db,
        bob["user"]["id"].as_i64().unwrap(),
    )
    .await
    .unwrap()
    .0;
    assert_eq!(stored.wechat_unionid.as_deref(), Some("unionid-bob"));
}

#[tokio::test]
async fn wechat_errors_are_clear_answers_and_make_no_user() {
    let wechat = FakeWechat::start();
    let app = TestApp::spawn_with_wechat(&wechat).await;
    for (code, status, error) in [
        ("bad", 400, "wechat_code_invalid"),
        ("used", 400, "wechat_code_invalid"),
        ("limited", 429, "rate_limited"),
        ("busy", 502, "upstream_unavailable"),
        ("slow", 502, "upstream_unavailable"),
        ("garbage", 502, "upstream_unavailable"),
        ("", 422, "validation_failed"),
    ] {
        let (got, body) = post(&app, "/api/v1/auth/wechat", json!({"code": code})).await;
        assert_eq!(
            (got, body["error"]["code"].as_str().unwrap()),
            (status, error),
            "code {code:?}"
        );
    }
    assert_eq!(
        wechat.calls.load(std::sync::atomic::Ordering::SeqCst),
        6,
        "an empty code never reaches WeChat"
    );
    let (got, body) = post(&app, "/api/v1/auth/wechat", json!({"cod": "x"})).await;
    assert_eq!((got, body["error"]["fields"][0]["field"].as_str()), (422, Some("code")));
    assert_eq!(app.count_rows("users").await, 0);
    assert_eq!(app.count_rows("api_tokens").await, 0);
}

#[tokio::test]
async fn wechat_unconfigured_is_a_502_not_a_500() {
    let app = TestApp::spawn().await;
    let (status, body) = post(&app, "/api/v1/auth/wechat", json!({"code": "code-x"})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (502, Some("upstream_unavailable")));
}

#[tokio::test]
async fn phone_and_sms_code_sign_in_and_the_code_works_once() {
    let app = TestApp::spawn().await;
    let (status, sent) =
        post(&app, "/api/v1/auth/sms-code", json!({"phone": "+86 138-0013-8000"})).await;
    assert_eq!(status, 202, "{sent}");
    assert_eq!((sent["expires_in"].as_i64(), sent["resend_after"].as_i64()), (Some(300), Some(60)));
    let code = app.sms_code("13800138000").await;
    assert_eq!(code.len(), 6);
    let stored: Vec<String> = app
        .state
        .db
        .run(|conn| {
            use diesel::prelude::*;
            Ok(guildhall::db::schema::sms_codes::table
                .select(guildhall::db::schema::sms_codes::code_hash)
                .load(conn)?)
        })
        .await
        .unwrap();
    assert!(!stored[0].contains(&code), "only a hash is stored");

    let (status, signed) =
        post(&app, "/api/v1/auth/sms", json!({"phone": "13800138000", "code": code})).await;
    assert_eq!(status, 200, "{signed}");
    assert_eq!(signed["user"]["phone"], "13800138000");
    let (status, body) =
        post(&app, "/api/v1/auth/sms", json!({"phone": "13800138000", "code": code})).await;
    assert_eq!(status, 422, "a code works once");
    assert_eq!(body["error"]["fields"][0]["message"], "验证码无效或已过期，请重新获取");
}

#[tokio::test]
async fn five_wrong_tries_burn_the_code() {
    let app = TestApp::spawn().await;
    post(&app, "/api/v1/auth/sms-code", json!({"phone": "13900139000"})).await;
    let code = app.sms_code("13900139000").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for attempt in 1..=5 {
        let (status, body) =
            post(&app, "/api/v1/auth/sms", json!({"phone": "13900139000", "code": wrong})).await;
        assert_eq!(status, 422);
        let expected = if attempt < 5 {
            "验证码错误"
        } else {
            "验证码错误次数过多，请重新获取"
        };
        assert_eq!(body["error"]["fields"][0]["message"], expected, "attempt {attempt}");
    }
    let (status, _) =
        post(&app, "/api/v1/auth/sms", json!({"phone": "13900139000", "code": code})).await;
    assert_eq!(status, 422, "burned");
    assert_eq!(app.count_rows("users").await, 0);
}

#[tokio::test]
async fn codes_expire_after_five_minutes() {
    let app = TestApp::spawn().await;
    post(&app, "/api/v1/auth/sms-code", json!({"phone": "13700137000"})).await;
    let code = app.sms_code("13700137000").await;
    app.clock.advance(chrono::Duration::seconds(301));
    let (status, _) =
        post(&app, "/api/v1/auth/sms", json!({"phone": "13700137000", "code": code})).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn bad_phones_and_codes_are_field_errors() {
    let app = TestApp::spawn().await;
    for phone in ["12345", "12800138000", "+1 202 555 0123", ""] {
        let (status, body) = post(&app, "/api/v1/auth/sms-code", json!({"phone": phone})).await;
        assert_eq!(
            (status, body["error"]["fields"][0]["field"].as_str()),
            (422, Some("phone")),
            "{phone}"
        );
    }
    let (status, body) =
        post(&app, "/api/v1/auth/sms", json!({"phone": "13800138000", "code": "12ab56"})).await;
    assert_eq!((status, body["error"]["fields"][0]["field"].as_str()), (422, Some("code")));
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/auth/sms-code"))
        .header("content-type", "application/json")
        .body("{\"phone\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "bad_request");
    assert_eq!(app.count_rows("sms_codes").await, 0);
    assert_eq!(app.count_rows("outbox").await, 0);
}
