//! Staff sign-in, sessions, CSRF and roles in the workbench.

use guildhall::accounts::Role;

use crate::support::{STAFF_PASSWORD, TestApp, html};

#[tokio::test]
async fn anonymous_workbench_requests_go_to_sign_in() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let res = client.get(app.url("/admin/staff")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/admin/login?next=%2Fadmin%2Fstaff");
    let res = client.get(app.url("/admin")).header("hx-request", "true").send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.headers()["hx-redirect"].to_str().unwrap().starts_with("/admin/login"));
    // An anonymous POST is sent to sign in as well, and changes nothing.
    let res = client
        .post(app.url("/admin/staff"))
        .form(&[("username", "intruder")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(app.count_rows("staff").await, 0);
}

#[tokio::test]
async fn staff_sign_in_and_see_the_home_page() {
    let app = TestApp::spawn().await;
    let staff = app.create_staff(Role::Secretary).await;
    let client = app.client();
    let res = app.sign_in(&client, &staff.username, STAFF_PASSWORD).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/admin");
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_lowercase();
    assert!(cookie.contains("httponly") && cookie.contains("samesite=strict"), "{cookie}");

    let page = client.get(app.url("/admin")).send().await.unwrap().text().await.unwrap();
    assert_eq!(html::texts(&page, ".topbar h1"), vec!["工作台首页"]);
    assert!(html::texts(&page, ".who span")[0].contains("测试秘书"));
    let menu = html::texts(&page, ".menu a");
    assert!(menu.contains(&"工作台首页".to_owned()));
    assert!(!menu.contains(&"员工账号".to_owned()), "secretaries do not manage staff");
    assert!(html::texts(&page, "#activity td").contains(&"登录工作台".to_owned()), "{page}");
}

#[tokio::test]
async fn wrong_passwords_are_refused_and_throttled() {
    let app = TestApp::spawn().await;
    let staff = app.create_staff(Role::Admin).await;
    let client = app.client();
    for _ in 0..5 {
        let res = app.sign_in(&client, &staff.username, "wrong-password-1").await;
        assert_eq!(res.status(), 422);
        let page = res.text().await.unwrap();
        assert_eq!(html::texts(&page, ".flash-error"), vec!["用户名或密码错误，或账号已停用"]);
    }
    let res = app.sign_in(&client, &staff.username, STAFF_PASSWORD).await;
    assert_eq!(res.status(), 429, "locked even with the right password");
    assert_eq!(res.headers()["retry-after"], "900");
    app.clock.advance(chrono::Duration::minutes(16));
    let res = app.sign_in(&client, &staff.username, STAFF_PASSWORD).await;
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn unknown_users_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let res = app.sign_in(&app.client(), "nobody", STAFF_PASSWORD).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert_eq!(html::texts(&page, ".flash-error"), vec!["用户名或密码错误，或账号已停用"]);
}

#[tokio::test]
async fn posts_without_a_valid_csrf_token_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (client, _) = app.staff_client(Role::Admin).await;
    let before = app.count_rows("staff").await;
    for token in [None, Some("forged-token")] {
        let mut form = vec![("username", "mallory"), ("display_name", "M"), ("role", "admin")];
        if let Some(token) = token {
            form.push(("csrf_token", token));
        }
        let res = client.post(app.url("/admin/staff")).form(&form).send().await.unwrap();
        assert_eq!(res.status(), 403, "token {token:?}");
        assert!(res.text().await.unwrap().contains("页面已过期"));
    }
    let res = client
        .post(app.url("/admin/staff"))
        .header("x-csrf-token", "forged")
        .form(&[("username", "mallory"), ("role", "admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(app.count_rows("staff").await, before);

    // The sign-in form itself needs the token.
    let res = app
        .client()
        .post(app.url("/admin/login"))
        .form(&[("username", "x"), ("password", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn roles_are_enforced() {
    let app = TestApp::spawn().await;
    let (client, _) = app.staff_client(Role::Editor).await;
    for path in ["/admin/staff", "/admin/settings"] {
        let res = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 403, "{path}");
        assert_eq!(html::texts(&res.text().await.unwrap(), "h1"), vec!["无权访问"]);
    }
    assert_eq!(client.get(app.url("/admin")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let app = TestApp::spawn().await;
    let (client, _) = app.staff_client(Role::Finance).await;
    let token = app.csrf_token(&client, "/admin").await;
    let res =
        client.post(app.url("/admin/logout")).form(&[("csrf_token", token)]).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(client.get(app.url("/admin")).send().await.unwrap().status(), 303);
}

#[tokio::test]
async fn sessions_expire_after_the_configured_hours() {
    let app = TestApp::spawn().await;
    let (client, _) = app.staff_client(Role::Secretary).await;
    app.clock.advance(chrono::Duration::hours(11));
    assert_eq!(client.get(app.url("/admin")).send().await.unwrap().status(), 200);
    app.clock.advance(chrono::Duration::hours(2));
    assert_eq!(client.get(app.url("/admin")).send().await.unwrap().status(), 303);
}
