//! Experts (专家库): the fields a revision holds, their rules, and the stored row.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::reviewed::{self, ImageRef};
use crate::db::schema::experts;
use crate::error::{AppError, FieldError};
use crate::kernel::revisions::diff::{Field, FieldValue};

/// Most field tags per expert.
pub const MAX_TAGS: usize = 10;

/// An expert's reviewed fields: what members send, what a revision stores.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExpertFields {
    /// 姓名.
    #[serde(default)]
    pub name: String,
    /// 照片: an uploaded image's file id.
    #[serde(default)]
    pub photo_file_id: Option<i64>,
    /// 专业领域, as tags (e.g. 智能制造, 知识产权).
    #[serde(default)]
    pub fields: Vec<String>,
    /// 职称 (e.g. 高级工程师).
    #[serde(default)]
    pub title: String,
    /// 工作单位.
    #[serde(default)]
    pub organisation: String,
    /// 个人简介 (plain text, line breaks kept).
    #[serde(default)]
    pub introduction: String,
    /// 主要成就 (plain text, line breaks kept).
    #[serde(default)]
    pub achievements: String,
}

impl ExpertFields {
    /// Trims and checks every field; all messages at once.
    pub fn validated(self) -> Result<Self, AppError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let e = &mut errors;
        let name = reviewed::text(e, "name", &self.name, 50, true);
        let title = reviewed::text(e, "title", &self.title, 50, false);
        let organisation = reviewed::text(e, "organisation", &self.organisation, 100, false);
        let introduction = reviewed::text(e, "introduction", &self.introduction, 5000, false);
        let achievements = reviewed::text(e, "achievements", &self.achievements, 5000, false);
        let mut fields: Vec<String> = Vec::new();
        for tag in &self.fields {
            let tag = tag.trim();
            if tag.is_empty() || fields.iter().any(|t| t == tag) {
                continue;
            }
            if tag.chars().count() > 20 || tag.contains('|') {
                errors.push(FieldError::new("fields", "每个领域不超过 20 字，且不含 |"));
                break;
            }
            fields.push(tag.to_owned());
        }
        if fields.is_empty() {
            errors.push(FieldError::new("fields", "请至少填写一个专业领域"));
        } else if fields.len() > MAX_TAGS {
            errors.push(FieldError::new("fields", format!("专业领域最多 {MAX_TAGS} 个")));
        }
        reviewed::fail_on(errors)?;
        Ok(Self {
            name,
            photo_file_id: self.photo_file_id,
            fields,
            title,
            organisation,
            introduction,
            achievements,
        })
    }

    /// Image ids the fields carry.
    pub fn image_ids(&self) -> Vec<i64> {
        self.photo_file_id.into_iter().collect()
    }

    /// `|tag|tag|`, stored for the field filter.
    pub fn tag_index(&self) -> String {
        if self.fields.is_empty() {
            return String::new();
        }
        format!("|{}|", self.fields.join("|"))
    }

    /// The fields as the reviewer compares them.
    pub fn review_fields(&self) -> Vec<Field> {
        vec![
            Field::new("姓名", FieldValue::Text(self.name.clone())),
            Field::new("照片", FieldValue::Images(self.image_ids())),
            Field::new("专业领域", FieldValue::Tags(self.fields.clone())),
            Field::new("职称", FieldValue::Text(self.title.clone())),
            Field::new("工作单位", FieldValue::Text(self.organisation.clone())),
            Field::new("个人简介", FieldValue::LongText(self.introduction.clone())),
            Field::new("主要成就", FieldValue::LongText(self.achievements.clone())),
        ]
    }
}

/// A stored expert.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = experts)]
pub struct ExpertRow {
    /// Id.
    pub id: i64,
    /// The owning member's user (None: the association's).
    pub owner_user_id: Option<i64>,
    /// Staff who created it.
    pub created_by_staff_id: Option<i64>,
    /// The live revision (None: not approved yet, invisible).
    pub live_revision_id: Option<i64>,
    /// The live fields as JSON ("" until approved).
    pub live: String,
    /// Live name (search).
    pub name: String,
    /// Live organisation (search).
    pub organisation: String,
    /// Live `|tag|tag|` (filter).
    pub field_tags: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
    /// Deleted (never shown again).
    pub deleted_at: Option<NaiveDateTime>,
}

impl ExpertRow {
    /// The live fields, when approved.
    pub fn live_fields(&self) -> Result<Option<ExpertFields>, AppError> {
        if self.live_revision_id.is_none() {
            return Ok(None);
        }
        serde_json::from_str(&self.live).map(Some).map_err(AppError::internal)
    }
}

/// An expert's fields as API clients see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ExpertView {
    /// 姓名.
    pub name: String,
    /// 照片.
    pub photo: Option<ImageRef>,
    /// 专业领域.
    pub fields: Vec<String>,
    /// 职称.
    pub title: String,
    /// 工作单位.
    pub organisation: String,
    /// 个人简介.
    pub introduction: String,
    /// 主要成就.
    pub achievements: String,
}

impl From<ExpertFields> for ExpertView {
    fn from(f: ExpertFields) -> Self {
        Self {
            name: f.name,
            photo: f.photo_file_id.map(ImageRef::of),
            fields: f.fields,
            title: f.title,
            organisation: f.organisation,
            introduction: f.introduction,
            achievements: f.achievements,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> ExpertFields {
        ExpertFields {
            name: " 王工 ".into(),
            fields: vec!["智能制造".into(), " 智能制造".into(), "".into(), "知识产权".into()],
            ..Default::default()
        }
    }

    #[test]
    fn fields_are_trimmed_and_tags_deduplicated() {
        let f = valid().validated().unwrap();
        assert_eq!(f.name, "王工");
        assert_eq!(f.fields, vec!["智能制造", "知识产权"]);
        assert_eq!(f.tag_index(), "|智能制造|知识产权|");
    }

    #[test]
    fn bad_fields_are_all_reported() {
        let bad = ExpertFields { name: " ".into(), title: "长".repeat(51), ..Default::default() };
        let err = bad.validated().unwrap_err();
        let names: Vec<&str> = err.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, vec!["name", "title", "fields"]);
        let tags = ExpertFields { fields: vec!["a|b".into()], ..valid() };
        assert_eq!(tags.validated().unwrap_err().fields()[0].field, "fields");
    }
}
