//! Certificates (荣誉证书): the fields a revision holds, validity, their rules, the
//! stored row and the status the verification page shows.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::reviewed::{self, ImageRef, MAX_IMAGES};
use crate::db::schema::certificates;
use crate::error::{AppError, FieldError};
use crate::kernel::revisions::diff::{Field, FieldValue};

/// Kinds offered in forms (any other short text is accepted too).
pub const KINDS: [&str; 5] = ["荣誉证书", "资质证书", "软件产品证书", "专利证书", "其他"];

/// Most extra label/value lines.
pub const MAX_LINES: usize = 20;

/// How long a certificate is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Validity {
    /// From one date to another (`YYYY-MM-DD`, both included).
    Range {
        /// First valid day.
        from: String,
        /// Last valid day.
        until: String,
    },
    /// As printed, e.g. 五年.
    Text {
        /// The text.
        text: String,
    },
    /// 长期.
    Permanent,
}

impl Validity {
    /// As people read it: `2026-01-01 至 2028-12-31`, the text, or 长期.
    pub fn label(&self) -> String {
        match self {
            Self::Range { from, until } => format!("{from} 至 {until}"),
            Self::Text { text } => text.clone(),
            Self::Permanent => "长期".into(),
        }
    }

    /// The last valid day, for a range.
    pub fn until(&self) -> Option<NaiveDate> {
        match self {
            Self::Range { until, .. } => parse_date(until),
            _ => None,
        }
    }
}

/// One extra line, e.g. 软件名称 / 信易通.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExtraLine {
    /// Label.
    pub label: String,
    /// Value.
    pub value: String,
}

/// A certificate's reviewed fields: what members send, what a revision stores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CertificateFields {
    /// 证书名称.
    #[serde(default)]
    pub title: String,
    /// 证书类型: 荣誉证书, 资质证书, 软件产品证书, 专利证书, ….
    #[serde(default)]
    pub kind: String,
    /// 授予对象 (person or company).
    #[serde(default)]
    pub awarded_to: String,
    /// 颁发机构.
    #[serde(default)]
    pub issuer: String,
    /// 颁发日期 `YYYY-MM-DD`, not in the future.
    #[serde(default)]
    pub issue_date: String,
    /// 证书编号.
    #[serde(default)]
    pub number: String,
    /// 有效期.
    pub validity: Validity,
    /// 其他信息.
    #[serde(default)]
    pub extra_lines: Vec<ExtraLine>,
    /// 证书图片: uploaded images' file ids, at most 9.
    #[serde(default)]
    pub image_file_ids: Vec<i64>,
}

/// Reads `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

fn date(errors: &mut Vec<FieldError>, field: &str, text: &str) -> Option<NaiveDate> {
    let parsed = parse_date(text);
    if parsed.is_none() {
        errors.push(FieldError::new(field, "请填写日期（如 2026-01-31）"));
    }
    parsed
}

