//! Review in the workbench: approve / reject, effects, notices, conflicts, races.

use guildhall::accounts::Role;
use guildhall::membership;
use serde_json::{Value, json};

use super::{applicant, apply, approve, page, picker_id, post_form, set_phone};
use crate::support::{TestApp, html};

#[tokio::test]
async fn an_approved_join_makes_an_active_member_with_dues_and_a_notice() {
    let app = TestApp::spawn().await;
    let (user_client, user_id, id) = applicant(&app).await;
    set_phone(&app, user_id, "13800138000").await;
    let (staff, _) = app.staff_client(Role::Secretary).await;

    let list = page(&app, &staff, "/admin/applications").await;
    assert_eq!(html::count(&list, &format!("#application-{id}")), 1);
    let badge = html::texts(&list, ".menu a[href='/admin/applications'] .badge");
    assert_eq!(badge, vec!["1"], "pending badge");

    let res = approve(&app, &staff, id, true).await;
    assert_eq!(res.status(), 303);
    let detail = page(&app, &staff, &format!("/admin/applications/{id}")).await;
    assert!(html::texts(&detail, "#decision")[0].contains("已通过"), "{detail}");

    let view = membership::membership_of(&app.state.db, user_id).await.unwrap().unwrap();
    assert_eq!(view.member_number, "HY00001");
    assert_eq!((view.status.as_str(), view.member_type.name.as_str()), ("active", "企业会员"));
    assert_eq!((view.position.name.as_str(), view.position.can_view_contacts), ("理事", true));
    assert_eq!(view.company, "深圳市示范科技有限公司");
    let orders = guildhall::billing::orders_of(&app.state.db, user_id).await.unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!((orders[0].status.as_str(), orders[0].amount_cents), ("unpaid", 200_000));
    assert_eq!(orders[0].dedupe_key.as_deref(), Some(format!("dues:2026:user:{user_id}").as_str()));

    let notices = app.outbox_to("13800138000").await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].template, "application_decided");
    assert!(notices[0].payload.contains("已通过"));

    let mine: Value = user_client
        .get(app.url(&format!("/api/v1/applications/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (mine["status"].as_str(), mine["decision_note"].as_str()),
        (Some("approved"), Some("欢迎加入"))
    );

    // Deciding twice is a clear conflict and changes nothing.
    let res = approve(&app, &staff, id, true).await;
    assert_eq!(res.status(), 409);
    assert!(html::texts(&res.text().await.unwrap(), ".flash-error")[0].contains("已处理"));
    assert_eq!(app.count_rows("orders").await, 1);
    assert_eq!(app.count_rows("members").await, 1);
    let again = apply(&app, &user_client, &super::join_body(&app, &user_client).await).await;
    assert_eq!(again.1["error"]["code"], "already_member");
}

#[tokio::test]
async fn a_rejection_note_reaches_the_applicant_and_is_required() {
    let app = TestApp::spawn().await;
    let (user_client, _, id) = applicant(&app).await;
    let (staff, _) = app.staff_client(Role::Admin).await;
    let token = app.csrf_token(&staff, "/admin/applications").await;
    let url = app.url(&format!("/admin/applications/{id}/decide"));
    let res = staff
        .post(&url)
        .header("hx-request", "true")
        .form(&[("decision", "reject"), ("note", " "), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let row = format!("<table>{}</table>", res.text().await.unwrap());
    assert_eq!(html::texts(&row, "tr .flash-error"), vec!["驳回时请填写原因"]);
    assert_eq!(html::attr(&row, "tr", "data-status").as_deref(), Some("pending"));

    let res = staff
        .post(&url)
        .header("hx-request", "true")
        .form(&[("decision", "reject"), ("note", "营业执照不清晰"), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let row = format!("<table>{}</table>", res.text().await.unwrap());
    assert_eq!(html::attr(&row, "tr", "data-status").as_deref(), Some("rejected"));
    assert_eq!(html::count(&row, "form"), 0, "no decision buttons after deciding");

    let mine: Value = user_client
        .get(app.url("/api/v1/applications"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"][0]["status"], "rejected");
    assert_eq!(mine["items"][0]["decision_note"], "营业执照不清晰");
    assert_eq!(app.count_rows("members").await, 0);
    // The user may apply again after a rejection.
    assert_eq!(apply(&app, &user_client, &super::join_body(&app, &user_client).await).await.0, 201);
}

#[tokio::test]
async fn parallel_approvals_give_unique_member_numbers() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff_client(Role::Secretary).await;
    let mut ids = Vec::new();
    for _ in 0..8 {
        ids.push(applicant(&app).await.2);
    }
    let token = app.csrf_token(&staff, "/admin").await;
    let mut tasks = Vec::new();
    for id in ids {
        let (staff, url, token) =
            (staff.clone(), app.url(&format!("/admin/applications/{id}/decide")), token.clone());
        tasks.push(tokio::spawn(async move {
            let form = [
                ("decision", "approve"),
                ("create_dues_order", "on"),
                ("csrf_token", token.as_str()),
            ];
            staff.post(url).form(&form).send().await.unwrap().status().as_u16()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 303);
    }
    let roll = page(&app, &staff, "/admin/members").await;
    let mut numbers = html::texts(&roll, "#members td:first-child a");
    numbers.sort();
    let expected: Vec<String> = (1..=8).map(|n| format!("HY{n:05}")).collect();
    assert_eq!(numbers, expected);
    assert_eq!(app.count_rows("orders").await, 8);
}

#[tokio::test]
async fn the_same_application_approved_in_parallel_is_decided_once() {
    let app = TestApp::spawn().await;
    let (_, _, id) = applicant(&app).await;
    let (staff, _) = app.staff_client(Role::Secretary).await;
    let token = app.csrf_token(&staff, "/admin").await;
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let (staff, url, token) =
            (staff.clone(), app.url(&format!("/admin/applications/{id}/decide")), token.clone());
        tasks.push(tokio::spawn(async move {
            let form = [
                ("decision", "approve"),
                ("create_dues_order", "on"),
                ("csrf_token", token.as_str()),
            ];
            staff.post(url).form(&form).send().await.unwrap().status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, vec![303, 409, 409, 409, 409, 409]);
    assert_eq!(app.count_rows("members").await, 1);
    assert_eq!(app.count_rows("orders").await, 1);
}

#[tokio::test]
async fn position_and_resignation_take_effect_at_once_and_keep_history() {
    let app = TestApp::spawn().await;
    let (client, user_id, id) = applicant(&app).await;
    let (staff, _) = app.staff_client(Role::Secretary).await;
    assert_eq!(approve(&app, &staff, id, false).await.status(), 303);
    assert_eq!(app.count_rows("orders").await, 0, "no dues order when not asked");

    let vice = picker_id(&app, &client, "positions", "副会长").await;
    let (status, view) = apply(
        &app,
        &client,
        &json!({"kind": "position", "position_id": vice, "referrer_name": "李会长"}),
    )
    .await;
    assert_eq!(status, 201, "{view}");
    let same = apply(&app, &client, &json!({"kind": "position", "position_id": vice})).await;
    assert_eq!(same.0, 409);
    assert_eq!(approve(&app, &staff, view["id"].as_i64().unwrap(), false).await.status(), 303);
    let now = membership::membership_of(&app.state.db, user_id).await.unwrap().unwrap();
    assert_eq!((now.position.name.as_str(), now.position.can_review), ("副会长", true));

    let (status, view) =
        apply(&app, &client, &json!({"kind": "resign", "reason": "公司迁出本市"})).await;
    assert_eq!(status, 201);
    assert_eq!(approve(&app, &staff, view["id"].as_i64().unwrap(), false).await.status(), 303);
    let after = membership::membership_of(&app.state.db, user_id).await.unwrap().unwrap();
    assert_eq!(after.status, "resigned");
    assert!(after.ended_at.is_some());
    let active = app.state.db.run(move |c| membership::is_active_member(c, user_id)).await.unwrap();
    assert!(!active);

    let member_id = html::attr(
        &page(&app, &staff, "/admin/members").await,
        "#members tr[data-member-id]",
        "data-member-id",
    )
    .unwrap();
    let detail = page(&app, &staff, &format!("/admin/members/{member_id}")).await;
    let held = html::texts(&detail, "#positions tbody td:first-child");
    assert_eq!(held, vec!["副会长", "理事"]);
    assert_eq!(html::count(&detail, "#member-applications tbody tr"), 3);
    let (status, body) =
        apply(&app, &client, &json!({"kind": "position", "position_id": vice})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("not_a_member")));

    // A former member may join again and keeps their number.
    let (status, view) = apply(&app, &client, &super::join_body(&app, &client).await).await;
    assert_eq!(status, 201, "{view}");
    assert_eq!(approve(&app, &staff, view["id"].as_i64().unwrap(), false).await.status(), 303);
    let back = membership::membership_of(&app.state.db, user_id).await.unwrap().unwrap();
    assert_eq!((back.status.as_str(), back.member_number.as_str()), ("active", "HY00001"));
    assert_eq!((back.position.name.as_str(), back.ended_at), ("理事", None));
    assert_eq!(app.count_rows("members").await, 1);
}

#[tokio::test]
async fn only_secretaries_and_admins_review_and_forms_need_csrf() {
    let app = TestApp::spawn().await;
    let (_, _, id) = applicant(&app).await;
    let (finance, _) = app.staff_client(Role::Finance).await;
    assert_eq!(finance.get(app.url("/admin/applications")).send().await.unwrap().status(), 403);
    let res = post_form(
        &app,
        &finance,
        &format!("/admin/applications/{id}/decide"),
        &[("decision", "approve")],
    )
    .await;
    assert_eq!(res.status(), 403);
    let (staff, _) = app.staff_client(Role::Secretary).await;
    let res = staff
        .post(app.url(&format!("/admin/applications/{id}/decide")))
        .form(&[("decision", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "no CSRF token");
    assert_eq!(app.count_rows("members").await, 0);
    let res =
        post_form(&app, &staff, "/admin/applications/999999/decide", &[("decision", "approve")])
            .await;
    assert_eq!(res.status(), 404);
}

fn png() -> Vec<u8> {
    let img = image::DynamicImage::new_rgb8(40, 30);
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test]
async fn the_queue_filters_counts_and_shows_the_letter_and_audit() {
    let app = TestApp::spawn().await;
    let (client, _, _) = app.user_client().await;
    let part = reqwest::multipart::Part::bytes(png()).file_name("申请书.png");
    let res = client
        .post(app.url("/api/v1/uploads"))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    let file_id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let mut body = super::join_body(&app, &client).await;
    body["letter_file_id"] = json!(file_id);
    let (status, view) = apply(&app, &client, &body).await;
    assert_eq!(status, 201, "{view}");
    let id = view["id"].as_i64().unwrap();
    let (_, _, other) = applicant(&app).await;
    let (staff, _) = app.staff_client(Role::Secretary).await;
    approve(&app, &staff, other, false).await;

    let pending = page(&app, &staff, "/admin/applications").await;
    assert_eq!(html::count(&pending, "#applications tbody tr"), 1);
    assert_eq!(html::texts(&pending, "#status-tabs a[data-status=pending] .count"), vec!["1"]);
    assert_eq!(html::texts(&pending, "#status-tabs a[data-status=approved] .count"), vec!["1"]);
    let all = page(&app, &staff, "/admin/applications?status=all").await;
    assert_eq!(html::count(&all, "#applications tbody tr"), 2);
    let resignations = page(&app, &staff, "/admin/applications?kind=resign&status=all").await;
    assert_eq!(html::count(&resignations, "#applications tbody tr"), 0);
    assert_eq!(
        staff.get(app.url("/admin/applications?page=abc")).send().await.unwrap().status(),
        400
    );
    let far =
        staff.get(app.url("/admin/applications?page=9223372036854775807")).send().await.unwrap();
    assert_eq!(far.status(), 200);

    let detail = page(&app, &staff, &format!("/admin/applications/{id}")).await;
    assert_eq!(html::attr(&detail, "#letter img", "src"), Some(format!("/admin/files/{file_id}")));
    assert_eq!(html::count(&detail, "#decide-form button[value=approve]"), 1);
    assert!(html::texts(&detail, "#decide-form label.check")[0].contains("¥2000.00"));

    let entries = guildhall::kernel::audit::recent(&app.state.db, 50).await.unwrap();
    let approval = entries.iter().find(|e| e.action == "application.approve").unwrap();
    assert_eq!((approval.subject_id, approval.actor_kind.as_str()), (Some(other), "staff"));
    assert!(entries.iter().any(|e| e.action == "application.submit" && e.subject_id == Some(id)));
}
