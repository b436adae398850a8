//! The card style catalogue (名片样式) in the workbench: layouts and backgrounds with
//! name, order and enabled flag, and uploaded background images.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::render::{Chrome, redirect, render, render_with};
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::error::AppError;
use crate::http::multipart::read_single_file;
use crate::kernel::media::Uploader;
use crate::profiles::card_model::{Palette, StyleKind};
use crate::profiles::card_staff::{self, StyleChanges};
use crate::profiles::card_store::StyleRow;

/// One style row of the page.
#[derive(Debug, Clone)]
pub struct StyleRowView {
    /// The row.
    pub row: StyleRow,
    /// 版式 / 背景.
    pub kind_label: &'static str,
    /// CSS for the swatch (backgrounds).
    pub swatch: String,
}

/// `GET /admin/card-styles`.
#[derive(askama::Template)]
#[template(path = "web/card_styles/index.html")]
pub struct CardStylesPage {
    /// Layout.
    pub chrome: Chrome,
    /// Layouts.
    pub layouts: Vec<StyleRowView>,
    /// Backgrounds.
    pub backgrounds: Vec<StyleRowView>,
    /// A message about the last form.
    pub error: Option<String>,
}

/// `GET /admin/card-styles/upload`: the upload's answer (htmx fragment).
#[derive(askama::Template)]
#[template(source = "<p class=\"errors\" id=\"upload-error\">{{ message }}</p>", ext = "html")]
pub struct UploadErrorFragment {
    /// What went wrong.
    pub message: String,
}

fn view(state: &AppState, row: StyleRow) -> StyleRowView {
    let swatch = match (row.image_file_id, Palette::parse(&row.colors)) {
        (Some(id), _) => {
            format!("url('{}') center/cover", state.media_links.urls(id).thumbnail_url)
        }
        (None, Some(p)) => {
            format!("linear-gradient(135deg,{},{})", Palette::css(p.from), Palette::css(p.to))
        }
        (None, None) => String::new(),
    };
    let kind_label = StyleKind::parse(&row.kind).map_or("", StyleKind::label);
    StyleRowView { row, kind_label, swatch }
}

async fn page(
    state: &AppState,
    staff: &RequireRole<Secretaries>,
    error: Option<String>,
) -> Result<CardStylesPage, PageError> {
    let chrome = Chrome::build(state, staff, "/admin/card-styles", "名片样式").await?;
    let rows = card_staff::all_styles(&state.db).await?;
    let (layouts, backgrounds): (Vec<_>, Vec<_>) =
        rows.into_iter().map(|r| view(state, r)).partition(|v| v.row.kind == "layout");
    Ok(CardStylesPage { chrome, layouts, backgrounds, error })
}

/// `GET /admin/card-styles`.
pub async fn list_card_styles(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
) -> Result<HttpResponse, PageError> {
    render(&page(&state, &staff, None).await?)
}

/// A style form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StyleForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Order; blank = 0.
    #[serde(default)]
    pub sort_order: String,
    /// Checkbox: present when ticked.
    #[serde(default)]
    pub enabled: Option<String>,
}

/// `POST /admin/card-styles/{id}`: rename, reorder, enable or disable.
pub async fn update_card_style(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
    form: web::Form<StyleForm>,
) -> Result<HttpResponse, PageError> {
    let order = form.sort_order.trim();
    let result = match order.parse::<i32>() {
        _ if order.is_empty() => Ok(0),
        Ok(n) => Ok(n),
        Err(_) => Err(AppError::field("sort_order", "排序请填写整数")),
    };
    let result = match result {
        Ok(sort_order) => {
            let changes = StyleChanges {
                name: form.name.clone(),
                enabled: form.enabled.is_some(),
                sort_order,
            };
            card_staff::update_style(&state.db, &state.clock, staff.staff.id, *id, changes).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            staff.flash("success", "样式已保存");
            Ok(redirect("/admin/card-styles"))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let message = e.fields().first().map_or_else(|| e.to_string(), |f| f.message.clone());
            render_with(e.status(), &page(&state, &staff, Some(message)).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/card-styles/backgrounds` (htmx, multipart `file`): adds an uploaded
/// image as a background; anything but an image is refused (422), nothing saved.
pub async fn create_card_background(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let slot = state.media.gate().try_upload();
    let multipart = actix_multipart::Multipart::new(req.headers(), payload);
    let read = match slot {
        Ok(_) => {
            read_single_file(
                multipart,
                state.media.limits().max_bytes,
                super::files::WORKBENCH_PARTS,
            )
            .await
        }
        Err(busy) => Err(busy),
    };
    let saved = match read {
        Ok(upload) => {
            let name = upload.file_name.clone().unwrap_or_default();
            let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s).to_owned();
            match state
                .media
                .save(
                    &state.db,
                    &state.clock,
                    upload.bytes,
                    upload.file_name,
                    Uploader::Staff(staff.staff.id),
                )
                .await
            {
                Ok(file) => {
                    card_staff::add_background(
                        &state.db,
                        &state.clock,
                        staff.staff.id,
                        file.id,
                        stem,
                    )
                    .await
                }
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => {
            staff.flash("success", "背景已添加");
            Ok(HttpResponse::Ok().insert_header(("HX-Refresh", "true")).finish())
        }
        Err(e) if e.status() == actix_web::http::StatusCode::INTERNAL_SERVER_ERROR => Err(e.into()),
        Err(e) => {
            let message = e.fields().first().map_or_else(|| e.to_string(), |f| f.message.clone());
            render_with(e.status(), &UploadErrorFragment { message })
        }
    }
}
