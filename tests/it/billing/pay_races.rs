//! Money happens once under races: two browsers paying, notifications racing queries
//! and each other — run on PostgreSQL too (`TEST_DATABASE_URL`).

use super::{notices, now_secs, order_action, order_for, order_view, payer};
use crate::support::TestApp;
use crate::support::wechat_pay::FakeWechatPay;

#[tokio::test]
async fn two_browsers_and_racing_notifies_and_queries_make_one_payment() {
    let pay = std::sync::Arc::new(FakeWechatPay::start());
    let app = TestApp::spawn_with_pay(&pay).await;
    let (client, user_id) = payer(&app).await;
    let id = order_for(&app, user_id, 8_800).await;

    // Two browsers press 支付 at once: one WeChat transaction, the same prepay id.
    let (a, b) = tokio::join!(
        order_action(&app, &client, id, "pay"),
        order_action(&app, &client, id, "pay")
    );
    assert_eq!((a.0, b.0), (200, 200), "{a:?} {b:?}");
    assert_eq!(a.1["package"], b.1["package"]);
    assert_eq!(pay.out_trade_nos().len(), 1);
    assert_eq!(app.count_rows("wechat_transactions").await, 1);

    let no = pay.out_trade_nos().remove(0);
    let txn = pay.pay(&no);
    let note = pay.notification("TRANSACTION.SUCCESS", &txn, now_secs(&app));
    let mut tasks = Vec::new();
    for i in 0..40 {
        let (pay, note, address) = (pay.clone(), note.clone(), app.address.clone());
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                pay.deliver(&address, &note).await.0
            } else {
                let res = client
                    .post(format!("{address}/api/v1/me/orders/{id}/refresh"))
                    .send()
                    .await
                    .unwrap();
                if res.status() == 200 { 204 } else { res.status().as_u16() }
            }
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 204);
    }
    assert_eq!(app.count_rows("payments").await, 1);
    assert_eq!(order_view(&app, &client, id).await["status"], "paid");
    let sweep = app.billing_pass().await.0;
    assert_eq!(sweep.paid, 0, "nothing left to find");
    assert_eq!(notices(&app, user_id).await, ["order_paid"]);
}
