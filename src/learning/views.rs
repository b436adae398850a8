//! What the mini-program sees of courses (views built from rows; no private fields of
//! other users) and the learners' Excel export of the workbench.

use chrono::NaiveDateTime;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::Serialize;

use super::courses::{CourseDetail, Learner};
use super::model::{self, CourseRow, LessonRow, audience, enrolment, kind};
use super::study_model::BeatOutcome;
use crate::error::AppError;
use crate::kernel::clock::{display_minutes, serialize_utc_opt};
use crate::kernel::media::MediaLinks;
use crate::kernel::media::links::MediaUrls;

/// A lesson in a course's outline (its content comes with a study session).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LessonOutline {
    /// Id.
    pub id: i64,
    /// `article` (图文) or `video` (视频).
    pub kind: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// 达标要求: seconds of study that complete it.
    pub min_seconds: i32,
    /// 学分.
    pub credits: i32,
    /// Seconds the server counted for the caller (0 when not enrolled).
    pub counted_seconds: i32,
    /// Whether the caller completed it.
    pub completed: bool,
}

/// A published course as users see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CourseView {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Cover image.
    pub cover: Option<MediaUrls>,
    /// Introduction (sanitised HTML).
    pub introduction_html: String,
    /// Enrolment opens (null: 不限).
    #[serde(serialize_with = "serialize_utc_opt")]
    #[schema(value_type = Option<String>)]
    pub enrol_starts_at: Option<NaiveDateTime>,
    /// Enrolment closes (null: 不限).
    #[serde(serialize_with = "serialize_utc_opt")]
    #[schema(value_type = Option<String>)]
    pub enrol_ends_at: Option<NaiveDateTime>,
    /// Study opens (null: 不限).
    #[serde(serialize_with = "serialize_utc_opt")]
    #[schema(value_type = Option<String>)]
    pub study_starts_at: Option<NaiveDateTime>,
    /// Study closes (null: 不限).
    #[serde(serialize_with = "serialize_utc_opt")]
    #[schema(value_type = Option<String>)]
    pub study_ends_at: Option<NaiveDateTime>,
    /// 会员价 in cents (0 = free).
    pub member_price_cents: i64,
    /// 非会员价 in cents (0 = free).
    pub price_cents: i64,
    /// `everyone` or `members`.
    pub audience: String,
    /// zh-CN label of the audience.
    pub audience_label: &'static str,
    /// 达标分数.
    pub pass_score: i32,
    /// Sum of the lessons' credits.
    pub credit_sum: i64,
    /// The certificate's name.
    pub cert_name: String,
    /// Lessons in order.
    pub lessons: Vec<LessonOutline>,
    /// The caller's enrolment state (`awaiting_payment`, `active`), null when none.
    pub my_status: Option<String>,
}

impl CourseView {
    /// The view of `d` for a caller with these progress rows (lesson id, seconds, done).
    pub fn build(
        d: &CourseDetail,
        links: &MediaLinks,
        progress: &[(i64, i32, bool)],
        my_status: Option<String>,
    ) -> Self {
        let c = &d.course;
        let lessons = d.lessons.iter().map(|l| outline(l, progress)).collect();
        Self {
            id: c.id,
            title: c.title.clone(),
            cover: c.cover_file_id.map(|f| links.urls(f)),
            introduction_html: c.introduction_html.clone(),
            enrol_starts_at: c.enrol_starts_at,
            enrol_ends_at: c.enrol_ends_at,
            study_starts_at: c.study_starts_at,
            study_ends_at: c.study_ends_at,
            member_price_cents: c.member_price_cents,
            price_cents: c.price_cents,
            audience: c.audience.clone(),
            audience_label: audience::label(&c.audience),
            pass_score: c.pass_score,
            credit_sum: d.credit_sum,
            cert_name: c.cert_name.clone(),
            lessons,
            my_status,
        }
    }
}

fn outline(l: &LessonRow, progress: &[(i64, i32, bool)]) -> LessonOutline {
    let mine = progress.iter().find(|p| p.0 == l.id);
    LessonOutline {
        id: l.id,
        kind: l.kind.clone(),
        title: l.title.clone(),
        summary: l.summary.clone(),
        min_seconds: l.min_seconds,
        credits: l.credits,
        counted_seconds: mine.map_or(0, |p| p.1),
        completed: mine.is_some_and(|p| p.2),
    }
}

/// `{"items": [...]}` of published courses.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CourseList {
    /// Newest first.
    pub items: Vec<CourseView>,
}

/// A user's enrolment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EnrolmentView {
    /// Id.
    pub id: i64,
    /// Course.
    pub course_id: i64,
    /// `awaiting_payment` (pay the order) or `active`.
    pub status: String,
    /// zh-CN label.
    pub status_label: &'static str,
    /// What it costs the caller (cents).
    pub price_cents: i64,
    /// The order to pay (paid courses).
    pub order_id: Option<i64>,
    /// The name printed on the certificate.
    pub learner_name: String,
}

impl EnrolmentView {
    /// The view of a row.
    pub fn of(e: &model::EnrolmentRow) -> Self {
        Self {
            id: e.id,
            course_id: e.course_id,
            status: e.status.clone(),
            status_label: enrolment::label(&e.status),
            price_cents: e.price_cents,
            order_id: e.order_id,
            learner_name: e.learner_name.clone(),
        }
    }
}

/// A completion certificate's links.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CertificateLinks {
    /// 证书编号.
    pub number: String,
    /// Public verification page (`/v/{code}`).
    pub verify_url: String,
    /// Printable page.
    pub page_url: String,
    /// The certificate as a PNG.
    pub png_url: String,
}

