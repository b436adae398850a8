//! Enterprises over the API: members whose type allows them; validation with nothing
//! written; the directory shows them only while the owner is an active member of such
//! a type (hidden, never deleted, otherwise); search by any substring.

use reqwest::Method;
use serde_json::{Value, json};

use super::{get, member, send, upload};
use crate::support::TestApp;

/// A valid enterprise.
pub fn enterprise(name: &str) -> Value {
    json!({
        "name": name,
        "introduction_html": "<p>专注工业机器人</p><script>alert(1)</script>",
        "address": "深圳市南山区科技园",
        "website": "https://example.com",
        "contact_name": "王经理",
        "contact_phone": "0755-12345678",
        "founded_year": 2008,
    })
}

async fn directory_names(app: &TestApp, client: &reqwest::Client, query: &str) -> Vec<String> {
    let (status, body) = get(app, client, &format!("/api/v1/enterprises{query}")).await;
    assert_eq!(status, 200, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn only_members_of_allowing_types_add_enterprises_and_bad_input_writes_nothing() {
    let app = TestApp::spawn().await;
    let (visitor, _, _) = app.user_client().await;
    let (status, body) =
        send(&app, &visitor, Method::POST, "/api/v1/me/enterprises", Some(enterprise("甲"))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("members_only")));

    let (client, user_id) = member(&app).await;
    let foreign = upload(&app, &visitor, 44).await;
    let mut bad = enterprise("甲");
    bad["website"] = json!("ftp://example.com");
    bad["image_file_ids"] = json!([foreign]);
    let (status, body) =
        send(&app, &client, Method::POST, "/api/v1/me/enterprises", Some(bad)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "website");
    let mut bad = enterprise("甲");
    bad["image_file_ids"] = json!([foreign]);
    let (status, body) =
        send(&app, &client, Method::POST, "/api/v1/me/enterprises", Some(bad)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "image_file_ids");
    assert_eq!(app.count_rows("enterprises").await, 0);

    let logo = upload(&app, &client, 45).await;
    let mut good = enterprise("深圳示范机器人有限公司");
    good["logo_file_id"] = json!(logo);
    let (status, mine) =
        send(&app, &client, Method::POST, "/api/v1/me/enterprises", Some(good)).await;
    assert_eq!(status, 201, "{mine}");
    assert_eq!(mine["visible"], true);
    assert_eq!(mine["introduction_html"], "<p>专注工业机器人</p>");
    assert!(mine["logo"]["url"].as_str().unwrap().starts_with("/media/"));
    let id = mine["id"].as_i64().unwrap();

    app.exec(format!(
        "UPDATE members SET member_type_id = (SELECT id FROM member_types WHERE name = '个人会员') \
         WHERE user_id = {user_id}"
    ))
    .await;
    let (status, body) =
        send(&app, &client, Method::POST, "/api/v1/me/enterprises", Some(enterprise("乙"))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("enterprises_not_allowed")));
    let (_, one) = get(&app, &client, &format!("/api/v1/me/enterprises/{id}")).await;
    assert_eq!(one["visible"], false, "hidden while the type does not allow enterprises");
    assert_eq!(app.count_rows("enterprises").await, 1);
}

#[tokio::test]
async fn the_directory_follows_membership_at_once_and_searches_substrings() {
    let app = TestApp::spawn().await;
    let (owner, owner_id) = member(&app).await;
    let (other, _) = member(&app).await;
    let (viewer, _, _) = app.user_client().await;
    for (client, name) in
        [(&owner, "华为技术有限公司"), (&owner, "Acme Robotics"), (&other, "腾讯科技")]
    {
        let (status, body) =
            send(&app, client, Method::POST, "/api/v1/me/enterprises", Some(enterprise(name)))
                .await;
        assert_eq!(status, 201, "{body}");
    }
    assert_eq!(directory_names(&app, &viewer, "").await.len(), 3);
    assert_eq!(directory_names(&app, &viewer, "?q=为技").await, ["华为技术有限公司"]);
    assert_eq!(directory_names(&app, &viewer, "?q=腾讯").await, ["腾讯科技"]);
    assert_eq!(directory_names(&app, &viewer, "?q=acme%20robo").await, ["Acme Robotics"]);
    let (_, page) = get(&app, &viewer, "/api/v1/enterprises?q=华为").await;
    let id = page["items"][0]["id"].as_i64().unwrap();
    assert!(page["items"][0]["owner"]["name"].as_str().is_some());

    app.exec(format!("UPDATE members SET status = 'resigned' WHERE user_id = {owner_id}")).await;
    assert_eq!(directory_names(&app, &viewer, "").await, ["腾讯科技"]);
    let (status, _) = get(&app, &viewer, &format!("/api/v1/enterprises/{id}")).await;
    assert_eq!(status, 404);
    let (_, mine) = get(&app, &owner, "/api/v1/me/enterprises").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 2, "kept, not deleted");
    assert_eq!(mine["items"][0]["visible"], false);

    app.exec(format!("UPDATE members SET status = 'active' WHERE user_id = {owner_id}")).await;
    assert_eq!(directory_names(&app, &viewer, "").await.len(), 3, "shown again on rejoining");

    let path = format!("/api/v1/me/enterprises/{id}");
    let (status, _) = send(&app, &other, Method::DELETE, &path, None).await;
    assert_eq!(status, 404, "not the other member's");
    let (status, _) = send(&app, &owner, Method::PUT, &path, Some(enterprise("华为终端"))).await;
    assert_eq!(status, 200);
    let (status, _) = send(&app, &owner, Method::DELETE, &path, None).await;
    assert_eq!(status, 204);
    assert_eq!(directory_names(&app, &viewer, "").await, ["Acme Robotics", "腾讯科技"]);
}
