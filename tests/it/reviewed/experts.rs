//! Experts end to end: members only; new → approve → in the library; edit → old stays
//! live → approve → new live; reject keeps the old one; withdraw; delete beats a
//! pending edit; staff create and assign; the reviewer's diff.

use reqwest::Method;
use serde_json::{Value, json};

use super::{
    audit_actions, decide, get, member, notices, pending_revision, secretary, send, upload,
};
use crate::membership::{page, post_form, set_phone};
use crate::support::{TestApp, html};

fn expert(name: &str, org: &str, photo: Option<i64>) -> Value {
    json!({
        "name": name,
        "photo_file_id": photo,
        "fields": ["智能制造", "工业互联网"],
        "title": "高级工程师",
        "organisation": org,
        "introduction": "从事智能制造研究二十年。\n主持多项省级课题。",
        "achievements": "获省科技进步一等奖",
    })
}

#[tokio::test]
async fn only_active_members_submit_and_nothing_is_written_otherwise() {
    let app = TestApp::spawn().await;
    let (visitor, _, _) = app.user_client().await;
    let (status, body) =
        send(&app, &visitor, Method::POST, "/api/v1/me/experts", Some(expert("王工", "甲", None)))
            .await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("members_only")), "{body}");
    assert_eq!(app.count_rows("experts").await, 0);
    assert_eq!(app.count_rows("revisions").await, 0);

    let (client, _) = member(&app).await;
    let foreign = upload(&app, &visitor, 40).await;
    let (status, body) = send(
        &app,
        &client,
        Method::POST,
        "/api/v1/me/experts",
        Some(expert("王工", "甲", Some(foreign))),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "photo_file_id");
    let (status, body) =
        send(&app, &client, Method::POST, "/api/v1/me/experts", Some(json!({"name": ""}))).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(app.count_rows("experts").await, 0);
    assert_eq!(app.count_rows("revisions").await, 0);
}

