//! Finance in the workbench: offline payments (one order, one amount), refunds through
//! WeChat's refund API and its notification, never more than was paid.

use guildhall::accounts::Role;
use serde_json::json;

use super::{notices, now_secs, order_action, order_for, order_view, payer};
use crate::membership::post_form;
use crate::support::TestApp;
use crate::support::wechat_pay::FakeWechatPay;

#[tokio::test]
async fn finance_records_an_offline_payment_of_the_exact_amount() {
    let app = TestApp::spawn().await;
    let (client, user_id) = payer(&app).await;
    let id = order_for(&app, user_id, 120_000).await;
    let path = format!("/admin/orders/{id}/offline-payment");
    let (secretary, _) = app.staff_client(Role::Secretary).await;
    let res = post_form(&app, &secretary, &path, &[("amount", "1200")]).await;
    assert_eq!(res.status(), 403, "finance only");

    let (finance, _) = app.staff_client(Role::Finance).await;
    let fields = |amount: &'static str| {
        vec![
            ("amount", amount),
            ("paid_on", "2026-11-20"),
            ("payer", "深圳市示范科技有限公司"),
            ("reference", "BANK-20261120-01"),
        ]
    };
    let res = post_form(&app, &finance, &path, &fields("600")).await;
    assert_eq!(res.status(), 422, "partial payments are refused");
    let html = res.text().await.unwrap();
    assert!(html.contains("金额须与订单金额一致（¥1200.00）"), "{html}");
    let res =
        post_form(&app, &finance, &path, &[("amount", "1200"), ("paid_on", "2030-01-01")]).await;
    assert_eq!(res.status(), 422);
    assert_eq!(app.count_rows("payments").await, 0, "nothing written");

    let res = post_form(&app, &finance, &path, &fields("1200.00")).await;
    assert_eq!(res.status(), 303);
    let view = order_view(&app, &client, id).await;
    assert_eq!(
        (view["status"].as_str(), view["payment"]["method"].as_str()),
        (Some("paid"), Some("offline"))
    );
    assert_eq!(view["paid_at"], "2026-11-20T04:00:00Z", "noon in Shanghai on the day entered");
    let res = post_form(&app, &finance, &path, &fields("1200")).await;
    assert_eq!(res.status(), 409, "paid already");
    assert_eq!(app.count_rows("payments").await, 1);

    let html = finance
        .get(app.url(&format!("/admin/orders/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("BANK-20261120-01") && html.contains("order.pay"),
        "payment and audit trail shown"
    );
    let list = finance
        .get(app.url("/admin/orders?status=paid"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("已支付 1 笔 · ¥1200.00"), "totals");
    let income =
        finance.get(app.url("/admin/income?year=2026")).send().await.unwrap().text().await.unwrap();
    assert!(income.contains("¥1200.00"), "income summary");
    let xlsx = finance.get(app.url("/admin/orders/export.xlsx")).send().await.unwrap();
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"), "an xlsx (zip) file");

    // Offline refunds are done by hand and count at once.
    let refund = format!("/admin/orders/{id}/refund");
    let res =
        post_form(&app, &finance, &refund, &[("amount", "1200.01"), ("reason", "多收")]).await;
    assert_eq!(res.status(), 422, "never more than was paid");
    let res =
        post_form(&app, &finance, &refund, &[("amount", "1200"), ("reason", "会员退会")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(order_view(&app, &client, id).await["status"], "refunded");
    assert_eq!(notices(&app, user_id).await, ["order_paid", "order_refunded"]);
}

#[tokio::test]
async fn wechat_refunds_go_through_the_refund_api_and_its_notification() {
    let pay = FakeWechatPay::start();
    let app = TestApp::spawn_with_pay(&pay).await;
    let (client, user_id) = payer(&app).await;
    let id = order_for(&app, user_id, 1_000).await;
    order_action(&app, &client, id, "pay").await;
    let no = pay.out_trade_nos().remove(0);
    let txn = pay.pay(&no);
    pay.deliver(&app.address, &pay.notification("TRANSACTION.SUCCESS", &txn, now_secs(&app))).await;

    let (finance, _) = app.staff_client(Role::Finance).await;
    let refund = format!("/admin/orders/{id}/refund");
    let res = post_form(&app, &finance, &refund, &[("amount", "10.01"), ("reason", "退款")]).await;
    assert_eq!(res.status(), 422);
    let res = post_form(&app, &finance, &refund, &[("amount", "3"), ("reason", "部分退款")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(pay.calls_to("POST", "/v3/refund/domestic/refunds"), 1);
    let view = order_view(&app, &client, id).await;
    assert_eq!(view["refunds"][0]["status"], "processing", "{view}");

    let report = |no: &str, cents: i64, status: &str| {
        json!({"mchid": crate::support::wechat_pay::MCH_ID, "out_trade_no": no, "transaction_id": txn["transaction_id"],
               "out_refund_no": format!("R{id}x0"), "refund_id": format!("5030R{id}x0"), "refund_status": status,
               "amount": {"total": 1000, "refund": cents, "payer_total": 1000, "payer_refund": cents}})
    };
    let wrong = pay.notification("REFUND.SUCCESS", &report(&no, 999, "SUCCESS"), now_secs(&app));
    assert_eq!(pay.deliver(&app.address, &wrong).await.0, 400, "amount mismatch refused");
    let done = pay.notification("REFUND.SUCCESS", &report(&no, 300, "SUCCESS"), now_secs(&app));
    for _ in 0..3 {
        assert_eq!(pay.deliver(&app.address, &done).await.0, 204);
    }
    let view = order_view(&app, &client, id).await;
    assert_eq!(
        (view["status"].as_str(), view["refunds"][0]["status"].as_str()),
        (Some("paid"), Some("succeeded"))
    );
    let res = post_form(&app, &finance, &refund, &[("amount", "7.01"), ("reason", "再退")]).await;
    assert_eq!(res.status(), 422, "only ¥7.00 left");
    assert_eq!(app.count_rows("refunds").await, 1);
    assert_eq!(notices(&app, user_id).await, ["order_paid"], "not refunded in full");
}

#[tokio::test]
async fn cancelling_a_registration_cancels_its_order_or_refunds_it_as_set() {
    let app = TestApp::spawn().await;
    let event = crate::events::published_event(&app, |e| e.non_member_fee_cents = 5_000).await;
    let register = |client: reqwest::Client| {
        let url = app.url(&format!("/api/v1/events/{}/registrations", event.id));
        async move { crate::support::json_of(client.post(url)).await }
    };
    let cancel = |client: reqwest::Client, id: i64| {
        let url = app.url(&format!("/api/v1/registrations/{id}/cancel"));
        async move { client.post(url).send().await.unwrap().status().as_u16() }
    };

    // Unpaid: the order is cancelled with the registration.
    let (client, _) = payer(&app).await;
    let reg = register(client.clone()).await;
    let order = reg["order_id"].as_i64().unwrap();
    assert_eq!(cancel(client.clone(), reg["id"].as_i64().unwrap()).await, 200);
    assert_eq!(order_view(&app, &client, order).await["status"], "cancelled");

    // Paid, and finance chose automatic refunds: the money goes back.
    let (finance, _) = app.staff_client(guildhall::accounts::Role::Finance).await;
    let settings = [("period_mode", "calendar"), ("grace_days", "30"), ("paid_cancel", "refund")];
    let res = crate::membership::post_form(&app, &finance, "/admin/dues/settings", &settings).await;
    assert_eq!(res.status(), 303);
    let (client, second) = payer(&app).await;
    let reg = register(client.clone()).await;
    let order = reg["order_id"].as_i64().unwrap();
    let path = format!("/admin/orders/{order}/offline-payment");
    let fields =
        [("amount", "50"), ("paid_on", "2026-11-24"), ("payer", "张三"), ("reference", "CASH-9")];
    assert_eq!(crate::membership::post_form(&app, &finance, &path, &fields).await.status(), 303);
    assert_eq!(cancel(client.clone(), reg["id"].as_i64().unwrap()).await, 200);
    let view = order_view(&app, &client, order).await;
    assert_eq!(
        (view["status"].as_str(), view["refunds"][0]["amount_cents"].as_i64()),
        (Some("refunded"), Some(5_000))
    );
    assert_eq!(notices(&app, second).await, ["order_paid", "order_refunded"]);
}
