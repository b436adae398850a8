//! Staff and profiles in the workbench: editing a member (audited with before and
//! after, bad input writes nothing), the member detail with profile and enterprises,
//! ending a membership hides everything public at once, hiding an enterprise with a
//! note the member sees.

use guildhall::accounts::Role;
use reqwest::Method;
use serde_json::Value;

use super::directory::profile;
use super::enterprises::enterprise;
use super::{get, member, send};
use crate::membership::{page, post_form, set_phone};
use crate::support::TestApp;

async fn member_id(app: &TestApp, user_id: i64) -> i64 {
    app.state
        .db
        .run(move |conn| guildhall::membership::member_of_user(conn, user_id))
        .await
        .unwrap()
        .unwrap()
        .member_id
}

fn form_of(body: &str) -> Vec<(String, String)> {
    let doc = crate::support::html::parse(body);
    let mut out = Vec::new();
    let inputs = scraper::Selector::parse("#member-edit-form input[name]").unwrap();
    for input in doc.select(&inputs) {
        let v = input.value();
        if v.attr("type") == Some("checkbox") || v.attr("name") == Some("csrf_token") {
            continue;
        }
        out.push((v.attr("name").unwrap().into(), v.attr("value").unwrap_or("").into()));
    }
    let selects = scraper::Selector::parse("#member-edit-form select").unwrap();
    let chosen = scraper::Selector::parse("option[selected]").unwrap();
    for select in doc.select(&selects) {
        let value = select.select(&chosen).next().and_then(|o| o.value().attr("value"));
        out.push((select.value().attr("name").unwrap().into(), value.unwrap_or("").into()));
    }
    out
}

async fn submit(
    app: &TestApp,
    staff: &reqwest::Client,
    id: i64,
    form: &[(String, String)],
) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    post_form(app, staff, &format!("/admin/members/{id}/edit"), &fields).await
}

fn set(form: &mut Vec<(String, String)>, name: &str, value: &str) {
    form.retain(|(k, _)| k != name);
    form.push((name.into(), value.into()));
}

#[tokio::test]
async fn staff_edit_members_with_an_audit_and_ending_a_membership_hides_it_everywhere() {
    let app = TestApp::spawn().await;
    let (client, user_id) = member(&app).await;
    send(&app, &client, Method::PUT, "/api/v1/me/profile", Some(profile("赵敏"))).await;
    send(&app, &client, Method::POST, "/api/v1/me/enterprises", Some(enterprise("明教实业"))).await;
    let id = member_id(&app, user_id).await;
    let (staff, _) = app.staff_client(Role::Secretary).await;
    let (editor, _) = app.staff_client(Role::Editor).await;
    let edit = format!("/admin/members/{id}/edit");
    assert_eq!(editor.get(app.url(&edit)).send().await.unwrap().status(), 403);

    let detail = page(&app, &staff, &format!("/admin/members/{id}")).await;
    assert!(detail.contains("13800138000"), "staff see private fields");
    assert!(detail.contains("明教实业"));

    let mut form = form_of(&page(&app, &staff, &edit).await);
    set(&mut form, "name", " ");
    let res = submit(&app, &staff, id, &form).await;
    assert_eq!(res.status(), 422);
    let (_, me) = get(&app, &client, "/api/v1/me").await;
    assert_eq!(me["membership"]["company"], "深圳市示范科技有限公司", "nothing written");

    set(&mut form, "name", "赵敏敏");
    set(&mut form, "company", "光明顶集团");
    let res = submit(&app, &staff, id, &form).await;
    assert_eq!(res.status(), 303);
    let (_, me) = get(&app, &client, "/api/v1/me").await;
    assert_eq!(me["membership"]["company"], "光明顶集团");
    let (_, found) = get(&app, &client, "/api/v1/members?q=光明").await;
    assert_eq!(found["items"][0]["name"], "赵敏敏", "the directory searches the new company");
    let rows = guildhall::kernel::audit::recent(&app.state.db, 50).await.unwrap();
    let row = rows.iter().find(|r| r.action == "member.edit").unwrap();
    let details: Value = serde_json::from_str(&row.details).unwrap();
    assert_eq!(details["before"]["company"], "深圳市示范科技有限公司");
    assert_eq!(details["after"]["company"], "光明顶集团");

    set(&mut form, "end", "on");
    assert_eq!(submit(&app, &staff, id, &form).await.status(), 303);
    let (_, me) = get(&app, &client, "/api/v1/me").await;
    assert_eq!(me["membership"]["status"], "resigned");
    let (_, list) = get(&app, &client, "/api/v1/members").await;
    assert_eq!(list["total"], 0);
    let (_, list) = get(&app, &client, "/api/v1/enterprises").await;
    assert_eq!(list["total"], 0);
}

#[tokio::test]
async fn staff_hide_an_enterprise_with_a_note_the_member_sees() {
    let app = TestApp::spawn().await;
    let (client, user_id) = member(&app).await;
    set_phone(&app, user_id, "13800138021").await;
    let (_, created) =
        send(&app, &client, Method::POST, "/api/v1/me/enterprises", Some(enterprise("峨眉制药")))
            .await;
    let id = created["id"].as_i64().unwrap();
    let (staff, _) = app.staff_client(Role::Secretary).await;

    let list = page(&app, &staff, "/admin/enterprises?q=峨眉").await;
    assert!(list.contains("峨眉制药"));
    let hide = format!("/admin/enterprises/{id}/hide");
    assert_eq!(post_form(&app, &staff, &hide, &[("note", "")]).await.status(), 303);
    let (_, one) = get(&app, &client, &format!("/api/v1/me/enterprises/{id}")).await;
    assert_eq!(one["staff_hidden"], false, "a note is required");

    let res = post_form(&app, &staff, &hide, &[("note", "图片涉及侵权")]).await;
    assert_eq!(res.status(), 303);
    let (_, one) = get(&app, &client, &format!("/api/v1/me/enterprises/{id}")).await;
    assert_eq!(
        (one["staff_hidden"].as_bool(), one["visible"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(one["staff_note"], "图片涉及侵权");
    let (_, list) = get(&app, &client, "/api/v1/enterprises").await;
    assert_eq!(list["total"], 0);
    let sent = app.outbox_to("13800138021").await;
    assert_eq!(sent[0].template, "enterprise_hidden");

    let unhide = format!("/admin/enterprises/{id}/unhide");
    assert_eq!(post_form(&app, &staff, &unhide, &[]).await.status(), 303);
    let (_, list) = get(&app, &client, "/api/v1/enterprises").await;
    assert_eq!(list["total"], 1);
    app.outbox_to("13800138021").await;
    let rows = guildhall::kernel::audit::recent(&app.state.db, 50).await.unwrap();
    let actions: Vec<&str> = rows
        .iter()
        .filter(|r| r.subject_type == "enterprises")
        .map(|r| r.action.as_str())
        .collect();
    assert_eq!(actions, ["enterprise.unhide", "enterprise.hide"]);
}
