//! JSON shapes shared by several endpoints.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;

use crate::accounts::UserRow;
use crate::accounts::tokens::IssuedToken;
use crate::profiles::reviewed::ImageRef;

/// The signed-in user's own account (never shown to other users).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserView {
    /// User id.
    pub id: i64,
    /// Nickname.
    pub nickname: Option<String>,
    /// Avatar file id.
    pub avatar_file_id: Option<i64>,
    /// The avatar with its public URLs.
    pub avatar: Option<ImageRef>,
    /// The user's own bound phone.
    pub phone: Option<String>,
    /// Whether a WeChat identity is bound.
    pub wechat_bound: bool,
    /// The user's own verified e-mail address for notices (`POST /api/v1/me/email`).
    pub email: Option<String>,
    /// Registered at (UTC).
    pub created_at: DateTime<Utc>,
}

impl From<&UserRow> for UserView {
    fn from(user: &UserRow) -> Self {
        Self {
            id: user.id,
            nickname: user.nickname.clone(),
            avatar_file_id: user.avatar_file_id,
            avatar: user.avatar_file_id.map(ImageRef::of),
            phone: user.phone.clone(),
            wechat_bound: user.wechat_openid.is_some(),
            email: user.email.clone(),
            created_at: utc(user.created_at),
        }
    }
}

/// Every sign-in answers with this.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SignInAnswer {
    /// Bearer token for `Authorization: Bearer …`.
    pub token: String,
    /// When the token expires unless used (each use slides it by 30 days).
    pub expires_at: DateTime<Utc>,
    /// The user.
    pub user: UserView,
}

impl SignInAnswer {
    /// Builds the answer.
    pub fn new(issued: IssuedToken, user: &UserRow) -> Self {
        Self { token: issued.token, expires_at: utc(issued.expires_at), user: UserView::from(user) }
    }
}

/// A stored UTC time as an RFC 3339 instant.
pub fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// 200 with `body` as JSON, every image reference in it given its public URLs
/// ([`crate::kernel::media::MediaLinks::fill`]).
pub fn ok(state: &crate::app::AppState, body: impl Serialize) -> actix_web::HttpResponse {
    linked(state, actix_web::http::StatusCode::OK, body)
}

/// 201 with `body` as JSON, image references linked.
pub fn created(state: &crate::app::AppState, body: impl Serialize) -> actix_web::HttpResponse {
    linked(state, actix_web::http::StatusCode::CREATED, body)
}

fn linked(
    state: &crate::app::AppState,
    status: actix_web::http::StatusCode,
    body: impl Serialize,
) -> actix_web::HttpResponse {
    match serde_json::to_value(body) {
        Ok(mut value) => {
            state.media_links.fill(&mut value);
            actix_web::HttpResponse::build(status).json(value)
        }
        Err(e) => {
            tracing::error!(error = %e, "answer could not be serialised");
            actix_web::HttpResponse::InternalServerError().finish()
        }
    }
}
