//! The media pipeline through `POST /api/v1/uploads` and the workbench's upload.

use std::io::Write as _;

use guildhall::accounts::Role;

use crate::support::{TestApp, html};

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::DynamicImage::new_rgb8(width, height);
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A 20000×20000 1-bit PNG of about 60 KB that would decode to 400 MB or more.
fn png_bomb() -> Vec<u8> {
    let (w, h) = (20_000u32, 20_000u32);
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[1, 0, 0, 0, 0]); // depth 1, greyscale
    let row = vec![0u8; 1 + (w as usize).div_ceil(8)];
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..h {
        z.write_all(&row).unwrap();
    }
    let idat = z.finish().unwrap();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(&b"IHDR"[..], &ihdr[..]), (b"IDAT", &idat), (b"IEND", &[])] {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
    }
    out
}

fn file_form(bytes: Vec<u8>, name: &str, mime: &str) -> reqwest::multipart::Form {
    let part =
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()).mime_str(mime).unwrap();
    reqwest::multipart::Form::new().part("file", part)
}

async fn assert_nothing_stored(app: &TestApp) {
    assert_eq!(app.count_rows("files").await, 0, "no row");
    assert!(app.stored_files().is_empty(), "no file: {:?}", app.stored_files());
}

#[tokio::test]
async fn users_upload_an_image_which_is_reencoded_with_a_thumbnail() {
    let app = TestApp::spawn().await;
    let (client, user, _) = app.user_client().await;
    let res = client
        .post(app.url("/api/v1/uploads"))
        .multipart(file_form(png(800, 600), "photo.png", "image/png"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let body: serde_json::Value = res.json().await.unwrap();
    insta::assert_json_snapshot!("upload_png", body, {".id" => "[id]", ".byte_size" => "[size]"});
    assert_eq!(app.count_rows("files").await, 1);
    let files = app.stored_files();
    assert_eq!(files.len(), 2, "image and thumbnail: {files:?}");
    let thumb = files.iter().find(|p| p.to_string_lossy().contains(".thumb.")).unwrap();
    let thumb = image::open(thumb).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (320, 240));
    let row =
        guildhall::kernel::media::find(&app.state.db, body["id"].as_i64().unwrap()).await.unwrap();
    assert_eq!(row.uploaded_by_user_id, Some(user.id));
}

#[tokio::test]
async fn uploads_need_a_token() {
    let app = TestApp::spawn().await;
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/uploads"))
        .multipart(file_form(png(10, 10), "a.png", "image/png"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthenticated");
    assert_nothing_stored(&app).await;
}

#[tokio::test]
async fn a_50_mb_upload_is_refused_and_leaves_nothing() {
    let app = TestApp::spawn().await;
    let (client, _, _) = app.user_client().await;
    let mut big = png(10, 10);
    big.resize(50 * 1024 * 1024, 0);
    let res = client
        .post(app.url("/api/v1/uploads"))
        .multipart(file_form(big, "big.png", "image/png"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");
    assert!(body["error"]["message"].as_str().unwrap().contains("10 MB"));
    assert_nothing_stored(&app).await;
}

#[tokio::test]
async fn a_png_decompression_bomb_is_refused_and_leaves_nothing() {
    let app = TestApp::spawn().await;
    let (client, _, _) = app.user_client().await;
    let bomb = png_bomb();
    assert!(bomb.len() < 1024 * 1024, "the bomb is small on the wire: {}", bomb.len());
    let res = client
        .post(app.url("/api/v1/uploads"))
        .multipart(file_form(bomb, "bomb.png", "image/png"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "file");
    assert!(body["error"]["fields"][0]["message"].as_str().unwrap().contains("20000×20000"));
    assert_nothing_stored(&app).await;
}

#[tokio::test]
async fn an_executable_renamed_jpg_is_refused_and_leaves_nothing() {
    let app = TestApp::spawn().await;
    let (client, _, _) = app.user_client().await;
    let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
    let head = exe[..exe.len().min(256 * 1024)].to_vec();
    let res = client
        .post(app.url("/api/v1/uploads"))
        .multipart(file_form(head, "cat.jpg", "image/jpeg"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unsupported_media_type");
    assert_nothing_stored(&app).await;
}

#[tokio::test]
async fn staff_upload_in_the_workbench_through_htmx() {
    let app = TestApp::spawn().await;
    let (client, staff) = app.staff_client(Role::Editor).await;
    let token = app.csrf_token(&client, "/admin/files").await;

    let res = client
        .post(app.url("/admin/files"))
        .multipart(file_form(png(64, 64), "logo.png", "image/png"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "no CSRF header");
    assert_nothing_stored(&app).await;

    let res = client
        .post(app.url("/admin/files"))
        .header("hx-request", "true")
        .header("x-csrf-token", &token)
        .multipart(file_form(png(64, 64), "logo.png", "image/png"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let fragment = res.text().await.unwrap();
    let id: i64 = html::attr(&fragment, "[data-file-id]", "data-file-id").unwrap().parse().unwrap();
    let row = guildhall::kernel::media::find(&app.state.db, id).await.unwrap();
    assert_eq!(row.uploaded_by_staff_id, Some(staff.id));

    let image = client.get(app.url(&format!("/admin/files/{id}"))).send().await.unwrap();
    assert_eq!(image.headers()["content-type"], "image/png");
    let thumb = client.get(app.url(&format!("/admin/files/{id}/thumbnail"))).send().await.unwrap();
    assert_eq!(thumb.status(), 200);

    let res = client
        .post(app.url("/admin/files"))
        .header("hx-request", "true")
        .header("x-csrf-token", &token)
        .multipart(file_form(b"MZ\x90\0not really a picture".to_vec(), "x.jpg", "image/jpeg"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    assert_eq!(html::count(&res.text().await.unwrap(), ".flash-error"), 1);
}
