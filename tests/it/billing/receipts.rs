//! Receipts (收据) and invoices (发票): every payment gets a receipt numbered per year
//! without gaps (also under parallel payments), the member and finance see it, the
//! member asks for an invoice once, finance marks it issued and the member is told.

use chrono::NaiveDate;
use guildhall::accounts::Role;
use guildhall::billing::offline::{self, OfflinePayment};
use serde_json::{Value, json};

use super::{notices, order_for, payer};
use crate::membership::post_form;
use crate::support::TestApp;

/// Finance records a bank transfer of `cents` for the order (as the workbench does).
async fn pay_offline(app: &TestApp, staff_id: i64, order_id: i64, cents: i64) {
    let input = OfflinePayment {
        amount_cents: Some(cents),
        paid_on: NaiveDate::from_ymd_opt(2026, 11, 20),
        payer: "深圳市示范科技有限公司".into(),
        reference: format!("BANK-{order_id}"),
        voucher_file_id: None,
    };
    let tz = chrono_tz::Asia::Shanghai;
    offline::record_offline_payment(&app.state.db, &app.state.clock, tz, staff_id, order_id, input)
        .await
        .unwrap();
}

async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, Value) {
    let res = client.get(app.url(path)).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

async fn ask_invoice(
    app: &TestApp,
    client: &reqwest::Client,
    id: i64,
    body: Value,
) -> (u16, Value) {
    let url = app.url(&format!("/api/v1/me/orders/{id}/invoice"));
    let res = client.post(url).json(&body).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

#[tokio::test]
async fn paid_orders_have_numbered_receipts_and_invoices_are_asked_once_and_issued() {
    let app = TestApp::spawn().await;
    let (c1, u1) = payer(&app).await;
    let (c2, u2) = payer(&app).await;
    let (o1, o2, unpaid) = (
        order_for(&app, u1, 120_000).await,
        order_for(&app, u2, 5_030).await,
        order_for(&app, u1, 900).await,
    );
    let cashier = app.create_staff(Role::Finance).await.id;
    pay_offline(&app, cashier, o1, 120_000).await;
    pay_offline(&app, cashier, o2, 5_030).await;
    assert_eq!(notices(&app, u1).await, ["order_paid"]);
    assert_eq!(notices(&app, u2).await, ["order_paid"]);

    let (status, r1) = get(&app, &c1, &format!("/api/v1/me/orders/{o1}/receipt")).await;
    assert_eq!(status, 200);
    assert_eq!(r1["number"], "2026-000001");
    assert_eq!(r1["amount"], "¥1200.00");
    assert_eq!(r1["amount_in_words"], "壹仟贰佰元整");
    assert_eq!(r1["payer_name"], "深圳市示范科技有限公司");
    assert_eq!(r1["method_label"], "线下支付");
    let (_, r2) = get(&app, &c2, &format!("/api/v1/me/orders/{o2}/receipt")).await;
    assert_eq!(
        (r2["number"].as_str(), r2["amount_in_words"].as_str()),
        (Some("2026-000002"), Some("伍拾元叁角整"))
    );
    assert_eq!(
        get(&app, &c2, &format!("/api/v1/me/orders/{o1}/receipt")).await.0,
        404,
        "not yours"
    );
    assert_eq!(
        get(&app, &c1, &format!("/api/v1/me/orders/{unpaid}/receipt")).await.0,
        404,
        "unpaid"
    );

    // Finance prints it; other roles may not.
    let (finance, _) = app.staff_client(Role::Finance).await;
    let (secretary, _) = app.staff_client(Role::Secretary).await;
    let path = format!("/admin/orders/{o1}/receipt");
    let page = finance.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    let doc = scraper::Html::parse_document(&page);
    let text = |sel: &str| {
        let s = scraper::Selector::parse(sel).unwrap();
        doc.select(&s).next().map(|e| e.text().collect::<String>()).unwrap_or_default()
    };
    assert_eq!(text("#receipt-number"), "2026-000001");
    assert_eq!(text("#receipt-words"), "人民币壹仟贰佰元整");
    assert_eq!(secretary.get(app.url(&path)).send().await.unwrap().status(), 403);

    // Invoices: refused with reasons and nothing written, then once.
    let good = json!({"title": "深圳市示范科技有限公司", "tax_number": "91440300ma5f0xxx1x", "email": "cw@example.cn"});
    let (status, body) = ask_invoice(&app, &c1, unpaid, good.clone()).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("order_not_paid")));
    let (status, body) =
        ask_invoice(&app, &c1, o1, json!({"title": "深", "tax_number": "12"})).await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "tax_number"]);
    assert_eq!(ask_invoice(&app, &c2, o1, good.clone()).await.0, 404, "not yours");
    assert_eq!(app.count_rows("invoice_requests").await, 0);
    let (status, asked) = ask_invoice(&app, &c1, o1, good.clone()).await;
    assert_eq!((status, asked["status"].as_str()), (201, Some("requested")));
    assert_eq!(asked["tax_number"], "91440300MA5F0XXX1X");
    let (status, body) = ask_invoice(&app, &c1, o1, good).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("invoice_requested")));

    // Finance sees the request, records the number; the member is told and sees it.
    let list = finance.get(app.url("/admin/invoices?status=requested")).send().await.unwrap();
    let html = list.text().await.unwrap();
    assert!(html.contains("深圳市示范科技有限公司") && html.contains("待开具"), "{html}");
    let row = scraper::Selector::parse("#invoices tbody tr[data-id]").unwrap();
    let doc = scraper::Html::parse_document(&html);
    let ids: Vec<&str> = doc.select(&row).filter_map(|r| r.value().attr("data-id")).collect();
    assert_eq!(ids.len(), 1);
    let id = ids[0];
    let issue = format!("/admin/invoices/{id}/issue");
    assert_eq!(
        post_form(&app, &secretary, &issue, &[("invoice_number", "044001")]).await.status(),
        403
    );
    assert_eq!(post_form(&app, &finance, &issue, &[("invoice_number", " ")]).await.status(), 422);
    assert_eq!(
        post_form(&app, &finance, &issue, &[("invoice_number", "04400123")]).await.status(),
        303
    );
    assert_eq!(post_form(&app, &finance, &issue, &[("invoice_number", "99")]).await.status(), 409);
    let (_, mine) = get(&app, &c1, &format!("/api/v1/me/orders/{o1}/invoice")).await;
    assert_eq!(
        (mine["status"].as_str(), mine["invoice_number"].as_str()),
        (Some("issued"), Some("04400123"))
    );
    assert_eq!(notices(&app, u1).await, ["invoice_issued", "order_paid"]);
}

#[tokio::test]
async fn parallel_payments_get_distinct_receipt_numbers_without_gaps() {
    let app = TestApp::spawn().await;
    let (client, user) = payer(&app).await;
    let mut orders = Vec::new();
    for _ in 0..12 {
        orders.push(order_for(&app, user, 1_000).await);
    }
    let cashier = app.create_staff(Role::Finance).await.id;
    futures_util::future::join_all(orders.iter().map(|&id| pay_offline(&app, cashier, id, 1_000)))
        .await;
    let mut numbers = Vec::new();
    for id in &orders {
        let (_, receipt) = get(&app, &client, &format!("/api/v1/me/orders/{id}/receipt")).await;
        numbers.push(receipt["number"].as_str().unwrap().to_owned());
    }
    numbers.sort();
    let expected: Vec<String> = (1..=12).map(|n| format!("2026-{n:06}")).collect();
    assert_eq!(numbers, expected);
    assert_eq!(notices(&app, user).await.len(), 12);
}
