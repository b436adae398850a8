//! The member's listings: members only, bad input writes nothing, the visibility rule
//! part by part, list/unlist without review, edit-while-live, expiry by the clock,
//! owner-only actions (404).

use reqwest::Method;
use serde_json::json;

use super::{
    TODAY, approve_pending, create, decide, detail_status, get, hall_ids, listing, live_listing,
    member, pending_revision, secretary, send, shown, upload,
};
use crate::support::TestApp;

#[tokio::test]
async fn only_members_publish_and_bad_input_writes_nothing() {
    let app = TestApp::spawn().await;
    let (visitor, _, _) = app.user_client().await;
    let (status, body) =
        send(&app, &visitor, Method::POST, "/api/v1/me/listings", Some(listing("钢材"))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("members_only")), "{body}");

    let (client, _) = member(&app).await;
    let foreign = upload(&app, &visitor, 40).await;
    let mut images = Vec::new();
    for w in 0..10 {
        images.push(upload(&app, &client, 20 + w).await);
    }
    let cases = [
        ("price_cents", json!({"price_cents": -1})),
        ("ends_on", json!({"ends_on": "2026-11-23"})),
        ("image_file_ids", json!({"image_file_ids": images})),
        ("image_file_ids", json!({"image_file_ids": [foreign]})),
        ("title", json!({"title": "  "})),
        ("description_html", json!({"description_html": "长".repeat(35_000)})),
        ("kind", json!({"kind": "sell"})),
        ("contact_phone", json!({"contact_phone": "12345"})),
        ("category_id", json!({"category_id": 999})),
    ];
    for (field, change) in cases {
        let mut body = listing("钢材");
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, answer) =
            send(&app, &client, Method::POST, "/api/v1/me/listings", Some(body)).await;
        assert_eq!(status, 422, "{field}: {answer}");
        let fields: Vec<&str> = answer["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{field}: {answer}");
    }
    assert_eq!(app.count_rows("listings").await, 0);
    assert_eq!(app.count_rows("revisions").await, 0);

    // Nine own images in order are fine; the description is sanitised.
    let mut body = listing("钢材");
    body["image_file_ids"] = json!(images[..9]);
    let (status, view) = send(&app, &client, Method::POST, "/api/v1/me/listings", Some(body)).await;
    assert_eq!(status, 201, "{view}");
    let sub = &view["submitted"];
    assert_eq!(sub["images"].as_array().unwrap().len(), 9);
    assert_eq!(sub["images"][0]["file_id"], images[0]);
    assert_eq!(sub["description_html"], "<p>优质<b>钢材</b>，量大从优</p>");
    assert_eq!(
        (view["review"]["state"].as_str(), view["hall"].as_str()),
        (Some("pending"), Some("not_approved"))
    );
}

