//! Bad input is refused with field messages (or sanitised), and nothing is half-stored:
//! an SVG "image", an executable named .pdf, an oversized file, a script in the body,
//! wrong references.

use super::*;

const SVG: &[u8] = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" \
    onload=\"alert(1)\"><script>alert(2)</script><rect width=\"9\" height=\"9\"/></svg>";

#[tokio::test]
async fn hostile_files_are_refused_before_anything_is_stored() {
    let app = TestApp::spawn().await;
    let staff = editor(&app).await;
    let (status, answer) = editor_upload(&app, &staff, "image", SVG.to_vec(), "logo.svg").await;
    assert_eq!(status, 415, "{answer}");
    assert_eq!(answer["errno"], 1);
    let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0PE\0\0 this program cannot be run".to_vec();
    let (status, _) = editor_upload(&app, &staff, "document", exe, "会刊.pdf").await;
    assert_eq!(status, 415, "an executable named .pdf");
    let (status, _) = editor_upload(&app, &staff, "image", pdf(), "cover.jpg").await;
    assert_eq!(status, 415, "a PDF is not an image");
    let (status, _) =
        editor_upload(&app, &staff, "document", crate::reviewed::png(8, 8), "a.pdf").await;
    assert_eq!(status, 415, "an image is not an attachment");
    let big = vec![0x25u8; app.state.media.limits().max_bytes + 1];
    let (status, _) = editor_upload(&app, &staff, "document", big, "huge.pdf").await;
    assert_eq!(status, 413);
    assert_eq!(app.count_rows("files").await, 0);
    assert!(app.stored_files().is_empty(), "no bytes on disk");
}

#[tokio::test]
async fn a_bad_article_is_refused_with_field_messages_and_not_stored() {
    let app = TestApp::spawn().await;
    let staff = editor(&app).await;
    let (_, image) =
        editor_upload(&app, &staff, "image", crate::reviewed::png(9, 9), "p.png").await;
    let image_id = image["id"].as_i64().unwrap().to_string();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("title", "")], "title"),
        (&[("category_id", "999")], "category_id"),
        (&[("category_id", "x")], "category_id"),
        (&[("cover_file_id", "424242")], "cover_file_id"),
        (&[("attachment_file_ids", &image_id)], "attachment_file_ids"),
        (&[("attachment_file_ids", "1,x")], "attachment_file_ids"),
        (&[("audience", "position")], "min_position_id"),
        (&[("audience", "vip")], "audience"),
    ];
    for (fields, field) in cases {
        let mut form = vec![("title", "标题"), ("category_id", "1"), ("audience", "everyone")];
        for (k, v) in *fields {
            form.retain(|(key, _)| key != k);
            form.push((k, v));
        }
        let res = post_form(&app, &staff, "/admin/articles", &form).await;
        assert_eq!(res.status(), 422, "{fields:?}");
        let body = res.text().await.unwrap();
        assert!(
            crate::support::html::count(&body, ".field-error")
                + crate::support::html::count(&body, ".errors li")
                > 0,
            "{field}: no message shown"
        );
    }
    assert_eq!(app.count_rows("articles").await, 0);
    // Script in the body is not refused but removed, once, on write.
    let id = create_article(
        &app,
        &staff,
        "含脚本",
        &[(
            "body_html",
            "<p>安全</p><script>steal()</script><iframe src=\"https://evil.example\"></iframe>",
        )],
    )
    .await;
    let row = guildhall::content::articles::find(&app.state.db, id).await.unwrap();
    assert_eq!(row.fields.body_html, "<p>安全</p>");
}

#[tokio::test]
async fn api_bad_input_gets_4xx_not_500() {
    let app = TestApp::spawn().await;
    assert_eq!(status_of(&app, None, "/api/v1/articles/abc").await, 400);
    assert_eq!(status_of(&app, None, "/api/v1/articles/99").await, 404);
    assert_eq!(status_of(&app, None, "/api/v1/articles?page=x").await, 400);
    let res = reqwest::Client::new()
        .get(app.url("/api/v1/home"))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "a token that is sent must be valid");
}
