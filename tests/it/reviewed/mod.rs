//! Reviewed after publication: experts and certificates through the API, the review
//! inbox and the reviewer's diff in the workbench, public verification — on SQLite, or
//! PostgreSQL with `TEST_DATABASE_URL`.

mod certificates;
mod experts;
mod inbox;
mod races;
mod screens;

use guildhall::accounts::Role;
use serde_json::Value;

use crate::membership::{make_member, post_form};
use crate::support::{TestApp, html};

/// A mini-program user who is an active member: (client, user id).
pub async fn member(app: &TestApp) -> (reqwest::Client, i64) {
    let (client, user, _) = app.user_client().await;
    make_member(app, user.id).await;
    (client, user.id)
}

/// A secretary's workbench client.
pub async fn secretary(app: &TestApp) -> reqwest::Client {
    app.staff_client(Role::Secretary).await.0
}

/// A PNG of `w`×`h` (different sizes give different files).
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::DynamicImage::new_rgb8(w, h);
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Uploads a PNG as the client's user; returns the file id.
pub async fn upload(app: &TestApp, client: &reqwest::Client, w: u32) -> i64 {
    let part = reqwest::multipart::Part::bytes(png(w, w)).file_name("p.png").mime_str("image/png");
    let form = reqwest::multipart::Form::new().part("file", part.unwrap());
    let res = client.post(app.url("/api/v1/uploads")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// Sends JSON with `method` through `client`; returns (status, body).
pub async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = client.request(method, app.url(path));
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// GET as JSON.
pub async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, Value) {
    send(app, client, reqwest::Method::GET, path, None).await
}

/// The ids of the inbox's rows of `kind` (revision ids for experts and certificates).
pub async fn inbox_ids(app: &TestApp, staff: &reqwest::Client, kind: &str) -> Vec<i64> {
    let body = staff
        .get(app.url(&format!("/admin/reviews?kind={kind}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc = html::parse(&body);
    let sel = scraper::Selector::parse("#reviews tbody tr td:nth-child(3) a").unwrap();
    doc.select(&sel)
        .filter_map(|a| a.value().attr("href"))
        .filter_map(|h| h.rsplit('/').next().and_then(|id| id.parse().ok()))
        .collect()
}

/// The single pending revision of `kind` in the inbox.
pub async fn pending_revision(app: &TestApp, staff: &reqwest::Client, kind: &str) -> i64 {
    let ids = inbox_ids(app, staff, kind).await;
    assert_eq!(ids.len(), 1, "one pending {kind}: {ids:?}");
    ids[0]
}

/// Decides revision `id` from the review page; returns the status.
pub async fn decide(
    app: &TestApp,
    staff: &reqwest::Client,
    id: i64,
    decision: &str,
    note: &str,
) -> u16 {
    let path = format!("/admin/reviews/{id}/decide");
    post_form(app, staff, &path, &[("decision", decision), ("note", note)]).await.status().as_u16()
}

/// Audit actions recorded for `subject_type`, oldest first.
pub async fn audit_actions(app: &TestApp, subject_type: &'static str) -> Vec<String> {
    let rows = guildhall::kernel::audit::recent(&app.state.db, 500).await.unwrap();
    let mut out: Vec<String> =
        rows.into_iter().filter(|r| r.subject_type == subject_type).map(|r| r.action).collect();
    out.reverse();
    out
}

/// Templates and payloads of the messages queued to `phone`, newest first.
pub async fn notices(app: &TestApp, phone: &'static str) -> Vec<(String, Value)> {
    let rows = app.outbox_to(phone).await;
    rows.into_iter().map(|r| (r.template, serde_json::from_str(&r.payload).unwrap())).collect()
}
