//! Articles as stored and as staff write them: states, audiences, validation (pure,
//! unit-tested). Rich text is sanitised here, once, on the way in.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema::{article_categories, articles};
use crate::error::{AppError, FieldError};

/// Article states. "Scheduled" is a published article whose `publish_at` is still
/// ahead: the clock, not a job, makes it visible.
pub mod status {
    /// Being written; only staff see it.
    pub const DRAFT: &str = "draft";
    /// Visible to its audience from `publish_at` on.
    pub const PUBLISHED: &str = "published";
}

/// Who may read an item.
pub mod audience {
    /// Anyone, without a token.
    pub const EVERYONE: &str = "everyone";
    /// Active members whose position may read members-only content.
    pub const MEMBERS: &str = "members";
    /// Active members whose position ranks at least as high as `min_position_id`'s.
    pub const POSITION: &str = "position";

    /// zh-CN label.
    pub fn label(audience: &str) -> &'static str {
        match audience {
            EVERYONE => "所有人",
            MEMBERS => "仅会员",
            _ => "指定职务及以上",
        }
    }
}

/// Longest title, in characters.
pub const MAX_TITLE: usize = 100;
/// Longest summary, in characters.
pub const MAX_SUMMARY: usize = 300;
/// Longest body as typed (HTML characters), before sanitising.
pub const MAX_BODY: usize = 200_000;
/// Most attachments per article.
pub const MAX_ATTACHMENTS: usize = 10;

/// A category.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = article_categories)]
pub struct CategoryRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// `news`, `policy`, `notice`, `trend` for the built-in ones; empty for staff-added.
    pub code: String,
    /// List order.
    pub sort_order: i32,
    /// Created.
    #[serde(skip)]
    pub created_at: NaiveDateTime,
    /// Updated.
    #[serde(skip)]
    pub updated_at: NaiveDateTime,
}

/// What staff set on an article (one definition for insert and update).
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable, Selectable)]
#[diesel(table_name = articles, treat_none_as_null = true)]
pub struct ArticleFields {
    /// Category.
    pub category_id: i64,
    /// Title.
    pub title: String,
    /// Cover image.
    pub cover_file_id: Option<i64>,
    /// Summary (plain text).
    pub summary: String,
    /// Sanitised body.
    pub body_html: String,
    /// JSON array of document file ids.
    pub attachment_file_ids: String,
    /// Author as shown.
    pub author: String,
    /// See [`status`].
    pub status: String,
    /// From when it is visible (published articles).
    pub publish_at: Option<NaiveDateTime>,
    /// Listed first.
    pub pinned: bool,
    /// See [`audience`].
    pub audience: String,
    /// Audience `position`: the lowest position admitted.
    pub min_position_id: Option<i64>,
    /// Title and summary lower-cased, for `kernel::search`.
    pub search_text: String,
}

