//! The secretary's workbench in the mini-program: members whose position may review and
//! users linked to deciding staff decide through the browser queues' use cases; anyone
//! else gets 403, and a position change takes effect on the next request.

use guildhall::accounts::Role;
use serde_json::json;

use crate::membership::{applicant, make_member};
use crate::support::{TestApp, json_of};

async fn member(app: &TestApp, position: &str) -> (reqwest::Client, i64) {
    let (client, user, _) = app.user_client().await;
    make_member(app, user.id).await;
    let sql = format!(
        "UPDATE members SET position_id = (SELECT id FROM positions WHERE name = '{position}') WHERE user_id = {}",
        user.id
    );
    app.exec(sql).await;
    (client, user.id)
}

async fn status_of(client: &reqwest::Client, url: String) -> u16 {
    client.get(url).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn a_member_whose_position_may_review_decides_an_application_and_others_get_403() {
    let app = TestApp::spawn().await;
    app.exec("UPDATE positions SET can_review = FALSE".into()).await;
    app.exec("UPDATE positions SET can_review = TRUE WHERE name = '会长'".into()).await;
    let (reviewer, reviewer_id) = member(&app, "会长").await;
    let (plain, _) = member(&app, "理事").await;
    let (_, _, id) = applicant(&app).await;
    let decide = app.url(&format!("/api/v1/workbench/items/application/{id}/decide"));
    let approve = json!({"decision": "approve", "note": "欢迎"});

    // Without the permission: 403 everywhere, nothing decided.
    for path in ["/api/v1/workbench/queues", "/api/v1/workbench/items"] {
        assert_eq!(status_of(&plain, app.url(path)).await, 403, "{path}");
    }
    let item = app.url(&format!("/api/v1/workbench/items/application/{id}"));
    assert_eq!(status_of(&plain, item.clone()).await, 403);
    assert_eq!(plain.post(&decide).json(&approve).send().await.unwrap().status(), 403);

    // With it: queues, items, detail, decision.
    let queues = json_of(reviewer.get(app.url("/api/v1/workbench/queues"))).await;
    assert_eq!(
        queues["queues"][0],
        json!({"kind": "application", "label": "会员申请", "count": 1})
    );
    let items = json_of(reviewer.get(app.url("/api/v1/workbench/items?kind=application"))).await;
    assert_eq!((items["total"].as_i64(), items["items"][0]["id"].as_i64()), (Some(1), Some(id)));
    let detail = json_of(reviewer.get(&item)).await;
    assert_eq!(
        (detail["status"].as_str(), detail["application"]["id"].as_i64()),
        (Some("pending"), Some(id))
    );
    let reject = json!({"decision": "reject", "note": " "});
    assert_eq!(reviewer.post(&decide).json(&reject).send().await.unwrap().status(), 422);
    let decided = json_of(reviewer.post(&decide).json(&approve)).await;
    assert_eq!(decided["status"], "approved", "{decided}");
    assert_eq!(reviewer.post(&decide).json(&approve).send().await.unwrap().status(), 409);
    let audit = app.count_rows("audit_log").await;
    assert!(audit > 0);
    let sql = format!(
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'application.approve' AND actor_kind = 'user' AND actor_id = {reviewer_id}"
    );
    assert_eq!(count(&app, sql).await, 1, "recorded as the member who decided");
    let unknown = app.url("/api/v1/workbench/items?kind=nonsense");
    assert_eq!(status_of(&reviewer, unknown).await, 404);

    // The position loses the permission: the next request is refused.
    app.exec("UPDATE positions SET can_review = FALSE WHERE name = '会长'".into()).await;
    assert_eq!(status_of(&reviewer, app.url("/api/v1/workbench/queues")).await, 403);
}

#[tokio::test]
async fn users_linked_to_deciding_staff_may_review_and_other_roles_may_not() {
    let app = TestApp::spawn().await;
    let (secretary_user, s, _) = app.user_client().await;
    let (finance_user, f, _) = app.user_client().await;
    let secretary = app.create_staff(Role::Secretary).await;
    let finance = app.create_staff(Role::Finance).await;
    app.exec(format!("UPDATE staff SET user_id = {} WHERE id = {}", s.id, secretary.id)).await;
    app.exec(format!("UPDATE staff SET user_id = {} WHERE id = {}", f.id, finance.id)).await;
    let (_, _, id) = applicant(&app).await;
    let queues = app.url("/api/v1/workbench/queues");
    assert_eq!(status_of(&finance_user, queues.clone()).await, 403);
    assert_eq!(status_of(&secretary_user, queues).await, 200);
    let decide = app.url(&format!("/api/v1/workbench/items/application/{id}/decide"));
    let reject = json!({"decision": "reject", "note": "材料不全"});
    let decided = json_of(secretary_user.post(&decide).json(&reject)).await;
    assert_eq!(decided["status"], "rejected", "{decided}");
    let sql = format!(
        "SELECT COUNT(*) AS n FROM applications WHERE id = {id} AND reviewer_staff_id = {}",
        secretary.id
    );
    assert_eq!(count(&app, sql).await, 1, "the staff account is the reviewer");
    // A deactivated account no longer reviews.
    app.exec(format!("UPDATE staff SET active = FALSE WHERE id = {}", secretary.id)).await;
    assert_eq!(status_of(&secretary_user, app.url("/api/v1/workbench/items")).await, 403);
    app.outbox_to("13800138000").await;
}

async fn count(app: &TestApp, sql: String) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    app.state
        .db
        .run(move |conn| {
            let row: Count = guildhall::per_backend!(conn, |c| diesel::RunQueryDsl::get_result(
                diesel::sql_query(&sql),
                c
            ))?;
            Ok(row.n)
        })
        .await
        .unwrap()
}
