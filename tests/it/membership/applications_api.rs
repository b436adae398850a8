//! `POST/GET /api/v1/applications`, withdraw, and the pickers.

use serde_json::{Value, json};

use super::{applicant, apply, join_body, picker_id};
use crate::support::TestApp;

#[tokio::test]
async fn pickers_list_the_defaults_of_a_fresh_install() {
    let app = TestApp::spawn().await;
    let (client, _, _) = app.user_client().await;
    let names = |body: &Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let types: Value =
        client.get(app.url("/api/v1/member-types")).send().await.unwrap().json().await.unwrap();
    assert_eq!(names(&types), vec!["个人会员", "企业会员"]);
    assert_eq!(types["items"][1]["enterprise_profiles"], true);
    let positions: Value =
        client.get(app.url("/api/v1/positions")).send().await.unwrap().json().await.unwrap();
    assert_eq!(names(&positions), vec!["会长", "副会长", "秘书长", "理事", "会员"]);
    let industries: Value =
        client.get(app.url("/api/v1/industries")).send().await.unwrap().json().await.unwrap();
    let codes: Vec<&str> = industries["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 20);
    assert_eq!((codes[0], codes[19]), ("A", "T"));
    let anonymous = app.client().get(app.url("/api/v1/positions")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn bad_applications_get_field_messages_and_write_nothing() {
    let app = TestApp::spawn().await;
    let (client, _, _) = app.user_client().await;
    let (status, body) = apply(&app, &client, &json!({"kind": "join"})).await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["member_type_id", "company", "title", "industry_id", "position_id"]);

    let mut bad = join_body(&app, &client).await;
    bad["referrer_phone"] = json!("12345");
    bad["member_type_id"] = json!(999_999);
    let (status, body) = apply(&app, &client, &bad).await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["member_type_id", "referrer_phone"]);

    let (status, body) = apply(&app, &client, &json!({"kind": "promote"})).await;
    assert_eq!((status, body["error"]["fields"][0]["field"].as_str()), (422, Some("kind")));

    // A letter must be one of the applicant's own uploads, not someone else's.
    let (stranger, _, _) = app.user_client().await;
    let part = reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name("x.pdf");
    let res = stranger
        .post(app.url("/api/v1/uploads"))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let theirs = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let mut foreign = join_body(&app, &client).await;
    foreign["letter_file_id"] = json!(theirs);
    let (status, body) = apply(&app, &client, &foreign).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["field"].as_str()),
        (422, Some("letter_file_id"))
    );

    let res = client
        .post(app.url("/api/v1/applications"))
        .body("{not json")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(app.count_rows("applications").await, 0);
}

#[tokio::test]
async fn one_open_application_per_kind_also_in_parallel() {
    let app = TestApp::spawn().await;
    let (client, _, _) = app.user_client().await;
    let body = join_body(&app, &client).await;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (client, url, body) = (client.clone(), app.url("/api/v1/applications"), body.clone());
        tasks.push(tokio::spawn(async move {
            let res = client.post(url).json(&body).send().await.unwrap();
            let status = res.status().as_u16();
            (status, res.json::<Value>().await.unwrap())
        }));
    }
    let mut created = Vec::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            201 => created.push(body["id"].as_i64().unwrap()),
            409 => assert_eq!(body["error"]["code"], "application_open"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(created.len(), 1);
    assert_eq!(app.count_rows("applications").await, 1);

    // Withdrawn, the user may apply again; withdrawing twice is a conflict.
    let id = created[0];
    let res =
        client.post(app.url(&format!("/api/v1/applications/{id}/withdraw"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "withdrawn");
    let res =
        client.post(app.url(&format!("/api/v1/applications/{id}/withdraw"))).send().await.unwrap();
    assert_eq!(res.status(), 409);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "already_decided");
    assert_eq!(apply(&app, &client, &body).await.0, 201);
}

#[tokio::test]
async fn visitors_may_only_apply_to_join() {
    let app = TestApp::spawn().await;
    let (client, _, _) = app.user_client().await;
    let position = picker_id(&app, &client, "positions", "副会长").await;
    let (status, body) =
        apply(&app, &client, &json!({"kind": "position", "position_id": position})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("not_a_member")));
    let (status, body) = apply(&app, &client, &json!({"kind": "resign", "reason": "搬家"})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("not_a_member")));
    assert_eq!(app.count_rows("applications").await, 0);
}

#[tokio::test]
async fn users_see_only_their_own_applications() {
    let app = TestApp::spawn().await;
    let (owner, _, id) = applicant(&app).await;
    let (other, _, _) = app.user_client().await;
    let mine: Value =
        owner.get(app.url("/api/v1/applications")).send().await.unwrap().json().await.unwrap();
    assert_eq!(mine["items"][0]["id"], id);
    assert_eq!(mine["items"][0]["status"], "pending");
    assert_eq!(mine["items"][0]["member_type_name"], "企业会员");
    let theirs: Value =
        other.get(app.url("/api/v1/applications")).send().await.unwrap().json().await.unwrap();
    assert_eq!(theirs["items"].as_array().unwrap().len(), 0);
    let res = other.get(app.url(&format!("/api/v1/applications/{id}"))).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let res =
        other.post(app.url(&format!("/api/v1/applications/{id}/withdraw"))).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let res = owner.get(app.url(&format!("/api/v1/applications/{id}"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = owner.get(app.url("/api/v1/applications/abc")).send().await.unwrap();
    assert_eq!(res.status(), 400);
}
