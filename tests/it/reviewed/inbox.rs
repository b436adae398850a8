//! The review inbox lists everything pending of every kind, oldest first, filtered by
//! kind, with counts that match the items (tabs and the menu badge).

use reqwest::Method;
use serde_json::json;

use super::{inbox_ids, member, secretary, send, upload};
use crate::membership::{applicant, page};
use crate::support::{TestApp, html};

#[tokio::test]
async fn the_inbox_counts_and_lists_every_kind_oldest_first() {
    let app = TestApp::spawn().await;
    let (client, _) = member(&app).await;
    let staff = secretary(&app).await;
    let body = page(&app, &staff, "/admin/reviews").await;
    assert_eq!(html::count(&body, "#reviews tbody tr"), 0);

    app.clock.advance(chrono::Duration::minutes(1));
    applicant(&app).await;
    app.clock.advance(chrono::Duration::minutes(1));
    let expert = json!({"name": "孙工", "fields": ["能源"]});
    send(&app, &client, Method::POST, "/api/v1/me/experts", Some(expert)).await;
    app.clock.advance(chrono::Duration::minutes(1));
    let image = upload(&app, &client, 70).await;
    let cert = json!({
        "title": "高新技术企业", "kind": "资质证书", "awarded_to": "甲公司", "issuer": "科技局",
        "issue_date": "2025-01-01", "validity": {"type": "permanent"}, "image_file_ids": [image],
    });
    let (status, answer) =
        send(&app, &client, Method::POST, "/api/v1/me/certificates", Some(cert)).await;
    assert_eq!(status, 201, "{answer}");

    let body = page(&app, &staff, "/admin/reviews").await;
    let kinds: Vec<String> = {
        let doc = html::parse(&body);
        let sel = scraper::Selector::parse("#reviews tbody tr").unwrap();
        doc.select(&sel).map(|tr| tr.value().attr("data-kind").unwrap().to_owned()).collect()
    };
    assert_eq!(kinds, vec!["application", "expert", "certificate"], "oldest first");
    let tabs = html::texts(&body, "#kind-tabs a .count");
    assert_eq!(
        tabs,
        vec!["3", "1", "1", "1", "0", "0"],
        "all, then each kind (listings, enterprises: none)"
    );
    let badge = html::texts(&body, "nav.menu a[href='/admin/reviews'] .badge");
    assert_eq!(badge, vec!["3"]);
    assert_eq!(inbox_ids(&app, &staff, "expert").await.len(), 1);
    let only = page(&app, &staff, "/admin/reviews?kind=application").await;
    assert_eq!(html::count(&only, "#reviews tbody tr[data-kind=application]"), 1);
    assert_eq!(html::count(&only, "#reviews tbody tr"), 1);

    // Nobody but the owner sees pending revisions: another member's lists are empty.
    let (someone, _) = member(&app).await;
    let (_, list) = super::get(&app, &someone, "/api/v1/me/certificates").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    let (_, all) = super::get(&app, &someone, "/api/v1/certificates").await;
    assert_eq!(all["total"], 0);
}
