//! Albums and videos end to end: photos uploaded one by one into an album, captions,
//! order and cover; MP4 uploads played with byte ranges; links only to Tencent hosts;
//! the audience rule for each reader; a 200 MB video, an SVG "image" and an executable
//! named .pdf refused with nothing stored.

use super::shelf::*;
use super::*;

async fn album_with_photos(
    app: &TestApp,
    staff: &reqwest::Client,
    audience: &str,
) -> (i64, Vec<i64>) {
    let id =
        created(app, staff, "/admin/albums", &[("title", "2026 年会"), ("audience", audience)])
            .await;
    let mut photos = Vec::new();
    for w in [10, 11, 12] {
        let url = format!("/admin/albums/{id}/photos");
        let (status, json) = upload(app, staff, &url, crate::reviewed::png(w, w), "p.png").await;
        assert_eq!(status, 201, "{json}");
        photos.push(json["photo_id"].as_i64().unwrap());
    }
    publish_at(app, staff, "albums", id).await;
    (id, photos)
}

#[tokio::test]
async fn an_album_is_filled_in_bulk_ordered_and_read_by_its_audience() {
    let app = TestApp::spawn().await;
    let staff = editor(&app).await;
    let (public, photos) = album_with_photos(&app, &staff, "everyone").await;
    let (members, _) = album_with_photos(&app, &staff, "members").await;

    // Caption and order the last photo first, make it the cover.
    let path = format!("/admin/albums/{public}/photos/{}", photos[2]);
    let res = post_form(
        &app,
        &staff,
        &path,
        &[("action", "save"), ("caption", "颁奖"), ("sort_order", "0")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let res = post_form(&app, &staff, &path, &[("action", "cover")]).await;
    assert_eq!(res.status(), 303);
    let gone = format!("/admin/albums/{public}/photos/{}", photos[1]);
    assert_eq!(post_form(&app, &staff, &gone, &[("action", "delete")]).await.status(), 303);

    let (status, album) = get_json(&app, None, &format!("/api/v1/albums/{public}")).await;
    assert_eq!(status, 200, "{album}");
    let got: Vec<i64> =
        album["photos"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert_eq!(got, [photos[2], photos[0]]);
    assert_eq!(album["photos"][0]["caption"], "颁奖");
    let thumb = album["photos"][0]["image"]["thumbnail_url"].as_str().unwrap().to_owned();
    assert!(thumb.starts_with("/media/") && thumb.ends_with("/thumbnail"), "{thumb}");
    assert_eq!(album["cover"]["file_id"], album["photos"][0]["image"]["file_id"]);
    assert_eq!(status_of(&app, None, &thumb).await, 200);

    // The audience rule for each reader.
    let (director, director_id) = member(&app).await;
    let (lower, lower_id) = member(&app).await;
    set_rank(&app, lower_id, 5).await;
    let (visitor, _, _) = app.user_client().await;
    let members_path = format!("/api/v1/albums/{members}");
    assert_eq!(ids(&get_json(&app, None, "/api/v1/albums").await.1), [public]);
    assert_eq!(ids(&get_json(&app, Some(&visitor), "/api/v1/albums").await.1), [public]);
    assert_eq!(get_json(&app, Some(&visitor), &members_path).await.0, 404);
    assert_eq!(ids(&get_json(&app, Some(&director), "/api/v1/albums").await.1), [public, members]);
    assert_eq!(get_json(&app, Some(&lower), &members_path).await.0, 200);
    resign(&app, director_id).await;
    assert_eq!(get_json(&app, Some(&director), &members_path).await.0, 404);

    // The workbench shows the photos with their thumbnails.
    let page = staff.get(app.url(&format!("/admin/albums/{public}"))).send().await.unwrap();
    let body = page.text().await.unwrap();
    assert_eq!(crate::support::html::count(&body, "#photo-grid figure.photo"), 2);
    assert!(body.contains("data-bulk=\"/admin/albums/"), "the bulk upload input");
}

async fn uploaded_video(app: &TestApp, staff: &reqwest::Client, audience: &str, min: &str) -> i64 {
    let file = uploaded(app, staff, "video", mp4(4000)).await.to_string();
    let poster = uploaded(app, staff, "image", crate::reviewed::png(16, 9)).await.to_string();
    let fields = [
        ("title", "年会回顾"),
        ("source", "upload"),
        ("file_id", file.as_str()),
        ("poster_file_id", poster.as_str()),
        ("audience", audience),
        ("min_position_id", min),
    ];
    let id = created(app, staff, "/admin/videos", &fields).await;
    publish_at(app, staff, "videos", id).await;
    id
}

#[tokio::test]
async fn an_uploaded_video_plays_with_ranges_only_for_its_audience() {
    let app = TestApp::spawn().await;
    let staff = editor(&app).await;
    let director = director_position(&app).await;
    let public = uploaded_video(&app, &staff, "everyone", "").await;
    let directors = uploaded_video(&app, &staff, "position", &director).await;
    let link = created(
        &app,
        &staff,
        "/admin/videos",
        &[
            ("title", "视频号"),
            ("source", "link"),
            ("link_url", "https://channels.weixin.qq.com/web/pages/feed?eid=1"),
            ("audience", "everyone"),
        ],
    )
    .await;
    publish_at(&app, &staff, "videos", link).await;

    let (_, video) = get_json(&app, None, &format!("/api/v1/videos/{public}")).await;
    assert_eq!(video["source"], "upload");
    assert!(video["poster"]["url"].as_str().unwrap().starts_with("/media/"));
    let play = video["play_path"].as_str().unwrap().to_owned();
    let res = reqwest::Client::new()
        .get(app.url(&play))
        .header("range", "bytes=0-99")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 206);
    assert_eq!(res.headers()["content-type"], "video/mp4");
    assert_eq!(res.headers()["content-range"], format!("bytes 0-99/{}", mp4(4000).len()));
    assert_eq!(res.bytes().await.unwrap().to_vec(), mp4(4000)[..100].to_vec());
    let whole = reqwest::get(app.url(&play)).await.unwrap();
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.bytes().await.unwrap().to_vec(), mp4(4000));
    let (_, linked) = get_json(&app, None, &format!("/api/v1/videos/{link}")).await;
    assert!(linked["play_path"].is_null());
    assert_eq!(linked["link_url"], "https://channels.weixin.qq.com/web/pages/feed?eid=1");

    // The MP4 of a directors' video: only for them, checked at each request.
    let file = format!("/api/v1/videos/{directors}/file");
    let (boss, boss_id) = member(&app).await;
    let (lower, lower_id) = member(&app).await;
    set_rank(&app, lower_id, 5).await;
    let (visitor, _, _) = app.user_client().await;
    assert_eq!(status_of(&app, None, &file).await, 404);
    assert_eq!(status_of(&app, Some(&visitor), &file).await, 404);
    assert_eq!(status_of(&app, Some(&lower), &file).await, 404);
    assert_eq!(status_of(&app, Some(&boss), &file).await, 200);
    assert_eq!(
        ids(&get_json(&app, Some(&boss), "/api/v1/videos").await.1),
        [public, directors, link]
    );
    assert_eq!(ids(&get_json(&app, Some(&lower), "/api/v1/videos").await.1), [public, link]);
    resign(&app, boss_id).await;
    assert_eq!(status_of(&app, Some(&boss), &file).await, 404);
    assert_eq!(status_of(&app, Some(&boss), &format!("/api/v1/videos/{directors}")).await, 404);
}

#[tokio::test]
async fn a_200_mb_video_is_refused_while_it_is_read_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let staff = editor(&app).await;
    let limit = app.state.config.content.video_max_bytes;
    assert!(limit < 200 * 1024 * 1024, "the default refuses a 200 MB video");
    let mut big = mp4(0);
    big.resize(200 * 1024 * 1024, 7);
    let (status, json) =
        upload(&app, &staff, "/admin/library/uploads?kind=video", big, "big.mp4").await;
    assert_eq!(status, 413, "{json}");
    assert!(json["message"].as_str().unwrap().contains("MB"), "{json}");
    assert_eq!(app.count_rows("files").await, 0);
    assert!(app.stored_files().is_empty(), "no bytes on disk");
}

