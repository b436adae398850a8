//! `/admin/settings/notices`: every kind with its effective settings, saved (validated,
//! audited) over the configuration file's, reset, and "send me a test".

use guildhall::accounts::Role;

use super::{Fakes, deliver, spawn};
use crate::membership::post_form;

#[tokio::test]
async fn admins_configure_kinds_and_send_themselves_a_test() {
    let fakes = Fakes::start().await;
    let (app, providers) = spawn(&fakes).await;
    let (secretary, _) = app.staff_client(Role::Secretary).await;
    let res = secretary.get(app.url("/admin/settings/notices")).send().await.unwrap();
    assert_eq!(res.status(), 403);
    let (admin, _) = app.staff_client(Role::Admin).await;
    let page = |html: String| scraper::Html::parse_document(&html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let html =
        admin.get(app.url("/admin/settings/notices")).send().await.unwrap().text().await.unwrap();
    let doc = page(html);
    let rows: Vec<_> = doc.select(&sel("#notice-kinds tr[data-kind]")).collect();
    assert_eq!(rows.len(), guildhall::notices::NoticeKind::ALL.len());
    let paid = doc.select(&sel("tr[data-kind='order_paid']")).next().unwrap();
    let text: String = paid.text().collect();
    assert!(text.contains("WX-order_paid") && text.contains("配置文件"), "{text}");

    // A bad template id is refused and nothing changes.
    let path = "/admin/settings/notices/order_paid";
    let bad = [("wechat_template_id", "a b"), ("sms_template_id", "9"), ("in_use", "1")];
    assert_eq!(post_form(&app, &admin, path, &bad).await.status(), 303);
    let html =
        admin.get(app.url("/admin/settings/notices")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("未保存"), "the flash says why");
    assert!(html.contains("WX-order_paid"));

    let good = [("wechat_template_id", "NEW-TPL"), ("sms_template_id", ""), ("in_use", "1")];
    assert_eq!(post_form(&app, &admin, path, &good).await.status(), 303);
    let html =
        admin.get(app.url("/admin/settings/notices")).send().await.unwrap().text().await.unwrap();
    let doc = page(html);
    let text: String =
        doc.select(&sel("tr[data-kind='order_paid']")).next().unwrap().text().collect();
    assert!(
        text.contains("NEW-TPL") && text.contains("工作台") && text.contains("未配置"),
        "{text}"
    );

    // Send me a test: nowhere to send yet; then by e-mail.
    let test = "/admin/settings/notices/order_paid/test";
    assert_eq!(post_form(&app, &admin, test, &[]).await.status(), 303);
    let email = [("email", "admin@example.org")];
    assert_eq!(
        post_form(&app, &admin, "/admin/settings/notices/email", &email).await.status(),
        303
    );
    assert_eq!(post_form(&app, &admin, test, &[]).await.status(), 303);
    assert_eq!(deliver(&app, &providers).await, 1);
    let mails = fakes.smtp.to("admin@example.org");
    assert_eq!(mails.len(), 1);
    assert_eq!(app.outbox_to("admin@example.org").await[0].status, "sent");

    // Back to the file's values.
    let reset = "/admin/settings/notices/order_paid/reset";
    assert_eq!(post_form(&app, &admin, reset, &[]).await.status(), 303);
    let html =
        admin.get(app.url("/admin/settings/notices")).send().await.unwrap().text().await.unwrap();
    let doc = page(html);
    let text: String =
        doc.select(&sel("tr[data-kind='order_paid']")).next().unwrap().text().collect();
    assert!(text.contains("WX-order_paid") && text.contains("配置文件"), "{text}");
    let unknown = post_form(&app, &admin, "/admin/settings/notices/nonsense", &[]).await;
    assert_eq!(unknown.status(), 404);
}
