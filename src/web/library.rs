//! The resource library in the workbench (资源库, `editor` role and up): the list with
//! search, kind and state filters, pages and download counts; the form (file and cover
//! uploaded through the media pipeline); publish and take back.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::pager::{Pager, pager};
use super::render::{Chrome, redirect, render, render_with};
use super::session::{Editors, RequireRole};
use crate::app::AppState;
use crate::content::library;
use crate::content::library_model::{LibraryInput, LibraryRow, kind};
use crate::content::library_store::LibraryFilter;
use crate::content::model::{audience, status};
use crate::error::{AppError, FieldError};
use crate::kernel::clock::display_minutes;
use crate::kernel::page::PAGE_SIZE;
use crate::kernel::search::SearchQuery;
use crate::membership::model::PositionRow;

/// Reads an optional id typed in a form; unreadable is a field error.
pub fn id_field(field: &str, text: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    t.parse().map_err(|_| errors.push(FieldError::new(field, "请填写正确的编号"))).ok()
}

/// 草稿 / 已发布.
pub fn state_label(state: &str) -> &'static str {
    if state == status::PUBLISHED { "已发布" } else { "草稿" }
}

/// A list row.
#[derive(Debug, Clone)]
pub struct LibraryRowView {
    /// Id.
    pub id: i64,
    /// 会刊 / 文档.
    pub kind: &'static str,
    /// Title.
    pub title: String,
    /// Issue label.
    pub issue_label: String,
    /// 草稿 / 已发布.
    pub state: &'static str,
    /// Audience label.
    pub audience: &'static str,
    /// Downloads.
    pub download_count: i64,
    /// Updated, formatted.
    pub updated: String,
}

/// List filters as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LibraryQuery {
    /// Words.
    #[serde(default)]
    pub q: String,
    /// `journal`, `document` or blank.
    #[serde(default)]
    pub kind: String,
    /// `draft`, `published` or blank.
    #[serde(default)]
    pub state: String,
    /// Page.
    pub page: Option<i64>,
}

/// `GET /admin/library`.
#[derive(askama::Template)]
#[template(path = "web/library/index.html")]
pub struct LibraryListPage {
    /// Layout.
    pub chrome: Chrome,
    /// Rows.
    pub rows: Vec<LibraryRowView>,
    /// Filters.
    pub query: LibraryQuery,
    /// Pages.
    pub pager: Pager,
}

/// `GET /admin/library`.
pub async fn list_library(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    query: web::Query<LibraryQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/library", "资源库").await?;
    let tz = state.association_settings().await?.time_zone;
    let query = query.into_inner();
    let pick = |v: &str, allowed: [&str; 2]| allowed.contains(&v).then(|| v.to_owned());
    let filter = LibraryFilter {
        q: SearchQuery::parse(query.q.trim()),
        kind: pick(&query.kind, [kind::JOURNAL, kind::DOCUMENT]),
        status: pick(&query.state, [status::DRAFT, status::PUBLISHED]),
    };
    let page_no = query.page.unwrap_or(1);
    let page = library::staff_list(&state.db, filter, page_no).await?;
    let filters =
        [("q", query.q.clone()), ("kind", query.kind.clone()), ("state", query.state.clone())];
    let pager = pager("/admin/library", &filters, page_no, page.total, PAGE_SIZE);
    let rows = page
        .rows
        .into_iter()
        .map(|r| LibraryRowView {
            id: r.id,
            kind: kind::label(&r.fields.kind),
            title: r.fields.title,
            issue_label: r.fields.issue_label,
            state: state_label(&r.status),
            audience: audience::label(&r.fields.audience),
            download_count: r.download_count,
            updated: display_minutes(r.updated_at, tz),
        })
        .collect();
    render(&LibraryListPage { chrome, rows, query, pager })
}

/// The form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LibraryForm {
    /// `journal` or `document`.
    #[serde(default)]
    pub kind: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Issue label.
    #[serde(default)]
    pub issue_label: String,
    /// Summary.
    #[serde(default)]
    pub summary: String,
    /// Cover file id.
    #[serde(default)]
    pub cover_file_id: String,
    /// Document file id.
    #[serde(default)]
    pub file_id: String,
    /// Audience.
    #[serde(default)]
    pub audience: String,
    /// Audience `position`.
    #[serde(default)]
    pub min_position_id: String,
}

impl LibraryForm {
    fn of(row: &LibraryRow) -> Self {
        let f = &row.fields;
        Self {
            kind: f.kind.clone(),
            title: f.title.clone(),
            issue_label: f.issue_label.clone(),
            summary: f.summary.clone(),
            cover_file_id: f.cover_file_id.map(|i| i.to_string()).unwrap_or_default(),
            file_id: f.file_id.to_string(),
            audience: f.audience.clone(),
            min_position_id: f.min_position_id.map(|i| i.to_string()).unwrap_or_default(),
        }
    }

