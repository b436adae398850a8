//! Courses and lessons as stored and as staff type them: states, audiences, the rules a
//! course and a lesson must follow (pure, unit-tested), and the one sanitiser of rich text.

use chrono::NaiveDateTime;
use diesel::prelude::*;

pub use super::layout::{CertificateLayout, TextPos};
use crate::db::schema::{course_certificates, course_enrolments, course_lessons, courses};
use crate::error::{AppError, FieldError};

/// Course states.
pub mod status {
    /// Being prepared; invisible to users.
    pub const DRAFT: &str = "draft";
    /// Listed in the mini-program.
    pub const PUBLISHED: &str = "published";

    /// zh-CN label.
    pub fn label(s: &str) -> &'static str {
        match s {
            DRAFT => "草稿",
            PUBLISHED => "已发布",
            _ => "未知",
        }
    }
}

/// Who may enrol.
pub mod audience {
    /// Everyone signed in.
    pub const EVERYONE: &str = "everyone";
    /// Active members only.
    pub const MEMBERS: &str = "members";

    /// zh-CN label.
    pub fn label(s: &str) -> &'static str {
        if s == MEMBERS { "仅限会员" } else { "所有用户" }
    }
}

/// Lesson kinds.
pub mod kind {
    /// 图文: rich text.
    pub const ARTICLE: &str = "article";
    /// 视频: a video file from the media pipeline.
    pub const VIDEO: &str = "video";

    /// zh-CN label.
    pub fn label(s: &str) -> &'static str {
        if s == VIDEO { "视频" } else { "图文" }
    }
}

/// Enrolment states.
pub mod enrolment {
    /// A paid course's order is not paid yet.
    pub const AWAITING_PAYMENT: &str = "awaiting_payment";
    /// Enrolled: may study.
    pub const ACTIVE: &str = "active";
    /// The order was cancelled or refunded.
    pub const CANCELLED: &str = "cancelled";

    /// zh-CN label.
    pub fn label(s: &str) -> &'static str {
        match s {
            AWAITING_PAYMENT => "待支付",
            ACTIVE => "学习中",
            CANCELLED => "已取消",
            _ => "未知",
        }
    }
}

/// Rich text as stored: sanitised once, on write. The one call site of the sanitiser in
/// this context, so it can later point at the shared one.
pub fn sanitize_html(html: &str) -> String {
    ammonia::clean(html)
}

/// A course as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = courses)]
pub struct CourseRow {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Cover image.
    pub cover_file_id: Option<i64>,
    /// Sanitised introduction.
    pub introduction_html: String,
    /// Enrolment opens (None: 不限).
    pub enrol_starts_at: Option<NaiveDateTime>,
    /// Enrolment closes (None: 不限).
    pub enrol_ends_at: Option<NaiveDateTime>,
    /// Study opens (None: 不限).
    pub study_starts_at: Option<NaiveDateTime>,
    /// Study closes (None: 不限).
    pub study_ends_at: Option<NaiveDateTime>,
    /// Price for active members (0 = free).
    pub member_price_cents: i64,
    /// Price for everyone else (0 = free).
    pub price_cents: i64,
    /// everyone / members.
    pub audience: String,
    /// Credits needed to pass (达标分数).
    pub pass_score: i32,
    /// Certificate name.
    pub cert_name: String,
    /// Certificate description.
    pub cert_description: String,
    /// Certificate background image.
    pub cert_background_file_id: Option<i64>,
    /// Layout JSON.
    pub cert_layout: String,
    /// draft / published.
    pub status: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Whether `at` lies in the window [starts, ends) (None is open on that side).
pub fn in_window(
    at: NaiveDateTime,
    starts: Option<NaiveDateTime>,
    ends: Option<NaiveDateTime>,
) -> bool {
    starts.is_none_or(|s| at >= s) && ends.is_none_or(|e| at < e)
}

impl CourseRow {
    /// What `member` (an active member or not) pays.
    pub fn price_for(&self, member: bool) -> i64 {
        if member { self.member_price_cents } else { self.price_cents }
    }

    /// Enrolment is open at `at`.
    pub fn enrolment_open(&self, at: NaiveDateTime) -> bool {
        in_window(at, self.enrol_starts_at, self.enrol_ends_at)
    }

    /// Study is open at `at`.
    pub fn study_open(&self, at: NaiveDateTime) -> bool {
        in_window(at, self.study_starts_at, self.study_ends_at)
    }

