//! The resource library end to end: journals and documents written in the workbench,
//! listed, searched and downloaded by the audience rule for visitor, member, lower
//! position and resigned member; teasers; downloads counted under parallel requests.

use super::shelf::*;
use super::*;

struct Fixture {
    public: i64,
    members: i64,
    directors: i64,
}

async fn fixture(app: &TestApp, staff: &reqwest::Client) -> Fixture {
    let file = uploaded(app, staff, "document", pdf()).await.to_string();
    let cover = uploaded(app, staff, "image", crate::reviewed::png(12, 16)).await.to_string();
    let director = director_position(app).await;
    let make = |fields: Vec<(&'static str, String)>| {
        let file = file.clone();
        async move {
            let mut all: Vec<(&str, String)> = vec![
                ("kind", "document".into()),
                ("file_id", file),
                ("audience", "everyone".into()),
            ];
            for (k, v) in fields {
                all.retain(|(key, _)| *key != k);
                all.push((k, v));
            }
            let form: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
            created(app, staff, "/admin/library", &form).await
        }
    };
    let public = make(vec![("title", "入会指南 Guide".into()), ("cover_file_id", cover)]).await;
    let members = make(vec![
        ("kind", "journal".into()),
        ("title", "协会会刊".into()),
        ("issue_label", "2026年第3期".into()),
        ("summary", "本期专题：数字化转型".into()),
        ("audience", "members".into()),
    ])
    .await;
    let directors = make(vec![
        ("title", "理事会决议".into()),
        ("audience", "position".into()),
        ("min_position_id", director),
    ])
    .await;
    for id in [public, members, directors] {
        publish_at(app, staff, "library", id).await;
    }
    Fixture { public, members, directors }
}

/// (list ids, detail statuses, file statuses) of the three for `reader`.
async fn sees(
    app: &TestApp,
    reader: Option<&reqwest::Client>,
    f: &Fixture,
) -> (Vec<i64>, [u16; 3], [u16; 3]) {
    let (status, page) = get_json(app, reader, "/api/v1/library").await;
    assert_eq!(status, 200);
    let mut detail = [0; 3];
    let mut file = [0; 3];
    for (i, id) in [f.public, f.members, f.directors].into_iter().enumerate() {
        detail[i] = get_json(app, reader, &format!("/api/v1/library/{id}")).await.0;
        file[i] = status_of(app, reader, &format!("/api/v1/library/{id}/file")).await;
    }
    (ids(&page), detail, file)
}

#[tokio::test]
async fn journals_and_documents_follow_the_audience_rule_on_list_detail_and_file() {
    let app = TestApp::spawn().await;
    let staff = editor(&app).await;
    let f = fixture(&app, &staff).await;
    let (visitor, _, _) = app.user_client().await;
    let (director, director_id) = member(&app).await;
    let (lower, lower_id) = member(&app).await;
    set_rank(&app, lower_id, 5).await;

    let only_public = (vec![f.public], [200, 404, 404], [200, 404, 404]);
    assert_eq!(sees(&app, None, &f).await, only_public);
    assert_eq!(sees(&app, Some(&visitor), &f).await, only_public);
    let all = vec![f.public, f.members, f.directors];
    assert_eq!(sees(&app, Some(&director), &f).await, (all.clone(), [200; 3], [200; 3]));
    assert_eq!(
        sees(&app, Some(&lower), &f).await,
        (vec![f.public, f.members], [200, 200, 404], [200, 200, 404]),
        "a lower position reads members-only items, not the directors'"
    );

    // The detail names the file; the download is the file itself, private.
    let (_, item) =
        get_json(&app, Some(&director), &format!("/api/v1/library/{}", f.members)).await;
    assert_eq!(item["kind"], "journal");
    assert_eq!(item["issue_label"], "2026年第3期");
    assert_eq!(item["file"]["content_type"], "application/pdf");
    assert_eq!(item["download_path"], format!("/api/v1/library/{}/file", f.members));
    let res =
        director.get(app.url(&format!("/api/v1/library/{}/file", f.members))).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf());
    let (_, cover) = get_json(&app, None, &format!("/api/v1/library/{}", f.public)).await;
    assert!(cover["cover"]["url"].as_str().unwrap().starts_with("/media/"), "{cover}");

    // Resigning takes effect on the very next request; a raised position likewise.
    resign(&app, director_id).await;
    assert_eq!(sees(&app, Some(&director), &f).await, only_public);
    set_rank(&app, lower_id, 4).await;
    assert_eq!(sees(&app, Some(&lower), &f).await, (all, [200; 3], [200; 3]));

    // Search (Chinese two-character words, Latin case) and the kind filter.
    let (_, found) = get_json(&app, Some(&lower), "/api/v1/library?q=%E4%BC%9A%E5%88%8A").await;
    assert_eq!(ids(&found), [f.members], "会刊");
    let (_, found) = get_json(&app, None, "/api/v1/library?q=guide").await;
    assert_eq!(ids(&found), [f.public]);
    let (_, journals) = get_json(&app, Some(&lower), "/api/v1/library?kind=journal").await;
    assert_eq!(ids(&journals), [f.members]);
    assert_eq!(get_json(&app, None, "/api/v1/library?kind=video").await.0, 422);

    // A draft is gone for readers at once.
    let res = post_form(&app, &staff, &format!("/admin/library/{}/unpublish", f.public), &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(status_of(&app, None, &format!("/api/v1/library/{}/file", f.public)).await, 404);
}

