//! The audit log page: every entry labelled in Chinese, filters by actor, action,
//! subject and date, links to the subject's page, Excel export, admins and secretaries
//! only.

use guildhall::accounts::model::Role;
use guildhall::kernel::audit_actions::SUBJECTS;

use crate::support::TestApp;
use crate::support::html::{attr, count, texts};

async fn page(client: &reqwest::Client, app: &TestApp, query: &str) -> String {
    let res = client.get(app.url(&format!("/admin/audit{query}"))).send().await.unwrap();
    assert_eq!(res.status(), 200, "{query}");
    res.text().await.unwrap()
}

#[tokio::test]
async fn the_log_filters_labels_and_exports() {
    let app = TestApp::spawn().await;
    let (admin, admin_row) = app.staff_client(Role::Admin).await;
    let (_secretary, secretary_row) = app.staff_client(Role::Secretary).await;

    let all = page(&admin, &app, "").await;
    // Two staff created by the system, two sign-ins.
    assert_eq!(count(&all, "#audit tr[data-action='staff.sign_in']"), 2);
    assert_eq!(count(&all, "#audit tr[data-action='staff.create']"), 2);
    let labels = texts(&all, "#audit td[title]");
    assert!(labels.iter().all(|l| !l.contains('.')), "a bare code shown: {labels:?}");
    assert!(labels.contains(&"登录工作台".to_owned()));
    // The staff subject links to its page.
    assert_eq!(attr(&all, "#audit td a", "href").as_deref(), Some("/admin/staff"));

    let mine = page(&admin, &app, &format!("?actor=staff:{}", secretary_row.id)).await;
    assert_eq!(count(&mine, "#audit tr[data-action]"), 1);
    assert_eq!(count(&mine, "#audit tr[data-action='staff.sign_in']"), 1);
    assert!(mine.contains(&format!("员工 {}", secretary_row.display_name)));

    let created = page(&admin, &app, "?action=staff.create").await;
    assert_eq!(count(&created, "#audit tr[data-action]"), 2);
    assert_eq!(count(&created, "#audit tr[data-action='staff.create']"), 2);
    let one = page(&admin, &app, &format!("?subject=staff&subject_id={}", admin_row.id)).await;
    assert!(count(&one, "#audit tr[data-action]") >= 1);
    assert_eq!(
        count(&one, "#audit tr[data-action]"),
        count(
            &one,
            "#audit tr[data-action='staff.create'], #audit tr[data-action='staff.sign_in']"
        )
    );

    let today = app.state.clock.now().format("%Y-%m-%d").to_string();
    let tomorrow = (app.state.clock.now() + chrono::Duration::days(2)).format("%Y-%m-%d");
    let dated = page(&admin, &app, &format!("?from={today}&to={today}")).await;
    assert_eq!(count(&dated, "#audit tr[data-action]"), 4);
    let future = page(&admin, &app, &format!("?from={tomorrow}")).await;
    assert_eq!(count(&future, "#audit tr[data-action]"), 0);
    // Unknown filter values are ignored, not errors.
    let odd = page(&admin, &app, "?action=nope&actor=robot:1&subject=x&from=never").await;
    assert_eq!(count(&odd, "#audit tr[data-action]"), 4);

    let href = attr(&created, "#audit-export", "href").unwrap();
    assert!(href.contains("action=staff.create"), "{href}");
    let res = admin.get(app.url(&href)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK");
}

#[tokio::test]
async fn only_admins_and_secretaries_read_the_log() {
    let app = TestApp::spawn().await;
    for (role, status) in
        [(Role::Admin, 200), (Role::Secretary, 200), (Role::Finance, 403), (Role::Editor, 403)]
    {
        let (client, _) = app.staff_client(role).await;
        for path in ["/admin/audit", "/admin/audit.xlsx"] {
            let res = client.get(app.url(path)).send().await.unwrap();
            assert_eq!(res.status(), status, "{role:?} {path}");
        }
    }
}

#[test]
fn every_subject_page_is_a_workbench_route() {
    let routes = guildhall::web::route_table();
    for (subject, _, page) in SUBJECTS {
        let Some(page) = page else { continue };
        let found = routes.iter().any(|r| {
            r.method == actix_web::http::Method::GET && r.access.is_staff() && r.path == *page
        });
        assert!(found, "{subject}: {page} is not a workbench page");
    }
}
