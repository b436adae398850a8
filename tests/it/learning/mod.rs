//! Learning platform (学习平台) end to end through HTTP: courses and lessons from the
//! workbench, free and paid enrolment, study time measured by the server from
//! heartbeats (every refusal), passing before 100 %, the certificate issued once and
//! verifiable — on SQLite, or PostgreSQL with `TEST_DATABASE_URL`.

mod flow;
mod heartbeats;
mod races;
mod workbench;

use chrono::Duration;
use guildhall::accounts::Role;
use reqwest::Method;
use serde_json::{Value, json};

pub use crate::membership::post_form;
pub use crate::reviewed::{get, send};
use crate::support::TestApp;

/// A secretary's workbench client.
pub async fn staff(app: &TestApp) -> reqwest::Client {
    app.staff_client(Role::Secretary).await.0
}

/// Course form fields: the W3C 教程 of the manual, free, pass score 10, windows 不限.
pub fn course_fields(title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("title", title.to_owned()),
        ("introduction_html", "<p>网页标准<script>alert(1)</script></p>".into()),
        ("member_price", "0".into()),
        ("price", "0".into()),
        ("audience", "everyone".into()),
        ("pass_score", "10".into()),
        ("cert_name", "结业证书".into()),
    ]
}

/// Posts the course form; returns the new course's id.
pub async fn create_course(
    app: &TestApp,
    staff: &reqwest::Client,
    fields: &[(&str, String)],
) -> i64 {
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = post_form(app, staff, "/admin/courses", &form).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let to = res.headers()["location"].to_str().unwrap().to_owned();
    to.trim_start_matches("/admin/courses/").parse().unwrap()
}

/// An article lesson's form: (title, min seconds, credits, order).
pub fn article(
    title: &str,
    min_seconds: i32,
    credits: i32,
    order: i32,
) -> Vec<(&'static str, String)> {
    vec![
        ("kind", "article".into()),
        ("title", title.to_owned()),
        ("summary", "摘要".into()),
        ("body_html", "<p>正文<img src=x onerror=alert(1)></p>".into()),
        ("min_seconds", min_seconds.to_string()),
        ("credits", credits.to_string()),
        ("sort_order", order.to_string()),
    ]
}

/// Adds a lesson through the form; returns its id.
pub async fn add_lesson(
    app: &TestApp,
    staff: &reqwest::Client,
    course_id: i64,
    fields: &[(&str, String)],
) -> i64 {
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = post_form(app, staff, &format!("/admin/courses/{course_id}/lessons"), &form).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let lessons = app
        .state
        .db
        .run(move |c| Ok(guildhall::learning::store::lessons(c, course_id)?))
        .await
        .unwrap();
    lessons.iter().map(|l| l.id).max().unwrap()
}

/// Publishes a course.
pub async fn publish(app: &TestApp, staff: &reqwest::Client, course_id: i64) {
    let res = post_form(app, staff, &format!("/admin/courses/{course_id}/publish"), &[]).await;
    assert_eq!(res.status(), 303);
}

/// A published free course with two article lessons: (10 s, 10 credits) and
/// (20 s, 5 credits), pass score 10. Returns (course, [lesson ids]).
pub async fn free_course(app: &TestApp, staff: &reqwest::Client) -> (i64, [i64; 2]) {
    let id = create_course(app, staff, &course_fields("W3C 教程")).await;
    let a = add_lesson(app, staff, id, &article("第一课 HTML", 10, 10, 1)).await;
    let b = add_lesson(app, staff, id, &article("第二课 CSS", 20, 5, 2)).await;
    publish(app, staff, id).await;
    (id, [a, b])
}

/// Enrols `client` (with `real_name`); (status, body).
pub async fn enrol(
    app: &TestApp,
    client: &reqwest::Client,
    course_id: i64,
    real_name: &str,
) -> (u16, Value) {
    let path = format!("/api/v1/courses/{course_id}/enrolments");
    send(app, client, Method::POST, &path, Some(json!({"real_name": real_name}))).await
}

/// Opens a study session; (status, body).
pub async fn open(
    app: &TestApp,
    client: &reqwest::Client,
    course_id: i64,
    lesson_id: i64,
) -> (u16, Value) {
    let path = format!("/api/v1/courses/{course_id}/lessons/{lesson_id}/study-sessions");
    send(app, client, Method::POST, &path, None).await
}

/// Opens a session that must open; returns its id.
pub async fn open_ok(
    app: &TestApp,
    client: &reqwest::Client,
    course_id: i64,
    lesson_id: i64,
) -> i64 {
    let (status, body) = open(app, client, course_id, lesson_id).await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_i64().unwrap()
}

/// Sends a heartbeat; (status, body).
pub async fn beat(
    app: &TestApp,
    client: &reqwest::Client,
    session: i64,
    lesson_id: i64,
    position: Option<i32>,
) -> (u16, Value) {
    let path = format!("/api/v1/study-sessions/{session}/heartbeats");
    let body = json!({"lesson_id": lesson_id, "position_seconds": position});
    send(app, client, Method::POST, &path, Some(body)).await
}

/// Moves the test clock.
pub fn wait(app: &TestApp, seconds: i64) {
    app.clock.advance(Duration::seconds(seconds));
}

/// The user's 我的学习 entry of `course_id`.
pub async fn my_course(app: &TestApp, client: &reqwest::Client, course_id: i64) -> Value {
    let (status, body) = get(app, client, "/api/v1/me/courses").await;
    assert_eq!(status, 200);
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["enrolment"]["course_id"] == course_id)
        .cloned()
        .unwrap_or(Value::Null)
}

/// Seconds the server counted for the enrolment of `user_id` on `lesson_id`.
pub async fn counted(
    app: &TestApp,
    client: &reqwest::Client,
    course_id: i64,
    lesson_id: i64,
) -> i64 {
    let (_, view) = get(app, client, &format!("/api/v1/courses/{course_id}")).await;
    view["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == lesson_id)
        .map(|l| l["counted_seconds"].as_i64().unwrap())
        .unwrap()
}
