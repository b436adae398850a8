//! Articles: written in the workbench, sanitised once on write, scheduled by the clock,
//! counted, searched.

use super::*;
use crate::support::html;

#[tokio::test]
async fn an_article_is_sanitised_on_write_and_appears_when_its_time_comes() {
    let app = TestApp::spawn().await;
    let staff = editor(&app).await;
    let (status, image) =
        editor_upload(&app, &staff, "image", crate::reviewed::png(40, 30), "p.png").await;
    assert_eq!(status, 201, "{image}");
    let src = image["data"]["url"].as_str().unwrap().to_owned();
    let body = format!(
        "<p>协会<strong>年会</strong><script>alert(1)</script></p>\
         <img src=\"{src}\" onerror=\"alert(2)\"><img src=\"https://tracker.example/x.gif\">\
         <table><tbody><tr><td colspan=\"2\">表格</td></tr></tbody></table>\
         <p><a href=\"javascript:alert(3)\">坏链接</a><a href=\"https://www.gov.cn/\">政策</a></p>"
    );
    let id =
        create_article(&app, &staff, "年会通知", &[("body_html", &body), ("pinned", "on")]).await;

    // Stored sanitised: the editor gets back what readers will get.
    let form = staff.get(app.url(&format!("/admin/articles/{id}"))).send().await.unwrap();
    let stored = html::texts(&form.text().await.unwrap(), "#body_html").join("");
    for gone in ["script", "onerror", "tracker.example", "javascript:"] {
        assert!(!stored.contains(gone), "{gone} survived: {stored}");
    }
    assert!(
        stored.contains(&format!("<img src=\"{src}\"")) && stored.contains("<td colspan=\"2\">")
    );

    // Scheduled for 18:00 today (association time): invisible until then.
    publish(&app, &staff, id, "2026-11-24T18:00").await;
    assert!(list(&app, None, "").await.0.is_empty());
    assert_eq!(status_of(&app, None, &format!("/api/v1/articles/{id}")).await, 404);
    let page = staff.get(app.url("/admin/articles?state=scheduled")).send().await.unwrap();
    assert_eq!(html::count(&page.text().await.unwrap(), "#articles tbody tr"), 1);

    app.clock.advance(chrono::Duration::hours(4));
    let (ids, page) = list(&app, None, "").await;
    assert_eq!(ids, [id]);
    assert_eq!(page["items"][0]["pinned"], true);
    assert_eq!(page["items"][0]["summary"], "协会年会 表格 坏链接政策");
    let detail: Value = reqwest::get(app.url(&format!("/api/v1/articles/{id}")))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let body = detail["body_html"].as_str().unwrap();
    assert!(body.contains(&format!("src=\"{}{src}\"", app.state.config.public_base_url)), "{body}");
    assert!(body.contains("rel=\"noopener noreferrer\""));
    assert!(!body.contains("alert"));
    assert_eq!(detail["view_count"], 1);
    let again: Value = reqwest::get(app.url(&format!("/api/v1/articles/{id}")))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["view_count"], 2);

    // Back to draft: gone for readers at once.
    let res = post_form(&app, &staff, &format!("/admin/articles/{id}/unpublish"), &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(status_of(&app, None, &format!("/api/v1/articles/{id}")).await, 404);
}

#[tokio::test]
async fn the_list_searches_and_filters_by_category() {
    let app = TestApp::spawn().await;
    let staff = editor(&app).await;
    let a = published(&app, &staff, "税收优惠政策解读", &[("category_id", "2")]).await;
    let b = published(&app, &staff, "秋季展会 Expo 报名", &[]).await;
    assert_eq!(list(&app, None, "?q=政策").await.0, [a]);
    assert_eq!(list(&app, None, "?q=expo").await.0, [b]);
    assert_eq!(list(&app, None, "?category_id=2").await.0, [a]);
    let categories: Value =
        reqwest::get(app.url("/api/v1/article-categories")).await.unwrap().json().await.unwrap();
    let codes: Vec<_> =
        categories["items"].as_array().unwrap().iter().map(|c| c["code"].clone()).collect();
    assert_eq!(codes, ["news", "policy", "notice", "trend"]);
    let page = staff.get(app.url("/admin/articles?q=%E6%94%BF%E7%AD%96")).send().await.unwrap();
    let body = page.text().await.unwrap();
    assert_eq!(html::count(&body, "#articles tbody tr"), 1);
}

#[tokio::test]
async fn the_editor_page_carries_the_vendored_editor_and_the_preview_shows_the_article() {
    let app = TestApp::spawn().await;
    let staff = editor(&app).await;
    let page =
        staff.get(app.url("/admin/articles/new")).send().await.unwrap().text().await.unwrap();
    assert_eq!(html::count(&page, "script[src='/static/vendor/wangeditor/wangeditor.js']"), 1);
    assert_eq!(html::count(&page, "#editor-container"), 1);
    let js = reqwest::get(app.url("/static/vendor/wangeditor/wangeditor.js")).await.unwrap();
    assert_eq!(js.status(), 200);
    let id =
        create_article(&app, &staff, "预览测试", &[("body_html", "<h2>小标题</h2><p>内容</p>")])
            .await;
    let preview =
        staff.get(app.url(&format!("/admin/articles/{id}/preview"))).send().await.unwrap();
    let body = preview.text().await.unwrap();
    assert_eq!(html::texts(&body, ".article-body h2"), ["小标题"]);
    // Secretaries may edit; finance may not.
    let (finance, _) = app.staff_client(Role::Finance).await;
    let res = finance.get(app.url("/admin/articles")).send().await.unwrap();
    assert_eq!(res.status(), 403);
}