impl CertificateFields {
    /// Trims and checks every field against `today` (the association's date); members'
    /// certificates need at least one image.
    pub fn validated(self, today: NaiveDate, needs_image: bool) -> Result<Self, AppError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let e = &mut errors;
        let title = reviewed::text(e, "title", &self.title, 100, true);
        let kind = reviewed::text(e, "kind", &self.kind, 20, true);
        let awarded_to = reviewed::text(e, "awarded_to", &self.awarded_to, 100, true);
        let issuer = reviewed::text(e, "issuer", &self.issuer, 100, true);
        let number = reviewed::text(e, "number", &self.number, 64, false);
        let issued = date(e, "issue_date", &self.issue_date);
        if issued.is_some_and(|d| d > today) {
            e.push(FieldError::new("issue_date", "颁发日期不能晚于今天"));
        }
        let validity = match self.validity {
            Validity::Range { from, until } => {
                let (a, b) = (date(e, "validity.from", &from), date(e, "validity.until", &until));
                if let (Some(a), Some(b)) = (a, b)
                    && b < a
                {
                    e.push(FieldError::new("validity.until", "有效期结束不能早于开始"));
                }
                Validity::Range { from: from.trim().into(), until: until.trim().into() }
            }
            Validity::Text { text } => {
                Validity::Text { text: reviewed::text(e, "validity.text", &text, 20, true) }
            }
            Validity::Permanent => Validity::Permanent,
        };
        if self.extra_lines.len() > MAX_LINES {
            e.push(FieldError::new("extra_lines", format!("其他信息最多 {MAX_LINES} 行")));
        }
        let mut extra_lines = Vec::new();
        for line in self.extra_lines.iter().take(MAX_LINES) {
            let label = reviewed::text(e, "extra_lines", &line.label, 20, true);
            let value = reviewed::text(e, "extra_lines", &line.value, 200, false);
            extra_lines.push(ExtraLine { label, value });
        }
        if needs_image && self.image_file_ids.is_empty() {
            e.push(FieldError::new("image_file_ids", "请上传证书图片"));
        } else if self.image_file_ids.len() > MAX_IMAGES {
            e.push(FieldError::new("image_file_ids", format!("最多 {MAX_IMAGES} 张图片")));
        }
        reviewed::fail_on(errors)?;
        let issue_date = issued.map(|d| d.to_string()).unwrap_or_default();
        Ok(Self {
            title,
            kind,
            awarded_to,
            issuer,
            issue_date,
            number,
            validity,
            extra_lines,
            image_file_ids: self.image_file_ids,
        })
    }

    /// The fields as the reviewer compares them.
    pub fn review_fields(&self) -> Vec<Field> {
        let lines = self.extra_lines.iter().map(|l| (l.label.clone(), l.value.clone())).collect();
        vec![
            Field::new("证书名称", FieldValue::Text(self.title.clone())),
            Field::new("证书类型", FieldValue::Text(self.kind.clone())),
            Field::new("授予对象", FieldValue::Text(self.awarded_to.clone())),
            Field::new("颁发机构", FieldValue::Text(self.issuer.clone())),
            Field::new("颁发日期", FieldValue::Text(self.issue_date.clone())),
            Field::new("证书编号", FieldValue::Text(self.number.clone())),
            Field::new("有效期", FieldValue::Text(self.validity.label())),
            Field::new("其他信息", FieldValue::Lines(lines)),
            Field::new("证书图片", FieldValue::Images(self.image_file_ids.clone())),
        ]
    }
}

/// A stored certificate.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = certificates)]
pub struct CertificateRow {
    /// Id.
    pub id: i64,
    /// The member's user (None: an association honour).
    pub owner_user_id: Option<i64>,
    /// Staff who published it.
    pub created_by_staff_id: Option<i64>,
    /// The live revision (None: not approved yet).
    pub live_revision_id: Option<i64>,
    /// The live fields as JSON.
    pub live: String,
    /// Live title.
    pub title: String,
    /// The member shows it on their card.
    pub show_on_card: bool,
    /// Verification code, given on first approval.
    pub verify_code: Option<String>,
    /// Revoked by staff.
    pub revoked_at: Option<NaiveDateTime>,
    /// Why.
    pub revoke_reason: String,
    /// By whom.
    pub revoked_by_staff_id: Option<i64>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
    /// Deleted.
    pub deleted_at: Option<NaiveDateTime>,
}

impl CertificateRow {
    /// The live fields, when approved.
    pub fn live_fields(&self) -> Result<Option<CertificateFields>, AppError> {
        if self.live_revision_id.is_none() {
            return Ok(None);
        }
        serde_json::from_str(&self.live).map(Some).map_err(AppError::internal)
    }

    /// Where the certificate stands on `today`.
    pub fn status(&self, fields: &CertificateFields, today: NaiveDate) -> CertificateStatus {
        if self.revoked_at.is_some() {
            CertificateStatus::Revoked
        } else if fields.validity.until().is_some_and(|until| until < today) {
            CertificateStatus::Expired
        } else {
            CertificateStatus::Valid
        }
    }
}

