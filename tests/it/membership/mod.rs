//! Membership: settings, applications through the API, review in the workbench, the
//! member roll and Excel — on SQLite, or PostgreSQL with `TEST_DATABASE_URL`.

mod applications_api;
mod excel;
mod review;
mod roll;
mod settings;

use diesel::RunQueryDsl as _;
use serde_json::{Value, json};

use crate::support::TestApp;

/// Ids of a default catalogue entry by name, through the pickers.
pub async fn picker_id(app: &TestApp, client: &reqwest::Client, list: &str, name: &str) -> i64 {
    let body: Value =
        client.get(app.url(&format!("/api/v1/{list}"))).send().await.unwrap().json().await.unwrap();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {list}: {body}"))["id"]
        .as_i64()
        .unwrap()
}

/// A complete join application for 企业会员 / 理事 / 制造业.
pub async fn join_body(app: &TestApp, client: &reqwest::Client) -> Value {
    json!({
        "kind": "join",
        "member_type_id": picker_id(app, client, "member-types", "企业会员").await,
        "company": "深圳市示范科技有限公司",
        "title": "总经理",
        "industry_id": picker_id(app, client, "industries", "制造业").await,
        "position_id": picker_id(app, client, "positions", "理事").await,
        "referrer_name": "王推荐",
        "referrer_phone": "13900139000",
    })
}

/// Submits `body`; returns (status, JSON).
pub async fn apply(app: &TestApp, client: &reqwest::Client, body: &Value) -> (u16, Value) {
    let res = client.post(app.url("/api/v1/applications")).json(body).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

/// A user with an accepted join application's worth of data: (client, user id, app id).
pub async fn applicant(app: &TestApp) -> (reqwest::Client, i64, i64) {
    let (client, user, _) = app.user_client().await;
    let body = join_body(app, &client).await;
    let (status, view) = apply(app, &client, &body).await;
    assert_eq!(status, 201, "{view}");
    (client, user.id, view["id"].as_i64().unwrap())
}

/// Makes the existing user `user_id` an active member the way it happens for real: a
/// join application through the API, approved by a secretary in the workbench.
pub async fn make_member(app: &TestApp, user_id: i64) {
    let client = app.client_of(user_id).await;
    let body = join_body(app, &client).await;
    let (status, view) = apply(app, &client, &body).await;
    assert_eq!(status, 201, "{view}");
    let (secretary, _) = app.staff_client(guildhall::accounts::Role::Secretary).await;
    let res = approve(app, &secretary, view["id"].as_i64().unwrap(), false).await;
    assert_eq!(res.status(), 303);
}

/// Posts a workbench form with the CSRF token of `/admin`.
pub async fn post_form(
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

/// Approves application `id` from the detail page form.
pub async fn approve(
    app: &TestApp,
    staff: &reqwest::Client,
    id: i64,
    dues: bool,
) -> reqwest::Response {
    let path = format!("/admin/applications/{id}/decide");
    let mut fields = vec![("decision", "approve"), ("note", "欢迎加入")];
    if dues {
        fields.push(("create_dues_order", "on"));
    }
    post_form(app, staff, &path, &fields).await
}

/// Gives a user a phone number (as SMS sign-in would).
pub async fn set_phone(app: &TestApp, user_id: i64, phone: &str) {
    let sql = format!("UPDATE users SET phone = '{phone}' WHERE id = {user_id}");
    app.state
        .db
        .run(move |conn| {
            guildhall::per_backend!(conn, |c| diesel::sql_query(&sql).execute(c))?;
            Ok(())
        })
        .await
        .unwrap();
    app.state.db.changed();
}

/// GET a workbench page's HTML.
pub async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    client.get(app.url(path)).send().await.unwrap().text().await.unwrap()
}

/// The import header, as the template has it.
pub const HEADER: [&str; 10] = [
    "会员编号",
    "姓名",
    "手机号",
    "会员类型",
    "职务",
    "行业",
    "企业名称",
    "企业职务",
    "状态",
    "入会日期",
];

/// An .xlsx with `HEADER` and `rows`.
pub fn xlsx(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in (0_u16..).zip(header) {
        sheet.write_string(0, c, *h).unwrap();
    }
    for (r, row) in (1_u32..).zip(rows) {
        for (c, cell) in (0_u16..).zip(row) {
            if !cell.is_empty() {
                sheet.write_string(r, c, cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// A valid import row.
pub fn member_row(n: usize, member_type: &str, company: &str) -> Vec<String> {
    vec![
        String::new(),
        format!("会员{n}"),
        format!("139{n:08}"),
        member_type.into(),
        "会员".into(),
        "C".into(),
        company.into(),
        "经理".into(),
        "正常".into(),
        "2025-03-01".into(),
    ]
}

/// Uploads an import file; returns (status, HTML fragment).
pub async fn import(
    app: &TestApp,
    staff: &reqwest::Client,
    bytes: Vec<u8>,
    skip: bool,
) -> (u16, String) {
    let token = app.csrf_token(staff, "/admin/members/import").await;
    let part = reqwest::multipart::Part::bytes(bytes).file_name("members.xlsx");
    let form = reqwest::multipart::Form::new().part("file", part);
    let path = if skip { "/admin/members/import?duplicates=skip" } else { "/admin/members/import" };
    let res = staff
        .post(app.url(path))
        .header("hx-request", "true")
        .header("x-csrf-token", token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}
