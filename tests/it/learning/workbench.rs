//! The workbench: bad input answered with field messages and nothing saved, the
//! pass-score warning, publishing, the lesson editor's rules, and the learners list
//! with progress, score, pass date and certificate number, also as Excel.

use guildhall::accounts::Role;

use super::{
    add_lesson, article, beat, course_fields, create_course, enrol, free_course, open_ok,
    post_form, staff, wait,
};
use crate::support::{TestApp, html};

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let res = client.get(app.url(path)).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

#[tokio::test]
async fn bad_courses_and_lessons_are_refused_with_field_messages() {
    let app = TestApp::spawn().await;
    let staff = staff(&app).await;
    let mut fields = course_fields("时间颠倒");
    fields.push(("enrol_ends_at", "2026-12-10T00:00".into()));
    fields.push(("study_ends_at", "2026-12-01T00:00".into()));
    fields.retain(|(k, _)| *k != "price");
    fields.push(("price", "-5".into()));
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = post_form(&app, &staff, "/admin/courses", &form).await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("价格不能为负数"), "{body}");
    let res = post_form(
        &app,
        &staff,
        "/admin/courses",
        &form.iter().filter(|(k, _)| *k != "price").copied().collect::<Vec<_>>(),
    )
    .await;
    let body = res.text().await.unwrap();
    assert!(body.contains("学习时间不能早于报名时间"), "{body}");
    assert_eq!(app.count_rows("courses").await, 0, "nothing saved");

    let course = create_course(&app, &staff, &course_fields("W3C 教程")).await;
    let lesson = article("负学分", 10, -1, 1);
    let form: Vec<(&str, &str)> = lesson.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = post_form(&app, &staff, &format!("/admin/courses/{course}/lessons"), &form).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("学分不能为负数"));
    assert_eq!(app.count_rows("course_lessons").await, 0);

    // Publishing needs a lesson; a pass score above the credits is warned about.
    let res = post_form(&app, &staff, &format!("/admin/courses/{course}/publish"), &[]).await;
    assert_eq!(res.status(), 409);
    add_lesson(&app, &staff, course, &article("第一课", 10, 4, 1)).await;
    let (_, body) = page(&app, &staff, &format!("/admin/courses/{course}")).await;
    let warning = html::texts(&body, "#pass-score-warning").join("");
    assert!(warning.contains("达标分数 10 高于全部课时学分之和 4"), "{warning}");
}

#[tokio::test]
async fn learners_show_progress_score_and_certificate_and_export_to_excel() {
    let app = TestApp::spawn().await;
    let staff = staff(&app).await;
    let (course, [first, _]) = free_course(&app, &staff).await;
    let (passer, _, _) = app.user_client().await;
    let (starter, _, _) = app.user_client().await;
    enrol(&app, &passer, course, "张三").await;
    enrol(&app, &starter, course, "李四").await;
    let sid = open_ok(&app, &passer, course, first).await;
    wait(&app, 10);
    let (_, b) = beat(&app, &passer, sid, first, None).await;
    let number = b["course"]["certificate"]["number"].as_str().unwrap().to_owned();

    let (status, body) = page(&app, &staff, &format!("/admin/courses/{course}/learners")).await;
    assert_eq!(status, 200);
    let rows = html::texts(&body, "#learners tbody tr");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows[0].contains("张三") && rows[0].contains("50%") && rows[0].contains(&number),
        "{}",
        rows[0]
    );
    assert!(rows[1].contains("李四") && rows[1].contains("0%"), "{}", rows[1]);

    let res =
        staff.get(app.url(&format!("/admin/courses/{course}/learners.xlsx"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    use calamine::Reader as _;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range("学员名单").unwrap();
    let cells: Vec<String> = sheet.rows().nth(2).unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(
        (cells[1].as_str(), cells[4].as_str(), cells[8].as_str()),
        ("张三", "50%", number.as_str())
    );

    let (finance, _) = app.staff_client(Role::Finance).await;
    assert_eq!(page(&app, &finance, "/admin/courses").await.0, 403);
    let (status, body) = page(&app, &staff, "/admin/courses").await;
    assert_eq!(status, 200);
    assert!(body.contains("W3C 教程"));

    // A studied lesson cannot be deleted.
    let res =
        post_form(&app, &staff, &format!("/admin/courses/{course}/lessons/{first}/delete"), &[])
            .await;
    assert_eq!(res.status(), 409);
}
