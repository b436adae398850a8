//! Membership settings: catalogue entries, refusing to remove what is in use, numbering.

use guildhall::accounts::Role;

use super::{applicant, approve, page, post_form};
use crate::support::{TestApp, html};

#[tokio::test]
async fn staff_add_edit_and_remove_unused_entries() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff_client(Role::Secretary).await;
    let res = post_form(
        &app,
        &staff,
        "/admin/membership-settings/member-types",
        &[
            ("name", "团体会员"),
            ("dues", "3000.50"),
            ("enterprise_profiles", "on"),
            ("sort_order", "3"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let settings = page(&app, &staff, "/admin/membership-settings").await;
    let names: Vec<String> =
        html::texts(&settings, "#member-types tr[data-member-type-id]").into_iter().collect();
    assert_eq!(names.len(), 3);
    let id = html::attr(
        &settings,
        "#member-types tr[data-member-type-id]:last-child",
        "data-member-type-id",
    )
    .unwrap();
    assert_eq!(
        html::attr(&settings, "#member-types tr:last-child input[name=dues]", "value").as_deref(),
        Some("3000.50")
    );

    let res = post_form(
        &app,
        &staff,
        &format!("/admin/membership-settings/member-types/{id}"),
        &[("name", ""), ("dues", "abc")],
    )
    .await;
    assert_eq!(res.status(), 422);
    let errors = html::texts(&res.text().await.unwrap(), "ul.errors li");
    assert_eq!(errors, vec!["不能为空", "请输入正确的金额，如 500 或 500.00"]);
    let res = post_form(
        &app,
        &staff,
        "/admin/membership-settings/positions",
        &[("name", "会长"), ("rank", "1")],
    )
    .await;
    assert_eq!(res.status(), 422, "duplicate name");

    let res = post_form(
        &app,
        &staff,
        &format!("/admin/membership-settings/member-types/{id}/delete"),
        &[],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.count_rows("member_types").await, 2);
    let res = post_form(
        &app,
        &staff,
        "/admin/membership-settings/industries",
        &[("code", "z1"), ("name", "低空经济")],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.count_rows("industries").await, 21);
    assert_eq!(
        post_form(&app, &staff, "/admin/membership-settings/widgets", &[("name", "x")])
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn entries_in_use_are_not_removed_and_the_message_says_where() {
    let app = TestApp::spawn().await;
    let (_, _, id) = applicant(&app).await;
    let (staff, _) = app.staff_client(Role::Admin).await;
    // 企业会员 (id 2) is asked for by a pending application.
    let res =
        post_form(&app, &staff, "/admin/membership-settings/member-types/2/delete", &[]).await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        html::texts(&res.text().await.unwrap(), "ul.errors li"),
        vec!["该会员类型正被1 份申请使用，不能删除"]
    );
    approve(&app, &staff, id, false).await;
    // 理事 (id 4) is now held by a member, and in the position history.
    let res = post_form(&app, &staff, "/admin/membership-settings/positions/4/delete", &[]).await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        html::texts(&res.text().await.unwrap(), "ul.errors li"),
        vec!["该职务正被1 名会员、1 份申请、1 条任职记录使用，不能删除"]
    );
    assert_eq!(app.count_rows("positions").await, 5);
}

#[tokio::test]
async fn member_numbers_follow_the_configured_prefix() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff_client(Role::Secretary).await;
    let res = post_form(
        &app,
        &staff,
        "/admin/membership-settings/numbering",
        &[("prefix", "会员"), ("width", "4")],
    )
    .await;
    assert_eq!(res.status(), 422);
    let res = post_form(
        &app,
        &staff,
        "/admin/membership-settings/numbering",
        &[("prefix", "SZ-"), ("width", "4")],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        html::texts(&page(&app, &staff, "/admin/membership-settings").await, "#next-number"),
        vec!["SZ-0001"]
    );
    let (_, user_id, id) = applicant(&app).await;
    approve(&app, &staff, id, false).await;
    let view = guildhall::membership::membership_of(&app.state.db, user_id).await.unwrap().unwrap();
    assert_eq!(view.member_number, "SZ-0001");
    let (finance, _) = app.staff_client(Role::Finance).await;
    assert_eq!(
        finance.get(app.url("/admin/membership-settings")).send().await.unwrap().status(),
        403
    );
}
