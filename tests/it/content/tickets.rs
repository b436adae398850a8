//! Support tickets: a user opens one with images, secretaries see it with a badge and
//! answer, the user is notified and replies, either side closes; others see nothing.

use guildhall::accounts::Role;

use super::*;
use crate::support::{html, json_of};

#[tokio::test]
async fn a_ticket_goes_back_and_forth_and_is_closed() {
    let app = TestApp::spawn().await;
    let (user, user_row, _) = app.user_client().await;
    let (other, _, _) = app.user_client().await;
    let image = crate::reviewed::upload(&app, &user, 20).await;
    let foreign = crate::reviewed::upload(&app, &other, 21).await;
    let open = |images: Vec<i64>| serde_json::json!({"subject": "发票问题", "body": "发票抬头写错了", "image_file_ids": images});
    let res =
        user.post(app.url("/api/v1/me/tickets")).json(&open(vec![foreign])).send().await.unwrap();
    assert_eq!(res.status(), 422, "someone else's image");
    let res = user
        .post(app.url("/api/v1/me/tickets"))
        .json(&serde_json::json!({"subject": "", "body": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(app.count_rows("support_tickets").await, 0);
    let res =
        user.post(app.url("/api/v1/me/tickets")).json(&open(vec![image])).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let thread: Value = res.json().await.unwrap();
    let id = thread["ticket"]["id"].as_i64().unwrap();
    assert!(thread["messages"][0]["images"][0]["url"].as_str().unwrap().starts_with("/media/"));

    // Secretaries: a badge in the menu, the queue, the thread.
    let (secretary, _) = app.staff_client(Role::Secretary).await;
    let queue =
        secretary.get(app.url("/admin/tickets")).send().await.unwrap().text().await.unwrap();
    assert_eq!(html::texts(&queue, ".menu a[href='/admin/tickets'] .badge"), ["1"]);
    assert_eq!(html::count(&queue, "#tickets tr[data-awaiting='true']"), 1);
    let (editor_client, _) = app.staff_client(Role::Editor).await;
    let res = editor_client.get(app.url("/admin/tickets")).send().await.unwrap();
    assert_eq!(res.status(), 403, "tickets are for secretaries");

    let path = format!("/admin/tickets/{id}/answer");
    assert_eq!(post_form(&app, &secretary, &path, &[("body", "  ")]).await.status(), 422);
    assert_eq!(
        post_form(&app, &secretary, &path, &[("body", "已为您重开发票")]).await.status(),
        303
    );
    let notices = json_of(user.get(app.url("/api/v1/me/notifications"))).await;
    assert_eq!(notices["items"][0]["kind"], "ticket_answered");
    assert!(notices["items"][0]["body"].as_str().unwrap().contains("发票问题"));
    let queue =
        secretary.get(app.url("/admin/tickets")).send().await.unwrap().text().await.unwrap();
    assert_eq!(html::count(&queue, ".menu a[href='/admin/tickets'] .badge"), 0, "answered");

    // The user sees the thread and replies; it waits for staff again.
    let thread = json_of(user.get(app.url(&format!("/api/v1/me/tickets/{id}")))).await;
    let from: Vec<_> =
        thread["messages"].as_array().unwrap().iter().map(|m| m["from"].clone()).collect();
    assert_eq!(from, ["user", "staff"]);
    let reply = serde_json::json!({"body": "谢谢，另外地址也要改"});
    let res = user
        .post(app.url(&format!("/api/v1/me/tickets/{id}/messages")))
        .json(&reply)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let mine = json_of(user.get(app.url("/api/v1/me/tickets"))).await;
    assert_eq!(mine["items"][0]["awaiting_staff"], true);

    // Nobody else sees or touches it.
    assert_eq!(status_of(&app, Some(&other), &format!("/api/v1/me/tickets/{id}")).await, 404);
    let res = other.post(app.url(&format!("/api/v1/me/tickets/{id}/close"))).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(json_of(other.get(app.url("/api/v1/me/tickets"))).await["total"], 0);

    // The user closes; afterwards nobody can write to it.
    let res = user.post(app.url(&format!("/api/v1/me/tickets/{id}/close"))).send().await.unwrap();
    assert_eq!(res.status(), 204);
    let res = user.post(app.url(&format!("/api/v1/me/tickets/{id}/close"))).send().await.unwrap();
    assert_eq!(res.status(), 409);
    assert_eq!(post_form(&app, &secretary, &path, &[("body", "还有问题吗")]).await.status(), 409);
    let res = user
        .post(app.url(&format!("/api/v1/me/tickets/{id}/messages")))
        .json(&reply)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let _ = user_row;
}

#[tokio::test]
async fn staff_close_a_ticket() {
    let app = TestApp::spawn().await;
    let (user, _, _) = app.user_client().await;
    let body = serde_json::json!({"subject": "活动咨询", "body": "几点开始？"});
    let thread = json_of(user.post(app.url("/api/v1/me/tickets")).json(&body)).await;
    let id = thread["ticket"]["id"].as_i64().unwrap();
    let (secretary, _) = app.staff_client(Role::Secretary).await;
    let res = post_form(&app, &secretary, &format!("/admin/tickets/{id}/close"), &[]).await;
    assert_eq!(res.status(), 303);
    let thread = json_of(user.get(app.url(&format!("/api/v1/me/tickets/{id}")))).await;
    assert_eq!(thread["ticket"]["status"], "closed");
}

#[tokio::test]
async fn parallel_closes_close_once_and_parallel_views_all_count() {
    let app = TestApp::spawn_with(|c| c.server.pool_size = 16).await;
    let (user, _, _) = app.user_client().await;
    let body = serde_json::json!({"subject": "并发", "body": "关闭"});
    let thread = json_of(user.post(app.url("/api/v1/me/tickets")).json(&body)).await;
    let id = thread["ticket"]["id"].as_i64().unwrap();
    let url = app.url(&format!("/api/v1/me/tickets/{id}/close"));
    let closes: Vec<_> = (0..8).map(|_| user.post(&url).send()).collect();
    let mut statuses: Vec<u16> = futures_util::future::join_all(closes)
        .await
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [204, 409, 409, 409, 409, 409, 409, 409]);

    let staff = editor(&app).await;
    let article = published(&app, &staff, "并发浏览", &[]).await;
    let url = app.url(&format!("/api/v1/articles/{article}"));
    let views: Vec<_> = (0..20).map(|_| reqwest::get(url.clone())).collect();
    for res in futures_util::future::join_all(views).await {
        assert_eq!(res.unwrap().status(), 200);
    }
    let row = guildhall::content::articles::find(&app.state.db, article).await.unwrap();
    assert_eq!(row.view_count, 20, "no view lost");
}