    /// The certificate layout.
    pub fn layout(&self) -> CertificateLayout {
        CertificateLayout::parse(&self.cert_layout)
    }
}

/// A course as staff submit it (typed; the form's text is parsed by the surface).
#[derive(Debug, Clone, Default)]
pub struct CourseInput {
    /// Title (1–60).
    pub title: String,
    /// Cover image file.
    pub cover_file_id: Option<i64>,
    /// Introduction (rich text, sanitised here).
    pub introduction_html: String,
    /// Enrolment window.
    pub enrol_starts_at: Option<NaiveDateTime>,
    /// Enrolment window.
    pub enrol_ends_at: Option<NaiveDateTime>,
    /// Study window.
    pub study_starts_at: Option<NaiveDateTime>,
    /// Study window.
    pub study_ends_at: Option<NaiveDateTime>,
    /// Member price.
    pub member_price_cents: i64,
    /// Non-member price.
    pub price_cents: i64,
    /// everyone / members.
    pub audience: String,
    /// 达标分数.
    pub pass_score: i32,
    /// Certificate name (e.g. 结业证书).
    pub cert_name: String,
    /// Certificate description; `{course}` stands for the course title.
    pub cert_description: String,
    /// Certificate background image.
    pub cert_background_file_id: Option<i64>,
    /// Where the texts go.
    pub cert_layout: CertificateLayout,
}

fn text(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize, required: bool) {
    let n = value.trim().chars().count();
    if required && n == 0 {
        errors.push(FieldError::new(field, "必填"));
    } else if n > max {
        errors.push(FieldError::new(field, format!("不能超过 {max} 字")));
    }
}

fn window(
    errors: &mut Vec<FieldError>,
    field: &str,
    starts: Option<NaiveDateTime>,
    ends: Option<NaiveDateTime>,
) {
    if let (Some(s), Some(e)) = (starts, ends)
        && e <= s
    {
        errors.push(FieldError::new(field, "结束时间须晚于开始时间"));
    }
}

impl CourseInput {
    /// Checks every field at once; returns the input with its rich text sanitised.
    pub fn validated(mut self) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        self.title = self.title.trim().to_owned();
        text(&mut errors, "title", &self.title, 60, true);
        text(&mut errors, "cert_name", &self.cert_name, 30, false);
        text(&mut errors, "cert_description", &self.cert_description, 200, false);
        if self.member_price_cents < 0 {
            errors.push(FieldError::new("member_price", "价格不能为负数"));
        }
        if self.price_cents < 0 {
            errors.push(FieldError::new("price", "价格不能为负数"));
        }
        if ![audience::EVERYONE, audience::MEMBERS].contains(&self.audience.as_str()) {
            errors.push(FieldError::new("audience", "请选择开放对象"));
        }
        if self.pass_score < 1 {
            errors.push(FieldError::new("pass_score", "达标分数须为正整数"));
        }
        window(&mut errors, "enrol_ends_at", self.enrol_starts_at, self.enrol_ends_at);
        window(&mut errors, "study_ends_at", self.study_starts_at, self.study_ends_at);
        // Studying must stay possible for whoever enrols: the study window may not end
        // before the enrolment window does (or opens).
        let enrol_bound = self.enrol_ends_at.or(self.enrol_starts_at);
        if let Some(study_end) = self.study_ends_at {
            match enrol_bound {
                Some(enrol) if study_end < enrol => errors.push(FieldError::new(
                    "study_ends_at",
                    "学习时间不能早于报名时间：学习截止须不早于报名截止",
                )),
                None => errors
                    .push(FieldError::new("study_ends_at", "报名时间不限时，学习时间也须不限截止")),
                _ => {}
            }
        }
        self.cert_layout.check(&mut errors);
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        if self.cert_name.trim().is_empty() {
            "结业证书".clone_into(&mut self.cert_name);
        }
        self.introduction_html = sanitize_html(&self.introduction_html);
        Ok(self)
    }
}

/// Staff's warning when the pass score is out of reach (above the sum of credits).
pub fn pass_score_warning(pass_score: i32, credit_sum: i64) -> Option<String> {
    (i64::from(pass_score) > credit_sum)
        .then(|| format!("达标分数 {pass_score} 高于全部课时学分之和 {credit_sum}，学员将无法结业"))
}

