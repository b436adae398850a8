//! The workbench's own upload (through the same media pipeline) and viewing files.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::error::PageError;
use super::render::{Chrome, render};
use super::session::{RoleSet as _, Secretaries, StaffSession};
use crate::app::AppState;
use crate::http::multipart::read_single_file;
use crate::kernel::media::{self, FileRow, Uploader};

/// Parts a workbench upload form may send besides `file` (its hidden CSRF field).
pub const WORKBENCH_PARTS: &[&str] = &["csrf_token"];

/// `GET /admin/files`.
#[derive(askama::Template)]
#[template(path = "web/files/index.html")]
pub struct FilesPage {
    /// Layout.
    pub chrome: Chrome,
    /// Upload limit in MB, for the hint.
    pub max_mb: usize,
}

/// The answer to an upload (htmx swaps it in).
#[derive(askama::Template)]
#[template(path = "web/files/uploaded.html")]
pub struct UploadedFragment {
    /// The stored file, or why it was refused.
    pub result: Result<FileRow, String>,
}

/// `GET /admin/files`.
pub async fn show_files(
    state: web::Data<AppState>,
    staff: StaffSession,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/files", "文件上传").await?;
    let max_mb = state.media.limits().max_bytes / (1024 * 1024);
    render(&FilesPage { chrome, max_mb })
}

/// `POST /admin/files` (multipart through htmx): answers with a fragment, with the
/// error's status when refused.
pub async fn upload_file(
    state: web::Data<AppState>,
    staff: StaffSession,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let slot = state.media.gate().try_upload();
    let multipart = actix_multipart::Multipart::new(req.headers(), payload);
    let read = match slot {
        Ok(_) => read_single_file(multipart, state.media.limits().max_bytes, WORKBENCH_PARTS).await,
        Err(busy) => Err(busy),
    };
    let saved = match read {
        Ok(upload) => {
            state
                .media
                .save(
                    &state.db,
                    &state.clock,
                    upload.bytes,
                    upload.file_name,
                    Uploader::Staff(staff.staff.id),
                )
                .await
        }
        Err(e) => Err(e),
    };
    let (status, result) = match saved {
        Ok(row) => (actix_web::http::StatusCode::CREATED, Ok(row)),
        Err(e) if e.status() == actix_web::http::StatusCode::INTERNAL_SERVER_ERROR => {
            return Err(e.into());
        }
        Err(e) => (
            e.status(),
            Err(e.fields().first().map_or_else(|| e.to_string(), |f| f.message.clone())),
        ),
    };
    super::render::render_with(status, &UploadedFragment { result })
}

/// `GET /admin/files/{id}` and `/admin/files/{id}/thumbnail`: admins and secretaries
/// (who review applications and run events) see every file; other roles only the
/// files they uploaded themselves — anything else answers 404, as if absent.
pub async fn show_file(
    state: web::Data<AppState>,
    staff: StaffSession,
    path: web::Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let thumbnail = req.path().ends_with("/thumbnail");
    let sees_all = Secretaries::ROLES.contains(&staff.role());
    let file = media::find_for_staff(&state.db, *path, staff.staff.id, sees_all).await?;
    let bytes = state.media.read(&file, thumbnail).await?;
    let disposition = if file.kind == "image" { "inline" } else { "attachment" };
    let name = format!("file-{}.{}", file.id, file.extension);
    Ok(HttpResponse::Ok()
        .content_type(file.content_type.as_str())
        .insert_header((header::CONTENT_DISPOSITION, format!("{disposition}; filename=\"{name}\"")))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .body(bytes))
}