impl CertificateLinks {
    /// The links of a certificate with `code` on the server at `base`.
    pub fn new(base: &str, number: &str, code: &str) -> Self {
        let verify_url = crate::profiles::certificates::verify_url(base, code);
        Self {
            number: number.to_owned(),
            page_url: format!("{verify_url}/certificate"),
            png_url: format!("{verify_url}/certificate.png"),
            verify_url,
        }
    }
}

/// One course of 我的学习.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyCourseView {
    /// The enrolment.
    pub enrolment: EnrolmentView,
    /// Course title.
    pub title: String,
    /// Cover image.
    pub cover: Option<MediaUrls>,
    /// Lessons completed.
    pub completed_lessons: i32,
    /// Lessons in the course.
    pub total_lessons: i64,
    /// 学习进度: completed / all, in percent.
    pub progress_percent: i64,
    /// 得分: credits of completed lessons.
    pub score: i32,
    /// 达标分数.
    pub pass_score: i32,
    /// Whether the score reached the pass score.
    pub passed: bool,
    /// When.
    #[serde(serialize_with = "serialize_utc_opt")]
    #[schema(value_type = Option<String>)]
    pub passed_at: Option<NaiveDateTime>,
    /// The completion certificate, once passed.
    pub certificate: Option<CertificateLinks>,
}

/// `{"items": [...]}` of 我的学习.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyCourseList {
    /// Newest enrolment first.
    pub items: Vec<MyCourseView>,
}

/// A lesson's content, given when a study session opens.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LessonContent {
    /// Id.
    pub id: i64,
    /// `article` or `video`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Article body (sanitised HTML); empty for videos.
    pub body_html: String,
    /// The video (video lessons).
    pub video: Option<MediaUrls>,
    /// The video's length in seconds, when known.
    pub video_seconds: Option<i32>,
}

impl LessonContent {
    /// The content of `l`.
    pub fn of(l: &LessonRow, links: &MediaLinks) -> Self {
        Self {
            id: l.id,
            kind: l.kind.clone(),
            title: l.title.clone(),
            body_html: l.body_html.clone(),
            video: if l.kind == kind::VIDEO {
                l.video_file_id.map(|f| links.urls(f))
            } else {
                None
            },
            video_seconds: l.video_seconds,
        }
    }
}

/// An opened study session.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    /// Session id: send heartbeats to `/api/v1/study-sessions/{id}/heartbeats`.
    pub id: i64,
    /// Seconds between heartbeats (N).
    pub heartbeat_seconds: i64,
    /// Seconds the server counted on this lesson so far.
    pub counted_seconds: i32,
    /// 达标要求.
    pub min_seconds: i32,
    /// Whether the lesson is completed.
    pub completed: bool,
    /// The lesson.
    pub lesson: LessonContent,
}

/// Where the course stands after a beat.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CourseStanding {
    /// 学习进度 in percent.
    pub progress_percent: i64,
    /// 得分.
    pub score: i32,
    /// 达标分数.
    pub pass_score: i32,
    /// Passed.
    pub passed: bool,
    /// The certificate, once passed.
    pub certificate: Option<CertificateLinks>,
}

/// The answer to an accepted heartbeat.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BeatView {
    /// What the beat did.
    pub outcome: BeatOutcome,
    /// Seconds this beat counted.
    pub counted_seconds: i32,
    /// Seconds counted on the lesson in all.
    pub lesson_counted_seconds: i32,
    /// 达标要求.
    pub min_seconds: i32,
    /// Whether the lesson is completed.
    pub lesson_completed: bool,
    /// Send the next beat after this many seconds.
    pub next_beat_seconds: i64,
    /// The course.
    pub course: CourseStanding,
}

/// The learners sheet (学员名单) of `course`.
pub fn learners_xlsx(
    course: &CourseRow,
    rows: &[Learner],
    tz: chrono_tz::Tz,
) -> Result<Vec<u8>, AppError> {
    build(course, rows, tz).map_err(|e| AppError::internal(anyhow::anyhow!("xlsx: {e}")))
}

fn build(course: &CourseRow, rows: &[Learner], tz: chrono_tz::Tz) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("学员名单")?;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(0, 0, format!("课程：{}", course.title), &bold)?;
    let headers = [
        "序号",
        "姓名",
        "状态",
        "报名时间",
        "学习进度",
        "得分",
        "达标分数",
        "结业时间",
        "证书编号",
    ];
    for (col, header) in (0u16..).zip(headers) {
        ws.write_string_with_format(1, col, header, &bold)?;
        ws.set_column_width(col, 16)?;
    }
    let when = |t: Option<NaiveDateTime>| t.map(|t| display_minutes(t, tz)).unwrap_or_default();
    for (row, l) in (2u32..).zip(rows) {
        let e = &l.enrolment;
        ws.write_number(row, 0, f64::from(row - 1))?;
        ws.write_string(row, 1, &e.learner_name)?;
        ws.write_string(row, 2, enrolment::label(&e.status))?;
        ws.write_string(row, 3, when(e.enrolled_at))?;
        ws.write_string(row, 4, format!("{}%", l.progress))?;
        ws.write_number(row, 5, f64::from(e.score))?;
        ws.write_number(row, 6, f64::from(course.pass_score))?;
        ws.write_string(row, 7, when(e.passed_at))?;
        ws.write_string(row, 8, l.certificate_number.as_deref().unwrap_or(""))?;
    }
    book.save_to_buffer()
}