const SVG: &[u8] = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" \
    onload=\"alert(1)\"><rect width=\"9\" height=\"9\"/></svg>";

#[tokio::test]
async fn hostile_files_and_foreign_video_hosts_are_refused() {
    let app = TestApp::spawn().await;
    let staff = editor(&app).await;
    let album =
        created(&app, &staff, "/admin/albums", &[("title", "相册"), ("audience", "everyone")])
            .await;
    let photos = format!("/admin/albums/{album}/photos");
    let (status, _) = upload(&app, &staff, &photos, SVG.to_vec(), "photo.svg").await;
    assert_eq!(status, 415, "an SVG \"image\"");
    let (status, _) =
        upload(&app, &staff, "/admin/library/uploads?kind=image", SVG.to_vec(), "c.png").await;
    assert_eq!(status, 415);
    let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0PE\0\0 this program cannot be run".to_vec();
    let (status, _) =
        upload(&app, &staff, "/admin/library/uploads?kind=document", exe, "会刊.pdf").await;
    assert_eq!(status, 415, "an executable named .pdf");
    let (status, _) =
        upload(&app, &staff, "/admin/library/uploads?kind=video", pdf(), "v.mp4").await;
    assert_eq!(status, 415, "a PDF is not a video");
    assert_eq!(app.count_rows("files").await, 0);
    assert_eq!(app.count_rows("album_photos").await, 0);
    assert!(app.stored_files().is_empty());

    for bad in [
        "https://www.youtube.com/watch?v=1",
        "https://v.qq.com.evil.example/x",
        "http://v.qq.com/x/1.html",
        "javascript:alert(1)",
    ] {
        let res = post_form(
            &app,
            &staff,
            "/admin/videos",
            &[("title", "外链"), ("source", "link"), ("link_url", bad), ("audience", "everyone")],
        )
        .await;
        assert_eq!(res.status(), 422, "{bad}");
        let body = res.text().await.unwrap();
        assert!(!crate::support::html::texts(&body, ".field-error").is_empty(), "{bad}");
    }
    let res = post_form(
        &app,
        &staff,
        "/admin/videos",
        &[("title", "缺文件"), ("source", "upload"), ("audience", "everyone")],
    )
    .await;
    assert_eq!(res.status(), 422, "an upload needs its MP4 and poster");
    assert_eq!(app.count_rows("videos").await, 0);
}

#[tokio::test]
async fn photos_uploaded_in_parallel_each_get_their_own_place() {
    let app = TestApp::spawn().await;
    let staff = editor(&app).await;
    let album =
        created(&app, &staff, "/admin/albums", &[("title", "并行"), ("audience", "everyone")])
            .await;
    let url = format!("/admin/albums/{album}/photos");
    let uploads = (0..6u32).map(|i| {
        let (app, staff, url) = (&app, staff.clone(), url.clone());
        async move { upload(app, &staff, &url, crate::reviewed::png(20 + i, 20), "p.png").await.0 }
    });
    for status in futures_util::future::join_all(uploads).await {
        assert_eq!(status, 201);
    }
    publish_at(&app, &staff, "albums", album).await;
    let (_, view) = get_json(&app, None, &format!("/api/v1/albums/{album}")).await;
    assert_eq!(view["photos"].as_array().unwrap().len(), 6);
    let (_, photos) = guildhall::content::albums::find(&app.state.db, album).await.unwrap();
    let rows: Vec<i32> = photos.iter().map(|p| p.sort_order).collect();
    assert_eq!(rows, [1, 2, 3, 4, 5, 6], "the album row lock orders parallel appends");
}
