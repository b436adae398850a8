//! The survey builder in the workbench: create, questions, reorder, publish, frozen.

use guildhall::accounts::Role;

use crate::membership::post_form;
use crate::support::{TestApp, html};

#[tokio::test]
async fn secretaries_build_reorder_publish_and_duplicate_surveys() {
    let app = TestApp::spawn().await;
    let (client, _) = app.staff_client(Role::Secretary).await;
    let res = post_form(
        &app,
        &client,
        "/admin/surveys",
        &[("kind", "poll"), ("title", ""), ("audience", "everyone")],
    )
    .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("请填写标题"));
    let res = post_form(
        &app,
        &client,
        "/admin/surveys",
        &[("kind", "poll"), ("title", "年会地点投票"), ("audience", "everyone")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let at = res.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();

    let q = format!("/admin/surveys/{id}/questions");
    let res = post_form(
        &app,
        &client,
        &q,
        &[("kind", "single"), ("title", "地点"), ("options", "只有一个")],
    )
    .await;
    assert_eq!(res.status(), 422, "a choice question needs two options");
    for (title, options) in [("地点", "北京\n上海\n广州"), ("时间", "周五\n周六")] {
        let res = post_form(
            &app,
            &client,
            &q,
            &[("kind", "single"), ("title", title), ("required", "on"), ("options", options)],
        )
        .await;
        assert_eq!(res.status(), 303);
    }
    let full = guildhall::surveys::find(&app.state.db, id).await.unwrap();
    let (first, second) = (full.questions[0].row.id, full.questions[1].row.id);
    let move_path = format!("/admin/surveys/{id}/questions/{second}/move");
    assert_eq!(post_form(&app, &client, &move_path, &[("dir", "up")]).await.status(), 303);
    let guangzhou = full.questions[0].options[2].id.to_string();
    let move_path = format!("/admin/surveys/{id}/questions/{first}/move");
    assert_eq!(
        post_form(&app, &client, &move_path, &[("dir", "up"), ("option_id", &guangzhou)])
            .await
            .status(),
        303
    );
    let full = guildhall::surveys::find(&app.state.db, id).await.unwrap();
    assert_eq!(full.questions[0].row.spec.title, "时间");
    let labels: Vec<_> = full.questions[1].options.iter().map(|o| o.label.as_str()).collect();
    assert_eq!(labels, ["北京", "广州", "上海"]);

    assert_eq!(
        post_form(&app, &client, &format!("/admin/surveys/{id}/publish"), &[]).await.status(),
        303
    );
    let body = client
        .get(app.url(&format!("/admin/surveys/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(html::count(&body, "article.question"), 2);
    assert!(body.contains("已发布"));

    // Once answered, adding a question is refused with a clear message.
    let (user, _, _) = app.user_client().await;
    let answers = serde_json::json!({"answers": [
        {"question_id": full.questions[0].row.id, "option_ids": [full.questions[0].options[0].id]},
        {"question_id": full.questions[1].row.id, "option_ids": [full.questions[1].options[0].id]},
    ]});
    let res = user
        .post(app.url(&format!("/api/v1/surveys/{id}/responses")))
        .json(&answers)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let res =
        post_form(&app, &client, &q, &[("kind", "text"), ("title", "其他"), ("max_length", "100")])
            .await;
    assert_eq!(res.status(), 303);
    let body = client
        .get(app.url(&format!("/admin/surveys/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("题目已冻结"), "flash and note");
    assert_eq!(html::count(&body, "#add-question"), 0);

    let res = post_form(&app, &client, &format!("/admin/surveys/{id}/duplicate"), &[]).await;
    assert_eq!(res.status(), 303);
    let list =
        client.get(app.url("/admin/surveys?kind=poll")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("年会地点投票（副本）"));
    assert_eq!(html::count(&list, "#surveys tbody tr"), 2);
}
