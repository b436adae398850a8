//! Admins add, disable and reset staff; settings; one's own password.

use guildhall::accounts::Role;

use crate::support::{STAFF_PASSWORD, TestApp, html};

async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = app.csrf_token(client, "/admin").await;
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf_token", &token));
    client.post(app.url(path)).form(&form).send().await.unwrap()
}

fn flash_password(page: &str) -> String {
    let flash = html::texts(page, ".flash-success").join(" ");
    let start = flash.find("密码：").expect("password in flash") + "密码：".len();
    flash[start..].split('（').next().unwrap().trim().to_owned()
}

#[tokio::test]
async fn admin_adds_staff_who_signs_in_with_the_shown_password() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.staff_client(Role::Admin).await;
    let res = post_form(
        &app,
        &admin,
        "/admin/staff",
        &[("username", "li.mishu"), ("display_name", "李秘书"), ("role", "secretary")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let page = admin.get(app.url("/admin/staff")).send().await.unwrap().text().await.unwrap();
    let password = flash_password(&page);
    assert!(password.len() >= 10);
    assert!(html::texts(&page, "#staff td").contains(&"李秘书".to_owned()));
    // The password is shown once only.
    let again = admin.get(app.url("/admin/staff")).send().await.unwrap().text().await.unwrap();
    assert!(!again.contains(&password));

    let res = app.sign_in(&app.client(), "li.mishu", &password).await;
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn duplicate_or_bad_usernames_are_shown_on_the_form() {
    let app = TestApp::spawn().await;
    let (admin, me) = app.staff_client(Role::Admin).await;
    let res =
        post_form(&app, &admin, "/admin/staff", &[("username", &me.username), ("role", "editor")])
            .await;
    assert_eq!(res.status(), 422);
    assert_eq!(html::texts(&res.text().await.unwrap(), "ul.errors li"), vec!["该用户名已被使用"]);
    let res = post_form(&app, &admin, "/admin/staff", &[("username", "x"), ("role", "root")]).await;
    assert_eq!(res.status(), 422);
    assert_eq!(app.count_rows("staff").await, 1);
}

#[tokio::test]
async fn disabling_staff_ends_their_session_and_sign_in() {
    let app = TestApp::spawn().await;
    let (admin, me) = app.staff_client(Role::Admin).await;
    let (secretary_client, secretary) = app.staff_client(Role::Secretary).await;
    assert_eq!(secretary_client.get(app.url("/admin")).send().await.unwrap().status(), 200);

    let res = post_form(&app, &admin, &format!("/admin/staff/{}/disable", secretary.id), &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(secretary_client.get(app.url("/admin")).send().await.unwrap().status(), 303);
    assert_eq!(app.sign_in(&app.client(), &secretary.username, STAFF_PASSWORD).await.status(), 422);

    let res = post_form(&app, &admin, &format!("/admin/staff/{}/disable", me.id), &[]).await;
    assert_eq!(res.status(), 409, "admins cannot disable themselves");

    post_form(&app, &admin, &format!("/admin/staff/{}/enable", secretary.id), &[]).await;
    assert_eq!(app.sign_in(&app.client(), &secretary.username, STAFF_PASSWORD).await.status(), 303);
}

#[tokio::test]
async fn resetting_a_password_replaces_it_and_ends_sessions() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.staff_client(Role::Admin).await;
    let (editor_client, editor) = app.staff_client(Role::Editor).await;
    let res =
        post_form(&app, &admin, &format!("/admin/staff/{}/reset-password", editor.id), &[]).await;
    assert_eq!(res.status(), 303);
    let page = admin.get(app.url("/admin/staff")).send().await.unwrap().text().await.unwrap();
    let password = flash_password(&page);
    assert_eq!(editor_client.get(app.url("/admin")).send().await.unwrap().status(), 303);
    assert_eq!(app.sign_in(&app.client(), &editor.username, STAFF_PASSWORD).await.status(), 422);
    assert_eq!(app.sign_in(&app.client(), &editor.username, &password).await.status(), 303);
    assert_eq!(
        post_form(&app, &admin, "/admin/staff/999999/reset-password", &[]).await.status(),
        404
    );
}

#[tokio::test]
async fn staff_change_their_own_password() {
    let app = TestApp::spawn().await;
    let (client, me) = app.staff_client(Role::Finance).await;
    let fields = [
        ("current_password", "not-my-password"),
        ("new_password", "a-new-secret-1"),
        ("confirm_password", "a-new-secret-1"),
    ];
    let res = post_form(&app, &client, "/admin/account/password", &fields).await;
    assert_eq!(res.status(), 422);
    assert_eq!(html::texts(&res.text().await.unwrap(), "ul.errors li"), vec!["当前密码不正确"]);

    let fields = [
        ("current_password", STAFF_PASSWORD),
        ("new_password", "a-new-secret-1"),
        ("confirm_password", "a-new-secret-1"),
    ];
    assert_eq!(post_form(&app, &client, "/admin/account/password", &fields).await.status(), 303);
    assert_eq!(client.get(app.url("/admin")).send().await.unwrap().status(), 303, "signed out");
    assert_eq!(app.sign_in(&app.client(), &me.username, "a-new-secret-1").await.status(), 303);
}

#[tokio::test]
async fn admins_edit_the_association_settings() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.staff_client(Role::Admin).await;
    let res = post_form(
        &app,
        &admin,
        "/admin/settings",
        &[("name", "深圳市示范商会"), ("time_zone", "Mars/Base"), ("logo_file_id", "")],
    )
    .await;
    assert_eq!(res.status(), 422);
    assert_eq!(html::texts(&res.text().await.unwrap(), "ul.errors li"), vec!["时区无效"]);

    let res = post_form(
        &app,
        &admin,
        "/admin/settings",
        &[("name", "深圳市示范商会"), ("time_zone", "Asia/Urumqi"), ("logo_file_id", "")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let page = admin.get(app.url("/admin")).send().await.unwrap().text().await.unwrap();
    assert_eq!(
        html::texts(&page, ".brand").first().map(|s| s.starts_with("深圳市示范商会")),
        Some(true)
    );
    // Times now show in the new zone: the clock stands at 06:30 UTC = 12:30 in Urumqi.
    assert!(html::texts(&page, "#activity td").iter().any(|t| t == "2026-11-24 12:30"), "{page}");
}
