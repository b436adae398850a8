//! The member roll: search, filters, pagination, private phone numbers.

use guildhall::accounts::Role;

use super::{HEADER, import, member_row, page, xlsx};
use crate::support::{TestApp, html};

#[tokio::test]
async fn staff_search_filter_and_page_through_members() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff_client(Role::Secretary).await;
    let mut rows: Vec<Vec<String>> =
        (1..=25).map(|n| member_row(n, "个人会员", "甲公司")).collect();
    rows.extend((26..=30).map(|n| member_row(n, "企业会员", "乙科技")));
    rows[29][8] = "已退会".into();
    let (status, body) = import(&app, &staff, xlsx(&HEADER, &rows), false).await;
    assert_eq!(status, 200, "{body}");

    let first = page(&app, &staff, "/admin/members").await;
    assert_eq!(html::count(&first, "#members tbody tr"), 20);
    assert_eq!(html::texts(&first, ".pager .muted"), vec!["共 30 条 · 第 1/2 页"]);
    let next = html::attr(&first, ".pager a[rel=next]", "href").unwrap();
    let second = page(&app, &staff, &next).await;
    assert_eq!(html::count(&second, "#members tbody tr"), 10);

    let by_company = page(&app, &staff, "/admin/members?q=%E4%B9%99%E7%A7%91%E6%8A%80").await;
    assert_eq!(html::count(&by_company, "#members tbody tr"), 5);
    let by_phone = page(&app, &staff, "/admin/members?q=13900000007").await;
    assert_eq!(html::texts(&by_phone, "#members tbody td:nth-child(2)"), vec!["会员7"]);
    let by_name = page(&app, &staff, "/admin/members?q=%E4%BC%9A%E5%91%9812").await;
    assert_eq!(html::texts(&by_name, "#members tbody td:nth-child(2)"), vec!["会员12"]);
    let literal = page(&app, &staff, "/admin/members?q=%25").await;
    assert_eq!(html::count(&literal, "#members tbody tr"), 0, "% is searched literally");

    let resigned = page(&app, &staff, "/admin/members?status=resigned").await;
    assert_eq!(html::texts(&resigned, "#members tbody td:nth-child(2)"), vec!["会员30"]);
    // Filters are kept in the pager's and the export's links.
    let typed = page(&app, &staff, "/admin/members?member_type=1&status=active").await;
    assert_eq!(html::count(&typed, "#members tbody tr"), 20);
    assert_eq!(html::texts(&typed, ".pager .muted"), vec!["共 25 条 · 第 1/2 页"]);
    let next = html::attr(&typed, ".pager a[rel=next]", "href").unwrap();
    assert!(next.contains("member_type=1") && next.contains("status=active"), "{next}");
    let export = html::attr(&typed, "#export-link", "href").unwrap();
    assert_eq!(export, "/admin/members/export.xlsx?member_type=1&status=active");
    assert_eq!(
        html::attr(&typed, "select[name=member_type] option[selected]", "value").as_deref(),
        Some("1")
    );

    let member_id = html::attr(&first, "#members tr[data-member-id]", "data-member-id").unwrap();
    let detail = page(&app, &staff, &format!("/admin/members/{member_id}")).await;
    assert_eq!(html::texts(&detail, "#member-number"), vec!["HY00001"]);
    assert_eq!(staff.get(app.url("/admin/members/999999")).send().await.unwrap().status(), 404);
    let (editor, _) = app.staff_client(Role::Editor).await;
    assert_eq!(editor.get(app.url("/admin/members")).send().await.unwrap().status(), 403);
}