/// A stored article.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles)]
pub struct ArticleRow {
    /// Id.
    pub id: i64,
    /// What staff set.
    #[diesel(embed)]
    pub fields: ArticleFields,
    /// Detail views counted.
    pub view_count: i64,
    /// Staff who created it.
    pub created_by: i64,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// The list columns of an article (no body): what lists and the home load.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles)]
pub struct ArticleSummaryRow {
    /// Id.
    pub id: i64,
    /// Category.
    pub category_id: i64,
    /// Title.
    pub title: String,
    /// Cover.
    pub cover_file_id: Option<i64>,
    /// Summary.
    pub summary: String,
    /// Author.
    pub author: String,
    /// State.
    pub status: String,
    /// Visible from.
    pub publish_at: Option<NaiveDateTime>,
    /// Listed first.
    pub pinned: bool,
    /// Audience.
    pub audience: String,
    /// Audience `position`.
    pub min_position_id: Option<i64>,
    /// Views.
    pub view_count: i64,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

impl ArticleRow {
    /// The attachments' file ids.
    pub fn attachments(&self) -> Vec<i64> {
        serde_json::from_str(&self.fields.attachment_file_ids).unwrap_or_default()
    }
}

/// Where an article stands at `now`, as staff see it.
pub fn state_label(
    status_: &str,
    publish_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> &'static str {
    match (status_, publish_at) {
        (status::PUBLISHED, Some(at)) if at > now => "定时发布",
        (status::PUBLISHED, _) => "已发布",
        _ => "草稿",
    }
}

/// An article as staff submit it (workbench form or import).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ArticleInput {
    /// Category.
    pub category_id: Option<i64>,
    /// Title.
    pub title: String,
    /// Cover image.
    pub cover_file_id: Option<i64>,
    /// Summary; blank: the body's first 120 characters.
    pub summary: String,
    /// Body HTML from the editor (sanitised here).
    pub body_html: String,
    /// Attachments (uploaded documents).
    pub attachment_file_ids: Vec<i64>,
    /// Author; blank: the staff member's name.
    pub author: String,
    /// Pinned.
    pub pinned: bool,
    /// See [`audience`].
    pub audience: String,
    /// Audience `position`.
    pub min_position_id: Option<i64>,
}

impl ArticleInput {
    /// Checks the input and builds the stored fields (body sanitised, summary filled,
    /// search text made); the state is the caller's. All field errors at once.
    pub fn validate(&self, author_fallback: &str) -> Result<ArticleFields, AppError> {
        let mut errors = Vec::new();
        let title = self.title.trim().to_owned();
        if title.is_empty() || title.chars().count() > MAX_TITLE {
            errors.push(FieldError::new("title", format!("请填写标题（不超过 {MAX_TITLE} 字）")));
        }
        let Some(category_id) = self.category_id else {
            errors.push(FieldError::new("category_id", "请选择分类"));
            return Err(AppError::Validation(errors));
        };
        if self.body_html.chars().count() > MAX_BODY {
            errors.push(FieldError::new("body_html", "正文过长"));
        }
        let summary_in = self.summary.trim();
        if summary_in.chars().count() > MAX_SUMMARY {
            errors.push(FieldError::new("summary", format!("摘要不超过 {MAX_SUMMARY} 字")));
        }
        if self.attachment_file_ids.len() > MAX_ATTACHMENTS {
            errors.push(FieldError::new("attachment_file_ids", "附件最多 10 个"));
        }
        match self.audience.as_str() {
            audience::EVERYONE | audience::MEMBERS => {}
            audience::POSITION if self.min_position_id.is_some() => {}
            audience::POSITION => errors.push(FieldError::new("min_position_id", "请选择职务")),
            _ => errors.push(FieldError::new("audience", "请选择可见范围")),
        }
        let author = self.author.trim();
        if author.chars().count() > 40 {
            errors.push(FieldError::new("author", "作者不超过 40 字"));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let body_html = crate::kernel::rich_text::clean(&self.body_html);
        let summary = if summary_in.is_empty() {
            crate::kernel::rich_text::plain_text(&body_html).chars().take(120).collect()
        } else {
            summary_in.to_owned()
        };
        let search_text = crate::kernel::search::normalise(&format!("{title} {summary}"));
        let mut attachments = self.attachment_file_ids.clone();
        attachments.dedup();
        Ok(ArticleFields {
            category_id,
            title,
            cover_file_id: self.cover_file_id,
            summary,
            body_html,
            attachment_file_ids: serde_json::to_string(&attachments)
                .unwrap_or_else(|_| "[]".into()),
            author: if author.is_empty() { author_fallback.to_owned() } else { author.to_owned() },
            status: status::DRAFT.into(),
            publish_at: None,
            pinned: self.pinned,
            audience: self.audience.clone(),
            min_position_id: if self.audience == audience::POSITION {
                self.min_position_id
            } else {
                None
            },
            search_text,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ArticleInput {
        ArticleInput {
            category_id: Some(1),
            title: " 标题 ".into(),
            body_html: "<p>正文<script>alert(1)</script></p>".into(),
            audience: audience::EVERYONE.into(),
            ..ArticleInput::default()
        }
    }

    #[test]
    fn body_is_sanitised_and_summary_filled() {
        let f = input().validate("秘书处").unwrap();
        assert_eq!(f.title, "标题");
        assert_eq!(f.body_html, "<p>正文</p>");
        assert_eq!(f.summary, "正文");
        assert_eq!(f.author, "秘书处");
        assert_eq!(f.status, status::DRAFT);
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = ArticleInput {
            title: String::new(),
            audience: audience::POSITION.into(),
            summary: "长".repeat(301),
            ..input()
        };
        let AppError::Validation(errors) = bad.validate("x").unwrap_err() else { panic!() };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "summary", "min_position_id"]);
    }

    #[test]
    fn states_follow_the_clock() {
        let now =
            chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(6, 0, 0).unwrap();
        let later = now + chrono::Duration::hours(1);
        assert_eq!(state_label(status::PUBLISHED, Some(later), now), "定时发布");
        assert_eq!(state_label(status::PUBLISHED, Some(now), now), "已发布");
        assert_eq!(state_label(status::DRAFT, None, now), "草稿");
    }
}
