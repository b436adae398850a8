//! Uploads of the library, album and video forms (multipart with the CSRF header, sent
//! by `static/library_upload.js` one file at a time with a progress display): the kind
//! is checked by content before the media pipeline stores anything; videos take the
//! `[content] video_max_bytes` limit, enforced while the body is read.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::files::WORKBENCH_PARTS;
use super::session::{Editors, RequireRole};
use crate::app::AppState;
use crate::error::AppError;
use crate::http::multipart::read_single_file_draining;
use crate::kernel::media::{FileRow, Uploader};

/// What an upload must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// JPG, PNG, GIF, WebP.
    Image,
    /// PDF, Word, Excel.
    Document,
    /// MP4.
    Video,
}

/// `?kind=image|document|video`.
#[derive(Debug, Deserialize)]
pub struct UploadKind {
    /// The kind wanted.
    #[serde(default)]
    pub kind: String,
}

fn json_error(e: &AppError) -> HttpResponse {
    let message = e.fields().first().map_or_else(|| e.to_string(), |f| f.message.clone());
    HttpResponse::build(e.status()).json(serde_json::json!({"ok": false, "message": message}))
}

fn kind_matches(wanted: Wanted, bytes: &[u8]) -> Result<(), AppError> {
    let detected = infer::get(bytes).map(|t| t.mime_type());
    let ok = match wanted {
        Wanted::Image => detected.is_some_and(|m| m.starts_with("image/") && m != "image/svg+xml"),
        Wanted::Video => detected == Some("video/mp4"),
        Wanted::Document => {
            detected.is_some_and(|m| !m.starts_with("image/") && !m.starts_with("video/"))
        }
    };
    if ok {
        return Ok(());
    }
    Err(AppError::UnsupportedMediaType(
        match wanted {
            Wanted::Image => "请上传 JPG、PNG、GIF 或 WebP 图片",
            Wanted::Document => "请上传 PDF、Word 或 Excel 文件",
            Wanted::Video => "请上传 MP4 视频",
        }
        .into(),
    ))
}

/// Reads one file of `wanted` from the request and stores it as the staff member's
/// upload. On any refusal nothing is stored.
pub async fn receive(
    state: &AppState,
    staff_id: i64,
    wanted: Wanted,
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<FileRow, AppError> {
    let _slot = state.media.gate().try_upload()?;
    let media = match wanted {
        Wanted::Video => state.media.with_max_bytes(state.config.content.video_max_bytes),
        _ => state.media.clone(),
    };
    let max = media.limits().max_bytes;
    // Read (and drop) up to twice the limit past it, so the client gets its 413.
    let drain = max.saturating_mul(2).max(128 * 1024 * 1024);
    let multipart = actix_multipart::Multipart::new(req.headers(), payload);
    let upload = read_single_file_draining(multipart, max, WORKBENCH_PARTS, drain).await?;
    kind_matches(wanted, &upload.bytes)?;
    media
        .save(&state.db, &state.clock, upload.bytes, upload.file_name, Uploader::Staff(staff_id))
        .await
}

/// The JSON answer for a stored file (`extra` merged in), or the refusal with its status.
pub fn answer(
    state: &AppState,
    saved: Result<FileRow, AppError>,
    extra: serde_json::Value,
) -> Result<HttpResponse, PageError> {
    match saved {
        Ok(file) => {
            let urls = state.media_links.urls(file.id);
            let mut body = serde_json::json!({
                "ok": true, "id": file.id, "kind": file.kind, "name": file.original_name,
                "url": urls.url, "thumbnail_url": urls.thumbnail_url,
            });
            if let (Some(map), serde_json::Value::Object(more)) = (body.as_object_mut(), extra) {
                map.extend(more);
            }
            Ok(HttpResponse::Created().json(body))
        }
        Err(e) if e.status().is_server_error() && e.status().as_u16() != 503 => Err(e.into()),
        Err(e) => Ok(json_error(&e)),
    }
}

/// `POST /admin/library/uploads?kind=image|document|video`: one file for a library,
/// album or video form; answers `{"ok":true,"id":…}` or `{"ok":false,"message":…}`.
pub async fn upload_library_file(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    query: web::Query<UploadKind>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let wanted = match query.kind.as_str() {
        "image" => Wanted::Image,
        "document" => Wanted::Document,
        "video" => Wanted::Video,
        _ => return Ok(json_error(&AppError::field("kind", "kind 须为 image、document 或 video"))),
    };
    let saved = receive(&state, staff.staff.id, wanted, &req, payload).await;
    answer(&state, saved, serde_json::Value::Null)
}

/// `POST /admin/albums/{id}/photos`: one photo of a bulk upload, stored and added at the
/// end of the album in one go.
pub async fn upload_album_photo(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let id = *id;
    // The album must exist before any bytes are taken.
    crate::content::albums::find(&state.db, id).await?;
    let saved = receive(&state, staff.staff.id, Wanted::Image, &req, payload).await;
    let added = match saved {
        Ok(file) => crate::content::albums::add_photo(
            &state.db,
            &state.clock,
            staff.staff.id,
            id,
            file.id,
            "",
        )
        .await
        .map(|photo| (file, photo)),
        Err(e) => Err(e),
    };
    match added {
        Ok((file, photo)) => answer(&state, Ok(file), serde_json::json!({"photo_id": photo})),
        Err(e) => answer(&state, Err(e), serde_json::Value::Null),
    }
}
