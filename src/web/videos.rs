//! Videos in the workbench (视频, `editor` role and up): the list with search and pages;
//! the form — an MP4 uploaded through the media pipeline (its own size limit) with a
//! poster, or a Tencent Video / WeChat channels link; publish and take back.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::albums::GalleryQuery;
use super::error::PageError;
use super::library::{id_field, state_label};
use super::pager::{Pager, pager};
use super::render::{Chrome, redirect, render, render_with};
use super::session::{Editors, RequireRole};
use crate::app::AppState;
use crate::content::model::audience;
use crate::content::video_model::{VideoInput, VideoRow, source};
use crate::content::videos;
use crate::error::{AppError, FieldError};
use crate::kernel::clock::display_minutes;
use crate::kernel::page::PAGE_SIZE;
use crate::membership::model::PositionRow;

/// A list row: id, title, 上传 / 链接, state, audience, updated.
pub type VideoRowView = (i64, String, &'static str, &'static str, &'static str, String);

/// `GET /admin/videos`.
#[derive(askama::Template)]
#[template(path = "web/videos/index.html")]
pub struct VideoListPage {
    /// Layout.
    pub chrome: Chrome,
    /// Rows.
    pub rows: Vec<VideoRowView>,
    /// Filters.
    pub query: GalleryQuery,
    /// Pages.
    pub pager: Pager,
}

/// `GET /admin/videos`.
pub async fn list_videos(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    query: web::Query<GalleryQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/videos", "视频").await?;
    let tz = state.association_settings().await?.time_zone;
    let query = query.into_inner();
    let page_no = query.page.unwrap_or(1);
    let page = videos::staff_list(&state.db, query.filter(), page_no).await?;
    let filters = [("q", query.q.clone()), ("state", query.state.clone())];
    let pager = pager("/admin/videos", &filters, page_no, page.total, PAGE_SIZE);
    let rows = page
        .rows
        .into_iter()
        .map(|r| {
            let f = r.fields;
            let src = if f.source == source::UPLOAD { "上传" } else { "链接" };
            let updated = display_minutes(r.updated_at, tz);
            (r.id, f.title, src, state_label(&r.status), audience::label(&f.audience), updated)
        })
        .collect();
    render(&VideoListPage { chrome, rows, query, pager })
}

/// The form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct VideoForm {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Summary.
    #[serde(default)]
    pub summary: String,
    /// `upload` or `link`.
    #[serde(default)]
    pub source: String,
    /// MP4 file id.
    #[serde(default)]
    pub file_id: String,
    /// Link.
    #[serde(default)]
    pub link_url: String,
    /// Poster file id.
    #[serde(default)]
    pub poster_file_id: String,
    /// Audience.
    #[serde(default)]
    pub audience: String,
    /// Audience `position`.
    #[serde(default)]
    pub min_position_id: String,
}

impl VideoForm {
    fn of(row: &VideoRow) -> Self {
        let f = &row.fields;
        let text = |v: Option<i64>| v.map(|i| i.to_string()).unwrap_or_default();
        Self {
            title: f.title.clone(),
            summary: f.summary.clone(),
            source: f.source.clone(),
            file_id: text(f.file_id),
            link_url: f.link_url.clone(),
            poster_file_id: text(f.poster_file_id),
            audience: f.audience.clone(),
            min_position_id: text(f.min_position_id),
        }
    }

    fn input(&self) -> Result<VideoInput, AppError> {
        let mut errors = Vec::new();
        let file_id = id_field("file_id", &self.file_id, &mut errors);
        let poster_file_id = id_field("poster_file_id", &self.poster_file_id, &mut errors);
        let min_position_id = id_field("min_position_id", &self.min_position_id, &mut errors);
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(VideoInput {
            title: self.title.clone(),
            summary: self.summary.clone(),
            source: self.source.clone(),
            file_id,
            link_url: self.link_url.clone(),
            poster_file_id,
            audience: self.audience.clone(),
            min_position_id,
        })
    }
}