#[tokio::test]
async fn visitors_see_locked_teasers_without_text_or_file() {
    let app = TestApp::spawn().await;
    let staff = editor(&app).await;
    let f = fixture(&app, &staff).await;
    let res = post_form(&app, &staff, "/admin/content-home/teasers", &[("teasers", "on")]).await;
    assert_eq!(res.status(), 303);
    let (_, page) = get_json(&app, None, "/api/v1/library").await;
    assert_eq!(ids(&page), [f.public, f.members, f.directors]);
    for item in page["items"].as_array().unwrap() {
        let locked = item["id"].as_i64() != Some(f.public);
        assert_eq!(item["locked"], locked, "{item}");
        if locked {
            assert_eq!(item["summary"], "");
            assert!(item["download_path"].is_null(), "{item}");
        }
    }
    let (status, err) = get_json(&app, None, &format!("/api/v1/library/{}", f.members)).await;
    assert_eq!((status, err["error"]["code"].as_str()), (403, Some("members_only")));
    assert_eq!(status_of(&app, None, &format!("/api/v1/library/{}/file", f.members)).await, 403);
    assert_eq!(app.count_rows("library_items").await, 3);
}

#[tokio::test]
async fn parallel_downloads_are_all_counted_and_shown_to_staff() {
    let app = TestApp::spawn().await;
    let staff = editor(&app).await;
    let f = fixture(&app, &staff).await;
    let url = app.url(&format!("/api/v1/library/{}/file", f.public));
    let client = reqwest::Client::new();
    let downloads = (0..24).map(|_| {
        let (client, url) = (client.clone(), url.clone());
        tokio::spawn(async move { client.get(url).send().await.unwrap().status().as_u16() })
    });
    for d in downloads.collect::<Vec<_>>() {
        assert_eq!(d.await.unwrap(), 200);
    }
    let (_, item) = get_json(&app, None, &format!("/api/v1/library/{}", f.public)).await;
    assert_eq!(item["download_count"], 24);
    let page = staff.get(app.url("/admin/library")).send().await.unwrap().text().await.unwrap();
    let row = format!("tr[data-id=\"{}\"] td.downloads", f.public);
    assert_eq!(crate::support::html::texts(&page, &row), ["24"]);
    // The workbench list filters and searches too.
    let page = staff
        .get(app.url("/admin/library?kind=journal&q=%E4%BC%9A%E5%88%8A"))
        .send()
        .await
        .unwrap();
    let body = page.text().await.unwrap();
    assert_eq!(crate::support::html::count(&body, "#library tbody tr"), 1);
}

#[tokio::test]
async fn bad_library_input_is_refused_with_field_messages() {
    let app = TestApp::spawn().await;
    let staff = editor(&app).await;
    let image = uploaded(&app, &staff, "image", crate::reviewed::png(9, 9)).await.to_string();
    let res = post_form(
        &app,
        &staff,
        "/admin/library",
        &[("kind", "journal"), ("title", "会刊"), ("file_id", &image), ("audience", "everyone")],
    )
    .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    let errors = crate::support::html::texts(&body, ".field-error");
    assert!(errors.iter().any(|e| e.contains("期号")), "{errors:?}");
    assert_eq!(app.count_rows("library_items").await, 0);
    let res = post_form(
        &app,
        &staff,
        "/admin/library",
        &[("kind", "document"), ("title", "文件"), ("file_id", &image), ("audience", "everyone")],
    )
    .await;
    assert_eq!(res.status(), 422, "an image is not the document");
    assert_eq!(app.count_rows("library_items").await, 0);
}
