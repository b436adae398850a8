//! Parallel requests (PostgreSQL too): beats of one session are counted once, the
//! lesson completes and the certificate is issued once; parallel opens leave one open
//! session; parallel enrolments make one enrolment and one order.

use futures_util::future::join_all;

use super::{
    add_lesson, article, beat, counted, course_fields, create_course, enrol, free_course, open,
    publish, staff, wait,
};
use crate::support::TestApp;

#[tokio::test]
async fn parallel_beats_count_once_and_issue_one_certificate() {
    let app = TestApp::spawn().await;
    let staff = staff(&app).await;
    let (course, [first, _]) = free_course(&app, &staff).await;
    let (learner, _, _) = app.user_client().await;
    enrol(&app, &learner, course, "张三").await;
    let sid = super::open_ok(&app, &learner, course, first).await;
    for round in 0..3 {
        wait(&app, 10);
        let answers = join_all((0..8).map(|_| beat(&app, &learner, sid, first, None))).await;
        let ok = answers.iter().filter(|(s, _)| *s == 200).count();
        assert_eq!(ok, 1, "round {round}: {answers:?}");
        assert!(
            answers.iter().all(|(s, b)| *s == 200 || b["error"]["code"] == "too_early"),
            "{answers:?}"
        );
    }
    assert_eq!(counted(&app, &learner, course, first).await, 30);
    assert_eq!(app.count_rows("course_certificates").await, 1);
    assert_eq!(app.count_rows("notices").await, 1);
}

#[tokio::test]
async fn parallel_opens_leave_one_open_session() {
    let app = TestApp::spawn().await;
    let staff = staff(&app).await;
    let (course, [first, second]) = free_course(&app, &staff).await;
    let (learner, _, _) = app.user_client().await;
    enrol(&app, &learner, course, "张三").await;
    let answers = join_all(
        (0..6).map(|i| open(&app, &learner, course, if i % 2 == 0 { first } else { second })),
    )
    .await;
    assert!(
        answers.iter().all(|(s, b)| *s == 201 || b["error"]["code"] == "session_conflict"),
        "{answers:?}"
    );
    wait(&app, 10);
    let beats = join_all(answers.iter().filter(|(s, _)| *s == 201).map(|(_, b)| {
        beat(&app, &learner, b["id"].as_i64().unwrap(), b["lesson"]["id"].as_i64().unwrap(), None)
    }))
    .await;
    assert_eq!(beats.iter().filter(|(s, _)| *s == 200).count(), 1, "{beats:?}");
    let total = counted(&app, &learner, course, first).await
        + counted(&app, &learner, course, second).await;
    assert_eq!(total, 10);
}

#[tokio::test]
async fn parallel_paid_enrolments_make_one_enrolment_and_one_order() {
    let app = TestApp::spawn().await;
    let staff = staff(&app).await;
    let mut fields = course_fields("付费课");
    fields.retain(|(k, _)| *k != "price");
    fields.push(("price", "99".into()));
    let course = create_course(&app, &staff, &fields).await;
    add_lesson(&app, &staff, course, &article("课时", 10, 10, 1)).await;
    publish(&app, &staff, course).await;
    let (learner, _, _) = app.user_client().await;
    let answers = join_all((0..6).map(|_| enrol(&app, &learner, course, "张三"))).await;
    assert!(answers.iter().all(|(s, _)| *s == 201 || *s == 200 || *s == 409), "{answers:?}");
    assert_eq!(answers.iter().filter(|(s, _)| *s == 201).count(), 1, "{answers:?}");
    assert_eq!(app.count_rows("course_enrolments").await, 1);
    assert_eq!(app.count_rows("orders").await, 1);
}
