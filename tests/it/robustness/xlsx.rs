//! Spreadsheets that declare absurd extents or counts, or hold too many rows, are
//! refused with a message; a file full of mistakes gets a bounded report.

use guildhall::accounts::Role;

use super::{raw_xlsx, still_up};
use crate::membership::{HEADER, import, member_row, xlsx};
use crate::support::{TestApp, html};

fn refusal(body: &str) -> String {
    html::texts(body, ".flash-error").join(" ")
}

#[tokio::test]
async fn a_sheet_declaring_the_last_cell_is_refused_without_reading_it() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff_client(Role::Secretary).await;
    let far = r#"<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="1048576"><c r="XFD1048576" t="s"><v>0</v></c></row></sheetData>"#;
    let sst = r#"<sst uniqueCount="1"><si><t>姓名</t></si></sst>"#;
    let bytes = raw_xlsx(far, sst);
    assert!(bytes.len() < 2_000, "a small file: {} bytes", bytes.len());
    let (status, body) = import(&app, &staff, bytes, false).await;
    assert_eq!(status, 422, "{body}");
    assert!(refusal(&body).contains("50000 行数据的上限"), "{body}");
    // A far cell without a declared extent.
    let undeclared = r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="XFD1" t="s"><v>0</v></c></row></sheetData>"#;
    let (status, body) = import(&app, &staff, raw_xlsx(undeclared, sst), false).await;
    assert_eq!(status, 422, "{body}");
    assert!(refusal(&body).contains("列的上限"), "{body}");
    still_up(&app).await;
}

#[tokio::test]
async fn an_absurd_shared_string_count_is_refused_before_reading() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff_client(Role::Secretary).await;
    let sheet = r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>"#;
    let sst = r#"<sst count="4294967295" uniqueCount="4294967295"><si><t>姓名</t></si></sst>"#;
    let (status, body) = import(&app, &staff, raw_xlsx(sheet, sst), false).await;
    assert_eq!(status, 422, "{body}");
    assert!(refusal(&body).contains("不同文本超过"), "{body}");
    still_up(&app).await;
}

#[tokio::test]
async fn rows_over_the_configured_limit_are_refused_and_small_bombs_stop_early() {
    let app = TestApp::spawn_with(|c| {
        c.limits.import_max_rows = 100;
        c.limits.import_max_unpacked_bytes = 2 * 1024 * 1024;
    })
    .await;
    let (staff, _) = app.staff_client(Role::Secretary).await;
    let rows: Vec<Vec<String>> = (0..101).map(|n| member_row(n, "个人会员", "企业")).collect();
    let (status, body) = import(&app, &staff, xlsx(&HEADER, &rows), false).await;
    assert_eq!(status, 422);
    assert!(refusal(&body).contains("100 行数据的上限"), "{body}");
    assert_eq!(app.count_rows("members").await, 0);

    // Two million tiny rows in a few MB: stopped at the limit, a short answer.
    let header = r#"<row r="1"><c t="s"><v>0</v></c><c t="s"><v>1</v></c><c t="s"><v>2</v></c><c t="s"><v>3</v></c></row>"#;
    let sst = "<sst><si><t>姓名</t></si><si><t>手机号</t></si><si><t>会员类型</t></si><si><t>职务</t></si></sst>";
    let many: String =
        (2..=200_000).map(|r| format!(r#"<row r="{r}"><c><v>1</v></c></row>"#)).collect();
    let bytes = raw_xlsx(&format!("<sheetData>{header}{many}</sheetData>"), sst);
    let (status, body) = import(&app, &staff, bytes, false).await;
    assert_eq!(status, 422);
    assert!(body.len() < 2_000, "a short answer: {} bytes", body.len());
    still_up(&app).await;
}

#[tokio::test]
async fn a_file_full_of_mistakes_gets_the_first_two_hundred_and_the_total() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff_client(Role::Secretary).await;
    let rows: Vec<Vec<String>> = (0..300)
        .map(|n| {
            let mut row = member_row(n, "不存在的类型", "企业");
            row[2] = "123".into();
            row
        })
        .collect();
    let (status, body) = import(&app, &staff, xlsx(&HEADER, &rows), false).await;
    assert_eq!(status, 422);
    assert_eq!(html::attr(&body, "#import-failed", "data-errors").as_deref(), Some("600"));
    assert_eq!(html::count(&body, "#import-issues tr.error"), 200);
    assert!(refusal(&body).contains("下表列出前 200 个"), "{}", refusal(&body));
}
