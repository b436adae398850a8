//! Workbench file routes follow roles: admins and secretaries read every upload
//! (application letters included); editors and finance only their own.

use guildhall::accounts::Role;

use crate::support::TestApp;

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec()
}

async fn user_upload(app: &TestApp) -> i64 {
    let (client, _, _) = app.user_client().await;
    let part = reqwest::multipart::Part::bytes(pdf()).file_name("入会申请书.pdf");
    let form = reqwest::multipart::Form::new().part("file", part);
    let res = client.post(app.url("/api/v1/uploads")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 201);
    res.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn status_of(client: &reqwest::Client, app: &TestApp, path: &str) -> u16 {
    client.get(app.url(path)).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn editors_and_finance_cannot_read_letters_by_id() {
    let app = TestApp::spawn().await;
    let letter = user_upload(&app).await;
    for role in [Role::Editor, Role::Finance] {
        let (client, _) = app.staff_client(role).await;
        for path in [format!("/admin/files/{letter}"), format!("/admin/files/{letter}/thumbnail")] {
            assert_eq!(status_of(&client, &app, &path).await, 404, "{role:?} {path}");
        }
    }
    for role in [Role::Admin, Role::Secretary] {
        let (client, _) = app.staff_client(role).await;
        let res = client.get(app.url(&format!("/admin/files/{letter}"))).send().await.unwrap();
        assert_eq!(res.status(), 200, "{role:?}");
        assert_eq!(res.bytes().await.unwrap().to_vec(), pdf());
    }
}

#[tokio::test]
async fn editors_read_their_own_uploads() {
    let app = TestApp::spawn().await;
    let (editor, _) = app.staff_client(Role::Editor).await;
    let token = app.csrf_token(&editor, "/admin/files").await;
    let part = reqwest::multipart::Part::bytes(pdf()).file_name("稿件.pdf");
    let res = editor
        .post(app.url("/admin/files"))
        .header("hx-request", "true")
        .header("x-csrf-token", token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let own = app.count_rows("files").await;
    assert_eq!(status_of(&editor, &app, &format!("/admin/files/{own}")).await, 200);
    let (finance, _) = app.staff_client(Role::Finance).await;
    assert_eq!(status_of(&finance, &app, &format!("/admin/files/{own}")).await, 404);
}