/// What the verification page says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CertificateStatus {
    /// 有效.
    Valid,
    /// 已过期.
    Expired,
    /// 已撤销 by staff.
    Revoked,
}

impl CertificateStatus {
    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Valid => "有效",
            Self::Expired => "已过期",
            Self::Revoked => "已撤销",
        }
    }

    /// `valid`, `expired`, `revoked`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
        }
    }
}

/// A certificate's fields as API clients see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CertificateView {
    /// 证书名称.
    pub title: String,
    /// 证书类型.
    pub kind: String,
    /// 授予对象.
    pub awarded_to: String,
    /// 颁发机构.
    pub issuer: String,
    /// 颁发日期.
    pub issue_date: String,
    /// 证书编号.
    pub number: String,
    /// 有效期.
    pub validity: Validity,
    /// 有效期 as text.
    pub validity_label: String,
    /// 其他信息.
    pub extra_lines: Vec<ExtraLine>,
    /// 证书图片.
    pub images: Vec<ImageRef>,
}

impl From<CertificateFields> for CertificateView {
    fn from(f: CertificateFields) -> Self {
        Self {
            validity_label: f.validity.label(),
            images: f.image_file_ids.iter().copied().map(ImageRef::of).collect(),
            title: f.title,
            kind: f.kind,
            awarded_to: f.awarded_to,
            issuer: f.issuer,
            issue_date: f.issue_date,
            number: f.number,
            validity: f.validity,
            extra_lines: f.extra_lines,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn valid() -> CertificateFields {
        CertificateFields {
            title: "软件产品证书".into(),
            kind: "软件产品证书".into(),
            awarded_to: "深圳市示范科技有限公司".into(),
            issuer: "深圳市软件行业协会".into(),
            issue_date: "2026-03-01".into(),
            number: "SZ-2026-001".into(),
            validity: Validity::Range { from: "2026-03-01".into(), until: "2031-02-28".into() },
            extra_lines: vec![ExtraLine {
                label: "软件名称".into(), value: "信易通".into()
            }],
            image_file_ids: vec![1],
        }
    }

    #[test]
    fn a_valid_certificate_passes() {
        let f = valid().validated(today(), true).unwrap();
        assert_eq!(f.validity.label(), "2026-03-01 至 2031-02-28");
        assert_eq!(f.review_fields().len(), 9);
    }

    #[test]
    fn future_dates_backwards_validity_and_missing_images_are_refused() {
        let bad = CertificateFields {
            issue_date: "2026-11-25".into(),
            validity: Validity::Range { from: "2026-03-01".into(), until: "2026-02-28".into() },
            image_file_ids: vec![],
            ..valid()
        };
        let err = bad.validated(today(), true).unwrap_err();
        let names: Vec<&str> = err.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, vec!["issue_date", "validity.until", "image_file_ids"]);
        let many = CertificateFields { image_file_ids: (1..=10).collect(), ..valid() };
        assert_eq!(many.validated(today(), true).unwrap_err().fields()[0].field, "image_file_ids");
    }

    #[test]
    fn status_follows_revocation_and_validity() {
        let f = valid();
        let mut row = CertificateRow {
            id: 1,
            owner_user_id: None,
            created_by_staff_id: None,
            live_revision_id: Some(1),
            live: String::new(),
            title: String::new(),
            show_on_card: false,
            verify_code: None,
            revoked_at: None,
            revoke_reason: String::new(),
            revoked_by_staff_id: None,
            created_at: today().and_hms_opt(0, 0, 0).unwrap(),
            updated_at: today().and_hms_opt(0, 0, 0).unwrap(),
            deleted_at: None,
        };
        assert_eq!(row.status(&f, today()), CertificateStatus::Valid);
        let later = NaiveDate::from_ymd_opt(2031, 3, 1).unwrap();
        assert_eq!(row.status(&f, later), CertificateStatus::Expired);
        row.revoked_at = Some(row.created_at);
        assert_eq!(row.status(&f, today()), CertificateStatus::Revoked);
    }
}
