//! A user gives an e-mail address for notices: a code is mailed (through the fake SMTP
//! server), the address is theirs only once the code comes back; wrong, burned and
//! expired codes; removing it stops the mail; without a mail provider nothing pretends.

use guildhall::notices::{self, Notice, NoticeKind};
use serde_json::{Value, json};

use super::{Fakes, deliver, spawn};
use crate::support::{TestApp, json_of};

async fn post(app: &TestApp, client: &reqwest::Client, path: &str, body: Value) -> (u16, Value) {
    let res = client.post(app.url(path)).json(&body).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

/// The code in the (still pending) code message to `address`.
async fn mailed_code(app: &TestApp, address: &str) -> String {
    let rows = app.outbox_to(address).await;
    let row = rows.iter().rev().find(|r| r.template == "email_code").expect("a code message");
    let body = serde_json::from_str::<Value>(&row.payload).unwrap()["body"].clone();
    let text = body.as_str().unwrap().to_owned();
    let start = text.find("验证码：").unwrap() + "验证码：".len();
    text[start..start + 6].to_owned()
}

async fn notify(app: &TestApp, user_id: i64) {
    let at = app.state.clock.now_naive();
    let notice =
        Notice { kind: NoticeKind::OrderPaid, body: "缴费成功".into(), payload: json!({}) };
    app.state.db.write(move |c| notices::send(c, at, user_id, &notice)).await.unwrap();
}

#[tokio::test]
async fn an_address_is_kept_only_after_its_mailed_code_comes_back() {
    let fakes = Fakes::start().await;
    let (app, providers) = spawn(&fakes).await;
    let (client, user, _) = app.user_client().await;

    let (status, body) =
        post(&app, &client, "/api/v1/me/email", json!({"email": "no-at-sign"})).await;
    assert_eq!((status, body["error"]["fields"][0]["field"].as_str()), (422, Some("email")));
    assert_eq!(app.count_rows("email_verifications").await, 0);

    let (status, sent) =
        post(&app, &client, "/api/v1/me/email", json!({"email": " Li.Ming@Example.ORG "})).await;
    assert_eq!(status, 202, "{sent}");
    assert_eq!(sent["email"], "li.ming@example.org");
    let (status, _) =
        post(&app, &client, "/api/v1/me/email", json!({"email": "li.ming@example.org"})).await;
    assert_eq!(status, 429, "one code a minute");
    let code = mailed_code(&app, "li.ming@example.org").await;
    assert_eq!(deliver(&app, &providers).await, 1);
    let mails = fakes.smtp.to("li.ming@example.org");
    assert_eq!(mails.len(), 1, "the code went out by e-mail");
    let me = json_of(client.get(app.url("/api/v1/me"))).await;
    assert_eq!(me["user"]["email"], Value::Null, "not before the code comes back");

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, _) = post(&app, &client, "/api/v1/me/email/confirm", json!({"code": wrong})).await;
    assert_eq!(status, 422);
    let (status, me) = post(&app, &client, "/api/v1/me/email/confirm", json!({"code": code})).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["user"]["email"], "li.ming@example.org");
    let (status, _) = post(&app, &client, "/api/v1/me/email/confirm", json!({"code": code})).await;
    assert_eq!(status, 422, "a code works once");

    // Notices now go to the address too, until it is removed.
    notify(&app, user.id).await;
    deliver(&app, &providers).await;
    assert_eq!(fakes.smtp.to("li.ming@example.org").len(), 2);
    let res = client.delete(app.url("/api/v1/me/email")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["user"]["email"], Value::Null);
    notify(&app, user.id).await;
    deliver(&app, &providers).await;
    assert_eq!(fakes.smtp.to("li.ming@example.org").len(), 2, "no mail after removal");
}

#[tokio::test]
async fn codes_burn_after_five_wrong_tries_and_expire_after_thirty_minutes() {
    let fakes = Fakes::start().await;
    let (app, _providers) = spawn(&fakes).await;
    let (client, _, _) = app.user_client().await;
    let address = json!({"email": "wang@example.org"});

    assert_eq!(post(&app, &client, "/api/v1/me/email", address.clone()).await.0, 202);
    let code = mailed_code(&app, "wang@example.org").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let (status, _) =
            post(&app, &client, "/api/v1/me/email/confirm", json!({"code": wrong})).await;
        assert_eq!(status, 422);
    }
    let (status, _) = post(&app, &client, "/api/v1/me/email/confirm", json!({"code": code})).await;
    assert_eq!(status, 422, "burned: the right code no longer works");

    app.clock.advance(chrono::Duration::seconds(61));
    assert_eq!(post(&app, &client, "/api/v1/me/email", address).await.0, 202);
    let code = mailed_code(&app, "wang@example.org").await;
    app.clock.advance(chrono::Duration::minutes(31));
    let (status, _) = post(&app, &client, "/api/v1/me/email/confirm", json!({"code": code})).await;
    assert_eq!(status, 422, "expired");
    let me = json_of(client.get(app.url("/api/v1/me"))).await;
    assert_eq!(me["user"]["email"], Value::Null);
}

#[tokio::test]
async fn without_a_mail_provider_no_code_is_promised() {
    let app = TestApp::spawn().await;
    let (client, _, _) = app.user_client().await;
    let (status, body) =
        post(&app, &client, "/api/v1/me/email", json!({"email": "li@example.org"})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("email_not_configured")));
    assert_eq!(app.count_rows("outbox").await, 0);
    assert_eq!(app.count_rows("email_verifications").await, 0);
}