    fn input(&self) -> Result<LibraryInput, AppError> {
        let mut errors = Vec::new();
        let cover_file_id = id_field("cover_file_id", &self.cover_file_id, &mut errors);
        let file_id = id_field("file_id", &self.file_id, &mut errors);
        let min_position_id = id_field("min_position_id", &self.min_position_id, &mut errors);
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(LibraryInput {
            kind: self.kind.clone(),
            title: self.title.clone(),
            issue_label: self.issue_label.clone(),
            summary: self.summary.clone(),
            cover_file_id,
            file_id,
            audience: self.audience.clone(),
            min_position_id,
        })
    }
}

/// `GET /admin/library/new` and `/admin/library/{id}`.
#[derive(askama::Template)]
#[template(path = "web/library/form.html")]
pub struct LibraryFormPage {
    /// Layout.
    pub chrome: Chrome,
    /// Where the form posts.
    pub action: String,
    /// The item being edited, its state label and downloads.
    pub item: Option<(i64, &'static str, i64)>,
    /// The form.
    pub form: LibraryForm,
    /// Messages.
    pub errors: Vec<FieldError>,
    /// Positions (audience `position`).
    pub positions: Vec<PositionRow>,
    /// The cover's thumbnail.
    pub cover_url: Option<String>,
}

impl LibraryFormPage {
    /// The message for `field`.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

async fn form_page(
    state: &AppState,
    staff: &RequireRole<Editors>,
    row: Option<&LibraryRow>,
    form: LibraryForm,
    errors: Vec<FieldError>,
) -> Result<LibraryFormPage, PageError> {
    let title = if row.is_some() { "编辑资料" } else { "新增资料" };
    let chrome = Chrome::build(state, staff, "/admin/library", title).await?;
    let positions = state.db.run(crate::membership::all_positions).await?;
    let cover_url = form
        .cover_file_id
        .trim()
        .parse::<i64>()
        .ok()
        .map(|id| state.media_links.urls(id).thumbnail_url);
    Ok(LibraryFormPage {
        chrome,
        action: row.map_or_else(|| "/admin/library".into(), |r| format!("/admin/library/{}", r.id)),
        item: row.map(|r| (r.id, state_label(&r.status), r.download_count)),
        form,
        errors,
        positions,
        cover_url,
    })
}

/// `GET /admin/library/new`.
pub async fn new_library_item(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
) -> Result<HttpResponse, PageError> {
    let form = LibraryForm {
        kind: kind::JOURNAL.into(),
        audience: audience::EVERYONE.into(),
        ..LibraryForm::default()
    };
    render(&form_page(&state, &staff, None, form, Vec::new()).await?)
}

/// `GET /admin/library/{id}`.
pub async fn edit_library_item(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let row = library::find(&state.db, *id).await?;
    render(&form_page(&state, &staff, Some(&row), LibraryForm::of(&row), Vec::new()).await?)
}

async fn save(
    state: &AppState,
    staff: &RequireRole<Editors>,
    id: Option<i64>,
    form: LibraryForm,
) -> Result<HttpResponse, PageError> {
    let result = match form.input() {
        Ok(input) => match id {
            Some(id) => library::update(&state.db, &state.clock, staff.staff.id, id, input)
                .await
                .map(|()| id),
            None => library::create(&state.db, &state.clock, staff.staff.id, input).await,
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => {
            staff.flash("success", "资料已保存");
            Ok(redirect(&format!("/admin/library/{id}")))
        }
        Err(e @ AppError::Validation(_)) => {
            let row = match id {
                Some(id) => Some(library::find(&state.db, id).await?),
                None => None,
            };
            let errors = e.fields().to_vec();
            render_with(e.status(), &form_page(state, staff, row.as_ref(), form, errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/library`: creates a draft.
pub async fn create_library_item(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    form: web::Form<LibraryForm>,
) -> Result<HttpResponse, PageError> {
    save(&state, &staff, None, form.into_inner()).await
}

/// `POST /admin/library/{id}`: saves changes.
pub async fn update_library_item(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
    form: web::Form<LibraryForm>,
) -> Result<HttpResponse, PageError> {
    save(&state, &staff, Some(*id), form.into_inner()).await
}

/// `POST /admin/library/{id}/publish`.
pub async fn publish_library_item(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    library::set_published(&state.db, &state.clock, staff.staff.id, *id, true).await?;
    staff.flash("success", "资料已发布");
    Ok(redirect(&format!("/admin/library/{}", *id)))
}

/// `POST /admin/library/{id}/unpublish`.
pub async fn unpublish_library_item(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    library::set_published(&state.db, &state.clock, staff.staff.id, *id, false).await?;
    staff.flash("success", "资料已撤回为草稿");
    Ok(redirect(&format!("/admin/library/{}", *id)))
}
