//! The course and lesson forms of the workbench: what staff type (local times, blank =
//! 不限, prices in yuan, positions in percent) and how it becomes typed input, with every
//! unreadable field reported at once.

use chrono::{NaiveDateTime, TimeZone as _};
use serde::Deserialize;

use crate::error::{AppError, FieldError};
use crate::kernel::money::{format_cents, parse_yuan};
use crate::learning::courses::local_input;
use crate::learning::model::{
    CertificateLayout, CourseInput, CourseRow, LessonInput, LessonRow, TextPos, audience, kind,
};

/// The course form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct CourseForm {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Cover file id.
    #[serde(default)]
    pub cover_file_id: String,
    /// Introduction HTML.
    #[serde(default)]
    pub introduction_html: String,
    /// `datetime-local`; blank = 不限.
    #[serde(default)]
    pub enrol_starts_at: String,
    /// `datetime-local`; blank = 不限.
    #[serde(default)]
    pub enrol_ends_at: String,
    /// `datetime-local`; blank = 不限.
    #[serde(default)]
    pub study_starts_at: String,
    /// `datetime-local`; blank = 不限.
    #[serde(default)]
    pub study_ends_at: String,
    /// Yuan.
    #[serde(default)]
    pub member_price: String,
    /// Yuan.
    #[serde(default)]
    pub price: String,
    /// everyone / members.
    #[serde(default)]
    pub audience: String,
    /// 达标分数.
    #[serde(default)]
    pub pass_score: String,
    /// Certificate name.
    #[serde(default)]
    pub cert_name: String,
    /// Certificate description.
    #[serde(default)]
    pub cert_description: String,
    /// Background file id.
    #[serde(default)]
    pub cert_background_file_id: String,
    /// Layout: `x,y,size` per text.
    #[serde(default)]
    pub layout_title: String,
    /// Layout.
    #[serde(default)]
    pub layout_name: String,
    /// Layout.
    #[serde(default)]
    pub layout_body: String,
    /// Layout.
    #[serde(default)]
    pub layout_number: String,
    /// Layout.
    #[serde(default)]
    pub layout_date: String,
}

fn yuan(cents: i64) -> String {
    format_cents(cents).trim_start_matches('¥').to_owned()
}

fn pos_text(p: TextPos) -> String {
    format!("{},{},{}", p.x, p.y, p.size)
}

fn id_text(id: Option<i64>) -> String {
    id.map(|i| i.to_string()).unwrap_or_default()
}

struct Reader {
    errors: Vec<FieldError>,
    tz: chrono_tz::Tz,
}

impl Reader {
    fn time(&mut self, field: &str, text: &str) -> Option<NaiveDateTime> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let parsed = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
            .ok()
            .and_then(|local| self.tz.from_local_datetime(&local).earliest())
            .map(|t| t.naive_utc());
        if parsed.is_none() {
            self.errors.push(FieldError::new(field, "请填写正确的时间，或留空表示不限"));
        }
        parsed
    }

    fn money(&mut self, field: &str, text: &str) -> i64 {
        let text = if text.trim().is_empty() { "0" } else { text.trim() };
        if text.starts_with('-') {
            self.errors.push(FieldError::new(field, "价格不能为负数"));
            return 0;
        }
        parse_yuan(text).unwrap_or_else(|| {
            self.errors.push(FieldError::new(field, "请填写正确的金额，如 12.50（0 为免费）"));
            0
        })
    }

    fn int(&mut self, field: &str, text: &str, message: &str) -> i32 {
        text.trim().parse::<i32>().unwrap_or_else(|_| {
            self.errors.push(FieldError::new(field, message));
            0
        })
    }

    fn file(&mut self, field: &str, text: &str) -> Option<i64> {
        match text.trim() {
            "" => None,
            t => t.parse().map(Some).unwrap_or_else(|_| {
                self.errors.push(FieldError::new(field, "请填写文件编号"));
                None
            }),
        }
    }

    fn pos(&mut self, field: &str, text: &str, default: TextPos) -> TextPos {
        if text.trim().is_empty() {
            return default;
        }
        let parts: Vec<Option<u16>> = text.split(',').map(|p| p.trim().parse().ok()).collect();
        match parts.as_slice() {
            [Some(x), Some(y), Some(size)] if *x <= 100 && *y <= 100 => TextPos {
                x: u8::try_from(*x).unwrap_or(50),
                y: u8::try_from(*y).unwrap_or(50),
                size: *size,
            },
            _ => {
                self.errors
                    .push(FieldError::new(field, "位置请按“横向%,纵向%,字号”填写，如 50,42,80"));
                default
            }
        }
    }
}

impl CourseForm {
    /// A blank form.
    pub fn blank() -> Self {
        let d = CertificateLayout::default();
        Self {
            member_price: "0".into(),
            price: "0".into(),
            audience: audience::EVERYONE.into(),
            pass_score: "10".into(),
            cert_name: "结业证书".into(),
            layout_title: pos_text(d.title),
            layout_name: pos_text(d.name),
            layout_body: pos_text(d.body),
            layout_number: pos_text(d.number),
            layout_date: pos_text(d.date),
            ..Self::default()
        }
    }

