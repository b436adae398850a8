//! The resource library, albums and videos as stored and as staff write them: kinds,
//! validation (pure, unit-tested), the video link hosts. Audience and states are the
//! articles' (`model::audience`, `model::status`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::model::audience;
use crate::db::schema::{album_photos, albums, library_items, videos};
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

/// Video sources.
pub mod source {
    /// An uploaded MP4 with a poster image.
    pub const UPLOAD: &str = "upload";
    /// A Tencent Video or WeChat channels link.
    pub const LINK: &str = "link";
}

/// Hosts a video link may point at: Tencent Video and WeChat channels (视频号).
pub const VIDEO_HOSTS: &[&str] =
    &["v.qq.com", "m.v.qq.com", "channels.weixin.qq.com", "finder.video.qq.com"];

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
fn check_audience(
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
fn text(
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

fn done<T>(value: T, errors: Vec<FieldError>) -> Result<T, AppError> {
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

/// What staff set on a video.
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset, Queryable, Selectable)]
#[diesel(table_name = videos, treat_none_as_null = true)]
pub struct VideoFields {
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// See [`source`].
    pub source: String,
    /// The MP4 (source `upload`).
    pub file_id: Option<i64>,
    /// The link (source `link`).
    pub link_url: String,
    /// The poster image.
    pub poster_file_id: Option<i64>,
    /// Audience.
    pub audience: String,
    /// Audience `position`.
    pub min_position_id: Option<i64>,
    /// Title and summary lower-cased.
    pub search_text: String,
}

/// A stored video.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = videos)]
pub struct VideoRow {
    /// Id.
    pub id: i64,
    /// What staff set.
    #[diesel(embed)]
    pub fields: VideoFields,
    /// `draft` or `published`.
    pub status: String,
    /// When it was published.
    pub published_at: Option<NaiveDateTime>,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// A video as staff submit it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct VideoInput {
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// See [`source`].
    pub source: String,
    /// The MP4.
    pub file_id: Option<i64>,
    /// The link.
    pub link_url: String,
    /// The poster.
    pub poster_file_id: Option<i64>,
    /// Audience.
    pub audience: String,
    /// Audience `position`.
    pub min_position_id: Option<i64>,
}

/// A Tencent Video or WeChat channels link, or why not: `https`, no user or port, the
/// host one of [`VIDEO_HOSTS`]. Returns the link as parsed (normalised).
pub fn video_link(value: &str) -> Result<String, String> {
    let refused = || format!("只接受腾讯视频或视频号链接（{}）", VIDEO_HOSTS.join("、"));
    let url = url::Url::parse(value.trim()).map_err(|_| "请填写完整的视频链接".to_owned())?;
    if url.scheme() != "https" {
        return Err("视频链接须以 https:// 开头".into());
    }
    if !url.username().is_empty() || url.password().is_some() || url.port().is_some() {
        return Err(refused());
    }
    match url.host_str() {
        Some(host) if VIDEO_HOSTS.contains(&host) => Ok(url.to_string()),
        _ => Err(refused()),
    }
}

impl VideoInput {
    /// Checks the input and builds the stored fields: an upload needs its MP4 and a
    /// poster; a link needs an accepted host.
    pub fn validate(&self) -> Result<VideoFields, AppError> {
        let mut errors = Vec::new();
        let title = text(&self.title, "title", MAX_TITLE, true, &mut errors);
        let summary = text(&self.summary, "summary", MAX_SUMMARY, false, &mut errors);
        let mut link_url = String::new();
        let mut file_id = None;
        match self.source.as_str() {
            source::UPLOAD => {
                file_id = self.file_id;
                if file_id.is_none() {
                    errors.push(FieldError::new("file_id", "请上传 MP4 视频"));
                }
                if self.poster_file_id.is_none() {
                    errors.push(FieldError::new("poster_file_id", "请上传封面图（视频海报）"));
                }
            }
            source::LINK => match video_link(&self.link_url) {
                Ok(link) => link_url = link,
                Err(message) => errors.push(FieldError::new("link_url", message)),
            },
            _ => errors.push(FieldError::new("source", "请选择视频来源")),
        }
        let min_position_id = check_audience(&self.audience, self.min_position_id, &mut errors);
        let search_text = crate::kernel::search::normalise(&format!("{title} {summary}"));
        done(
            VideoFields {
                title,
                summary,
                source: self.source.clone(),
                file_id,
                link_url,
                poster_file_id: self.poster_file_id,
                audience: self.audience.clone(),
                min_position_id,
                search_text,
            },
            errors,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_links_only_on_tencent_hosts() {
        assert!(video_link("https://v.qq.com/x/cover/abc/def.html").is_ok());
        assert!(video_link("https://channels.weixin.qq.com/web/pages/feed?id=1").is_ok());
        for bad in [
            "http://v.qq.com/x/1.html",
            "https://v.qq.com.evil.example/x",
            "https://youtube.com/watch?v=1",
            "https://user@v.qq.com/x",
            "https://v.qq.com:8443/x",
            "javascript:alert(1)",
            "v.qq.com/x",
        ] {
            assert!(video_link(bad).is_err(), "{bad}");
        }
    }

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

    #[test]
    fn an_uploaded_video_needs_file_and_poster() {
        let input = VideoInput {
            title: "年会".into(),
            source: source::UPLOAD.into(),
            audience: audience::EVERYONE.into(),
            ..VideoInput::default()
        };
        let AppError::Validation(errors) = input.validate().unwrap_err() else { panic!() };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["file_id", "poster_file_id"]);
    }
}
