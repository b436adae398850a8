//! The mini-program home: one request, no token needed, members-only items only for
//! members, banners and shortcuts staff arrange, cacheable.

use super::*;

#[tokio::test]
async fn the_home_answers_in_one_request_for_its_audience() {
    let app = TestApp::spawn().await;
    let staff = editor(&app).await;
    let pinned = published(&app, &staff, "置顶公告", &[("pinned", "on")]).await;
    let latest = published(&app, &staff, "最新资讯", &[]).await;
    let inner = published(&app, &staff, "会员专享", &[("audience", "members")]).await;
    let event = crate::events::published_event(&app, |_| {}).await;
    let (_, image) =
        editor_upload(&app, &staff, "image", crate::reviewed::png(60, 20), "b.png").await;
    let image_id = image["id"].as_i64().unwrap().to_string();
    let banner = [
        ("image_file_id", image_id.as_str()),
        ("title", "年会"),
        ("target_kind", "article"),
        ("target_id", &pinned.to_string()),
        ("sort_order", "1"),
    ];
    assert_eq!(post_form(&app, &staff, "/admin/content-home/banners", &banner).await.status(), 303);
    let bad = [
        ("image_file_id", image_id.as_str()),
        ("target_kind", "url"),
        ("target_url", "javascript:x"),
    ];
    assert_eq!(post_form(&app, &staff, "/admin/content-home/banners", &bad).await.status(), 422);
    let shortcuts = [("shortcut", "events"), ("shortcut", "articles")];
    assert_eq!(
        post_form(&app, &staff, "/admin/content-home/shortcuts", &shortcuts).await.status(),
        303
    );

    let res = reqwest::get(app.url("/api/v1/home")).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "public, max-age=30");
    let home: Value = res.json().await.unwrap();
    assert_eq!(home["banners"][0]["target_id"], pinned);
    assert!(home["banners"][0]["image"]["url"].as_str().unwrap().starts_with("/media/"));
    let keys: Vec<_> =
        home["shortcuts"].as_array().unwrap().iter().map(|s| s["key"].clone()).collect();
    assert_eq!(keys, ["articles", "events"], "catalogue order");
    let ids = |k: &str, v: &Value| -> Vec<i64> {
        v[k].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect()
    };
    assert_eq!(ids("pinned", &home), [pinned]);
    assert_eq!(ids("latest", &home), [latest], "members-only left out for visitors");
    assert_eq!(ids("events", &home), [event.id]);

    let (member, _) = member(&app).await;
    let res = member.get(app.url("/api/v1/home")).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "private, max-age=30");
    let home: Value = res.json().await.unwrap();
    assert_eq!(ids("latest", &home), [inner, latest]);

    // A new article shows at once (writes drop the cached answers).
    let newer = published(&app, &staff, "刚刚发布", &[]).await;
    let home: Value = reqwest::get(app.url("/api/v1/home")).await.unwrap().json().await.unwrap();
    assert_eq!(ids("latest", &home), [newer, latest]);
}
