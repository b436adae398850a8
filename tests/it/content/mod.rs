//! Content end to end through HTTP: articles written in the workbench (sanitised once,
//! scheduled by the clock), the audience rule on list / detail / file for every kind of
//! reader, locked teasers, the home, support tickets, WeChat import with a local fake
//! image server, and bad input — on SQLite, or PostgreSQL with `TEST_DATABASE_URL`.

mod articles;
mod audience;
mod bad_input;
mod gallery;
mod home;
mod import;
mod library;
mod shelf;
mod tickets;

use guildhall::accounts::Role;
use serde_json::Value;

use crate::support::TestApp;

/// A workbench client of the `editor` role.
pub async fn editor(app: &TestApp) -> reqwest::Client {
    app.staff_client(Role::Editor).await.0
}

/// Posts a workbench form (CSRF token added); returns the response.
pub async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = app.csrf_token(client, "/admin").await;
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf_token", &token));
    client.post(app.url(path)).form(&form).send().await.unwrap()
}

/// Creates an article through the workbench form; `extra` overrides the defaults.
pub async fn create_article(
    app: &TestApp,
    client: &reqwest::Client,
    title: &str,
    extra: &[(&str, &str)],
) -> i64 {
    let mut fields = vec![
        ("title", title),
        ("category_id", "1"),
        ("body_html", "<p>正文</p>"),
        ("audience", "everyone"),
    ];
    for (k, v) in extra {
        fields.retain(|(key, _)| key != k);
        fields.push((k, v));
    }
    let res = post_form(app, client, "/admin/articles", &fields).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    location.trim_start_matches("/admin/articles/").parse().unwrap()
}

/// Publishes article `id` now (`at` empty) or at `at` (`2026-11-24T18:00`, association time).
pub async fn publish(app: &TestApp, client: &reqwest::Client, id: i64, at: &str) {
    let path = format!("/admin/articles/{id}/publish");
    let res = post_form(app, client, &path, &[("publish_at", at)]).await;
    assert_eq!(res.status(), 303);
}

/// Creates and publishes an article now.
pub async fn published(
    app: &TestApp,
    client: &reqwest::Client,
    title: &str,
    extra: &[(&str, &str)],
) -> i64 {
    let id = create_article(app, client, title, extra).await;
    publish(app, client, id, "").await;
    id
}

/// Uploads through the editor's endpoint (`kind` image or document); returns
/// (status, JSON answer).
pub async fn editor_upload(
    app: &TestApp,
    client: &reqwest::Client,
    kind: &str,
    bytes: Vec<u8>,
    name: &str,
) -> (u16, Value) {
    let token = app.csrf_token(client, "/admin/articles/new").await;
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new().part("file", part);
    let res = client
        .post(app.url(&format!("/admin/articles/uploads?kind={kind}")))
        .header("x-csrf-token", token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

/// A minimal PDF.
pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
}

/// A member (position 理事, rank 4); returns (client, user id).
pub async fn member(app: &TestApp) -> (reqwest::Client, i64) {
    crate::reviewed::member(app).await
}

/// Moves member `user_id` to the position of `rank` (1 会长 … 5 会员).
pub async fn set_rank(app: &TestApp, user_id: i64, rank: i32) {
    app.exec(format!(
        "UPDATE members SET position_id = (SELECT id FROM positions WHERE rank = {rank}) \
         WHERE user_id = {user_id}"
    ))
    .await;
}

/// Member `user_id` resigns (as an approved resignation leaves the row).
pub async fn resign(app: &TestApp, user_id: i64) {
    app.exec(format!("UPDATE members SET status = 'resigned' WHERE user_id = {user_id}")).await;
}

/// The ids of the article list as `client` (none: anonymous) sees it, and the JSON.
pub async fn list(
    app: &TestApp,
    client: Option<&reqwest::Client>,
    query: &str,
) -> (Vec<i64>, Value) {
    let url = app.url(&format!("/api/v1/articles{query}"));
    let req = match client {
        Some(c) => c.get(url),
        None => reqwest::Client::new().get(url),
    };
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    let ids = page["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
    (ids, page)
}

/// The status of `path` for `client` (none: anonymous).
pub async fn status_of(app: &TestApp, client: Option<&reqwest::Client>, path: &str) -> u16 {
    let url = app.url(path);
    let req = match client {
        Some(c) => c.get(url),
        None => reqwest::Client::new().get(url),
    };
    req.send().await.unwrap().status().as_u16()
}
