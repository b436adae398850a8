//! The workbench home page: pending counts of the review queues.

use guildhall::accounts::Role;

use crate::support::{TestApp, html};

#[tokio::test]
async fn home_shows_what_waits_for_review() {
    let app = TestApp::spawn().await;
    let (secretary, _) = app.staff_client(Role::Secretary).await;
    let page = secretary.get(app.url("/admin")).send().await.unwrap().text().await.unwrap();
    assert_eq!(html::texts(&page, "#pending p"), vec!["暂无待审核事项"]);

    crate::membership::applicant(&app).await;
    crate::membership::applicant(&app).await;
    let page = secretary.get(app.url("/admin")).send().await.unwrap().text().await.unwrap();
    assert_eq!(html::texts(&page, "#pending li a"), vec!["会员申请审核"]);
    assert_eq!(html::texts(&page, "#pending li .badge"), vec!["2"]);
    assert_eq!(html::attr(&page, "#pending li a", "href").as_deref(), Some("/admin/applications"));

    let (finance, _) = app.staff_client(Role::Finance).await;
    let page = finance.get(app.url("/admin")).send().await.unwrap().text().await.unwrap();
    assert_eq!(html::count(&page, "#pending li"), 0, "finance does not review applications");
}
