//! Publishing an article from the workbench (now or at a time, back to draft) and its
//! preview as a reader sees it.

use actix_web::{HttpResponse, web};
use chrono::{NaiveDateTime, TimeZone as _};
use serde::Deserialize;

use super::error::PageError;
use super::render::{Chrome, redirect, render};
use super::session::{Editors, RequireRole};
use crate::app::AppState;
use crate::content::articles;
use crate::content::model::{ArticleRow, audience};
use crate::error::AppError;
use crate::kernel::clock::display_minutes;

/// The publish form: blank time = now.
#[derive(Debug, Deserialize)]
pub struct PublishForm {
    /// `datetime-local` in the association's zone, or blank.
    #[serde(default)]
    pub publish_at: String,
}

/// `POST /admin/articles/{id}/publish`: now, or scheduled.
pub async fn publish_article(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
    form: web::Form<PublishForm>,
) -> Result<HttpResponse, PageError> {
    let tz = state.association_settings().await?.time_zone;
    let text = form.publish_at.trim();
    let at = if text.is_empty() {
        None
    } else {
        let parsed = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
            .ok()
            .and_then(|local| tz.from_local_datetime(&local).earliest())
            .map(|t| t.naive_utc());
        Some(parsed.ok_or_else(|| AppError::field("publish_at", "请填写正确的发布时间"))?)
    };
    articles::publish(&state.db, &state.clock, staff.staff.id, *id, at).await?;
    let scheduled = at.is_some_and(|t| t > state.clock.now_naive());
    staff.flash("success", if scheduled { "已设置定时发布" } else { "文章已发布" });
    Ok(redirect(&format!("/admin/articles/{}", *id)))
}

/// `POST /admin/articles/{id}/unpublish`: back to draft.
pub async fn unpublish_article(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    articles::unpublish(&state.db, &state.clock, staff.staff.id, *id).await?;
    staff.flash("success", "文章已撤回为草稿");
    Ok(redirect(&format!("/admin/articles/{}", *id)))
}

/// `GET /admin/articles/{id}/preview`: the article as a reader sees it.
#[derive(askama::Template)]
#[template(path = "web/articles/preview.html")]
pub struct PreviewPage {
    /// Layout.
    pub chrome: Chrome,
    /// The article.
    pub row: ArticleRow,
    /// Category name.
    pub category: String,
    /// Date shown.
    pub date: String,
    /// Audience label.
    pub audience: &'static str,
    /// Cover link.
    pub cover_url: Option<String>,
}

/// `GET /admin/articles/{id}/preview`.
pub async fn preview_article(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let row = articles::find(&state.db, *id).await?;
    let chrome = Chrome::build(&state, &staff, "/admin/articles", "预览").await?;
    let tz = state.association_settings().await?.time_zone;
    let categories = crate::content::categories(&state.db).await?;
    let category = categories
        .iter()
        .find(|c| c.id == row.fields.category_id)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let date = display_minutes(row.fields.publish_at.unwrap_or(row.updated_at), tz);
    let cover_url = row.fields.cover_file_id.map(|f| state.media_links.urls(f).url);
    let audience = audience::label(&row.fields.audience);
    render(&PreviewPage { chrome, row, category, date, audience, cover_url })
}
