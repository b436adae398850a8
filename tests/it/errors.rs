//! Bad input and unknown routes get clean 4xx in each surface's form.

use guildhall::accounts::Role;

use crate::support::{TestApp, html};

#[tokio::test]
async fn unknown_routes_are_404_in_both_forms() {
    let app = TestApp::spawn().await;
    let res = reqwest::get(app.url("/api/v1/nothing-here")).await.unwrap();
    assert_eq!(res.status(), 404);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");

    let (client, _) = app.staff_client(Role::Admin).await;
    let res = client.get(app.url("/admin/nothing-here")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let page = res.text().await.unwrap();
    assert_eq!(html::texts(&page, "h1"), vec!["页面不存在"]);
}

#[tokio::test]
async fn bad_workbench_paths_and_forms_are_pages_not_500s() {
    let app = TestApp::spawn().await;
    let (client, _) = app.staff_client(Role::Admin).await;
    let res = client.get(app.url("/admin/files/not-a-number")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("地址有误"));

    let token = app.csrf_token(&client, "/admin/staff").await;
    // `role` missing entirely and a field of the wrong shape.
    let res = client
        .post(app.url("/admin/settings"))
        .form(&[("csrf_token", token.as_str()), ("name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let page = res.text().await.unwrap();
    assert!(page.contains("表单内容有误"), "{page}");
}

#[tokio::test]
async fn bad_api_input_is_a_json_4xx() {
    let app = TestApp::spawn().await;
    let (client, _, _) = app.user_client().await;
    // Not multipart at all.
    let res = client
        .post(app.url("/api/v1/uploads"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_request");
    // Multipart without the file part.
    let form = reqwest::multipart::Form::new().text("other", "x");
    let res = client.post(app.url("/api/v1/uploads")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "file");
}

async fn drop_table(app: &TestApp, table: &'static str) {
    app.state
        .db
        .run(move |conn| {
            let sql = format!("DROP TABLE {table}");
            guildhall::per_backend!(conn, |c| diesel::RunQueryDsl::execute(
                diesel::sql_query(&sql),
                c
            ))?;
            Ok(())
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn a_server_fault_shows_a_generic_page_with_the_request_id() {
    let app = TestApp::spawn().await;
    let (client, _) = app.staff_client(Role::Admin).await;
    drop_table(&app, "settings").await;
    let res = client.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(res.status(), 500);
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let page = res.text().await.unwrap();
    assert_eq!(html::texts(&page, "code"), vec![id]);
    assert!(!page.to_lowercase().contains("settings"), "no internals leak: {page}");
}

#[tokio::test]
async fn a_server_fault_is_a_generic_json_error_with_the_request_id() {
    let app = TestApp::spawn().await;
    let (client, _, _) = app.user_client().await;
    drop_table(&app, "api_tokens").await;
    let res = client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(res.status(), 500);
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "internal_error");
    assert_eq!(body["error"]["request_id"], id);
    assert!(!body.to_string().contains("api_tokens"), "no internals leak: {body}");
}
