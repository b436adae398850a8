//! `/me`: profile, membership, bindings (never a silent merge), staff link.

use guildhall::accounts::Role;
use serde_json::{Value, json};

use crate::support::fakes::FakeWechat;
use crate::support::{TestApp, html};

fn png() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::new_rgb8(40, 40).write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn upload(app: &TestApp, client: &reqwest::Client) -> i64 {
    let part =
        reqwest::multipart::Part::bytes(png()).file_name("a.png").mime_str("image/png").unwrap();
    let res = client
        .post(app.url("/api/v1/uploads"))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn patch(app: &TestApp, client: &reqwest::Client, body: Value) -> (u16, Value) {
    let res = client.patch(app.url("/api/v1/me")).json(&body).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

async fn sign_in_by_sms(app: &TestApp, phone: &'static str) -> Value {
    let http = reqwest::Client::new();
    http.post(app.url("/api/v1/auth/sms-code"))
        .json(&json!({"phone": phone}))
        .send()
        .await
        .unwrap();
    let code = app.sms_code(phone).await;
    http.post(app.url("/api/v1/auth/sms"))
        .json(&json!({"phone": phone, "code": code}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn users_edit_their_nickname_and_avatar() {
    let app = TestApp::spawn().await;
    let (client, _, _) = app.user_client().await;
    let (other, _, _) = app.user_client().await;
    let mine = upload(&app, &client).await;
    let theirs = upload(&app, &other).await;

    let (status, view) =
        patch(&app, &client, json!({"nickname": "  王总 ", "avatar_file_id": mine})).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(
        (view["user"]["nickname"].as_str(), view["user"]["avatar_file_id"].as_i64()),
        (Some("王总"), Some(mine))
    );

    let (status, body) = patch(&app, &client, json!({"avatar_file_id": theirs})).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["field"].as_str()),
        (422, Some("avatar_file_id"))
    );
    let (status, body) = patch(&app, &client, json!({"nickname": "名".repeat(21)})).await;
    assert_eq!((status, body["error"]["fields"][0]["field"].as_str()), (422, Some("nickname")));
    let (status, body) = patch(&app, &client, json!({"nickname": "x", "is_admin": true})).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["field"].as_str()),
        (422, Some("is_admin")),
        "unknown fields are refused"
    );

    let (_, view) = patch(&app, &client, json!({"avatar_file_id": null})).await;
    assert_eq!(
        (view["user"]["nickname"].as_str(), view["user"]["avatar_file_id"].as_i64()),
        (Some("王总"), None),
        "absent stays, null clears"
    );
}

#[tokio::test]
async fn a_wechat_user_binds_a_phone_unless_another_account_has_it() {
    let wechat = FakeWechat::start();
    let app = TestApp::spawn_with_wechat(&wechat).await;
    let (_, signed) = app.post_json("/api/v1/auth/wechat", None, json!({"code": "code-li"})).await;
    let token = signed["token"].as_str().unwrap().to_owned();

    app.post_json("/api/v1/auth/sms-code", None, json!({"phone": "13500135000"})).await;
    let code = app.sms_code("13500135000").await;
    let body = json!({"phone": "13500135000", "code": code});
    let (status, view) = app.post_json("/api/v1/me/phone", Some(&token), body).await;
    assert_eq!(status, 200);
    assert_eq!(
        (view["user"]["phone"].as_str(), view["user"]["wechat_bound"].as_bool()),
        (Some("13500135000"), Some(true))
    );

    // Another account already signed in with a second phone; binding it is refused.
    let phone_user = sign_in_by_sms(&app, "13400134000").await;
    app.clock.advance(chrono::Duration::seconds(61));
    app.post_json("/api/v1/auth/sms-code", None, json!({"phone": "13400134000"})).await;
    let code = app.sms_code("13400134000").await;
    let body = json!({"phone": "13400134000", "code": code});
    let (status, refused) = app.post_json("/api/v1/me/phone", Some(&token), body).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("phone_taken")));
    assert_eq!(app.count_rows("users").await, 2, "nothing merged");
    let owner = phone_user["user"]["id"].as_i64().unwrap();
    let (user, _) =
        guildhall::accounts::profile::user_with_staff(&app.state.db, owner).await.unwrap();
    assert_eq!(user.phone.as_deref(), Some("13400134000"));
}

#[tokio::test]
async fn a_phone_user_binds_wechat_unless_another_account_has_it() {
    let wechat = FakeWechat::start();
    let app = TestApp::spawn_with_wechat(&wechat).await;
    let signed = sign_in_by_sms(&app, "13300133000").await;
    let token = signed["token"].as_str().unwrap().to_owned();
    let (status, view) =
        app.post_json("/api/v1/me/wechat", Some(&token), json!({"code": "code-zhao"})).await;
    assert_eq!((status, view["user"]["wechat_bound"].as_bool()), (200, Some(true)));
    // Signing in by WeChat now finds the same account.
    let (_, again) = app.post_json("/api/v1/auth/wechat", None, json!({"code": "code-zhao"})).await;
    assert_eq!(again["user"]["id"], signed["user"]["id"]);

    app.post_json("/api/v1/auth/wechat", None, json!({"code": "code-qian"})).await;
    let (status, refused) =
        app.post_json("/api/v1/me/wechat", Some(&token), json!({"code": "code-qian"})).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("wechat_taken")));
    let (status, _) =
        app.post_json("/api/v1/me/wechat", Some(&token), json!({"code": "bad"})).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn me_shows_membership_once_a_secretary_approves_the_join_application() {
    let app = TestApp::spawn().await;
    let (client, _, application) = crate::membership::applicant(&app).await;
    let view: Value = client.get(app.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(view["membership"], Value::Null, "a visitor until approved");

    let (secretary, _) = app.staff_client(Role::Secretary).await;
    let res = crate::membership::approve(&app, &secretary, application, false).await;
    assert_eq!(res.status(), 303);
    let view: Value = client.get(app.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    let membership = &view["membership"];
    assert_eq!(membership["status"], "active", "{view}");
    assert!(membership["member_number"].as_str().is_some_and(|n| !n.is_empty()));
    assert!(membership["member_type"]["name"].is_string());
    assert!(membership["position"]["name"].is_string());
    assert_eq!(membership["joined_at"], "2026-11-24T06:30:00Z", "UTC with its offset");
}

#[tokio::test]
async fn admins_link_a_staff_account_to_a_user() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.staff_client(Role::Admin).await;
    let secretary = app.create_staff(Role::Secretary).await;
    let user = sign_in_by_sms(&app, "13200132000").await;
    let token = app.csrf_token(&admin, "/admin/staff").await;
    let link = |user_ref: &'static str| {
        admin
            .post(app.url(&format!("/admin/staff/{}/link-user", secretary.id)))
            .form(&[("csrf_token", token.as_str()), ("user", user_ref)])
            .send()
    };
    assert_eq!(link("13900000000").await.unwrap().status(), 303);
    let page = admin.get(app.url("/admin/staff")).send().await.unwrap().text().await.unwrap();
    assert_eq!(html::texts(&page, ".flash-error"), vec!["找不到该用户（须先在小程序登录过）"]);

    assert_eq!(link("13200132000").await.unwrap().status(), 303);
    let page = admin.get(app.url("/admin/staff")).send().await.unwrap().text().await.unwrap();
    let linked = format!("#{}", user["user"]["id"]);
    assert!(html::texts(&page, "td.link-user span").contains(&linked), "{page}");

    let me: Value = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(user["token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["staff"]["role"], "secretary");
}
