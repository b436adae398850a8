//! Not a check: `SHOTS_DIR=/tmp/shots cargo test --test it dump_review_pages -- --ignored`
//! writes the reviewer's diff and the verification page, with their stylesheet and
//! images, as files a headless browser can open (the workbench needs a session, which
//! a browser screenshot cannot sign in to).

use reqwest::Method;
use serde_json::json;

use super::{decide, member, pending_revision, secretary, send, upload};
use crate::support::TestApp;

async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    dir: &std::path::Path,
    name: &str,
) {
    let mut body = client.get(app.url(path)).send().await.unwrap().text().await.unwrap();
    let css = client.get(app.url("/static/app.css")).send().await.unwrap().bytes().await.unwrap();
    std::fs::write(dir.join("app.css"), css).unwrap();
    body = body.replace("/static/app.css", "app.css");
    let srcs: Vec<String> = {
        let doc = scraper::Html::parse_document(&body);
        let sel = scraper::Selector::parse("img").unwrap();
        doc.select(&sel).filter_map(|i| i.value().attr("src").map(str::to_owned)).collect()
    };
    for (n, src) in srcs.iter().enumerate() {
        let bytes = client.get(app.url(src)).send().await.unwrap().bytes().await.unwrap();
        let file = format!("{name}-{n}.img");
        std::fs::write(dir.join(&file), bytes).unwrap();
        body = body.replace(&format!("src=\"{src}\""), &format!("src=\"{file}\""));
    }
    std::fs::write(dir.join(format!("{name}.html")), body).unwrap();
}

fn coloured_png(w: u32, rgb: [u8; 3]) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, w * 3 / 4, image::Rgb(rgb));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn upload_coloured(app: &TestApp, client: &reqwest::Client, w: u32, rgb: [u8; 3]) -> i64 {
    let part = reqwest::multipart::Part::bytes(coloured_png(w, rgb)).file_name("c.png");
    let form = reqwest::multipart::Form::new().part("file", part.mime_str("image/png").unwrap());
    let res = client.post(app.url("/api/v1/uploads")).multipart(form).send().await.unwrap();
    res.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[tokio::test]
#[ignore = "writes pages for screenshots"]
async fn dump_review_pages() {
    let Ok(dir) = std::env::var("SHOTS_DIR") else { return };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let app = TestApp::spawn().await;
    let (owner, _) = member(&app).await;
    let staff = secretary(&app).await;
    let red = upload_coloured(&app, &owner, 400, [200, 60, 60]).await;
    let blue = upload_coloured(&app, &owner, 401, [60, 90, 200]).await;
    let green = upload_coloured(&app, &owner, 402, [60, 170, 90]).await;
    let _ = upload(&app, &owner, 10).await;
    let cert = |images: Vec<i64>, lines: serde_json::Value, until: &str| {
        json!({
            "title": "软件产品证书", "kind": "软件产品证书",
            "awarded_to": "深圳市示范科技有限公司", "issuer": "深圳市软件行业协会",
            "issue_date": "2026-03-01", "number": "SZ-2026-001",
            "validity": {"type": "range", "from": "2026-03-01", "until": until},
            "extra_lines": lines, "image_file_ids": images,
        })
    };
    let lines = json!([{"label": "软件名称", "value": "信易通企业信用管理系统 V1.0"}, {"label": "开发单位", "value": "深圳市示范科技有限公司"}]);
    let (_, mine) = send(
        &app,
        &owner,
        Method::POST,
        "/api/v1/me/certificates",
        Some(cert(vec![red, blue], lines, "2031-02-28")),
    )
    .await;
    let id = mine["id"].as_i64().unwrap();
    let rev = pending_revision(&app, &staff, "certificate").await;
    decide(&app, &staff, rev, "approve", "").await;
    let lines = json!([{"label": "软件名称", "value": "信易通企业信用管理系统 V2.0"}, {"label": "开发单位", "value": "深圳市示范科技有限公司"}, {"label": "登记号", "value": "2026SR012345"}]);
    send(
        &app,
        &owner,
        Method::PUT,
        &format!("/api/v1/me/certificates/{id}"),
        Some(cert(vec![blue, green], lines, "2032-02-28")),
    )
    .await;
    let rev = pending_revision(&app, &staff, "certificate").await;
    save(&app, &staff, &format!("/admin/reviews/{rev}"), &dir, "diff-certificate").await;

    let expert = |org: &str, intro: &str, fields: serde_json::Value, photo: i64| {
        json!({"name": "王建国", "photo_file_id": photo, "fields": fields, "title": "教授级高级工程师",
               "organisation": org, "introduction": intro, "achievements": "获广东省科技进步一等奖。"})
    };
    let (_, e) = send(
        &app,
        &owner,
        Method::POST,
        "/api/v1/me/experts",
        Some(expert(
            "深圳市示范研究院",
            "长期从事智能制造与工业互联网研究。\n主持国家重点研发计划课题两项。",
            json!(["智能制造", "工业互联网"]),
            red,
        )),
    )
    .await;
    let eid = e["id"].as_i64().unwrap();
    let rev = pending_revision(&app, &staff, "expert").await;
    decide(&app, &staff, rev, "approve", "").await;
    send(
        &app,
        &owner,
        Method::PUT,
        &format!("/api/v1/me/experts/{eid}"),
        Some(expert(
            "深圳市创新研究院",
            "长期从事智能制造、工业互联网与数字孪生研究。\n主持国家重点研发计划课题三项。",
            json!(["智能制造", "数字孪生"]),
            green,
        )),
    )
    .await;
    let rev = pending_revision(&app, &staff, "expert").await;
    save(&app, &staff, &format!("/admin/reviews/{rev}"), &dir, "diff-expert").await;
    save(&app, &staff, "/admin/reviews", &dir, "inbox").await;
    save(&app, &staff, &format!("/admin/certificates/{id}"), &dir, "certificate").await;

    let (_, list) = super::get(&app, &owner, "/api/v1/certificates").await;
    let url = list["items"][0]["verify_url"].as_str().unwrap().to_owned();
    let code = url.rsplit('/').next().unwrap().to_owned();
    let anon = reqwest::Client::new();
    save(&app, &anon, &format!("/v/{code}"), &dir, "verify").await;
    crate::membership::post_form(
        &app,
        &staff,
        &format!("/admin/certificates/{id}/revoke"),
        &[("reason", "经核实，证书信息与登记不符")],
    )
    .await;
    save(&app, &anon, &format!("/v/{code}"), &dir, "verify-revoked").await;
    save(&app, &anon, "/v/UNKNOWN12345", &dir, "verify-unknown").await;
}
