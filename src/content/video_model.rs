//! Videos as stored and as staff write them: an uploaded MP4 with a poster, or a link to
//! Tencent Video / WeChat channels (the only accepted hosts); validation, unit-tested.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::library_model::{MAX_SUMMARY, MAX_TITLE, check_audience, done, text};
use crate::db::schema::videos;
use crate::error::{AppError, FieldError};

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
    use crate::content::model::audience;

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
