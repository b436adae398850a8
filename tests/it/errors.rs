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
