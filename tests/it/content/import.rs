//! WeChat article import: text kept, images from the allowed host re-hosted through the
//! media pipeline (a local fake stands in for WeChat's image host), everything else
//! dropped or sanitised.

use actix_web::{HttpResponse, web};

use super::*;

fn fake_image_host() -> String {
    crate::support::fakes::serve(|cfg| {
        cfg.route(
            "/mmbiz_png/a.png",
            web::get().to(|| async {
                HttpResponse::Ok().content_type("image/png").body(crate::reviewed::png(30, 20))
            }),
        );
        cfg.route(
            "/mmbiz_svg/b.svg",
            web::get().to(|| async {
                HttpResponse::Ok()
                    .content_type("image/png")
                    .body(&b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"[..])
            }),
        );
    })
}

#[tokio::test]
async fn a_pasted_wechat_page_becomes_a_clean_draft_with_rehosted_images() {
    let host = fake_image_host();
    let app =
        TestApp::spawn_with(|c| c.content.import_image_hosts = vec!["127.0.0.1".into()]).await;
    let staff = editor(&app).await;
    let page = format!(
        r#"<html><head><meta property="og:title" content="商会召开年度大会"><script>track()</script></head>
<body><div id="js_content"><p>大会<strong>顺利</strong>召开。</p>
<img data-src="{host}/mmbiz_png/a.png" src="data:image/gif;base64,R0lGOD">
<img data-src="{host}/mmbiz_svg/b.svg"><img data-src="https://evil.example/c.png">
<p onclick="x()">完</p></div><script>alert(1)</script><div id="js_pc_qr_code">扫码关注</div></body></html>"#
    );
    let res =
        post_form(&app, &staff, "/admin/articles/import", &[("html", &page), ("category_id", "1")])
            .await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let id: i64 = res.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/admin/articles/")
        .parse()
        .unwrap();
    let row = guildhall::content::articles::find(&app.state.db, id).await.unwrap();
    assert_eq!(row.fields.title, "商会召开年度大会");
    assert_eq!(row.fields.status, "draft");
    let body = &row.fields.body_html;
    assert!(body.contains("<strong>顺利</strong>") && body.contains("完"), "{body}");
    assert_eq!(body.matches("<img").count(), 1, "only the real image survives: {body}");
    assert!(body.contains("src=\"/media/"), "{body}");
    for gone in ["127.0.0.1", "evil.example", "onclick", "script", "扫码", "data:"] {
        assert!(!body.contains(gone), "{gone}: {body}");
    }
    let files = app.count_rows("files").await;
    assert_eq!(files, 1, "the SVG was refused by the pipeline, nothing half-stored");
    let edit = staff.get(app.url(&format!("/admin/articles/{id}"))).send().await.unwrap();
    let text = edit.text().await.unwrap();
    assert!(text.contains("1 张图片已转存，2 张未能转存"), "flash tells what happened");

    let res =
        post_form(&app, &staff, "/admin/articles/import", &[("html", " "), ("category_id", "1")])
            .await;
    assert_eq!(res.status(), 422);
    let form = [("html", page.as_str()), ("category_id", "99")];
    let res = post_form(&app, &staff, "/admin/articles/import", &form).await;
    assert_eq!(res.status(), 422, "no such category: refused before any image is fetched");
    assert_eq!(app.count_rows("files").await, 1);
}
