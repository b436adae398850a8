//! Staff sessions end on the server: a replayed cookie after logout, or after "sign
//! out everywhere", is sent to sign in. Also the sign-in form's edges: the throttle
//! counts the normalised name, and a `next` with control characters is ignored.

use guildhall::accounts::Role;

use crate::support::{STAFF_PASSWORD, TestApp, post_csrf};

/// Signs in `username`; returns the client and the raw session cookie it got.
async fn signed_in(app: &TestApp, username: &str) -> (reqwest::Client, String) {
    let client = app.client();
    let res = app.sign_in(&client, username, STAFF_PASSWORD).await;
    assert_eq!(res.status(), 303);
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    let pair = cookie.split(';').next().unwrap().to_owned();
    (client, pair)
}

/// Status of `GET /admin` with only `cookie` (a replay from another machine).
async fn replay(app: &TestApp, cookie: &str) -> u16 {
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/admin"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    res.status().as_u16()
}

#[tokio::test]
async fn a_cookie_replayed_after_logout_is_worthless() {
    let app = TestApp::spawn().await;
    let staff = app.create_staff(Role::Secretary).await;
    let (client, cookie) = signed_in(&app, &staff.username).await;
    assert_eq!(replay(&app, &cookie).await, 200, "the copy works while signed in");
    let token = app.csrf_token(&client, "/admin").await;
    assert_eq!(post_csrf(&client, &app.url("/admin/logout"), &token).await, 303);
    assert_eq!(replay(&app, &cookie).await, 303, "ended on the server");
    assert_eq!(app.count_rows("staff_sessions").await, 0);
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session_of_the_account_only() {
    let app = TestApp::spawn().await;
    let staff = app.create_staff(Role::Editor).await;
    let other = app.create_staff(Role::Editor).await;
    let (laptop, laptop_cookie) = signed_in(&app, &staff.username).await;
    let (_, phone_cookie) = signed_in(&app, &staff.username).await;
    let (_, other_cookie) = signed_in(&app, &other.username).await;
    let token = app.csrf_token(&laptop, "/admin/account/password").await;
    let url = app.url("/admin/account/sign-out-everywhere");
    assert_eq!(post_csrf(&laptop, &url, &token).await, 303);
    assert_eq!(replay(&app, &laptop_cookie).await, 303);
    assert_eq!(replay(&app, &phone_cookie).await, 303);
    assert_eq!(replay(&app, &other_cookie).await, 200, "other accounts stay signed in");
}

#[tokio::test]
async fn admins_sign_another_account_out_everywhere_and_others_may_not() {
    let app = TestApp::spawn().await;
    let target = app.create_staff(Role::Finance).await;
    let (_, target_cookie) = signed_in(&app, &target.username).await;
    let (secretary, _) = app.staff_client(Role::Secretary).await;
    let token = app.csrf_token(&secretary, "/admin").await;
    let url = app.url(&format!("/admin/staff/{}/sign-out", target.id));
    assert_eq!(post_csrf(&secretary, &url, &token).await, 403);
    assert_eq!(replay(&app, &target_cookie).await, 200);

    let (admin, _) = app.staff_client(Role::Admin).await;
    let token = app.csrf_token(&admin, "/admin/staff").await;
    assert_eq!(post_csrf(&admin, &url, &token).await, 303);
    assert_eq!(replay(&app, &target_cookie).await, 303);
    let page = admin.get(app.url("/admin/staff")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("已退出该账号的全部登录（1 处）"), "{page}");
}

#[tokio::test]
async fn the_throttle_counts_the_name_as_sign_in_reads_it() {
    let app = TestApp::spawn().await;
    let staff = app.create_staff(Role::Finance).await;
    let client = app.client();
    let spellings = [
        staff.username.clone(),
        format!(" {}", staff.username),
        format!("{} ", staff.username.to_uppercase()),
        format!("\t{}", staff.username),
        format!(" {} ", staff.username),
    ];
    for name in &spellings {
        assert_eq!(app.sign_in(&client, name, "wrong-password-1").await.status(), 422);
    }
    let res = app.sign_in(&client, &format!("  {}", staff.username), STAFF_PASSWORD).await;
    assert_eq!(res.status(), 429, "five failures under any spelling lock the account");
}

#[tokio::test]
async fn a_next_with_control_characters_is_ignored_after_a_good_password() {
    let app = TestApp::spawn().await;
    let staff = app.create_staff(Role::Secretary).await;
    for next in ["/admin\r\nSet-Cookie: evil=1", "/admin/members\0", "/admin\n", "/admin\u{7f}"] {
        let client = app.client();
        let token = app.csrf_token(&client, "/admin/login").await;
        let form = [
            ("username", staff.username.as_str()),
            ("password", STAFF_PASSWORD),
            ("csrf_token", &token),
            ("next", next),
        ];
        let res = client.post(app.url("/admin/login")).form(&form).send().await.unwrap();
        assert_eq!(res.status(), 303, "{next:?}");
        assert_eq!(res.headers()["location"], "/admin", "{next:?}");
        assert!(!res.headers().contains_key("evil"));
    }
}

#[tokio::test]
async fn flashes_stay_bounded_however_many_actions_run_without_a_page_load() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.staff_client(Role::Admin).await;
    let target = app.create_staff(Role::Editor).await;
    let token = app.csrf_token(&admin, "/admin/staff").await;
    for n in 0..40 {
        let action = if n % 2 == 0 { "disable" } else { "enable" };
        let url = app.url(&format!("/admin/staff/{}/{action}", target.id));
        assert_eq!(post_csrf(&admin, &url, &token).await, 303, "action {n}");
    }
    let res = admin.get(app.url("/admin/staff")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    let shown = crate::support::html::count(&page, ".flash");
    assert!((1..=3).contains(&shown), "{shown} flashes shown");
}
