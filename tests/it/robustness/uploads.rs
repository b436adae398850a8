//! Image decodes and upload bodies are bounded at once (503 with `Retry-After` when
//! full), and every account has a daily upload quota (429).

use super::still_up;
use crate::support::TestApp;

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::DynamicImage::new_rgb8(width, height);
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn upload(client: &reqwest::Client, app: &TestApp, bytes: Vec<u8>) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name("a.png").mime_str("image/png");
    let form = reqwest::multipart::Form::new().part("file", part.unwrap());
    client.post(app.url("/api/v1/uploads")).multipart(form).send().await.unwrap()
}

async fn busy(res: reqwest::Response) {
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["retry-after"], "5");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "busy");
}

#[tokio::test]
async fn decodes_wait_for_memory_and_bodies_for_a_slot_as_503s() {
    let app = TestApp::spawn_with(|c| c.limits.work_memory_mb = 64).await;
    let (client, _, _) = app.user_client().await;
    let gate = app.state.media.gate().clone();

    let all_memory = gate.try_memory(64 * 1024 * 1024).unwrap();
    busy(upload(&client, &app, png(400, 300)).await).await;
    assert_eq!(app.count_rows("files").await, 0, "nothing stored");
    drop(all_memory);

    let slots: Vec<_> = (0..8).map(|_| gate.try_upload().unwrap()).collect();
    busy(upload(&client, &app, png(400, 300)).await).await;
    drop(slots);

    assert_eq!(upload(&client, &app, png(400, 300)).await.status(), 201);
    still_up(&app).await;
}

#[tokio::test]
async fn each_account_has_a_daily_upload_quota() {
    let app = TestApp::spawn_with(|c| c.limits.daily_upload_files = 2).await;
    let (client, _, _) = app.user_client().await;
    for n in 0..2 {
        assert_eq!(upload(&client, &app, png(40 + n, 30)).await.status(), 201);
    }
    let res = upload(&client, &app, png(50, 30)).await;
    assert_eq!(res.status(), 429);
    let wait: i64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert_eq!(wait, 24 * 3600, "until the first upload leaves the window");
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("今日上传已达上限"));

    let (other, _, _) = app.user_client().await;
    assert_eq!(upload(&other, &app, png(60, 30)).await.status(), 201, "quotas are per account");

    app.clock.advance(chrono::Duration::hours(24));
    assert_eq!(upload(&client, &app, png(70, 30)).await.status(), 201, "a day later");
}

#[tokio::test]
async fn the_byte_quota_counts_too() {
    let app = TestApp::spawn_with(|c| c.limits.daily_upload_bytes = 3_000).await;
    let (client, _, _) = app.user_client().await;
    assert_eq!(upload(&client, &app, png(40, 30)).await.status(), 201);
    let big = png(1500, 1500);
    assert!(big.len() > 3_000);
    assert_eq!(upload(&client, &app, big).await.status(), 429);
}
