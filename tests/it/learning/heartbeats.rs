//! Every refused or uncounted heartbeat: early, late, too long, closed, taken over,
//! another course's lesson, outside the study window, another user's session, not
//! enrolled, and video skipping. Nothing a client sends awards time the server did not
//! see pass.

use reqwest::Method;

use super::{
    add_lesson, article, beat, counted, course_fields, create_course, enrol, free_course, open,
    open_ok, publish, send, staff, wait,
};
use crate::support::TestApp;

fn code(body: &serde_json::Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn early_beats_are_refused_late_ones_count_nothing_and_no_beat_counts_more_than_n() {
    let app = TestApp::spawn().await;
    let staff = staff(&app).await;
    let (course, [_, lesson]) = free_course(&app, &staff).await;
    let (learner, _, _) = app.user_client().await;
    enrol(&app, &learner, course, "张三").await;
    let sid = open_ok(&app, &learner, course, lesson).await;

    wait(&app, 5);
    let (status, body) = beat(&app, &learner, sid, lesson, None).await;
    assert_eq!((status, code(&body)), (409, "too_early"));
    wait(&app, 5);
    let (_, body) = beat(&app, &learner, sid, lesson, None).await;
    assert_eq!(body["counted_seconds"], 10, "the refused beat changed nothing");

    wait(&app, 19);
    let (_, body) = beat(&app, &learner, sid, lesson, None).await;
    assert_eq!(
        (body["outcome"].as_str(), body["counted_seconds"].as_i64()),
        (Some("counted"), Some(10))
    );

    wait(&app, 25);
    let (_, body) = beat(&app, &learner, sid, lesson, None).await;
    assert_eq!(
        (body["outcome"].as_str(), body["counted_seconds"].as_i64()),
        (Some("late"), Some(0))
    );
    wait(&app, 10);
    let (_, body) = beat(&app, &learner, sid, lesson, None).await;
    assert_eq!(body["counted_seconds"], 10, "the late beat restarted the interval");
    assert_eq!(counted(&app, &learner, course, lesson).await, 30);
}

#[tokio::test]
async fn closed_and_taken_over_sessions_count_nothing() {
    let app = TestApp::spawn().await;
    let staff = staff(&app).await;
    let (course, [first, second]) = free_course(&app, &staff).await;
    let (learner, _, _) = app.user_client().await;
    enrol(&app, &learner, course, "张三").await;

    let phone = open_ok(&app, &learner, course, second).await;
    let close = format!("/api/v1/study-sessions/{phone}/close");
    assert_eq!(send(&app, &learner, Method::POST, &close, None).await.0, 204);
    wait(&app, 10);
    let (status, body) = beat(&app, &learner, phone, second, None).await;
    assert_eq!((status, code(&body)), (409, "session_closed"));

    let phone = open_ok(&app, &learner, course, second).await;
    let desktop = open_ok(&app, &learner, course, first).await;
    wait(&app, 10);
    let (status, body) = beat(&app, &learner, phone, second, None).await;
    assert_eq!((status, code(&body)), (409, "session_closed"), "the second device took over");
    assert_eq!(beat(&app, &learner, desktop, first, None).await.0, 200);
    assert_eq!(counted(&app, &learner, course, second).await, 0);
}

#[tokio::test]
async fn lessons_of_another_course_and_mismatched_beats_are_refused() {
    let app = TestApp::spawn().await;
    let staff = staff(&app).await;
    let (course, [first, second]) = free_course(&app, &staff).await;
    let other = create_course(&app, &staff, &course_fields("另一门课")).await;
    let foreign = add_lesson(&app, &staff, other, &article("别的课时", 10, 10, 1)).await;
    publish(&app, &staff, other).await;
    let (learner, _, _) = app.user_client().await;
    enrol(&app, &learner, course, "张三").await;

    let (status, _) = open(&app, &learner, course, foreign).await;
    assert_eq!(status, 404, "a lesson of another course");
    let (status, body) = open(&app, &learner, other, foreign).await;
    assert_eq!((status, code(&body)), (403, "not_enrolled"));

    let sid = open_ok(&app, &learner, course, first).await;
    wait(&app, 10);
    for lesson in [second, foreign] {
        let (status, body) = beat(&app, &learner, sid, lesson, None).await;
        assert_eq!((status, code(&body)), (409, "lesson_mismatch"));
    }
    assert_eq!(counted(&app, &learner, course, first).await, 0);
    assert_eq!(counted(&app, &learner, course, second).await, 0);
}

#[tokio::test]
async fn a_beat_on_another_users_session_is_not_found_and_counts_nothing() {
    let app = TestApp::spawn().await;
    let staff = staff(&app).await;
    let (course, [_, lesson]) = free_course(&app, &staff).await;
    let (owner, _, _) = app.user_client().await;
    let (forger, _, _) = app.user_client().await;
    enrol(&app, &owner, course, "张三").await;
    enrol(&app, &forger, course, "李四").await;
    let sid = open_ok(&app, &owner, course, lesson).await;
    wait(&app, 10);
    let (status, _) = beat(&app, &forger, sid, lesson, None).await;
    assert_eq!(status, 404);
    let close = format!("/api/v1/study-sessions/{sid}/close");
    assert_eq!(send(&app, &forger, Method::POST, &close, None).await.0, 404);
    assert_eq!(counted(&app, &forger, course, lesson).await, 0);
    assert_eq!(counted(&app, &owner, course, lesson).await, 0);
    let (_, body) = beat(&app, &owner, sid, lesson, None).await;
    assert_eq!(body["counted_seconds"], 10, "the owner's interval was untouched");
    let (status, _) = send(
        &app,
        &reqwest::Client::new(),
        Method::POST,
        &format!("/api/v1/study-sessions/{sid}/heartbeats"),
        Some(serde_json::json!({"lesson_id": lesson})),
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn study_outside_the_window_is_refused() {
    let app = TestApp::spawn().await;
    let staff = staff(&app).await;
    // The clock starts at 2026-11-24 14:30 Shanghai: study opens at 15:00, ends 16:00.
    let mut fields = course_fields("限时课程");
    fields.push(("study_starts_at", "2026-11-24T15:00".into()));
    fields.push(("study_ends_at", "2026-11-24T16:00".into()));
    fields.push(("enrol_ends_at", "2026-11-24T15:30".into()));
    let course = create_course(&app, &staff, &fields).await;
    let lesson = add_lesson(&app, &staff, course, &article("课时", 600, 10, 1)).await;
    publish(&app, &staff, course).await;
    let (learner, _, _) = app.user_client().await;
    assert_eq!(enrol(&app, &learner, course, "张三").await.0, 201);

    let (status, body) = open(&app, &learner, course, lesson).await;
    assert_eq!((status, code(&body)), (409, "outside_study_window"), "before it opens");
    wait(&app, 30 * 60);
    let sid = open_ok(&app, &learner, course, lesson).await;
    wait(&app, 10);
    assert_eq!(beat(&app, &learner, sid, lesson, None).await.0, 200);
    wait(&app, 60 * 60);
    let (status, body) = beat(&app, &learner, sid, lesson, None).await;
    assert_eq!((status, code(&body)), (409, "outside_study_window"), "after it closed");
    assert_eq!(counted(&app, &learner, course, lesson).await, 10);
    let (other, _, _) = app.user_client().await;
    let (status, body) = enrol(&app, &other, course, "李四").await;
    assert_eq!((status, code(&body)), (409, "enrolment_closed"));
}

/// A tiny MP4 header (`ftyp isom`), enough for the media pipeline's content check.
fn mp4() -> Vec<u8> {
    let mut b = vec![0, 0, 0, 0x18];
    b.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
    b.extend_from_slice(&[0u8; 64]);
    b
}

#[tokio::test]
async fn video_time_counts_only_forward_playback() {
    let app = TestApp::spawn().await;
    let (staff, who) = app.staff_client(guildhall::accounts::Role::Secretary).await;
    let file = app
        .state
        .media
        .save(
            &app.state.db,
            &app.state.clock,
            mp4(),
            Some("lesson.mp4".into()),
            guildhall::kernel::media::Uploader::Staff(who.id),
        )
        .await
        .unwrap();
    assert_eq!(file.kind, "video");
    let course = create_course(&app, &staff, &course_fields("视频课")).await;
    let mut fields = vec![
        ("kind", "video".to_owned()),
        ("title", "第一讲".into()),
        ("video_file_id", file.id.to_string()),
        ("video_seconds", "600".into()),
        ("min_seconds", "30".into()),
        ("credits", "10".into()),
    ];
    let lesson = add_lesson(&app, &staff, course, &fields).await;
    fields[2].1 = "999999".into();
    let res = super::post_form(
        &app,
        &staff,
        &format!("/admin/courses/{course}/lessons"),
        &fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(res.status(), 422, "a video lesson needs a video file");
    publish(&app, &staff, course).await;
    let (learner, _, _) = app.user_client().await;
    enrol(&app, &learner, course, "张三").await;
    let (_, session) = open(&app, &learner, course, lesson).await;
    assert!(session["lesson"]["video"]["url"].as_str().unwrap().starts_with("/media/"));
    let sid = session["id"].as_i64().unwrap();

    wait(&app, 10);
    let (_, b) = beat(&app, &learner, sid, lesson, Some(10)).await;
    assert_eq!((b["outcome"].as_str(), b["counted_seconds"].as_i64()), (Some("counted"), Some(10)));
    wait(&app, 10);
    let (_, b) = beat(&app, &learner, sid, lesson, Some(400)).await;
    assert_eq!((b["outcome"].as_str(), b["counted_seconds"].as_i64()), (Some("skipped"), Some(0)));
    wait(&app, 10);
    let (_, b) = beat(&app, &learner, sid, lesson, Some(400)).await;
    assert_eq!((b["outcome"].as_str(), b["counted_seconds"].as_i64()), (Some("paused"), Some(0)));
    wait(&app, 10);
    let (status, b) = beat(&app, &learner, sid, lesson, None).await;
    assert_eq!(
        (status, b["error"]["fields"][0]["field"].as_str()),
        (422, Some("position_seconds"))
    );
    let (_, b) = beat(&app, &learner, sid, lesson, Some(410)).await;
    assert_eq!(b["counted_seconds"], 10);
    assert_eq!(b["lesson_completed"], false, "20 s of real playback, not the 410 s jumped to");
    assert_eq!(counted(&app, &learner, course, lesson).await, 20);
}
