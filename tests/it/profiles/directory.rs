//! The member profile and the directory: members only, validation with nothing
//! written, public fields only, hide-me, resigned members gone, search.

use reqwest::Method;
use serde_json::{Value, json};

use super::{get, member, send, upload};
use crate::support::TestApp;

/// A complete, valid profile.
pub fn profile(name: &str) -> Value {
    json!({
        "real_name": name,
        "gender": "female",
        "birth_date": "1980-05-01",
        "hometown": "湖南长沙",
        "education": "硕士",
        "introduction": "深耕智能制造二十年。",
        "phone": "13800138000",
        "wechat_id": "wx_private",
        "height_cm": 165,
        "weight_kg": 55,
        "id_number": "11010519491231002X",
        "home_address": "深圳市南山区某小区",
    })
}

#[tokio::test]
async fn only_members_keep_a_profile_and_bad_input_writes_nothing() {
    let app = TestApp::spawn().await;
    let (visitor, _, _) = app.user_client().await;
    let (status, body) = get(&app, &visitor, "/api/v1/me/profile").await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("members_only")));
    let (status, body) =
        send(&app, &visitor, Method::PUT, "/api/v1/me/profile", Some(profile("张三"))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("members_only")));

    let (client, _) = member(&app).await;
    let foreign = upload(&app, &visitor, 41).await;
    let mut bad = profile("张三");
    bad["birth_date"] = json!("2030-01-01");
    bad["height_cm"] = json!(500);
    bad["id_number"] = json!("110105194912310021");
    let (status, body) = send(&app, &client, Method::PUT, "/api/v1/me/profile", Some(bad)).await;
    assert_eq!(status, 422, "{body}");
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["birth_date", "height_cm", "id_number"]);
    let mut bad = profile("张三");
    bad["photo_file_id"] = json!(foreign);
    let (status, body) = send(&app, &client, Method::PUT, "/api/v1/me/profile", Some(bad)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "photo_file_id");
    assert_eq!(app.count_rows("member_profiles").await, 0);

    let photo = upload(&app, &client, 42).await;
    let mut good = profile("张三");
    good["photo_file_id"] = json!(photo);
    let (status, mine) = send(&app, &client, Method::PUT, "/api/v1/me/profile", Some(good)).await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["real_name"], "张三");
    assert_eq!(mine["id_number"], "11010519491231002X");
    assert!(mine["photo"]["url"].as_str().unwrap().starts_with("/media/"));
    let (_, again) = get(&app, &client, "/api/v1/me/profile").await;
    assert_eq!(again, mine);
    let (_, me) = get(&app, &client, "/api/v1/me").await;
    assert_eq!(me["membership"]["status"], "active");
}

async fn names(app: &TestApp, client: &reqwest::Client, query: &str) -> Vec<String> {
    let (status, body) = get(app, client, &format!("/api/v1/members{query}")).await;
    assert_eq!(status, 200, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_directory_shows_public_fields_of_active_unhidden_members_and_searches() {
    let app = TestApp::spawn().await;
    let (a, a_id) = member(&app).await;
    let (b, b_id) = member(&app).await;
    let (_c, c_id) = member(&app).await;
    send(&app, &a, Method::PUT, "/api/v1/me/profile", Some(profile("李娜"))).await;
    send(&app, &b, Method::PUT, "/api/v1/me/profile", Some(profile("欧阳建国"))).await;
    app.exec(format!("UPDATE members SET name = '王五', company = 'Acme Robotics 深圳分公司' WHERE user_id = {c_id}")).await;
    app.exec(format!("UPDATE members SET company = '华为技术有限公司' WHERE user_id = {a_id}"))
        .await;
    super::reindex_members(&app).await;
    let (viewer, _, _) = app.user_client().await;

    let (status, page) = get(&app, &viewer, "/api/v1/members").await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 3);
    let text = page.to_string();
    for private in ["13800138000", "wx_private", "11010519491231002X", "某小区", "height", "weight"]
    {
        assert!(!text.contains(private), "{private} leaked: {text}");
    }
    assert_eq!(page["items"][0]["hometown"], "湖南长沙");

    assert_eq!(names(&app, &viewer, "?q=李娜").await, ["李娜"]);
    assert_eq!(names(&app, &viewer, "?q=娜").await, ["李娜"]);
    assert_eq!(names(&app, &viewer, "?q=建国").await, ["欧阳建国"]);
    assert_eq!(names(&app, &viewer, "?q=为技").await, ["李娜"]);
    assert_eq!(names(&app, &viewer, "?q=acme%20ROBO").await, ["王五"]);
    assert_eq!(names(&app, &viewer, "?q=100%25").await, Vec::<String>::new());

    let member_id = |body: &Value, name: &str| {
        body["items"].as_array().unwrap().iter().find(|m| m["name"] == name).unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let b_member = member_id(&page, "欧阳建国");
    let (status, one) = get(&app, &viewer, &format!("/api/v1/members/{b_member}")).await;
    assert_eq!((status, one["name"].as_str()), (200, Some("欧阳建国")));

    let mut hidden = profile("欧阳建国");
    hidden["hidden"] = json!(true);
    send(&app, &b, Method::PUT, "/api/v1/me/profile", Some(hidden)).await;
    assert_eq!(names(&app, &viewer, "").await, ["李娜", "王五"]);
    let (status, _) = get(&app, &viewer, &format!("/api/v1/members/{b_member}")).await;
    assert_eq!(status, 404);

    app.exec(format!("UPDATE members SET status = 'resigned' WHERE user_id = {a_id}")).await;
    assert_eq!(names(&app, &viewer, "").await, ["王五"]);
    let _ = b_id;
}

#[tokio::test]
async fn members_written_before_the_index_are_indexed_at_start() {
    let app = TestApp::spawn().await;
    let (client, _) = member(&app).await;
    send(&app, &client, Method::PUT, "/api/v1/me/profile", Some(profile("司马懿"))).await;
    app.exec("DELETE FROM search_grams WHERE scope = 'member'".into()).await;
    assert!(names(&app, &client, "?q=司马").await.is_empty());
    let done = app.state.db.write(guildhall::membership::index_unindexed_members).await.unwrap();
    assert_eq!(done, 1);
    assert_eq!(names(&app, &client, "?q=司马").await, ["司马懿"]);
    let again = app.state.db.write(guildhall::membership::index_unindexed_members).await.unwrap();
    assert_eq!(again, 0);
}
