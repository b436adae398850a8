//! The hall: filters and search, the contact reveal (counted per user, limited per user),
//! reports → force unlist with a note → the member's notice.

use reqwest::Method;
use serde_json::{Value, json};

use super::{approve_pending, get, hall_ids, listing, live_listing, member, secretary, send};
use crate::membership::{post_form, set_phone};
use crate::reviewed::notices;
use crate::support::{TestApp, html};

#[tokio::test]
async fn the_hall_filters_and_searches() {
    let app = TestApp::spawn().await;
    let (owner, _) = member(&app).await;
    let staff = secretary(&app).await;
    let res = post_form(
        &app,
        &staff,
        "/admin/listing-categories",
        &[("name", "原材料"), ("sort_order", "1")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let cats: Value =
        reqwest::get(app.url("/api/v1/listing-categories")).await.unwrap().json().await.unwrap();
    let cat = cats["items"][0]["id"].as_i64().unwrap();

    let mut steel = listing("304 不锈钢管 Steel Pipe 钢材");
    steel["category_id"] = json!(cat);
    let steel = live_listing(&app, &owner, &staff, steel).await;
    let mut windows = listing("铝合金门窗");
    windows["kind"] = json!("demand");
    windows["price_cents"] = Value::Null;
    let windows = live_listing(&app, &owner, &staff, windows).await;
    let mut pricey = listing("数控机床");
    pricey["price_cents"] = json!(5_000_000);
    let pricey = live_listing(&app, &owner, &staff, pricey).await;

    assert_eq!(hall_ids(&app, "").await, (vec![pricey, windows, steel], 3));
    assert_eq!(hall_ids(&app, "?q=钢管").await.0, vec![steel]);
    assert_eq!(hall_ids(&app, "?q=steel%20PIPE").await.0, vec![steel], "Latin ignores case");
    assert_eq!(hall_ids(&app, "?q=%25").await.0, Vec::<i64>::new(), "wildcards are text");
    assert_eq!(hall_ids(&app, "?kind=demand").await.0, vec![windows]);
    assert_eq!(hall_ids(&app, &format!("?category_id={cat}")).await.0, vec![steel]);
    assert_eq!(hall_ids(&app, "?price_min=1000&price_max=2000").await.0, vec![steel]);
    assert_eq!(hall_ids(&app, "?price_min=100000").await.0, vec![pricey], "面议 left out");
    assert_eq!(hall_ids(&app, "?sort=relevance&q=机床").await.0, vec![pricey]);
    // Words of the description count; by relevance a title match comes first.
    assert_eq!(hall_ids(&app, "?q=钢材").await.0, vec![pricey, windows, steel]);
    assert_eq!(hall_ids(&app, "?q=钢材&sort=relevance").await.0, vec![steel, pricey, windows]);
    assert_eq!(hall_ids(&app, "?q=量大从优").await.1, 3, "four characters, in the description");
    assert_eq!(hall_ids(&app, "?q=量大优从").await.1, 0);
    assert_eq!(hall_ids(&app, "?q=门窗%20铝合金").await.0, vec![windows], "every word");
    let res = reqwest::get(app.url("/api/v1/listings?kind=sell")).await.unwrap();
    assert_eq!(res.status(), 400);
    let res = reqwest::get(app.url("/api/v1/listings?price_min=-5")).await.unwrap();
    assert_eq!(res.status(), 422);

    let page: Value =
        reqwest::get(app.url("/api/v1/listings?q=钢管")).await.unwrap().json().await.unwrap();
    let item = &page["items"][0];
    assert_eq!(
        (item["category"]["name"].as_str(), item["price_label"].as_str()),
        (Some("原材料"), Some("¥12.50/吨"))
    );
    assert!(item.get("contact_phone").is_none(), "{item}");
    // A category in use cannot be deleted.
    let res =
        post_form(&app, &staff, &format!("/admin/listing-categories/{cat}/delete"), &[]).await;
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn the_phone_is_revealed_to_signed_in_users_counted_once_and_limited() {
    let app = TestApp::spawn_with(|c| c.limits.daily_contact_reveals = 2).await;
    let (owner, _) = member(&app).await;
    let staff = secretary(&app).await;
    let mut ids = Vec::new();
    for title in ["钢管", "钢板", "钢丝"] {
        ids.push(live_listing(&app, &owner, &staff, listing(title)).await);
    }
    let contact = |id: i64| format!("/api/v1/listings/{id}/contact");
    let anonymous = reqwest::Client::new().post(app.url(&contact(ids[0]))).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);

    let (viewer, _, _) = app.user_client().await;
    let (status, body) = send(&app, &viewer, Method::POST, &contact(ids[0]), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["contact_phone"].as_str(), body["contact_count"].as_i64()),
        (Some("13800138000"), Some(1))
    );
    let (status, body) = send(&app, &viewer, Method::POST, &contact(ids[0]), None).await;
    assert_eq!(
        (status, body["contact_count"].as_i64()),
        (200, Some(1)),
        "again: free, counted once"
    );
    assert_eq!(send(&app, &viewer, Method::POST, &contact(ids[1]), None).await.0, 200);
    let (status, body) = send(&app, &viewer, Method::POST, &contact(ids[2]), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (429, Some("rate_limited")), "{body}");
    assert_eq!(
        send(&app, &viewer, Method::POST, &contact(ids[0]), None).await.0,
        200,
        "seen ones stay free"
    );
    // The owner sees their own for free; another user has their own allowance.
    assert_eq!(send(&app, &owner, Method::POST, &contact(ids[2]), None).await.0, 200);
    let (other, _, _) = app.user_client().await;
    assert_eq!(send(&app, &other, Method::POST, &contact(ids[2]), None).await.0, 200);
    // A day later the limit is lifted.
    app.clock.advance(chrono::Duration::hours(25));
    assert_eq!(send(&app, &viewer, Method::POST, &contact(ids[2]), None).await.0, 200);

    let (_, mine) = get(&app, &owner, "/api/v1/me/listings").await;
    let counts: Vec<i64> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["contact_count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, vec![2, 1, 1], "newest first: 钢丝, 钢板, 钢管");
    assert_eq!(app.count_rows("listing_contact_reveals").await, 4);
    // An unlisted listing reveals nothing.
    send(&app, &owner, Method::POST, &format!("/api/v1/me/listings/{}/unlist", ids[1]), None).await;
    let (other2, _, _) = app.user_client().await;
    assert_eq!(send(&app, &other2, Method::POST, &contact(ids[1]), None).await.0, 404);
}

#[tokio::test]
async fn a_report_leads_to_a_force_unlist_the_member_is_told_about() {
    let app = TestApp::spawn().await;
    let (owner, owner_id) = member(&app).await;
    set_phone(&app, owner_id, "13800138021").await;
    let staff = secretary(&app).await;
    let id = live_listing(&app, &owner, &staff, listing("高仿名表")).await;
    let decided = notices(&app, "13800138021").await;
    assert_eq!(decided[0].0, "review_decided");

    let (reporter, _, _) = app.user_client().await;
    let path = format!("/api/v1/listings/{id}/reports");
    let (status, body) =
        send(&app, &reporter, Method::POST, &path, Some(json!({"reason": " "}))).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) =
        send(&app, &reporter, Method::POST, &path, Some(json!({"reason": "疑似假货"}))).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) =
        send(&app, &reporter, Method::POST, &path, Some(json!({"reason": "再报"}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("already_reported")));

    let queue =
        staff.get(app.url("/admin/listing-reports")).send().await.unwrap().text().await.unwrap();
    assert_eq!(html::count(&queue, "#listing-reports tbody tr"), 1);
    assert!(queue.contains("疑似假货"));

    let unlist = format!("/admin/listings/{id}/unlist");
    assert_eq!(post_form(&app, &staff, &unlist, &[("note", " ")]).await.status(), 422);
    assert_eq!(
        post_form(&app, &staff, &unlist, &[("note", "涉嫌售假，已下架")]).await.status(),
        303
    );
    assert_eq!(hall_ids(&app, "").await.1, 0);
    let queue =
        staff.get(app.url("/admin/listing-reports")).send().await.unwrap().text().await.unwrap();
    assert_eq!(html::count(&queue, "#listing-reports tbody tr"), 0, "handled");

    let sent = notices(&app, "13800138021").await;
    assert_eq!(sent[0].0, "listing_unlisted");
    assert_eq!(sent[0].1["note"], "涉嫌售假，已下架");
    let (_, mine) = get(&app, &owner, &format!("/api/v1/me/listings/{id}")).await;
    assert_eq!(
        (mine["hall"].as_str(), mine["staff_note"].as_str()),
        (Some("staff_unlisted"), Some("涉嫌售假，已下架"))
    );
    let (_, inbox) = get(&app, &owner, "/api/v1/me/notifications").await;
    assert!(inbox.to_string().contains("涉嫌售假"), "{inbox}");

    // The member cannot simply list it again; an approved edit lifts the block.
    let relist = format!("/api/v1/me/listings/{id}/list");
    let (status, body) = send(&app, &owner, Method::POST, &relist, None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("unlisted_by_staff")));
    send(
        &app,
        &owner,
        Method::PUT,
        &format!("/api/v1/me/listings/{id}"),
        Some(listing("正品手表")),
    )
    .await;
    approve_pending(&app, &staff).await;
    notices(&app, "13800138021").await;
    let (status, _) = send(&app, &owner, Method::POST, &relist, None).await;
    assert_eq!(status, 200);
    assert_eq!(hall_ids(&app, "").await.0, vec![id]);
}
