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

/// The password shown once, beside its copy button.
fn flash_password(page: &str) -> String {
    assert_eq!(
        html::attr(page, ".flash-password button", "data-copy").as_deref(),
        Some("#shown-password")
    );
    html::texts(page, ".flash-password #shown-password").pop().expect("password in flash")
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
    assert_eq!(password.len(), 14, "three groups of four: {password}");
    assert!(!password.contains(['0', 'O', 'o', '1', 'l', 'I', 'i']), "no look-alikes: {password}");
    assert!(html::texts(&page, "#staff td").contains(&"李秘书".to_owned()));
    // The password is shown once only.
    let again = admin.get(app.url("/admin/staff")).send().await.unwrap().text().await.unwrap();
    assert!(!again.contains(&password));

    // First sign-in: every page but the password page and sign-out leads to the password
    // page until a password of their own is set.
    let li = app.client();
    let res = app.sign_in(&li, "li.mishu", &password).await;
    assert_eq!(res.status(), 303);
    for path in ["/admin", "/admin/applications", "/admin/events"] {
        let res = li.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 303, "{path}");
        assert_eq!(res.headers()["location"], "/admin/account/password", "{path}");
    }
    let page = li.get(app.url("/admin/account/password")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert_eq!(html::count(&page, "#password-required"), 1, "says why");
    let token = html::csrf_token(&page).unwrap();
    let fields = [
        ("current_password", password.as_str()),
        ("new_password", "li-own-secret-9"),
        ("confirm_password", "li-own-secret-9"),
        ("csrf_token", token.as_str()),
    ];
    let res = li.post(app.url("/admin/account/password")).form(&fields).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(app.sign_in(&li, "li.mishu", "li-own-secret-9").await.status(), 303);
    assert_eq!(li.get(app.url("/admin")).send().await.unwrap().status(), 200, "free now");
}

#[tokio::test]
async fn the_new_staff_form_starts_at_the_least_privileged_role() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.staff_client(Role::Admin).await;
    let page = admin.get(app.url("/admin/staff")).send().await.unwrap().text().await.unwrap();
    let selected = html::attr(&page, "#new-staff select[name=role] option[selected]", "value");
    assert_eq!(selected.as_deref(), Some("editor"));
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
    let editor_again = app.client();
    assert_eq!(app.sign_in(&editor_again, &editor.username, &password).await.status(), 303);
    let res = editor_again.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(
        res.headers()["location"],
        "/admin/account/password",
        "a reset password is changed first"
    );
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

#[tokio::test]
async fn settings_offer_time_zones_from_a_list_and_warn_of_a_loopback_address() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.staff_client(Role::Admin).await;
    let page = admin.get(app.url("/admin/settings")).send().await.unwrap().text().await.unwrap();
    let selected = html::attr(&page, "#time-zone option[selected]", "value");
    assert_eq!(selected.as_deref(), Some("Asia/Shanghai"));
    assert!(html::count(&page, "#time-zone option") > 300, "every IANA zone");
    // The test server's public base URL is its loopback address.
    assert!(html::texts(&page, "#base-url-warning")[0].contains("本机地址"), "{page}");
}

#[tokio::test]
async fn public_error_pages_offer_no_workbench_link() {
    let app = TestApp::spawn().await;
    for path in ["/no-such-page", "/c/not-a-card", "/v/NOTACODE1234"] {
        let res = app.client().get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
        let page = res.text().await.unwrap();
        assert_eq!(html::count(&page, "a[href='/admin']"), 0, "{path}: {page}");
    }
    let res = app.client().get(app.url("/admin/no-such-page")).send().await.unwrap();
    let page = res.text().await.unwrap();
    assert_eq!(html::count(&page, "a[href='/admin']"), 1, "the workbench's own 404 keeps it");
}