/// `GET /admin/videos/new` and `/admin/videos/{id}`.
#[derive(askama::Template)]
#[template(path = "web/videos/form.html")]
pub struct VideoFormPage {
    /// Layout.
    pub chrome: Chrome,
    /// Where the form posts.
    pub action: String,
    /// The video being edited and its state label.
    pub item: Option<(i64, &'static str)>,
    /// The form.
    pub form: VideoForm,
    /// Messages.
    pub errors: Vec<FieldError>,
    /// Positions.
    pub positions: Vec<PositionRow>,
    /// Upload limit in MB, for the hint.
    pub max_mb: usize,
}

impl VideoFormPage {
    /// The message for `field`.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

async fn form_page(
    state: &AppState,
    staff: &RequireRole<Editors>,
    row: Option<&VideoRow>,
    form: VideoForm,
    errors: Vec<FieldError>,
) -> Result<VideoFormPage, PageError> {
    let title = if row.is_some() { "编辑视频" } else { "新增视频" };
    let chrome = Chrome::build(state, staff, "/admin/videos", title).await?;
    let positions = state.db.run(crate::membership::all_positions).await?;
    Ok(VideoFormPage {
        chrome,
        action: row.map_or_else(|| "/admin/videos".into(), |r| format!("/admin/videos/{}", r.id)),
        item: row.map(|r| (r.id, state_label(&r.status))),
        form,
        errors,
        positions,
        max_mb: state.config.content.video_max_bytes / (1024 * 1024),
    })
}

/// `GET /admin/videos/new`.
pub async fn new_video(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
) -> Result<HttpResponse, PageError> {
    let form = VideoForm {
        source: source::UPLOAD.into(),
        audience: audience::EVERYONE.into(),
        ..VideoForm::default()
    };
    render(&form_page(&state, &staff, None, form, Vec::new()).await?)
}

/// `GET /admin/videos/{id}`.
pub async fn edit_video(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let row = videos::find(&state.db, *id).await?;
    render(&form_page(&state, &staff, Some(&row), VideoForm::of(&row), Vec::new()).await?)
}

async fn save(
    state: &AppState,
    staff: &RequireRole<Editors>,
    id: Option<i64>,
    form: VideoForm,
) -> Result<HttpResponse, PageError> {
    let sid = staff.staff.id;
    let result = match form.input() {
        Ok(input) => match id {
            Some(id) => videos::update(&state.db, &state.clock, sid, id, input).await.map(|()| id),
            None => videos::create(&state.db, &state.clock, sid, input).await,
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => {
            staff.flash("success", "视频已保存");
            Ok(redirect(&format!("/admin/videos/{id}")))
        }
        Err(e @ AppError::Validation(_)) => {
            let row = match id {
                Some(id) => Some(videos::find(&state.db, id).await?),
                None => None,
            };
            let errors = e.fields().to_vec();
            render_with(e.status(), &form_page(state, staff, row.as_ref(), form, errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/videos`: creates a draft.
pub async fn create_video(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    form: web::Form<VideoForm>,
) -> Result<HttpResponse, PageError> {
    save(&state, &staff, None, form.into_inner()).await
}

/// `POST /admin/videos/{id}`: saves changes.
pub async fn update_video(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
    form: web::Form<VideoForm>,
) -> Result<HttpResponse, PageError> {
    save(&state, &staff, Some(*id), form.into_inner()).await
}

/// `POST /admin/videos/{id}/publish` and `/unpublish`.
pub async fn publish_video(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, PageError> {
    let publish = !req.path().ends_with("/unpublish");
    videos::set_published(&state.db, &state.clock, staff.staff.id, *id, publish).await?;
    staff.flash("success", if publish { "视频已发布" } else { "视频已撤回为草稿" });
    Ok(redirect(&format!("/admin/videos/{}", *id)))
}
