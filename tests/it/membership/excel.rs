//! Excel: export of the (filtered) roll, import with row-level errors, all-or-nothing,
//! duplicates reported, and the round trip through the template.

use calamine::{Data, Reader as _, Xlsx};
use guildhall::accounts::Role;

use super::{HEADER, import, member_row, xlsx};
use crate::support::{TestApp, html};

fn read(bytes: Vec<u8>) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

async fn download(app: &TestApp, staff: &reqwest::Client, path: &str) -> Vec<u8> {
    let res = staff.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    res.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn a_file_with_any_bad_row_imports_nothing_and_says_where() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff_client(Role::Secretary).await;
    let mut rows: Vec<Vec<String>> = (1..=4).map(|n| member_row(n, "个人会员", "甲公司")).collect();
    rows[1][2] = "123".into();
    rows[2][3] = "钻石会员".into();
    rows[3][2] = rows[0][2].clone();
    let (status, body) = import(&app, &staff, xlsx(&HEADER, &rows), false).await;
    assert_eq!(status, 422);
    let cells: Vec<String> = html::texts(&body, "#import-issues tr.error td");
    assert_eq!(
        cells,
        vec![
            "3",
            "手机号",
            "「123」不是 11 位手机号码",
            "4",
            "会员类型",
            "「钻石会员」不在系统设置的选项中",
            "5",
            "手机号",
            "与第 2 行手机号重复",
        ]
    );
    assert_eq!(app.count_rows("members").await, 0);
    assert_eq!(app.count_rows("users").await, 0);

    let (status, body) = import(&app, &staff, b"PK not really".to_vec(), false).await;
    assert_eq!(status, 422);
    assert!(html::texts(&body, ".flash-error")[0].contains(".xlsx"));
    let (status, body) = import(&app, &staff, xlsx(&["姓名", "手机号"], &[]), false).await;
    assert_eq!(status, 422);
    assert_eq!(
        html::texts(&body, ".flash-error"),
        vec!["缺少列：会员类型、职务（请使用导入模板）"]
    );
}

#[tokio::test]
async fn export_round_trips_through_import_without_doubling_members() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.staff_client(Role::Secretary).await;
    let mut rows: Vec<Vec<String>> = (1..=3).map(|n| member_row(n, "个人会员", "甲公司")).collect();
    rows.push(member_row(4, "企业会员", "乙科技"));
    rows[3][0] = "VIP-8".into();
    let (status, body) = import(&app, &staff, xlsx(&HEADER, &rows), false).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(html::attr(&body, "#import-done", "data-imported").as_deref(), Some("4"));

    let all = read(download(&app, &staff, "/admin/members/export.xlsx").await);
    assert_eq!(all[0], HEADER.map(str::to_owned).to_vec());
    assert_eq!(all.len(), 5);
    assert_eq!(all[1][..4], ["HY00001", "会员1", "13900000001", "个人会员"].map(str::to_owned));
    assert_eq!(all[4][0], "VIP-8");
    assert_eq!(all[1][5], "制造业");
    assert_eq!(all[1][9], "2025-03-01");
    let filtered = read(download(&app, &staff, "/admin/members/export.xlsx?q=%E4%B9%99").await);
    assert_eq!(filtered.len(), 2);
    assert_eq!(filtered[1][1], "会员4");

    // Importing the export again: every phone is a member already.
    let exported = download(&app, &staff, "/admin/members/export.xlsx").await;
    let (status, body) = import(&app, &staff, exported.clone(), false).await;
    assert_eq!(status, 422);
    assert_eq!(html::count(&body, "#import-issues tr.error"), 4);
    let (status, body) = import(&app, &staff, exported, true).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(html::attr(&body, "#import-done", "data-imported").as_deref(), Some("0"));
    assert_eq!(html::count(&body, "#import-issues tr.duplicate"), 4);
    assert_eq!(app.count_rows("members").await, 4);

    let template = read(download(&app, &staff, "/admin/members/template.xlsx").await);
    assert_eq!(template, vec![HEADER.map(str::to_owned).to_vec()]);
}
