//! Marketplace (供需大厅) end to end through HTTP: the visibility rule in each of its
//! parts, list/unlist without review, edit-while-live, expiry by the clock, owner-only
//! actions, reports → force unlist → notice, the contact reveal and its limit, search
//! and filters, the workbench — on SQLite, or PostgreSQL with `TEST_DATABASE_URL`.

mod hall;
mod listings;
mod races;
mod workbench;

use reqwest::Method;
use serde_json::{Value, json};

pub use crate::reviewed::{
    decide, get, inbox_ids, member, pending_revision, secretary, send, upload,
};
use crate::support::{TestApp, html};

/// Today in the association's zone at the test clock's start (2026-11-24 14:30 +08:00).
pub const TODAY: &str = "2026-11-24";

/// A valid listing body titled `title`.
pub fn listing(title: &str) -> Value {
    json!({
        "kind": "supply",
        "title": title,
        "description_html": "<p>优质<b>钢材</b>，量大从优<script>alert(1)</script></p>",
        "price_cents": 1250,
        "unit": "吨",
        "location": "苏州",
        "contact_name": "王经理",
        "contact_phone": "13800138000",
        "image_file_ids": [],
    })
}

/// Creates a listing as `client`; returns its id.
pub async fn create(app: &TestApp, client: &reqwest::Client, body: Value) -> i64 {
    let (status, view) = send(app, client, Method::POST, "/api/v1/me/listings", Some(body)).await;
    assert_eq!(status, 201, "{view}");
    view["id"].as_i64().unwrap()
}

/// Approves the single pending listing revision in the inbox.
pub async fn approve_pending(app: &TestApp, staff: &reqwest::Client) {
    let rev = pending_revision(app, staff, "listing").await;
    assert_eq!(decide(app, staff, rev, "approve", "").await, 303);
}

/// Creates and approves a listing; returns its id.
pub async fn live_listing(
    app: &TestApp,
    client: &reqwest::Client,
    staff: &reqwest::Client,
    body: Value,
) -> i64 {
    let id = create(app, client, body).await;
    approve_pending(app, staff).await;
    id
}

/// The hall's ids for `query` (e.g. `?q=钢`), newest first, and the total.
pub async fn hall_ids(app: &TestApp, query: &str) -> (Vec<i64>, i64) {
    let res = reqwest::get(app.url(&format!("/api/v1/listings{query}"))).await.unwrap();
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    let ids = page["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap());
    (ids.collect(), page["total"].as_i64().unwrap())
}

/// The status of the public detail (no token).
pub async fn detail_status(app: &TestApp, id: i64) -> u16 {
    reqwest::get(app.url(&format!("/api/v1/listings/{id}"))).await.unwrap().status().as_u16()
}

/// What the workbench preview says: whether the hall shows listing `id` (是/否).
pub async fn preview_in_hall(app: &TestApp, staff: &reqwest::Client, id: i64) -> String {
    let body = staff
        .get(app.url(&format!("/admin/listings/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    html::texts(&body, "#in-hall").join("")
}

/// Whether the card block of `user_id` lists listing `id` (the context function).
pub async fn on_card(app: &TestApp, user_id: i64, id: i64) -> bool {
    use guildhall::kernel::clock::Clock as _;
    let now = app.clock.now().naive_utc();
    let items = app
        .state
        .db
        .run(move |conn| guildhall::marketplace::card_items(conn, now, user_id))
        .await
        .unwrap();
    items.iter().any(|i| i.id == id)
}

/// Whether listing `id` is shown by every reader of the rule: hall, detail, card,
/// workbench preview — and they agree.
pub async fn shown(app: &TestApp, staff: &reqwest::Client, owner: i64, id: i64) -> bool {
    let in_hall = hall_ids(app, "").await.0.contains(&id);
    let detail = detail_status(app, id).await == 200;
    let card = on_card(app, owner, id).await;
    let preview = preview_in_hall(app, staff, id).await == "是";
    assert_eq!([in_hall, detail, card, preview], [in_hall; 4], "readers of the rule disagree");
    in_hall
}
