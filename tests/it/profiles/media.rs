//! Public media: signed links anyone may load (cacheable, ETag, ranges), forgeries 404;
//! avatars and event covers come with URLs; staff file access follows roles.

use guildhall::accounts::Role;
use reqwest::Method;
use serde_json::json;

use super::{send, upload};
use crate::support::TestApp;

#[tokio::test]
async fn an_avatar_gets_a_public_cacheable_link_and_forged_links_are_not_found() {
    let app = TestApp::spawn().await;
    let (client, _, _) = app.user_client().await;
    let file = upload(&app, &client, 300).await;
    let (status, me) =
        send(&app, &client, Method::PATCH, "/api/v1/me", Some(json!({"avatar_file_id": file})))
            .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["user"]["avatar_file_id"], file);
    let url = me["user"]["avatar"]["url"].as_str().unwrap().to_owned();
    let thumb = me["user"]["avatar"]["thumbnail_url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&format!("/media/{file}-")), "{url}");

    let anonymous = reqwest::Client::new();
    let res = anonymous.get(app.url(&url)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert!(res.headers()["cache-control"].to_str().unwrap().contains("public"));
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let full = res.bytes().await.unwrap();
    assert!(full.len() > 20);

    let res = anonymous.get(app.url(&url)).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(res.status(), 304);
    let res = anonymous.get(app.url(&url)).header("range", "bytes=0-9").send().await.unwrap();
    assert_eq!(res.status(), 206);
    assert_eq!(
        res.headers()["content-range"].to_str().unwrap(),
        format!("bytes 0-9/{}", full.len())
    );
    assert_eq!(res.bytes().await.unwrap(), full[..10]);
    let res = anonymous.get(app.url(&url)).header("range", "bytes=99999-").send().await.unwrap();
    assert_eq!(res.status(), 416);

    let res = anonymous.get(app.url(&thumb)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap().len() < full.len(), "the thumbnail is smaller");

    let sig = url.rsplit('-').next().unwrap();
    for forged in [
        format!("/media/{}-{sig}", file + 1),
        format!("/media/{file}-AAAAAAAAAAAAAAAA"),
        format!("/media/{file}"),
    ] {
        let res = anonymous.get(app.url(&forged)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{forged}");
    }
}

#[tokio::test]
async fn event_covers_come_with_urls() {
    let app = TestApp::spawn().await;
    let (client, _, _) = app.user_client().await;
    let cover = upload(&app, &client, 120).await;
    let event = crate::events::published_event(&app, |e| e.cover_file_id = Some(cover)).await;
    let (status, list) = send(&app, &client, Method::GET, "/api/v1/events", None).await;
    assert_eq!(status, 200);
    let url = list["items"][0]["cover"]["url"].as_str().unwrap();
    let res = reqwest::get(app.url(url)).await.unwrap();
    assert_eq!(res.status(), 200);
    let path = format!("/api/v1/events/{}", event.id);
    let (_, detail) = send(&app, &client, Method::GET, &path, None).await;
    assert_eq!(detail["event"]["cover"]["url"], url);
}

#[tokio::test]
async fn an_editor_does_not_read_application_letters_but_a_secretary_does() {
    let app = TestApp::spawn().await;
    let (client, _, _) = app.user_client().await;
    let letter = upload(&app, &client, 90).await;
    let (editor, _) = app.staff_client(Role::Editor).await;
    let (secretary, _) = app.staff_client(Role::Secretary).await;
    let path = app.url(&format!("/admin/files/{letter}"));
    assert_eq!(editor.get(&path).send().await.unwrap().status(), 404);
    assert_eq!(secretary.get(&path).send().await.unwrap().status(), 200);
}
