//! Unit tests of the course and lesson rules.

use chrono::NaiveDate;

use super::*;

fn at(day: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, day).unwrap().and_hms_opt(0, 0, 0).unwrap()
}

fn course() -> CourseInput {
    CourseInput {
        title: "W3C 教程".into(),
        audience: audience::EVERYONE.into(),
        pass_score: 10,
        introduction_html: "<p>简介<script>alert(1)</script></p>".into(),
        ..CourseInput::default()
    }
}

fn fields(e: AppError) -> Vec<String> {
    e.fields().iter().map(|f| f.field.clone()).collect()
}

#[test]
fn a_valid_course_is_sanitised_and_named() {
    let c = course().validated().unwrap();
    assert_eq!(c.introduction_html, "<p>简介</p>");
    assert_eq!(c.cert_name, "结业证书");
}

#[test]
fn bad_courses_name_every_field() {
    let bad = CourseInput {
        title: " ".into(),
        member_price_cents: -1,
        price_cents: -5,
        audience: "friends".into(),
        pass_score: 0,
        ..CourseInput::default()
    };
    let got = fields(bad.validated().unwrap_err());
    assert_eq!(got, ["title", "member_price", "price", "audience", "pass_score"]);
}

#[test]
fn the_study_window_may_not_end_before_enrolment() {
    let c = CourseInput {
        enrol_starts_at: Some(at(1)),
        enrol_ends_at: Some(at(10)),
        study_starts_at: Some(at(1)),
        study_ends_at: Some(at(5)),
        ..course()
    };
    assert_eq!(fields(c.validated().unwrap_err()), ["study_ends_at"]);
    let unbounded = CourseInput { study_ends_at: Some(at(5)), ..course() };
    assert_eq!(fields(unbounded.validated().unwrap_err()), ["study_ends_at"]);
    let upside_down =
        CourseInput { enrol_starts_at: Some(at(9)), enrol_ends_at: Some(at(2)), ..course() };
    assert_eq!(fields(upside_down.validated().unwrap_err()), ["enrol_ends_at"]);
    let fine = CourseInput {
        enrol_ends_at: Some(at(10)),
        study_starts_at: Some(at(1)),
        study_ends_at: Some(at(20)),
        ..course()
    };
    assert!(fine.validated().is_ok());
}

#[test]
fn lessons_refuse_negative_credits_and_missing_content() {
    let bad = LessonInput {
        kind: kind::ARTICLE.into(),
        title: "第一课".into(),
        body_html: "<script>x</script>".into(),
        min_seconds: -1,
        credits: -3,
        ..LessonInput::default()
    };
    assert_eq!(fields(bad.validated().unwrap_err()), ["body_html", "min_seconds", "credits"]);
    let video = LessonInput {
        kind: kind::VIDEO.into(),
        title: "视频".into(),
        video_seconds: Some(60),
        min_seconds: 90,
        ..LessonInput::default()
    };
    assert_eq!(fields(video.validated().unwrap_err()), ["video_file_id", "min_seconds"]);
}

#[test]
fn pass_score_above_the_credit_sum_is_a_warning() {
    assert!(pass_score_warning(10, 10).is_none());
    assert!(pass_score_warning(11, 10).unwrap().contains("无法结业"));
}

#[test]
fn progress_and_numbers() {
    assert_eq!(progress_percent(1, 3), 33);
    assert_eq!(progress_percent(0, 0), 0);
    assert_eq!(certificate_number(2026, 12), "JY2026000012");
    assert!(in_window(at(2), None, None));
    assert!(!in_window(at(2), Some(at(3)), None));
    assert!(!in_window(at(3), None, Some(at(3))));
}

#[test]
fn layouts_round_trip_and_are_checked() {
    let l = CertificateLayout::default();
    let stored = serde_json::to_string(&l).unwrap();
    assert_eq!(CertificateLayout::parse(&stored), l);
    assert_eq!(CertificateLayout::parse("garbage"), l);
    let mut bad = course();
    bad.cert_layout.name.size = 4;
    assert_eq!(fields(bad.validated().unwrap_err()), ["layout_name"]);
}
