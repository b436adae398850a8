//! Albums in the workbench (相册, `editor` role and up): the list with search and pages,
//! the form (optionally of an event), photos uploaded in bulk (`static/library_upload.js`
//! sends a multi-file selection one file at a time with progress), captions, order,
//! cover, removal; publish and take back.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::library::{id_field, state_label};
use super::pager::{Pager, pager};
use super::render::{Chrome, redirect, render, render_with};
use super::session::{Editors, RequireRole};
use crate::app::AppState;
use crate::content::albums::{self, PhotoChange};
use crate::content::gallery_store::GalleryFilter;
use crate::content::library_model::{AlbumInput, AlbumRow, PhotoRow};
use crate::content::model::{audience, status};
use crate::error::{AppError, FieldError};
use crate::kernel::clock::display_minutes;
use crate::kernel::page::PAGE_SIZE;
use crate::kernel::search::SearchQuery;
use crate::membership::model::PositionRow;

/// A list row: id, title, state, audience, updated, cover thumbnail.
pub type AlbumRowView = (i64, String, &'static str, &'static str, String, Option<String>);

/// List filters as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GalleryQuery {
    /// Words.
    #[serde(default)]
    pub q: String,
    /// `draft`, `published` or blank.
    #[serde(default)]
    pub state: String,
    /// Page.
    pub page: Option<i64>,
}

impl GalleryQuery {
    /// The store's filter.
    pub fn filter(&self) -> GalleryFilter {
        GalleryFilter {
            q: SearchQuery::parse(self.q.trim()),
            status: [status::DRAFT, status::PUBLISHED]
                .contains(&self.state.as_str())
                .then(|| self.state.clone()),
        }
    }
}

/// `GET /admin/albums`.
#[derive(askama::Template)]
#[template(path = "web/albums/index.html")]
pub struct AlbumListPage {
    /// Layout.
    pub chrome: Chrome,
    /// Rows.
    pub rows: Vec<AlbumRowView>,
    /// Filters.
    pub query: GalleryQuery,
    /// Pages.
    pub pager: Pager,
}

/// `GET /admin/albums`.
pub async fn list_albums(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    query: web::Query<GalleryQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/albums", "相册").await?;
    let tz = state.association_settings().await?.time_zone;
    let query = query.into_inner();
    let page_no = query.page.unwrap_or(1);
    let page = albums::staff_list(&state.db, query.filter(), page_no).await?;
    let filters = [("q", query.q.clone()), ("state", query.state.clone())];
    let pager = pager("/admin/albums", &filters, page_no, page.total, PAGE_SIZE);
    let rows = page
        .rows
        .into_iter()
        .map(|r| {
            let cover = r.fields.cover_file_id.map(|f| state.media_links.urls(f).thumbnail_url);
            let f = r.fields;
            let updated = display_minutes(r.updated_at, tz);
            (r.id, f.title, state_label(&r.status), audience::label(&f.audience), updated, cover)
        })
        .collect();
    render(&AlbumListPage { chrome, rows, query, pager })
}

/// The album form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AlbumForm {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Event id or blank.
    #[serde(default)]
    pub event_id: String,
    /// Cover file id or blank.
    #[serde(default)]
    pub cover_file_id: String,
    /// Audience.
    #[serde(default)]
    pub audience: String,
    /// Audience `position`.
    #[serde(default)]
    pub min_position_id: String,
}

impl AlbumForm {
    fn of(row: &AlbumRow) -> Self {
        let f = &row.fields;
        let text = |v: Option<i64>| v.map(|i| i.to_string()).unwrap_or_default();
        Self {
            title: f.title.clone(),
            description: f.description.clone(),
            event_id: text(f.event_id),
            cover_file_id: text(f.cover_file_id),
            audience: f.audience.clone(),
            min_position_id: text(f.min_position_id),
        }
    }

    fn input(&self) -> Result<AlbumInput, AppError> {
        let mut errors = Vec::new();
        let event_id = id_field("event_id", &self.event_id, &mut errors);
        let cover_file_id = id_field("cover_file_id", &self.cover_file_id, &mut errors);
        let min_position_id = id_field("min_position_id", &self.min_position_id, &mut errors);
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(AlbumInput {
            title: self.title.clone(),
            description: self.description.clone(),
            event_id,
            cover_file_id,
            audience: self.audience.clone(),
            min_position_id,
        })
    }
}

/// A photo as the form shows it: the row, its thumbnail, whether it is the cover.
pub type PhotoItem = (PhotoRow, String, bool);

