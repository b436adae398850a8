//! The audience rule on list, detail and file alike, for each kind of reader, checked
//! at request time (a resigned member loses access on the next request); teasers.

use super::*;

struct Fixture {
    everyone: i64,
    members: i64,
    directors: i64,
    members_file: i64,
    directors_file: i64,
}

async fn fixture(app: &TestApp, staff: &reqwest::Client) -> Fixture {
    let (status, doc) = editor_upload(app, staff, "document", pdf(), "会刊.pdf").await;
    assert_eq!(status, 201, "{doc}");
    let file = doc["id"].as_i64().unwrap();
    let ids = file.to_string();
    let everyone = published(app, staff, "公开资讯", &[]).await;
    let members = published(
        app,
        staff,
        "会员内部通知",
        &[("audience", "members"), ("attachment_file_ids", &ids), ("summary", "仅会员可读")],
    )
    .await;
    let director_position = app.state.db.run(guildhall::membership::all_positions).await.unwrap();
    let director = director_position.iter().find(|p| p.rank == 4).unwrap().id.to_string();
    let directors = published(
        app,
        staff,
        "理事会纪要",
        &[("audience", "position"), ("min_position_id", &director), ("attachment_file_ids", &ids)],
    )
    .await;
    Fixture { everyone, members, directors, members_file: file, directors_file: file }
}

/// What `reader` gets: (list ids sorted, detail statuses, file statuses) for the three.
async fn sees(
    app: &TestApp,
    reader: Option<&reqwest::Client>,
    f: &Fixture,
) -> (Vec<i64>, [u16; 3], [u16; 2]) {
    let mut ids = list(app, reader, "").await.0;
    ids.sort_unstable();
    let detail = [
        status_of(app, reader, &format!("/api/v1/articles/{}", f.everyone)).await,
        status_of(app, reader, &format!("/api/v1/articles/{}", f.members)).await,
        status_of(app, reader, &format!("/api/v1/articles/{}", f.directors)).await,
    ];
    let files = [
        status_of(
            app,
            reader,
            &format!("/api/v1/articles/{}/attachments/{}", f.members, f.members_file),
        )
        .await,
        status_of(
            app,
            reader,
            &format!("/api/v1/articles/{}/attachments/{}", f.directors, f.directors_file),
        )
        .await,
    ];
    (ids, detail, files)
}

#[tokio::test]
async fn each_reader_sees_list_detail_and_file_by_the_one_rule() {
    let app = TestApp::spawn().await;
    let staff = editor(&app).await;
    let f = fixture(&app, &staff).await;
    let (visitor, _, _) = app.user_client().await;
    let (director, director_id) = member(&app).await;
    let (lower, lower_id) = member(&app).await;
    set_rank(&app, lower_id, 5).await;

    let all = vec![f.everyone, f.members, f.directors];
    assert_eq!(sees(&app, None, &f).await, (vec![f.everyone], [200, 404, 404], [404, 404]));
    assert_eq!(
        sees(&app, Some(&visitor), &f).await,
        (vec![f.everyone], [200, 404, 404], [404, 404])
    );
    assert_eq!(sees(&app, Some(&director), &f).await, (all.clone(), [200, 200, 200], [200, 200]));
    assert_eq!(
        sees(&app, Some(&lower), &f).await,
        (vec![f.everyone, f.members], [200, 200, 404], [200, 404]),
        "a lower position reads members-only, not the directors'"
    );
    let file = director
        .get(app.url(&format!("/api/v1/articles/{}/attachments/{}", f.members, f.members_file)))
        .send()
        .await
        .unwrap();
    assert_eq!(file.headers()["content-type"], "application/pdf");
    assert_eq!(file.bytes().await.unwrap().to_vec(), pdf());

    // Resigning takes effect on the very next request, for list, detail and file.
    resign(&app, director_id).await;
    assert_eq!(
        sees(&app, Some(&director), &f).await,
        (vec![f.everyone], [200, 404, 404], [404, 404])
    );
    // A lowered position likewise.
    set_rank(&app, lower_id, 4).await;
    assert_eq!(sees(&app, Some(&lower), &f).await, (all, [200, 200, 200], [200, 200]));
    // An article whose file is not its own attachment answers 404 even for members.
    let path = format!("/api/v1/articles/{}/attachments/{}", f.everyone, f.members_file);
    assert_eq!(status_of(&app, Some(&lower), &path).await, 404);
}

#[tokio::test]
async fn visitors_see_locked_teasers_only_when_the_association_turns_them_on() {
    let app = TestApp::spawn().await;
    let staff = editor(&app).await;
    let f = fixture(&app, &staff).await;
    let (lower, lower_id) = member(&app).await;
    set_rank(&app, lower_id, 5).await;
    let res = post_form(&app, &staff, "/admin/content-home/teasers", &[("teasers", "on")]).await;
    assert_eq!(res.status(), 303);

    let (ids, page) = list(&app, None, "").await;
    assert_eq!(ids.len(), 3, "teasers listed for a visitor");
    for item in page["items"].as_array().unwrap() {
        let locked = item["id"].as_i64() != Some(f.everyone);
        assert_eq!(item["locked"], locked, "{item}");
        if locked {
            assert_eq!(item["summary"], "", "no text of a locked item");
        }
    }
    // Never the body or the file.
    let res = reqwest::get(app.url(&format!("/api/v1/articles/{}", f.members))).await.unwrap();
    assert_eq!(res.status(), 403);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["code"], "members_only");
    let file = format!("/api/v1/articles/{}/attachments/{}", f.members, f.members_file);
    assert_eq!(status_of(&app, None, &file).await, 403);
    // Members of a lower position get no teasers: the rule is for visitors.
    let mut ids = list(&app, Some(&lower), "").await.0;
    ids.sort_unstable();
    assert_eq!(ids, [f.everyone, f.members]);
    assert_eq!(
        status_of(&app, Some(&lower), &format!("/api/v1/articles/{}", f.directors)).await,
        404
    );
}
