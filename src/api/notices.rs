//! The member centre's notice list (消息): every notice sent to the user, unread first
//! counted, marked read one by one or all at once.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::auth::BearerUser;
use super::error::{ApiError, ErrorBody};
use super::events::PageQuery;
use crate::app::AppState;
use crate::notices::{self, NoticeRow};

/// One notice.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NoticeView {
    /// Id.
    pub id: i64,
    /// Kind key, e.g. `application_decided`.
    pub kind: String,
    /// Title, e.g. 申请审核结果.
    pub title: String,
    /// What happened, one sentence.
    pub body: String,
    /// Whether the user has read it.
    pub read: bool,
    /// Sent (UTC).
    pub created_at: DateTime<Utc>,
}

impl From<NoticeRow> for NoticeView {
    fn from(n: NoticeRow) -> Self {
        Self {
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            read: n.read_at.is_some(),
            created_at: n.created_at.and_utc(),
        }
    }
}

/// A page of notices, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NoticePageView {
    /// Notices.
    pub items: Vec<NoticeView>,
    /// Unread notices in all (for the badge).
    pub unread: i64,
    /// All notices.
    pub total: i64,
    /// Page number (1-based).
    pub page: i64,
    /// Number of pages.
    pub pages: i64,
}

/// The unread count after marking.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnreadView {
    /// Unread notices left.
    pub unread: i64,
}

/// The user's notices, newest first, with the unread count.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "me", params(PageQuery),
    responses((status = 200, body = NoticePageView), (status = 401, description = "No valid token", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_notifications(
    state: web::Data<AppState>,
    user: BearerUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, unread) = notices::inbox(&state.db, user.user.id, query.page.unwrap_or(1)).await?;
    let pages = page.pages();
    Ok(HttpResponse::Ok().json(NoticePageView {
        total: page.total,
        page: page.page,
        pages,
        unread,
        items: page.rows.into_iter().map(NoticeView::from).collect(),
    }))
}

/// Marks one notice read (again is harmless).
#[utoipa::path(post, path = "/api/v1/me/notifications/{id}/read", tag = "me",
    params(("id" = i64, Path, description = "Notice id")),
    responses(
        (status = 200, body = UnreadView),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such notice of yours", body = ErrorBody),
    ), security(("bearer" = [])))]
pub async fn read_notification(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let unread = notices::mark_read(&state.db, &state.clock, user.user.id, *id).await?;
    Ok(HttpResponse::Ok().json(UnreadView { unread }))
}

/// Marks every notice read.
#[utoipa::path(post, path = "/api/v1/me/notifications/read-all", tag = "me",
    responses((status = 200, body = UnreadView), (status = 401, description = "No valid token", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read_all_notifications(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    notices::mark_all_read(&state.db, &state.clock, user.user.id).await?;
    Ok(HttpResponse::Ok().json(UnreadView { unread: 0 }))
}