/// `GET /admin/albums/new` and `/admin/albums/{id}`.
#[derive(askama::Template)]
#[template(path = "web/albums/form.html")]
pub struct AlbumFormPage {
    /// Layout.
    pub chrome: Chrome,
    /// Where the form posts.
    pub action: String,
    /// The album being edited and its state label.
    pub item: Option<(i64, &'static str)>,
    /// The form.
    pub form: AlbumForm,
    /// Messages.
    pub errors: Vec<FieldError>,
    /// Positions.
    pub positions: Vec<PositionRow>,
    /// Its photos.
    pub photos: Vec<PhotoItem>,
}

impl AlbumFormPage {
    /// The message for `field`.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

async fn form_page(
    state: &AppState,
    staff: &RequireRole<Editors>,
    album: Option<(&AlbumRow, Vec<PhotoRow>)>,
    form: AlbumForm,
    errors: Vec<FieldError>,
) -> Result<AlbumFormPage, PageError> {
    let title = if album.is_some() { "编辑相册" } else { "新建相册" };
    let chrome = Chrome::build(state, staff, "/admin/albums", title).await?;
    let positions = state.db.run(crate::membership::all_positions).await?;
    let (item, action, photos) = match album {
        Some((row, photos)) => {
            let cover = row.fields.cover_file_id;
            let photos = photos
                .into_iter()
                .map(|p| {
                    let thumb = state.media_links.urls(p.file_id).thumbnail_url;
                    let is_cover = cover == Some(p.file_id);
                    (p, thumb, is_cover)
                })
                .collect();
            (Some((row.id, state_label(&row.status))), format!("/admin/albums/{}", row.id), photos)
        }
        None => (None, "/admin/albums".into(), Vec::new()),
    };
    Ok(AlbumFormPage { chrome, action, item, form, errors, positions, photos })
}

/// `GET /admin/albums/new`.
pub async fn new_album(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
) -> Result<HttpResponse, PageError> {
    let form = AlbumForm { audience: audience::EVERYONE.into(), ..AlbumForm::default() };
    render(&form_page(&state, &staff, None, form, Vec::new()).await?)
}

/// `GET /admin/albums/{id}`.
pub async fn edit_album(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let (row, photos) = albums::find(&state.db, *id).await?;
    let form = AlbumForm::of(&row);
    render(&form_page(&state, &staff, Some((&row, photos)), form, Vec::new()).await?)
}

async fn save(
    state: &AppState,
    staff: &RequireRole<Editors>,
    id: Option<i64>,
    form: AlbumForm,
) -> Result<HttpResponse, PageError> {
    let sid = staff.staff.id;
    let result = match form.input() {
        Ok(input) => match id {
            Some(id) => albums::update(&state.db, &state.clock, sid, id, input).await.map(|()| id),
            None => albums::create(&state.db, &state.clock, sid, input).await,
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => {
            staff.flash("success", "相册已保存");
            Ok(redirect(&format!("/admin/albums/{id}")))
        }
        Err(e @ AppError::Validation(_)) => {
            let found = match id {
                Some(id) => Some(albums::find(&state.db, id).await?),
                None => None,
            };
            let album = found.as_ref().map(|(r, p)| (r, p.clone()));
            let errors = e.fields().to_vec();
            render_with(e.status(), &form_page(state, staff, album, form, errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/albums`: creates a draft album.
pub async fn create_album(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    form: web::Form<AlbumForm>,
) -> Result<HttpResponse, PageError> {
    save(&state, &staff, None, form.into_inner()).await
}

/// `POST /admin/albums/{id}`: saves changes.
pub async fn update_album(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
    form: web::Form<AlbumForm>,
) -> Result<HttpResponse, PageError> {
    save(&state, &staff, Some(*id), form.into_inner()).await
}

/// `POST /admin/albums/{id}/publish` and `/unpublish`.
pub async fn publish_album(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, PageError> {
    let publish = !req.path().ends_with("/unpublish");
    albums::set_published(&state.db, &state.clock, staff.staff.id, *id, publish).await?;
    staff.flash("success", if publish { "相册已发布" } else { "相册已撤回为草稿" });
    Ok(redirect(&format!("/admin/albums/{}", *id)))
}

/// The photo form: `action` is `save`, `cover` or `delete`.
#[derive(Debug, Deserialize)]
pub struct PhotoForm {
    /// What to do.
    #[serde(default)]
    pub action: String,
    /// Caption.
    #[serde(default)]
    pub caption: String,
    /// Order.
    #[serde(default)]
    pub sort_order: String,
}

/// `POST /admin/albums/{id}/photos/{photo_id}`: caption and order, cover, or removal.
pub async fn change_photo(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    path: web::Path<(i64, i64)>,
    form: web::Form<PhotoForm>,
) -> Result<HttpResponse, PageError> {
    let (id, photo_id) = path.into_inner();
    let change = match form.action.as_str() {
        "cover" => PhotoChange::Cover,
        "delete" => PhotoChange::Delete,
        _ => {
            let sort_order = form
                .sort_order
                .trim()
                .parse()
                .map_err(|_| AppError::field("sort_order", "排序须为整数"))?;
            PhotoChange::Edit { caption: form.caption.clone(), sort_order }
        }
    };
    albums::change_photo(&state.db, &state.clock, staff.staff.id, (id, photo_id), change).await?;
    staff.flash("success", "照片已更新");
    Ok(redirect(&format!("/admin/albums/{id}#photos")))
}
