//! The resource library and albums as stored and as staff write them: kinds, validation
//! (pure, unit-tested). Audience and states are the articles' (`model::audience`,
//! `model::status`); videos are in `video_model`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::model::audience;
use crate::db::schema::{album_photos, albums, library_items};
use crate::error::{AppError, FieldError};

/// Library kinds.
pub mod kind {
    /// A journal issue (会刊), with an issue label.
    pub const JOURNAL: &str = "journal";
    /// A document (PDF, Word, Excel).
    pub const DOCUMENT: &str = "document";

    /// zh-CN label.
    pub fn label(kind: &str) -> &'static str {
        if kind == JOURNAL { "会刊" } else { "文档" }
    }
}

/// Longest title, in characters.
pub const MAX_TITLE: usize = 100;
/// Longest summary or description, in characters.
pub const MAX_SUMMARY: usize = 500;
/// Longest photo caption, in characters.
pub const MAX_CAPTION: usize = 200;

/// What staff set on a library item.
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable, Selectable)]
#[diesel(table_name = library_items, treat_none_as_null = true)]
pub struct LibraryFields {
    /// See [`kind`].
    pub kind: String,
    /// Title.
    pub title: String,
    /// Journals: the issue, e.g. 2026年第3期.
    pub issue_label: String,
    /// Summary (plain text).
    pub summary: String,
    /// Cover image.
    pub cover_file_id: Option<i64>,
    /// The document.
    pub file_id: i64,
    /// See `model::audience`.
    pub audience: String,
    /// Audience `position`: the lowest position admitted.
    pub min_position_id: Option<i64>,
    /// Title, issue and summary lower-cased, for `kernel::search`.
    pub search_text: String,
}

/// A stored library item.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = library_items)]
pub struct LibraryRow {
    /// Id.
    pub id: i64,
    /// What staff set.
    #[diesel(embed)]
    pub fields: LibraryFields,
    /// `draft` or `published`.
    pub status: String,
    /// When it was published.
    pub published_at: Option<NaiveDateTime>,
    /// Downloads counted.
    pub download_count: i64,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// A library item as staff submit it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LibraryInput {
    /// See [`kind`].
    pub kind: String,
    /// Title.
    pub title: String,
    /// Issue label (journals).
    pub issue_label: String,
    /// Summary.
    pub summary: String,
    /// Cover image.
    pub cover_file_id: Option<i64>,
    /// The document.
    pub file_id: Option<i64>,
    /// Audience.
    pub audience: String,
    /// Audience `position`.
    pub min_position_id: Option<i64>,
}

/// Checks an audience; pushes its errors; the position kept only for `position`.
pub(super) fn check_audience(
    audience_: &str,
    min_position_id: Option<i64>,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    match audience_ {
        audience::EVERYONE | audience::MEMBERS => None,
        audience::POSITION if min_position_id.is_some() => min_position_id,
        audience::POSITION => {
            errors.push(FieldError::new("min_position_id", "请选择职务"));
            None
        }
        _ => {
            errors.push(FieldError::new("audience", "请选择可见范围"));
            None
        }
    }
}

/// A trimmed text of at most `max` characters (`required`: not blank).
pub(super) fn text(
    value: &str,
    field: &str,
    max: usize,
    required: bool,
    errors: &mut Vec<FieldError>,
) -> String {
    let t = value.trim();
    if required && t.is_empty() || t.chars().count() > max {
        let what = if required { "请填写" } else { "" };
        errors.push(FieldError::new(field, format!("{what}不超过 {max} 字")));
    }
    t.to_owned()
}

pub(super) fn done<T>(value: T, errors: Vec<FieldError>) -> Result<T, AppError> {
    if errors.is_empty() { Ok(value) } else { Err(AppError::Validation(errors)) }
}