#[tokio::test]
async fn an_expert_goes_live_on_approval_and_edits_wait_while_the_old_one_stays() {
    let app = TestApp::spawn().await;
    let (owner, owner_id) = member(&app).await;
    set_phone(&app, owner_id, "13800138011").await;
    let (other, _, _) = app.user_client().await;
    let staff = secretary(&app).await;
    let photo = upload(&app, &owner, 50).await;

    let (status, mine) = send(
        &app,
        &owner,
        Method::POST,
        "/api/v1/me/experts",
        Some(expert("王工", "示范研究院", Some(photo))),
    )
    .await;
    assert_eq!(status, 201, "{mine}");
    assert_eq!(
        (mine["review"]["state"].as_str(), mine["review"]["label"].as_str()),
        (Some("pending"), Some("待审核"))
    );
    assert!(mine["live"].is_null());
    assert_eq!(mine["submitted"]["name"], "王工");
    let id = mine["id"].as_i64().unwrap();

    // Invisible until approved, to everyone but the owner.
    let (_, lib) = get(&app, &other, "/api/v1/experts").await;
    assert_eq!(lib["total"], 0);
    assert_eq!(get(&app, &other, &format!("/api/v1/experts/{id}")).await.0, 404);
    assert_eq!(get(&app, &other, &format!("/api/v1/me/experts/{id}")).await.0, 404);

    // The reviewer sees a new item, approves.
    let rev = pending_revision(&app, &staff, "expert").await;
    let diff = page(&app, &staff, &format!("/admin/reviews/{rev}")).await;
    assert!(diff.contains("新提交"), "{diff}");
    assert_eq!(html::count(&diff, "#diff td.images.pending img"), 1);
    assert_eq!(decide(&app, &staff, rev, "approve", "").await, 303);

    let (_, lib) = get(&app, &other, "/api/v1/experts").await;
    assert_eq!(lib["total"], 1, "{lib}");
    assert_eq!(lib["items"][0]["name"], "王工");
    assert_eq!(lib["items"][0]["photo"]["file_id"], photo);
    let (_, one) = get(&app, &other, &format!("/api/v1/experts/{id}")).await;
    assert_eq!(one["organisation"], "示范研究院");
    assert!(one.get("review").is_none() && one.get("submitted").is_none(), "{one}");

    // An edit waits; the library keeps the live version.
    let (status, mine) = send(
        &app,
        &owner,
        Method::PUT,
        &format!("/api/v1/me/experts/{id}"),
        Some(expert("王工", "创新研究院", Some(photo))),
    )
    .await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["review"]["label"], "修改审核中");
    assert_eq!(mine["live"]["organisation"], "示范研究院");
    assert_eq!(mine["submitted"]["organisation"], "创新研究院");
    let (_, one) = get(&app, &other, &format!("/api/v1/experts/{id}")).await;
    assert_eq!(one["organisation"], "示范研究院");

    // The diff marks the changed field and the changed words.
    let rev = pending_revision(&app, &staff, "expert").await;
    let diff = page(&app, &staff, &format!("/admin/reviews/{rev}")).await;
    assert_eq!(html::count(&diff, "#diff tr.changed"), 1, "{diff}");
    assert_eq!(html::attr(&diff, "#diff tr.changed", "data-field").as_deref(), Some("工作单位"));
    assert_eq!(html::texts(&diff, "#diff tr.changed del.diff-del"), vec!["示范"]);
    assert_eq!(html::texts(&diff, "#diff tr.changed ins.diff-ins"), vec!["创新"]);

    // Rejecting needs a note, keeps the old one live and tells the owner why.
    assert_eq!(decide(&app, &staff, rev, "reject", " ").await, 422);
    assert_eq!(decide(&app, &staff, rev, "reject", "单位名称与营业执照不符").await, 303);
    let (_, mine) = get(&app, &owner, &format!("/api/v1/me/experts/{id}")).await;
    assert_eq!(mine["review"]["state"], "rejected");
    assert_eq!(mine["review"]["note"], "单位名称与营业执照不符");
    assert_eq!(mine["live"]["organisation"], "示范研究院");
    let (_, one) = get(&app, &other, &format!("/api/v1/experts/{id}")).await;
    assert_eq!(one["organisation"], "示范研究院");
    let sent = notices(&app, "13800138011").await;
    assert_eq!(sent[0].0, "review_decided");
    assert_eq!(sent[0].1["status"], "已驳回");
    assert_eq!(sent[0].1["note"], "单位名称与营业执照不符");

    // Edit again, approve: the new version is live.
    send(
        &app,
        &owner,
        Method::PUT,
        &format!("/api/v1/me/experts/{id}"),
        Some(expert("王工", "创新研究院", Some(photo))),
    )
    .await;
    let rev = pending_revision(&app, &staff, "expert").await;
    assert_eq!(decide(&app, &staff, rev, "approve", "").await, 303);
    let (_, one) = get(&app, &other, &format!("/api/v1/experts/{id}")).await;
    assert_eq!(one["organisation"], "创新研究院");
    assert_eq!(decide(&app, &staff, rev, "approve", "").await, 409, "deciding twice");
    let sent = notices(&app, "13800138011").await;
    assert_eq!((sent.len(), sent[0].1["status"].as_str()), (3, Some("已通过")));
    assert_eq!(
        audit_actions(&app, "experts").await,
        vec![
            "expert.submit",
            "expert.approve",
            "expert.submit",
            "expert.reject",
            "expert.submit",
            "expert.approve"
        ]
    );
}

