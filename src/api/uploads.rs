//! `POST /api/v1/uploads`: one file through the media pipeline.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::auth::BearerUser;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::http::multipart::read_single_file;
use crate::kernel::media::{FileRow, Uploader};

/// A stored file.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UploadedFileView {
    /// File id to send back in other requests (avatar, application letter…).
    pub id: i64,
    /// `image` or `document`.
    pub kind: String,
    /// MIME type of the stored bytes (images are re-encoded to JPEG or PNG).
    pub content_type: String,
    /// Stored size in bytes.
    pub byte_size: i64,
    /// Image width in pixels.
    pub width: Option<i32>,
    /// Image height in pixels.
    pub height: Option<i32>,
}

impl From<FileRow> for UploadedFileView {
    fn from(row: FileRow) -> Self {
        Self {
            id: row.id,
            kind: row.kind,
            content_type: row.content_type,
            byte_size: row.byte_size,
            width: row.width,
            height: row.height,
        }
    }
}

/// The multipart form: one part, `file` (no other parts).
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadForm {
    /// The file: JPG, PNG, GIF, WebP, PDF, DOCX or XLSX.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// Uploads one file.
#[utoipa::path(
    post,
    path = "/api/v1/uploads",
    tag = "uploads",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = UploadedFileView),
        (status = 400, description = "Malformed multipart body", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 413, description = "File too large", body = ErrorBody),
        (status = 415, description = "Type not accepted (checked by content)", body = ErrorBody),
        (status = 422, description = "No file, broken image, or image too large in pixels", body = ErrorBody),
        (status = 429, description = "Daily upload quota reached (`Retry-After`)", body = ErrorBody),
        (status = 503, description = "Too many uploads or image decodes at once (`Retry-After`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_upload(
    state: web::Data<AppState>,
    user: BearerUser,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let _slot = state.media.gate().try_upload()?;
    let multipart = actix_multipart::Multipart::new(req.headers(), payload);
    let upload = read_single_file(multipart, state.media.limits().max_bytes, &[]).await?;
    let row = state
        .media
        .save(&state.db, &state.clock, upload.bytes, upload.file_name, Uploader::User(user.user.id))
        .await?;
    Ok(HttpResponse::Created().json(UploadedFileView::from(row)))
}
