//! WeChat Pay end to end against the fake: prepay with signed requests, the
//! `wx.requestPayment` signature, notifications recorded once, refusals recorded and
//! changing nothing, queries, the sweep and closing expired prepay orders.

use base64::Engine as _;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier as _;
use serde_json::json;
use sha2::Sha256;

use super::{notices, now_secs, order_action, order_for, order_view, payer};
use crate::support::wechat_pay::{self, FakeWechatPay};
use crate::support::{TestApp, fakes};

#[tokio::test]
async fn pay_by_wechat_records_one_payment_however_often_notified() {
    let pay = FakeWechatPay::start();
    let app = TestApp::spawn_with_pay(&pay).await;
    let (client, user_id) = payer(&app).await;
    let id = order_for(&app, user_id, 12_000).await;

    let (status, params) = order_action(&app, &client, id, "pay").await;
    assert_eq!(status, 200, "{params}");
    assert_eq!(params["appId"], fakes::WECHAT_APP_ID);
    assert_eq!(params["signType"], "RSA");
    let package = params["package"].as_str().unwrap();
    assert!(package.starts_with("prepay_id=wx"), "{package}");
    // paySign is the merchant key's RSA-SHA256 signature over the four lines.
    let message = format!(
        "{}\n{}\n{}\n{package}\n",
        params["appId"].as_str().unwrap(),
        params["timeStamp"].as_str().unwrap(),
        params["nonceStr"].as_str().unwrap()
    );
    let sig = base64::engine::general_purpose::STANDARD
        .decode(params["paySign"].as_str().unwrap())
        .unwrap();
    let key = VerifyingKey::<Sha256>::new(rsa::RsaPublicKey::from(&wechat_pay::keys().merchant));
    key.verify(message.as_bytes(), &Signature::try_from(sig.as_slice()).unwrap()).unwrap();
    assert_eq!(pay.calls_to("POST", "/v3/pay/transactions/jsapi"), 1, "signed request accepted");
    assert_eq!(pay.state.lock().bad_signatures, 0);

    // Paying again before paying (another tab) answers the same prepay order.
    let (_, again) = order_action(&app, &client, id, "pay").await;
    assert_eq!(again["package"], params["package"]);
    let nos = pay.out_trade_nos();
    assert_eq!(nos.len(), 1);

    let txn = pay.pay(&nos[0]);
    let note = pay.notification("TRANSACTION.SUCCESS", &txn, now_secs(&app));
    for _ in 0..100 {
        let (status, body) = pay.deliver(&app.address, &note).await;
        assert_eq!(status, 204, "{body}");
    }
    assert_eq!(app.count_rows("payments").await, 1);
    let view = order_view(&app, &client, id).await;
    assert_eq!(view["status"], "paid", "{view}");
    assert_eq!(view["payment"]["method"], "wechat");
    assert_eq!(view["payment"]["amount_cents"], 12_000);
    assert_eq!(view["paid_at"], "2026-11-24T06:35:00Z", "WeChat's success_time");
    let audits = app.count_rows("audit_log").await;
    pay.deliver(&app.address, &note).await;
    assert_eq!(app.count_rows("audit_log").await, audits, "a replay writes nothing");

    // A paid order cannot be paid or cancelled.
    let (status, body) = order_action(&app, &client, id, "pay").await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("order_paid")));
    let (status, body) = order_action(&app, &client, id, "cancel").await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("order_not_cancellable")));
    let list = crate::support::json_of(client.get(app.url("/api/v1/me/orders?status=paid"))).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let none =
        crate::support::json_of(client.get(app.url("/api/v1/me/orders?status=unpaid"))).await;
    assert_eq!(none, json!([]));
    let bad = client.get(app.url("/api/v1/me/orders?status=whatever")).send().await.unwrap();
    assert_eq!(bad.status(), 422);
    assert_eq!(notices(&app, user_id).await, ["order_paid"], "one notice, not 101");
}