#[tokio::test]
async fn withdrawing_and_deleting_beat_a_pending_edit() {
    let app = TestApp::spawn().await;
    let (owner, _) = member(&app).await;
    let staff = secretary(&app).await;
    let (_, mine) =
        send(&app, &owner, Method::POST, "/api/v1/me/experts", Some(expert("李工", "甲", None)))
            .await;
    let id = mine["id"].as_i64().unwrap();
    let rev = pending_revision(&app, &staff, "expert").await;
    assert_eq!(decide(&app, &staff, rev, "approve", "").await, 303);

    let path = format!("/api/v1/me/experts/{id}");
    send(&app, &owner, Method::PUT, &path, Some(expert("李工", "乙", None))).await;
    let (status, mine) = send(&app, &owner, Method::POST, &format!("{path}/withdraw"), None).await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["review"]["state"], "published");
    assert!(mine["submitted"].is_null(), "{mine}");
    let (status, body) = send(&app, &owner, Method::POST, &format!("{path}/withdraw"), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("nothing_pending")));
    assert!(super::inbox_ids(&app, &staff, "expert").await.is_empty());

    // A pending edit, then the owner deletes: gone from the library and the inbox, and
    // the reviewer can no longer decide it.
    send(&app, &owner, Method::PUT, &path, Some(expert("李工", "丙", None))).await;
    let rev = pending_revision(&app, &staff, "expert").await;
    assert_eq!(send(&app, &owner, Method::DELETE, &path, None).await.0, 204);
    assert!(super::inbox_ids(&app, &staff, "expert").await.is_empty());
    assert_eq!(decide(&app, &staff, rev, "approve", "").await, 409);
    let (_, lib) = get(&app, &owner, "/api/v1/experts").await;
    assert_eq!(lib["total"], 0);
    let (_, list) = get(&app, &owner, "/api/v1/me/experts").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn staff_create_and_assign_experts_and_the_library_searches() {
    let app = TestApp::spawn().await;
    let (owner, owner_id) = member(&app).await;
    let staff = secretary(&app).await;
    let form = [
        ("name", "赵教授"),
        ("fields", "知识产权、法律"),
        ("title", "教授"),
        ("organisation", "深圳大学"),
        ("introduction", "知识产权法专家"),
        ("achievements", ""),
        ("photo_file_id", ""),
        ("owner_number", ""),
    ];
    let res = post_form(&app, &staff, "/admin/experts", &form).await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();

    // Live at once, owned by the association.
    let (_, lib) = get(&app, &owner, "/api/v1/experts?field=知识产权").await;
    assert_eq!(lib["total"], 1, "{lib}");
    let (_, lib) = get(&app, &owner, "/api/v1/experts?q=深圳").await;
    assert_eq!(lib["items"][0]["name"], "赵教授");
    let (_, lib) = get(&app, &owner, "/api/v1/experts?field=法").await;
    assert_eq!(lib["total"], 0, "a field tag matches exactly");
    let (_, lib) = get(&app, &owner, "/api/v1/experts?q=100%25").await;
    assert_eq!(lib["total"], 0, "LIKE wildcards are literal");

    // A bad member number is a field error; a real one assigns the expert.
    let bad = post_form(
        &app,
        &staff,
        &format!("/admin/experts/{id}/assign"),
        &[("owner_number", "HY99999")],
    )
    .await;
    assert_eq!(bad.status(), 303);
    let number: String = app
        .state
        .db
        .run(move |c| {
            Ok(guildhall::membership::member_of_user(c, owner_id)?.unwrap().member_number)
        })
        .await
        .unwrap();
    let res = post_form(
        &app,
        &staff,
        &format!("/admin/experts/{id}/assign"),
        &[("owner_number", &number)],
    )
    .await;
    assert_eq!(res.status(), 303);
    let (_, list) = get(&app, &owner, "/api/v1/me/experts").await;
    assert_eq!(list["items"][0]["id"], id, "{list}");
    assert_eq!(list["items"][0]["review"]["state"], "published");
    let body = page(&app, &staff, &format!("/admin/experts/{id}")).await;
    assert!(html::texts(&body, "#owner")[0].contains(&number), "{body}");

    // The member's edit of the assigned expert goes to review.
    let path = format!("/api/v1/me/experts/{id}");
    let (status, mine) =
        send(&app, &owner, Method::PUT, &path, Some(expert("赵教授", "深圳大学法学院", None)))
            .await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["review"]["state"], "editing");
    assert_eq!(
        audit_actions(&app, "experts").await,
        vec!["expert.publish", "expert.assign", "expert.submit"]
    );
}