#[tokio::test]
async fn the_visibility_rule_part_by_part() {
    let app = TestApp::spawn().await;
    let (owner, owner_id) = member(&app).await;
    let staff = secretary(&app).await;

    // 1. approved: a new listing waits, invisible.
    let id = create(&app, &owner, listing("不锈钢管")).await;
    assert!(!shown(&app, &staff, owner_id, id).await);
    approve_pending(&app, &staff).await;
    assert!(shown(&app, &staff, owner_id, id).await);

    // 2. listed: unlist and list again, no review either way.
    let path = format!("/api/v1/me/listings/{id}");
    let (status, view) = send(&app, &owner, Method::POST, &format!("{path}/unlist"), None).await;
    assert_eq!((status, view["hall_label"].as_str()), (200, Some("已下架")), "{view}");
    assert!(!shown(&app, &staff, owner_id, id).await);
    let (status, view) = send(&app, &owner, Method::POST, &format!("{path}/list"), None).await;
    assert_eq!((status, view["hall"].as_str()), (200, Some("listed")), "{view}");
    assert!(shown(&app, &staff, owner_id, id).await);
    assert_eq!(app.count_rows("revisions").await, 1, "listing and unlisting need no review");

    // 5. the owner is an active member.
    app.exec(format!("UPDATE members SET status = 'expired' WHERE user_id = {owner_id}")).await;
    assert!(!shown(&app, &staff, owner_id, id).await);
    app.exec(format!("UPDATE members SET status = 'active' WHERE user_id = {owner_id}")).await;
    assert!(shown(&app, &staff, owner_id, id).await);

    // 4. before the end date (by the injected clock).
    let mut body = listing("铝合金门窗");
    body["ends_on"] = json!(TODAY);
    let ending = live_listing(&app, &owner, &staff, body).await;
    assert!(shown(&app, &staff, owner_id, ending).await);
    app.clock.advance(chrono::Duration::hours(10)); // past midnight in Shanghai
    assert!(!shown(&app, &staff, owner_id, ending).await);
    let (_, mine) = get(&app, &owner, &format!("/api/v1/me/listings/{ending}")).await;
    assert_eq!(mine["hall_label"], "已过期");
    assert!(shown(&app, &staff, owner_id, id).await, "no end date: still shown");

    // Relisting with a new date is an edit, so it is reviewed.
    let mut body = listing("铝合金门窗");
    body["ends_on"] = json!("2026-12-31");
    let (status, view) =
        send(&app, &owner, Method::PUT, &format!("/api/v1/me/listings/{ending}"), Some(body)).await;
    assert_eq!((status, view["review"]["state"].as_str()), (200, Some("editing")), "{view}");
    assert!(!shown(&app, &staff, owner_id, ending).await);
    approve_pending(&app, &staff).await;
    assert!(shown(&app, &staff, owner_id, ending).await);

    // 3. not deleted.
    let (status, _) = send(&app, &owner, Method::DELETE, &path, None).await;
    assert_eq!(status, 204);
    assert_eq!(detail_status(&app, id).await, 404);
    assert!(!hall_ids(&app, "").await.0.contains(&id));
    let (status, _) = get(&app, &owner, &path).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn an_edit_waits_while_the_approved_version_stays_in_the_hall() {
    let app = TestApp::spawn().await;
    let (owner, _) = member(&app).await;
    let staff = secretary(&app).await;
    let id = live_listing(&app, &owner, &staff, listing("不锈钢管")).await;
    let path = format!("/api/v1/me/listings/{id}");

    let (status, view) =
        send(&app, &owner, Method::PUT, &path, Some(listing("不锈钢管（新货）"))).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(
        (view["review"]["state"].as_str(), view["review"]["label"].as_str()),
        (Some("editing"), Some("修改审核中"))
    );
    assert_eq!(view["live"]["title"], "不锈钢管");
    assert_eq!(view["submitted"]["title"], "不锈钢管（新货）");
    let hall: serde_json::Value = reqwest::get(app.url(&format!("/api/v1/listings/{id}")))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(hall["title"], "不锈钢管", "the approved version stays");
    assert!(hall.get("contact_phone").is_none(), "no phone in the detail: {hall}");
    assert_eq!(hall["view_count"], 1);
    assert_eq!(hall["description_html"], "<p>优质<b>钢材</b>，量大从优</p>");

    // The reviewer sees the field that changed; rejecting keeps the live one.
    let rev = pending_revision(&app, &staff, "listing").await;
    let page = staff.get(app.url(&format!("/admin/reviews/{rev}"))).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("不锈钢管（新货）"), "diff shows the edit");
    assert_eq!(decide(&app, &staff, rev, "reject", "标题请勿加括号").await, 303);
    let (_, view) = get(&app, &owner, &path).await;
    assert_eq!(
        (view["review"]["state"].as_str(), view["review"]["note"].as_str()),
        (Some("rejected"), Some("标题请勿加括号"))
    );
    let (ids, _) = hall_ids(&app, "?q=不锈钢").await;
    assert_eq!(ids, vec![id]);

    // Edit again, approve: the new version is live.
    send(&app, &owner, Method::PUT, &path, Some(listing("不锈钢无缝管"))).await;
    approve_pending(&app, &staff).await;
    let hall: serde_json::Value = reqwest::get(app.url(&format!("/api/v1/listings/{id}")))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(hall["title"], "不锈钢无缝管");
    assert_eq!(hall["view_count"], 2);
    assert_eq!(hall["publisher"]["name"].as_str().map(str::is_empty), Some(false), "{hall}");
}

#[tokio::test]
async fn only_the_owner_reaches_a_listing_and_others_get_404() {
    let app = TestApp::spawn().await;
    let (owner, _) = member(&app).await;
    let (other, _) = member(&app).await;
    let staff = secretary(&app).await;
    let id = live_listing(&app, &owner, &staff, listing("不锈钢管")).await;
    let path = format!("/api/v1/me/listings/{id}");
    let attempts = [
        (Method::GET, path.clone(), None),
        (Method::PUT, path.clone(), Some(listing("抢来的"))),
        (Method::POST, format!("{path}/unlist"), None),
        (Method::POST, format!("{path}/list"), None),
        (Method::POST, format!("{path}/withdraw"), None),
        (Method::DELETE, path.clone(), None),
    ];
    for (method, p, body) in attempts {
        let (status, answer) = send(&app, &other, method.clone(), &p, body).await;
        assert_eq!(status, 404, "{method} {p}: {answer}");
    }
    let (status, _) = get(&app, &other, "/api/v1/me/listings/999999").await;
    assert_eq!(status, 404);
    assert_eq!(app.count_rows("revisions").await, 1, "nothing was submitted");
    assert_eq!(hall_ids(&app, "").await.0, vec![id], "still listed");

    // An unapproved listing cannot be listed by its owner either.
    let fresh = create(&app, &owner, listing("新货")).await;
    let (status, answer) =
        send(&app, &owner, Method::POST, &format!("/api/v1/me/listings/{fresh}/list"), None).await;
    assert_eq!((status, answer["error"]["code"].as_str()), (409, Some("not_approved")));
}