impl LibraryInput {
    /// Checks the input and builds the stored fields; all field errors at once.
    pub fn validate(&self) -> Result<LibraryFields, AppError> {
        let mut errors = Vec::new();
        if self.kind != kind::JOURNAL && self.kind != kind::DOCUMENT {
            errors.push(FieldError::new("kind", "请选择类型（会刊或文档）"));
        }
        let title = text(&self.title, "title", MAX_TITLE, true, &mut errors);
        let issue_label = text(&self.issue_label, "issue_label", 40, false, &mut errors);
        if self.kind == kind::JOURNAL && issue_label.is_empty() {
            errors.push(FieldError::new("issue_label", "会刊请填写期号，如 2026年第3期"));
        }
        let summary = text(&self.summary, "summary", MAX_SUMMARY, false, &mut errors);
        if self.file_id.is_none() {
            errors.push(FieldError::new("file_id", "请上传文件（PDF、Word 或 Excel）"));
        }
        let min_position_id = check_audience(&self.audience, self.min_position_id, &mut errors);
        let search_text =
            crate::kernel::search::normalise(&format!("{title} {issue_label} {summary}"));
        done(
            LibraryFields {
                kind: self.kind.clone(),
                title,
                issue_label,
                summary,
                cover_file_id: self.cover_file_id,
                file_id: self.file_id.unwrap_or_default(),
                audience: self.audience.clone(),
                min_position_id,
                search_text,
            },
            errors,
        )
    }
}

/// What staff set on an album.
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable, Selectable)]
#[diesel(table_name = albums, treat_none_as_null = true)]
pub struct AlbumFields {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// The event it is of.
    pub event_id: Option<i64>,
    /// Cover (blank: the first photo).
    pub cover_file_id: Option<i64>,
    /// Audience.
    pub audience: String,
    /// Audience `position`.
    pub min_position_id: Option<i64>,
    /// Title and description lower-cased.
    pub search_text: String,
}

/// A stored album.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = albums)]
pub struct AlbumRow {
    /// Id.
    pub id: i64,
    /// What staff set.
    #[diesel(embed)]
    pub fields: AlbumFields,
    /// `draft` or `published`.
    pub status: String,
    /// When it was published.
    pub published_at: Option<NaiveDateTime>,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// A photo of an album.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = album_photos)]
pub struct PhotoRow {
    /// Id.
    pub id: i64,
    /// The album.
    pub album_id: i64,
    /// The image.
    pub file_id: i64,
    /// Caption.
    pub caption: String,
    /// Order (ascending).
    pub sort_order: i32,
}

/// An album as staff submit it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AlbumInput {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// The event.
    pub event_id: Option<i64>,
    /// Cover.
    pub cover_file_id: Option<i64>,
    /// Audience.
    pub audience: String,
    /// Audience `position`.
    pub min_position_id: Option<i64>,
}

impl AlbumInput {
    /// Checks the input and builds the stored fields.
    pub fn validate(&self) -> Result<AlbumFields, AppError> {
        let mut errors = Vec::new();
        let title = text(&self.title, "title", MAX_TITLE, true, &mut errors);
        let description = text(&self.description, "description", MAX_SUMMARY, false, &mut errors);
        let min_position_id = check_audience(&self.audience, self.min_position_id, &mut errors);
        let search_text = crate::kernel::search::normalise(&format!("{title} {description}"));
        done(
            AlbumFields {
                title,
                description,
                event_id: self.event_id,
                cover_file_id: self.cover_file_id,
                audience: self.audience.clone(),
                min_position_id,
                search_text,
            },
            errors,
        )
    }
}

/// Checks a caption.
pub fn caption(value: &str) -> Result<String, AppError> {
    let mut errors = Vec::new();
    let t = text(value, "caption", MAX_CAPTION, false, &mut errors);
    done(t, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_needs_its_issue_and_every_error_is_named() {
        let input = LibraryInput {
            kind: kind::JOURNAL.into(),
            title: " ".into(),
            audience: audience::POSITION.into(),
            ..LibraryInput::default()
        };
        let AppError::Validation(errors) = input.validate().unwrap_err() else { panic!() };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "issue_label", "file_id", "min_position_id"]);
        let ok = LibraryInput {
            title: "会刊".into(),
            issue_label: "2026年第3期".into(),
            file_id: Some(3),
            audience: audience::MEMBERS.into(),
            min_position_id: Some(2),
            ..input
        };
        let f = ok.validate().unwrap();
        assert_eq!((f.min_position_id, f.search_text.as_str()), (None, "会刊 2026年第3期 "));
    }
}