/// A lesson as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = course_lessons)]
pub struct LessonRow {
    /// Id.
    pub id: i64,
    /// Course.
    pub course_id: i64,
    /// article / video.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Sanitised body of an article lesson.
    pub body_html: String,
    /// Video file of a video lesson.
    pub video_file_id: Option<i64>,
    /// The video's length, when staff gave it.
    pub video_seconds: Option<i32>,
    /// 达标要求: seconds of counted study.
    pub min_seconds: i32,
    /// 学分.
    pub credits: i32,
    /// Order in the course.
    pub sort_order: i32,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// A lesson as staff submit it.
#[derive(Debug, Clone, Default)]
pub struct LessonInput {
    /// article / video.
    pub kind: String,
    /// Title (1–60).
    pub title: String,
    /// Summary (≤ 200).
    pub summary: String,
    /// Article body (sanitised here).
    pub body_html: String,
    /// Video file.
    pub video_file_id: Option<i64>,
    /// Video length.
    pub video_seconds: Option<i32>,
    /// 达标要求 in seconds.
    pub min_seconds: i32,
    /// 学分.
    pub credits: i32,
    /// Order.
    pub sort_order: i32,
}

impl LessonInput {
    /// Checks every field at once; returns the input with its body sanitised.
    pub fn validated(mut self) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        self.title = self.title.trim().to_owned();
        text(&mut errors, "title", &self.title, 60, true);
        text(&mut errors, "summary", &self.summary, 200, false);
        match self.kind.as_str() {
            kind::ARTICLE => {
                self.body_html = sanitize_html(&self.body_html);
                if self.body_html.trim().is_empty() {
                    errors.push(FieldError::new("body_html", "请填写图文内容"));
                }
                self.video_file_id = None;
                self.video_seconds = None;
            }
            kind::VIDEO => {
                if self.video_file_id.is_none() {
                    errors.push(FieldError::new("video_file_id", "请选择视频文件"));
                }
                if self.video_seconds.is_some_and(|s| s <= 0) {
                    errors.push(FieldError::new("video_seconds", "视频时长须为正整数（秒）"));
                }
                self.body_html = String::new();
            }
            _ => errors.push(FieldError::new("kind", "请选择课时类型（图文或视频）")),
        }
        if self.min_seconds < 0 {
            errors.push(FieldError::new("min_seconds", "达标要求不能为负数"));
        } else if self.min_seconds > 86_400 {
            errors.push(FieldError::new("min_seconds", "达标要求不能超过 86400 秒"));
        }
        if let (Some(len), true) = (self.video_seconds, self.kind == kind::VIDEO)
            && self.min_seconds > len
        {
            errors.push(FieldError::new("min_seconds", "达标要求不能超过视频时长"));
        }
        if self.credits < 0 {
            errors.push(FieldError::new("credits", "学分不能为负数"));
        } else if self.credits > 1000 {
            errors.push(FieldError::new("credits", "学分不能超过 1000"));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(self)
    }
}

/// An enrolment as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = course_enrolments)]
pub struct EnrolmentRow {
    /// Id.
    pub id: i64,
    /// Course.
    pub course_id: i64,
    /// Learner.
    pub user_id: i64,
    /// awaiting_payment / active / cancelled.
    pub status: String,
    /// The name printed on the certificate.
    pub learner_name: String,
    /// What it cost.
    pub price_cents: i64,
    /// The order of a paid course.
    pub order_id: Option<i64>,
    /// When studying became possible.
    pub enrolled_at: Option<NaiveDateTime>,
    /// Lessons completed.
    pub completed_lessons: i32,
    /// 得分: credits of completed lessons.
    pub score: i32,
    /// When the score reached the pass score.
    pub passed_at: Option<NaiveDateTime>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// A completion certificate as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = course_certificates)]
pub struct CertificateRow {
    /// Id.
    pub id: i64,
    /// Enrolment.
    pub enrolment_id: i64,
    /// Course.
    pub course_id: i64,
    /// Learner.
    pub user_id: i64,
    /// 证书编号, e.g. JY2026000012.
    pub number: String,
    /// Verification code for `/v/{code}`.
    pub code: String,
    /// Learner's real name.
    pub learner_name: String,
    /// Course title at issue.
    pub course_title: String,
    /// Certificate name at issue.
    pub cert_name: String,
    /// Score at issue.
    pub score: i32,
    /// Issued.
    pub issued_at: NaiveDateTime,
}

/// The certificate number of certificate `id` issued in `year`.
pub fn certificate_number(year: i32, id: i64) -> String {
    format!("JY{year}{id:06}")
}

/// Percent of lessons completed (0–100, rounded down).
pub fn progress_percent(completed: i64, total: i64) -> i64 {
    if total <= 0 { 0 } else { (completed.min(total) * 100) / total }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