#[tokio::test]
async fn refused_notifications_are_recorded_and_change_nothing() {
    let pay = FakeWechatPay::start();
    let app = TestApp::spawn_with_pay(&pay).await;
    let (client, user_id) = payer(&app).await;
    let id = order_for(&app, user_id, 5_000).await;
    order_action(&app, &client, id, "pay").await;
    let no = pay.out_trade_nos().remove(0);
    let txn = pay.pay(&no);
    let now = now_secs(&app);

    // Tampered body: the platform signature no longer matches.
    let (headers, body) = pay.notification("TRANSACTION.SUCCESS", &txn, now);
    let tampered = (headers, body.replace("支付成功", "支付成功!"));
    // Six minutes old.
    let stale = pay.notification("TRANSACTION.SUCCESS", &txn, now - 360);
    // Correctly signed, but the amount differs from the order.
    let mut cheap = txn.clone();
    cheap["amount"]["total"] = json!(1);
    let cheap = pay.notification("TRANSACTION.SUCCESS", &cheap, now);
    // Another merchant's transaction.
    let mut other = txn.clone();
    other["mchid"] = json!("1900000999");
    let other = pay.notification("TRANSACTION.SUCCESS", &other, now);
    // An order we never made.
    let mut unknown = txn.clone();
    unknown["out_trade_no"] = json!("GH999x0");
    let unknown = pay.notification("TRANSACTION.SUCCESS", &unknown, now);

    for (note, status, reason) in [
        (&tampered, 401, "bad_signature"),
        (&stale, 401, "stale_timestamp"),
        (&cheap, 400, "amount_mismatch"),
        (&other, 400, "merchant_mismatch"),
        (&unknown, 400, "unknown_order"),
    ] {
        let (got, body) = pay.deliver(&app.address, note).await;
        assert_eq!(got, status, "{reason}: {body}");
        assert!(body.contains("FAIL") && body.contains(reason), "{body}");
    }
    assert_eq!(app.count_rows("payments").await, 0);
    assert_eq!(app.count_rows("payment_refusals").await, 5);
    assert_eq!(order_view(&app, &client, id).await["status"], "unpaid");

    // Finance sees them.
    let (finance, _) = app.staff_client(guildhall::accounts::Role::Finance).await;
    let html = finance.get(app.url("/admin/orders")).send().await.unwrap().text().await.unwrap();
    for label in ["签名无效", "时间戳过期", "金额与订单不符", "商户号或 AppID 不符", "订单不存在"]
    {
        assert!(html.contains(label), "{label} missing");
    }
    let html = finance
        .get(app.url(&format!("/admin/orders/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("WeChat 金额 1 分，订单金额 5000 分"), "order page shows its refusal");

    // The genuine notification still works afterwards.
    let good = pay.notification("TRANSACTION.SUCCESS", &txn, now);
    assert_eq!(pay.deliver(&app.address, &good).await.0, 204);
    assert_eq!(app.count_rows("payments").await, 1);
    assert_eq!(notices(&app, user_id).await, ["order_paid"]);
}

#[tokio::test]
async fn lost_notifications_are_found_by_query_and_expired_prepays_closed() {
    let pay = FakeWechatPay::start();
    let app = TestApp::spawn_with_pay(&pay).await;
    let (client, user_id) = payer(&app).await;
    let a = order_for(&app, user_id, 100).await;
    let b = order_for(&app, user_id, 200).await;
    let c = order_for(&app, user_id, 300).await;
    for id in [a, b, c] {
        assert_eq!(order_action(&app, &client, id, "pay").await.0, 200);
    }
    let nos = pay.out_trade_nos();
    let no_of = |id: i64| nos.iter().find(|n| n.starts_with(&format!("GH{id}x"))).unwrap().clone();

    // Paid, notification lost: the client's return asks WeChat.
    pay.pay(&no_of(a));
    let (status, view) = order_action(&app, &client, a, "refresh").await;
    assert_eq!((status, view["status"].as_str()), (200, Some("paid")), "{view}");

    // Paid, notification lost, client never came back: the sweep finds it.
    pay.pay(&no_of(b));
    let (sweep, _) = app.billing_pass().await;
    assert_eq!((sweep.paid, sweep.closed), (1, 0));
    assert_eq!(order_view(&app, &client, b).await["status"], "paid");

    // Never paid: after the prepay timeout the sweep closes it at WeChat; paying again
    // makes a new transaction.
    app.clock.advance(chrono::Duration::minutes(31));
    let (sweep, _) = app.billing_pass().await;
    assert_eq!((sweep.paid, sweep.closed), (0, 1));
    assert_eq!(pay.state.lock().txns[&no_of(c)].state, "CLOSED");
    assert_eq!(order_view(&app, &client, c).await["status"], "unpaid");
    assert_eq!(order_action(&app, &client, c, "pay").await.0, 200);
    assert!(pay.out_trade_nos().contains(&format!("GH{c}x1")));
    assert_eq!(app.count_rows("payments").await, 2);
    assert_eq!(notices(&app, user_id).await, ["order_paid", "order_paid"]);
}

#[tokio::test]
async fn paying_refuses_what_cannot_be_paid() {
    let pay = FakeWechatPay::start();
    let app = TestApp::spawn_with_pay(&pay).await;
    let (client, user_id) = payer(&app).await;
    let (stranger, _) = payer(&app).await;
    let id = order_for(&app, user_id, 100).await;

    let (status, _) = order_action(&app, &stranger, id, "pay").await;
    assert_eq!(status, 404, "someone else's order");
    assert_eq!(
        stranger.get(app.url(&format!("/api/v1/me/orders/{id}"))).send().await.unwrap().status(),
        404
    );
    let (unbound, _, _) = app.user_client().await;
    let other = order_for(&app, app_user_of(&app, &unbound).await, 100).await;
    let (status, body) = order_action(&app, &unbound, other, "pay").await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("wechat_not_bound")));

    // Cancel (after a prepay): the order is cancelled and its transaction closed.
    assert_eq!(order_action(&app, &client, id, "pay").await.0, 200);
    let (status, view) = order_action(&app, &client, id, "cancel").await;
    assert_eq!((status, view["status"].as_str()), (200, Some("cancelled")), "{view}");
    assert_eq!(pay.calls_to("POST", "/v3/pay/transactions/out-trade-no/"), 1, "closed at WeChat");
    let (status, body) = order_action(&app, &client, id, "pay").await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("order_cancelled")));
    let (status, _) = order_action(&app, &client, id, "cancel").await;
    assert_eq!(status, 409);
    assert_eq!(app.count_rows("payments").await, 0);
}

async fn app_user_of(app: &TestApp, client: &reqwest::Client) -> i64 {
    let me = crate::support::json_of(client.get(app.url("/api/v1/me"))).await;
    me["user"]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn without_a_merchant_account_paying_says_so() {
    let app = TestApp::spawn().await;
    let (client, user_id) = payer(&app).await;
    let id = order_for(&app, user_id, 100).await;
    let (status, body) = order_action(&app, &client, id, "pay").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("wechat_pay_not_configured")),
        "{body}"
    );
    assert_eq!(app.count_rows("wechat_transactions").await, 0);
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/payments/wechat/notify"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(app.count_rows("payments").await, 0);
}
