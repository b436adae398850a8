//! Content in the mini-program: the home (`/home`, one cacheable answer), articles and
//! their categories, attachments — no token needed; with one, members see what their
//! audience admits (checked at every request).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::MaybeUser;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::content::home::{self, HomeView};
use crate::content::model::CategoryRow;
use crate::content::reading::{self, ArticlePage, ArticleView};

/// Article list filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ArticleParams {
    /// Words in the title or summary (Chinese or Latin).
    pub q: Option<String>,
    /// Category id.
    pub category_id: Option<i64>,
    /// Page, from 1.
    pub page: Option<i64>,
}

/// The article categories.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ArticleCategoryList {
    /// In list order.
    pub items: Vec<CategoryRow>,
}

/// The mini-program home: banners, shortcuts, pinned and latest articles, upcoming
/// events. Members-only items only with a member's token. Cacheable for 30 s.
#[utoipa::path(get, path = "/api/v1/home", tag = "content",
    responses((status = 200, body = HomeView,
        headers(("Cache-Control" = String, description = "`public` without a token, else `private`; `max-age=30`")))),
    security((), ("bearer" = [])))]
pub async fn show_home(
    state: web::Data<AppState>,
    user: MaybeUser,
) -> Result<HttpResponse, ApiError> {
    let view = state.home_cache.home(&state.db, &state.clock, user.id()).await?;
    let mut res = super::views::ok(&state, &*view);
    let scope = if user.0.is_some() { "private" } else { "public" };
    let value = format!("{scope}, max-age={}", home::CACHE_SECONDS);
    if let Ok(v) = header::HeaderValue::from_str(&value) {
        res.headers_mut().insert(header::CACHE_CONTROL, v);
    }
    res.headers_mut().insert(header::VARY, header::HeaderValue::from_static("Authorization"));
    Ok(res)
}

/// Published articles the reader may see, pinned first, then newest. Visitors see
/// members-only ones as locked teasers (`locked`, no summary) only when the
/// association turned that on.
#[utoipa::path(get, path = "/api/v1/articles", tag = "content", params(ArticleParams),
    responses((status = 200, body = ArticlePage)),
    security((), ("bearer" = [])))]
pub async fn list_articles(
    state: web::Data<AppState>,
    user: MaybeUser,
    query: web::Query<ArticleParams>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let wanted = (q.q, q.category_id, q.page.unwrap_or(1));
    let page = state.article_cache.list(&state.db, &state.clock, user.id(), wanted).await?;
    Ok(super::views::ok(&state, &*page))
}

/// One article (counts a view). Outside the reader's audience: 403 `members_only`
/// when teasers are on for a visitor, otherwise 404.
#[utoipa::path(get, path = "/api/v1/articles/{id}", tag = "content",
    params(("id" = i64, Path, description = "Article id")),
    responses((status = 200, body = ArticleView), (status = 404, body = ErrorBody),
        (status = 403, description = "`members_only`: a locked teaser's article", body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn show_article(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let mut view = reading::detail(&state.db, &state.clock, user.id(), *id).await?;
    // Images in the body are this server's media links; the mini-program needs them whole.
    let base = state.config.public_base_url.trim_end_matches('/');
    view.body_html = view.body_html.replace("src=\"/media/", &format!("src=\"{base}/media/"));
    Ok(super::views::ok(&state, view))
}

/// An attachment of an article, checked against the reader's audience now.
#[utoipa::path(get, path = "/api/v1/articles/{id}/attachments/{file_id}", tag = "content",
    params(("id" = i64, Path, description = "Article id"), ("file_id" = i64, Path, description = "File id")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 404, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn download_article_attachment(
    state: web::Data<AppState>,
    user: MaybeUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, file_id) = path.into_inner();
    let file = reading::attachment(&state.db, &state.clock, user.id(), id, file_id).await?;
    let bytes = state.media.read(&file, false).await?;
    Ok(HttpResponse::Ok()
        .content_type(file.content_type.as_str())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"file-{}.{}\"", file.id, file.extension),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(bytes))
}

/// The article categories.
#[utoipa::path(get, path = "/api/v1/article-categories", tag = "content",
    responses((status = 200, body = ArticleCategoryList),
        (status = 500, description = "Server error (`internal`)", body = ErrorBody)))]
pub async fn list_article_categories(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let items = crate::content::categories(&state.db).await?;
    Ok(HttpResponse::Ok().json(ArticleCategoryList { items }))
}