    /// The form of a stored course.
    pub fn from_course(c: &CourseRow, tz: chrono_tz::Tz) -> Self {
        let l = c.layout();
        Self {
            title: c.title.clone(),
            cover_file_id: id_text(c.cover_file_id),
            introduction_html: c.introduction_html.clone(),
            enrol_starts_at: local_input(c.enrol_starts_at, tz),
            enrol_ends_at: local_input(c.enrol_ends_at, tz),
            study_starts_at: local_input(c.study_starts_at, tz),
            study_ends_at: local_input(c.study_ends_at, tz),
            member_price: yuan(c.member_price_cents),
            price: yuan(c.price_cents),
            audience: c.audience.clone(),
            pass_score: c.pass_score.to_string(),
            cert_name: c.cert_name.clone(),
            cert_description: c.cert_description.clone(),
            cert_background_file_id: id_text(c.cert_background_file_id),
            layout_title: pos_text(l.title),
            layout_name: pos_text(l.name),
            layout_body: pos_text(l.body),
            layout_number: pos_text(l.number),
            layout_date: pos_text(l.date),
        }
    }

    /// Parses the form (times in `tz`).
    pub fn parse(&self, tz: chrono_tz::Tz) -> Result<CourseInput, AppError> {
        let mut r = Reader { errors: Vec::new(), tz };
        let d = CertificateLayout::default();
        let input = CourseInput {
            title: self.title.clone(),
            cover_file_id: r.file("cover_file_id", &self.cover_file_id),
            introduction_html: self.introduction_html.clone(),
            enrol_starts_at: r.time("enrol_starts_at", &self.enrol_starts_at),
            enrol_ends_at: r.time("enrol_ends_at", &self.enrol_ends_at),
            study_starts_at: r.time("study_starts_at", &self.study_starts_at),
            study_ends_at: r.time("study_ends_at", &self.study_ends_at),
            member_price_cents: r.money("member_price", &self.member_price),
            price_cents: r.money("price", &self.price),
            audience: self.audience.clone(),
            pass_score: r.int("pass_score", &self.pass_score, "达标分数须为正整数"),
            cert_name: self.cert_name.clone(),
            cert_description: self.cert_description.clone(),
            cert_background_file_id: r
                .file("cert_background_file_id", &self.cert_background_file_id),
            cert_layout: CertificateLayout {
                title: r.pos("layout_title", &self.layout_title, d.title),
                name: r.pos("layout_name", &self.layout_name, d.name),
                body: r.pos("layout_body", &self.layout_body, d.body),
                number: r.pos("layout_number", &self.layout_number, d.number),
                date: r.pos("layout_date", &self.layout_date, d.date),
            },
        };
        if r.errors.is_empty() { Ok(input) } else { Err(AppError::Validation(r.errors)) }
    }
}

/// The lesson form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct LessonForm {
    /// article / video.
    #[serde(default)]
    pub kind: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Summary.
    #[serde(default)]
    pub summary: String,
    /// Article body.
    #[serde(default)]
    pub body_html: String,
    /// Video file id.
    #[serde(default)]
    pub video_file_id: String,
    /// Video length (seconds).
    #[serde(default)]
    pub video_seconds: String,
    /// 达标要求 (seconds).
    #[serde(default)]
    pub min_seconds: String,
    /// 学分.
    #[serde(default)]
    pub credits: String,
    /// Order.
    #[serde(default)]
    pub sort_order: String,
}

impl LessonForm {
    /// A blank form.
    pub fn blank() -> Self {
        Self {
            kind: kind::ARTICLE.into(),
            min_seconds: "10".into(),
            credits: "10".into(),
            sort_order: "0".into(),
            ..Self::default()
        }
    }

    /// The form of a stored lesson.
    pub fn from_lesson(l: &LessonRow) -> Self {
        Self {
            kind: l.kind.clone(),
            title: l.title.clone(),
            summary: l.summary.clone(),
            body_html: l.body_html.clone(),
            video_file_id: id_text(l.video_file_id),
            video_seconds: l.video_seconds.map(|s| s.to_string()).unwrap_or_default(),
            min_seconds: l.min_seconds.to_string(),
            credits: l.credits.to_string(),
            sort_order: l.sort_order.to_string(),
        }
    }

    /// Parses the form.
    pub fn parse(&self) -> Result<LessonInput, AppError> {
        let mut r = Reader { errors: Vec::new(), tz: chrono_tz::UTC };
        let video_seconds = match self.video_seconds.trim() {
            "" => None,
            t => Some(r.int("video_seconds", t, "视频时长须为整数（秒）")),
        };
        let sort = if self.sort_order.trim().is_empty() { "0" } else { self.sort_order.as_str() };
        let input = LessonInput {
            kind: self.kind.clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            body_html: self.body_html.clone(),
            video_file_id: r.file("video_file_id", &self.video_file_id),
            video_seconds,
            min_seconds: r.int("min_seconds", &self.min_seconds, "达标要求须为整数（秒）"),
            credits: r.int("credits", &self.credits, "学分须为整数"),
            sort_order: r.int("sort_order", sort, "排序须为整数"),
        };
        if r.errors.is_empty() { Ok(input) } else { Err(AppError::Validation(r.errors)) }
    }
}
