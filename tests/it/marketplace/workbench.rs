//! The workbench: the listing list with filters and search, the review inbox's listing
//! tab, categories under settings.

use serde_json::json;

use super::{create, inbox_ids, listing, live_listing, member, secretary};
use crate::membership::post_form;
use crate::support::{TestApp, html};

#[tokio::test]
async fn staff_find_listings_and_keep_categories() {
    let app = TestApp::spawn().await;
    let (owner, _) = member(&app).await;
    let staff = secretary(&app).await;
    let live = live_listing(&app, &owner, &staff, listing("不锈钢管")).await;
    let mut demand = listing("求购铝材");
    demand["kind"] = json!("demand");
    let waiting = create(&app, &owner, demand).await;
    assert_eq!(inbox_ids(&app, &staff, "listing").await.len(), 1, "the inbox has a listing tab");

    let page = |q: &'static str| {
        let staff = staff.clone();
        let url = app.url(&format!("/admin/listings{q}"));
        async move { staff.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let all = page("").await;
    assert_eq!(html::count(&all, "#listings tbody tr"), 2);
    assert_eq!(
        html::attr(&all, &format!("tr[data-id='{live}']"), "data-in-hall").as_deref(),
        Some("true")
    );
    assert_eq!(
        html::attr(&all, &format!("tr[data-id='{waiting}']"), "data-in-hall").as_deref(),
        Some("false")
    );
    assert_eq!(html::count(&page("?q=钢管").await, "#listings tbody tr"), 1);
    assert_eq!(html::count(&page("?kind=supply").await, "#listings tbody tr"), 1);
    let menu = html::texts(&all, "nav a");
    assert!(menu.iter().any(|t| t.contains("供需管理")), "{menu:?}");

    let form = |name: &'static str| vec![("name", name), ("sort_order", "2")];
    assert_eq!(
        post_form(&app, &staff, "/admin/listing-categories", &form("机械设备")).await.status(),
        303
    );
    assert_eq!(
        post_form(&app, &staff, "/admin/listing-categories", &form("机械设备")).await.status(),
        422
    );
    assert_eq!(
        post_form(&app, &staff, "/admin/listing-categories", &form(" ")).await.status(),
        422
    );
    let body =
        staff.get(app.url("/admin/listing-categories")).send().await.unwrap().text().await.unwrap();
    assert_eq!(html::count(&body, "#categories tbody tr"), 1);
    let id = html::attr(&body, "#categories tbody tr", "data-id").unwrap();
    let rename = format!("/admin/listing-categories/{id}");
    assert_eq!(post_form(&app, &staff, &rename, &form("工业设备")).await.status(), 303);
    let delete = format!("/admin/listing-categories/{id}/delete");
    assert_eq!(post_form(&app, &staff, &delete, &[]).await.status(), 303);
    assert_eq!(app.count_rows("listing_categories").await, 0);
}
