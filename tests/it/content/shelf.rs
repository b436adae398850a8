//! Helpers of the library, album and video tests: uploads through the workbench's
//! library endpoint, forms, a minimal MP4.

use super::*;

/// Uploads through `/admin/library/uploads?kind=…`; returns (status, JSON answer).
pub async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    url: &str,
    bytes: Vec<u8>,
    name: &str,
) -> (u16, Value) {
    let token = app.csrf_token(client, "/admin/library/new").await;
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new().part("file", part);
    let res = client
        .post(app.url(url))
        .header("x-csrf-token", token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

/// Uploads a file of `kind` and returns its id (asserting 201).
pub async fn uploaded(app: &TestApp, client: &reqwest::Client, kind: &str, bytes: Vec<u8>) -> i64 {
    let url = format!("/admin/library/uploads?kind={kind}");
    let (status, json) = upload(app, client, &url, bytes, "f").await;
    assert_eq!(status, 201, "{json}");
    json["id"].as_i64().unwrap()
}

/// A tiny MP4 (an `ftyp` box, then `n` bytes of `mdat`).
pub fn mp4(n: usize) -> Vec<u8> {
    let mut out = vec![0, 0, 0, 0x18];
    out.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
    let len = u32::try_from(n + 8).unwrap().to_be_bytes();
    out.extend_from_slice(&len);
    out.extend_from_slice(b"mdat");
    out.extend((0..n).map(|i| (i % 251) as u8));
    out
}

/// Posts a form and returns the id in the redirect (`/admin/<area>/{id}`), asserting 303.
pub async fn created(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> i64 {
    let res = post_form(app, client, path, fields).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    location.rsplit('/').next().unwrap().parse().unwrap()
}

/// Publishes `/admin/<area>/{id}`.
pub async fn publish_at(app: &TestApp, client: &reqwest::Client, area: &str, id: i64) {
    let res = post_form(app, client, &format!("/admin/{area}/{id}/publish"), &[]).await;
    assert_eq!(res.status(), 303);
}

/// The id of the director position (rank 4).
pub async fn director_position(app: &TestApp) -> String {
    let all = app.state.db.run(guildhall::membership::all_positions).await.unwrap();
    all.iter().find(|p| p.rank == 4).unwrap().id.to_string()
}

/// GET `path` as `client` (none: anonymous): (status, JSON or null).
pub async fn get_json(app: &TestApp, client: Option<&reqwest::Client>, path: &str) -> (u16, Value) {
    let url = app.url(path);
    let req = match client {
        Some(c) => c.get(url),
        None => reqwest::Client::new().get(url),
    };
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

/// The sorted ids of a list answer.
pub fn ids(page: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> =
        page["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
    ids.sort_unstable();
    ids
}
