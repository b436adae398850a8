//! Review of enterprises behind the association setting (issue 10): off by default
//! (live at once); on: a new enterprise is invisible until approved, an edit keeps the
//! old version live until approved, a rejection's note reaches the owner; off again:
//! live at once, the pending edit superseded.

use guildhall::accounts::Role;
use reqwest::Method;
use serde_json::Value;

use super::enterprises::enterprise;
use super::{get, member, send};
use crate::membership::{page, post_form};
use crate::reviewed::{audit_actions, decide, inbox_ids, pending_revision, secretary};
use crate::support::{TestApp, html};

async fn set_review(app: &TestApp, admin: &reqwest::Client, on: bool) {
    let mut form = vec![("name", "深圳市示范商会"), ("time_zone", "Asia/Shanghai")];
    if on {
        form.push(("enterprise_review", "on"));
    }
    let res = post_form(app, admin, "/admin/settings", &form).await;
    assert_eq!(res.status(), 303);
    let settings = page(app, admin, "/admin/settings").await;
    let checked = html::count(&settings, "input[name=enterprise_review][checked]");
    assert_eq!(checked, usize::from(on), "{settings}");
}

async fn names(app: &TestApp, client: &reqwest::Client, query: &str) -> Vec<String> {
    let (status, body) = get(app, client, &format!("/api/v1/enterprises{query}")).await;
    assert_eq!(status, 200, "{body}");
    let items = body["items"].as_array().unwrap();
    items.iter().map(|e| e["name"].as_str().unwrap().to_owned()).collect()
}

async fn create(app: &TestApp, owner: &reqwest::Client, name: &str) -> Value {
    let (status, mine) =
        send(app, owner, Method::POST, "/api/v1/me/enterprises", Some(enterprise(name))).await;
    assert_eq!(status, 201, "{mine}");
    mine
}

async fn edit(app: &TestApp, owner: &reqwest::Client, id: i64, name: &str) -> Value {
    let path = format!("/api/v1/me/enterprises/{id}");
    let (status, mine) = send(app, owner, Method::PUT, &path, Some(enterprise(name))).await;
    assert_eq!(status, 200, "{mine}");
    mine
}

#[tokio::test]
async fn without_the_setting_enterprises_are_live_at_once() {
    let app = TestApp::spawn().await;
    let (owner, _) = member(&app).await;
    let (viewer, _, _) = app.user_client().await;
    let staff = secretary(&app).await;
    let mine = create(&app, &owner, "示范机器人有限公司").await;
    assert_eq!(
        (mine["visible"].as_bool(), mine["review"]["state"].as_str()),
        (Some(true), Some("published"))
    );
    assert!(mine["submitted"].is_null(), "{mine}");
    let id = mine["id"].as_i64().unwrap();
    assert_eq!(names(&app, &viewer, "?q=机器人").await, ["示范机器人有限公司"]);
    let mine = edit(&app, &owner, id, "示范智能装备有限公司").await;
    assert_eq!(mine["review"]["state"], "published");
    assert_eq!(names(&app, &viewer, "").await, ["示范智能装备有限公司"]);
    assert!(inbox_ids(&app, &staff, "enterprise").await.is_empty());
}

