//! Uploads in an S3-compatible bucket (`media.storage.backend = "s3"`), against the
//! local test server `scripts/s3-test-server.sh` starts (moto). Skipped unless
//! `TEST_S3_ENDPOINT` names it, e.g. `http://127.0.0.1:5005`.

use crate::support::TestApp;

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::DynamicImage::new_rgb8(width, height);
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A fresh bucket on the test server, or `None` (with a message) when there is none.
async fn fresh_bucket() -> Option<(String, String)> {
    let Some(endpoint) = std::env::var("TEST_S3_ENDPOINT").ok().filter(|e| !e.is_empty()) else {
        eprintln!("skipped: set TEST_S3_ENDPOINT (scripts/s3-test-server.sh starts one)");
        return None;
    };
    let bucket = format!(
        "gh-{}",
        guildhall::kernel::tokens::random_token(8).to_lowercase().replace(['-', '_'], "x")
    );
    // The test server accepts an unsigned bucket creation.
    let res = reqwest::Client::new().put(format!("{endpoint}/{bucket}")).send().await.unwrap();
    assert!(res.status().is_success(), "create bucket: {}", res.status());
    Some((endpoint, bucket))
}

async fn spawn_on_bucket(endpoint: String, bucket: String, public: &'static str) -> TestApp {
    TestApp::spawn_with(move |c| {
        let s = &mut c.media.storage;
        s.backend = "s3".into();
        s.endpoint = endpoint;
        s.bucket = bucket;
        s.region = "us-east-1".into();
        s.access_key_id = "test".into();
        s.secret_access_key = guildhall::config::Secret::new("test");
        s.path_style = true;
        s.public = public.into();
    })
    .await
}

async fn upload(app: &TestApp, bytes: Vec<u8>) -> i64 {
    let (client, _, _) = app.user_client().await;
    let part = reqwest::multipart::Part::bytes(bytes).file_name("a.png").mime_str("image/png");
    let form = reqwest::multipart::Form::new().part("file", part.unwrap());
    let res = client.post(app.url("/api/v1/uploads")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 201);
    res.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn uploads_go_to_the_bucket_and_public_links_are_proxied() {
    let Some((endpoint, bucket)) = fresh_bucket().await else { return };
    let app = spawn_on_bucket(endpoint.clone(), bucket.clone(), "proxy").await;
    let id = upload(&app, png(800, 600)).await;
    assert!(app.stored_files().is_empty(), "nothing in the data directory");
    let file = guildhall::kernel::media::find(&app.state.db, id).await.unwrap();
    let key = format!("{}/{}.{}", &file.sha256[..2], file.sha256, file.extension);
    let anonymous = reqwest::get(format!("{endpoint}/{bucket}/{key}")).await.unwrap();
    assert_eq!(anonymous.status(), 403, "the bucket is private: no anonymous reads");

    let urls = app.state.media_links.urls(id);
    let res = app.client().get(app.url(&urls.url)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    let hash = guildhall::kernel::tokens::sha256_hex(&bytes);
    assert_eq!(hash, file.sha256, "the server proxies the bytes stored under their hash");
    let image = image::load_from_memory(&bytes).unwrap();
    assert_eq!((image.width(), image.height()), (800, 600));
    let thumb = app.client().get(app.url(&urls.thumbnail_url)).send().await.unwrap();
    let thumb = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (320, 240));
}

#[tokio::test]
async fn public_links_can_redirect_to_a_presigned_url() {
    let Some((endpoint, bucket)) = fresh_bucket().await else { return };
    let app = spawn_on_bucket(endpoint.clone(), bucket, "redirect").await;
    let id = upload(&app, png(40, 30)).await;
    let urls = app.state.media_links.urls(id);
    let res = app.client().get(app.url(&urls.url)).send().await.unwrap();
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&endpoint), "{location}");
    assert!(location.contains("X-Amz-Signature="), "presigned: {location}");
    let bytes = reqwest::get(&location).await.unwrap().bytes().await.unwrap();
    let image = image::load_from_memory(&bytes).unwrap();
    assert_eq!((image.width(), image.height()), (40, 30));
}
