//! The resource library, albums and videos in the mini-program: lists, details, the
//! library's counted downloads and the videos' MP4 (byte ranges) — no token needed; with
//! one, members see what their audience admits (checked at every request, files too).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::auth::MaybeUser;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::content::albums::{self, AlbumPage, AlbumView};
use crate::content::gallery_store::GalleryFilter;
use crate::content::library::{self, LibraryItemView, LibraryPage};
use crate::content::library_model::kind;
use crate::content::library_store::LibraryFilter;
use crate::content::videos::{self, VideoPage, VideoView};
use crate::kernel::search::SearchQuery;

/// Files checked per request are never kept by caches.
const PRIVATE: &str = "private, no-store";

/// Library list filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LibraryParams {
    /// Words in the title, issue or summary (Chinese or Latin).
    pub q: Option<String>,
    /// `journal` (会刊) or `document`.
    pub kind: Option<String>,
    /// Page, from 1.
    pub page: Option<i64>,
}

/// Album and video list filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct GalleryParams {
    /// Words in the title or description.
    pub q: Option<String>,
    /// Page, from 1.
    pub page: Option<i64>,
}

fn search(q: Option<&str>) -> Option<SearchQuery> {
    q.map(|t| t.trim().chars().take(64).collect::<String>()).as_deref().and_then(SearchQuery::parse)
}

/// Published journals and documents the reader may see, newest first. Visitors see
/// members-only ones as locked teasers (`locked`, no summary, no download) only when
/// the association turned that on.
#[utoipa::path(get, path = "/api/v1/library", tag = "content", params(LibraryParams),
    responses((status = 200, body = LibraryPage), (status = 422, body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn list_library(
    state: web::Data<AppState>,
    user: MaybeUser,
    query: web::Query<LibraryParams>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        None => None,
        Some(k @ (kind::JOURNAL | kind::DOCUMENT)) => Some(k.to_owned()),
        Some(_) => {
            return Err(
                crate::error::AppError::field("kind", "类型须为 journal 或 document").into()
            );
        }
    };
    let filter = LibraryFilter { q: search(q.q.as_deref()), kind, status: None };
    let page = library::list(&state.db, user.id(), filter, q.page.unwrap_or(1)).await?;
    Ok(super::views::ok(&state, page))
}

/// One library item, with its file's name and size. Outside the reader's audience:
/// 403 `members_only` for a visitor when teasers are on, otherwise 404.
#[utoipa::path(get, path = "/api/v1/library/{id}", tag = "content",
    params(("id" = i64, Path, description = "Library item id")),
    responses((status = 200, body = LibraryItemView), (status = 404, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn show_library_item(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let view = library::detail(&state.db, user.id(), *id).await?;
    Ok(super::views::ok(&state, view))
}

/// The item's file, checked against the reader's membership and position now, and
/// counted.
#[utoipa::path(get, path = "/api/v1/library/{id}/file", tag = "content",
    params(("id" = i64, Path, description = "Library item id")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 404, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn download_library_item(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let file = library::download(&state.db, user.id(), *id).await?;
    let mut res = crate::public::media::serve_checked(&state.media, &req, &file, PRIVATE).await?;
    let disposition = format!("attachment; filename=\"file-{}.{}\"", file.id, file.extension);
    if let Ok(v) = header::HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// Published albums the reader may see, newest first (teasers as for the library).
#[utoipa::path(get, path = "/api/v1/albums", tag = "content", params(GalleryParams),
    responses((status = 200, body = AlbumPage)),
    security((), ("bearer" = [])))]
pub async fn list_albums(
    state: web::Data<AppState>,
    user: MaybeUser,
    query: web::Query<GalleryParams>,
) -> Result<HttpResponse, ApiError> {
    let filter = GalleryFilter { q: search(query.q.as_deref()), status: None };
    let page = albums::list(&state.db, user.id(), filter, query.page.unwrap_or(1)).await?;
    Ok(super::views::ok(&state, page))
}

/// One album with its photos (`url`, `thumbnail_url`) in order.
#[utoipa::path(get, path = "/api/v1/albums/{id}", tag = "content",
    params(("id" = i64, Path, description = "Album id")),
    responses((status = 200, body = AlbumView), (status = 404, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn show_album(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let view = albums::detail(&state.db, user.id(), *id).await?;
    Ok(super::views::ok(&state, view))
}

/// Published videos the reader may see, newest first (teasers as for the library).
#[utoipa::path(get, path = "/api/v1/videos", tag = "content", params(GalleryParams),
    responses((status = 200, body = VideoPage)),
    security((), ("bearer" = [])))]
pub async fn list_videos(
    state: web::Data<AppState>,
    user: MaybeUser,
    query: web::Query<GalleryParams>,
) -> Result<HttpResponse, ApiError> {
    let filter = GalleryFilter { q: search(query.q.as_deref()), status: None };
    let page = videos::list(&state.db, user.id(), filter, query.page.unwrap_or(1)).await?;
    Ok(super::views::ok(&state, page))
}

/// One video: an upload plays from `play_path`, a link opens `link_url`.
#[utoipa::path(get, path = "/api/v1/videos/{id}", tag = "content",
    params(("id" = i64, Path, description = "Video id")),
    responses((status = 200, body = VideoView), (status = 404, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn show_video(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let view = videos::detail(&state.db, user.id(), *id).await?;
    Ok(super::views::ok(&state, view))
}

/// An uploaded video's MP4, checked against the reader's audience now; single byte
/// ranges (`Range: bytes=…`) answer 206.
#[utoipa::path(get, path = "/api/v1/videos/{id}/file", tag = "content",
    params(("id" = i64, Path, description = "Video id")),
    responses((status = 200, description = "The MP4", content_type = "video/mp4"),
        (status = 206, description = "A byte range of it", content_type = "video/mp4"),
        (status = 404, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn play_video(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let file = videos::file(&state.db, user.id(), *id).await?;
    Ok(crate::public::media::serve_checked(&state.media, &req, &file, PRIVATE).await?)
}