#[tokio::test]
async fn with_the_setting_new_and_edited_enterprises_wait_for_review() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.staff_client(Role::Admin).await;
    let staff = secretary(&app).await;
    let (owner, _) = member(&app).await;
    let (viewer, _, _) = app.user_client().await;
    // Made before review was turned on: stays live.
    let old = create(&app, &owner, "老字号贸易公司").await;
    set_review(&app, &admin, true).await;
    assert_eq!(names(&app, &viewer, "").await, ["老字号贸易公司"]);

    // New: invisible until approved.
    let mine = create(&app, &owner, "示范机器人有限公司").await;
    let id = mine["id"].as_i64().unwrap();
    assert_eq!(
        (mine["visible"].as_bool(), mine["review"]["label"].as_str()),
        (Some(false), Some("待审核"))
    );
    assert_eq!(mine["submitted"]["name"], "示范机器人有限公司");
    assert_eq!(names(&app, &viewer, "").await, ["老字号贸易公司"]);
    assert!(names(&app, &viewer, "?q=机器人").await.is_empty());
    assert_eq!(get(&app, &viewer, &format!("/api/v1/enterprises/{id}")).await.0, 404);
    let rev = pending_revision(&app, &staff, "enterprise").await;
    let diff = page(&app, &staff, &format!("/admin/reviews/{rev}")).await;
    assert!(diff.contains("新提交") && diff.contains("示范机器人有限公司"), "{diff}");
    assert_eq!(decide(&app, &staff, rev, "approve", "").await, 303);
    assert_eq!(names(&app, &viewer, "?q=机器人").await, ["示范机器人有限公司"]);
    let (_, mine) = get(&app, &owner, &format!("/api/v1/me/enterprises/{id}")).await;
    assert_eq!(
        (mine["visible"].as_bool(), mine["review"]["state"].as_str()),
        (Some(true), Some("published"))
    );

    // An edit waits; the old version stays live, also for the one made before.
    let old_id = old["id"].as_i64().unwrap();
    let mine = edit(&app, &owner, old_id, "老字号国际贸易公司").await;
    assert_eq!(mine["review"]["label"], "修改审核中");
    assert_eq!(
        (mine["name"].as_str(), mine["visible"].as_bool()),
        (Some("老字号贸易公司"), Some(true))
    );
    assert_eq!(mine["submitted"]["name"], "老字号国际贸易公司");
    assert_eq!(names(&app, &viewer, "?q=老字号").await, ["老字号贸易公司"]);
    let (_, one) = get(&app, &viewer, &format!("/api/v1/enterprises/{old_id}")).await;
    assert_eq!(one["name"], "老字号贸易公司");
    assert!(one.get("review").is_none() && one.get("submitted").is_none(), "{one}");

    // The reviewer's diff marks the name; a rejection keeps the old one and tells why.
    let rev = pending_revision(&app, &staff, "enterprise").await;
    let diff = page(&app, &staff, &format!("/admin/reviews/{rev}")).await;
    assert_eq!(html::attr(&diff, "#diff tr.changed", "data-field").as_deref(), Some("企业名称"));
    assert_eq!(decide(&app, &staff, rev, "reject", "名称与营业执照不符").await, 303);
    let (_, mine) = get(&app, &owner, &format!("/api/v1/me/enterprises/{old_id}")).await;
    assert_eq!(
        (mine["review"]["state"].as_str(), mine["review"]["note"].as_str()),
        (Some("rejected"), Some("名称与营业执照不符"))
    );
    assert_eq!(names(&app, &viewer, "?q=老字号").await, ["老字号贸易公司"]);

    // Edited again and approved: the new version is live and searchable.
    edit(&app, &owner, old_id, "老字号进出口公司").await;
    let rev = pending_revision(&app, &staff, "enterprise").await;
    assert_eq!(decide(&app, &staff, rev, "approve", "").await, 303);
    assert_eq!(names(&app, &viewer, "?q=进出口").await, ["老字号进出口公司"]);
    assert!(names(&app, &viewer, "?q=贸易").await.is_empty());

    // A pending edit when review is turned off: the owner's next save is live at once.
    edit(&app, &owner, id, "示范机器人集团").await;
    set_review(&app, &admin, false).await;
    let mine = edit(&app, &owner, id, "示范机器人股份公司").await;
    assert_eq!(
        (mine["name"].as_str(), mine["review"]["state"].as_str()),
        (Some("示范机器人股份公司"), Some("published"))
    );
    assert!(inbox_ids(&app, &staff, "enterprise").await.is_empty(), "superseded");
    assert_eq!(names(&app, &viewer, "?q=机器人").await, ["示范机器人股份公司"]);
    let actions = audit_actions(&app, "enterprises").await;
    for action in ["enterprise.submit", "enterprise.approve", "enterprise.reject"] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}

#[tokio::test]
async fn deleting_a_pending_enterprise_voids_its_review() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.staff_client(Role::Admin).await;
    let staff = secretary(&app).await;
    let (owner, _) = member(&app).await;
    set_review(&app, &admin, true).await;
    let id = create(&app, &owner, "待删企业").await["id"].as_i64().unwrap();
    let rev = pending_revision(&app, &staff, "enterprise").await;
    let path = format!("/api/v1/me/enterprises/{id}");
    assert_eq!(send(&app, &owner, Method::DELETE, &path, None).await.0, 204);
    assert!(inbox_ids(&app, &staff, "enterprise").await.is_empty());
    assert_eq!(decide(&app, &staff, rev, "approve", "").await, 409);
}

/// The shared card's enterprise block follows every change at once, although the
/// card is served from memory between writes ("live stays live").
#[tokio::test]
async fn a_shared_card_shows_enterprise_changes_at_once() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.staff_client(Role::Admin).await;
    let staff = secretary(&app).await;
    let (owner, owner_id) = member(&app).await;
    let (status, share) = send(&app, &owner, Method::POST, "/api/v1/me/card/share", None).await;
    assert_eq!(status, 200, "{share}");
    let path = format!("/api/v1/cards/{}", share["slug"].as_str().unwrap());
    let on_card = |card: &Value| -> Vec<String> {
        let items = card["card"]["enterprises"].as_array().unwrap();
        items.iter().map(|e| e["name"].as_str().unwrap().to_owned()).collect()
    };
    let (_, card) = get(&app, &app.client(), &path).await;
    assert!(on_card(&card).is_empty());

    let id = create(&app, &owner, "示范机器人有限公司").await["id"].as_i64().unwrap();
    assert_eq!(on_card(&get(&app, &app.client(), &path).await.1), ["示范机器人有限公司"]);
    set_review(&app, &admin, true).await;
    edit(&app, &owner, id, "示范机器人集团").await;
    assert_eq!(on_card(&get(&app, &app.client(), &path).await.1), ["示范机器人有限公司"]);
    let rev = pending_revision(&app, &staff, "enterprise").await;
    assert_eq!(decide(&app, &staff, rev, "approve", "").await, 303);
    assert_eq!(on_card(&get(&app, &app.client(), &path).await.1), ["示范机器人集团"]);

    // Raw SQL (another context's fixture) announces itself too: the card is gone.
    app.exec(format!("UPDATE members SET status = 'resigned' WHERE user_id = {owner_id}")).await;
    assert_eq!(get(&app, &app.client(), &path).await.0, 404);
}
