//! Reading articles (mini-program): the list, one article (counted), its attachments —
//! each through the audience rule at request time. A reader outside an article's
//! audience sees it in lists only as a locked teaser, and only when the association
//! turned teasers on; never its body or files.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDateTime;
use serde::Serialize;

use super::access::Reader;
use super::model::{ArticleRow, ArticleSummaryRow, CategoryRow};
use super::store::{self, ArticleFilter};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::clock::SharedClock;
use crate::kernel::media::FileRow;
use crate::kernel::page::{PAGE_SIZE, PageRequest};
use crate::profiles::reviewed::ImageRef;

/// An article in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ArticleSummaryView {
    /// Id.
    pub id: i64,
    /// Category id.
    pub category_id: i64,
    /// Category name.
    pub category: String,
    /// Title.
    pub title: String,
    /// Cover image.
    pub cover: Option<ImageRef>,
    /// Summary (empty when locked).
    pub summary: String,
    /// Author.
    pub author: String,
    /// Published (UTC).
    #[serde(serialize_with = "crate::kernel::clock::serialize_utc_opt")]
    pub published_at: Option<NaiveDateTime>,
    /// Listed first.
    pub pinned: bool,
    /// Views.
    pub view_count: i64,
    /// Outside the reader's audience: a teaser; the article itself answers 403.
    pub locked: bool,
}

/// A page of articles.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ArticlePage {
    /// The articles, pinned first, then newest.
    pub items: Vec<ArticleSummaryView>,
    /// All matching.
    pub total: i64,
    /// This page (from 1).
    pub page: i64,
    /// Page size.
    pub page_size: i64,
}

/// An attachment of an article.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttachmentView {
    /// File id.
    pub file_id: i64,
    /// Original name.
    pub name: String,
    /// MIME type.
    pub content_type: String,
    /// Bytes.
    pub byte_size: i64,
    /// Download path (checked at request time; send the token for members-only ones).
    pub download_path: String,
}

/// One article for its reader.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ArticleView {
    /// The list fields.
    #[serde(flatten)]
    pub summary: ArticleSummaryView,
    /// Sanitised body (images are `/media/…` links on this server).
    pub body_html: String,
    /// Attachments.
    pub attachments: Vec<AttachmentView>,
}

/// Turns a list row into its view for `reader`.
pub fn summary_view(
    row: &ArticleSummaryRow,
    categories: &[CategoryRow],
    reader: &Reader,
) -> ArticleSummaryView {
    let locked = !reader.admits(&row.audience, row.min_position_id);
    ArticleSummaryView {
        id: row.id,
        category_id: row.category_id,
        category: category_name(categories, row.category_id),
        title: row.title.clone(),
        cover: row.cover_file_id.map(ImageRef::of),
        summary: if locked { String::new() } else { row.summary.clone() },
        author: row.author.clone(),
        published_at: row.publish_at,
        pinned: row.pinned,
        view_count: row.view_count,
        locked,
    }
}

fn category_name(categories: &[CategoryRow], id: i64) -> String {
    categories.iter().find(|c| c.id == id).map(|c| c.name.clone()).unwrap_or_default()
}

/// One page of articles for `reader`, inside a connection (the home uses it too).
pub fn page_for(
    conn: &mut DbConn,
    now: NaiveDateTime,
    reader: &Reader,
    filter: &ArticleFilter,
    (page, page_size): (i64, i64),
    allow_teasers: bool,
) -> Result<ArticlePage, AppError> {
    let want = PageRequest::new(page);
    // Teasers are for visitors (non-members) only, and only when the association says so.
    let teasers =
        allow_teasers && reader.positions_at_or_below.is_empty() && super::locked_teasers(conn)?;
    let offset = (want.page - 1) * page_size;
    let (rows, total) =
        store::readable_page(conn, now, reader, teasers, filter, offset, page_size)?;
    let categories = store::categories(conn)?;
    let items = rows.iter().map(|r| summary_view(r, &categories, reader)).collect();
    Ok(ArticlePage { items, total, page: want.page, page_size })
}

/// What identifies a list page for the cache: the reader's audience, the filter as
/// typed, the page.
type ListKey = ((bool, Vec<i64>), Option<String>, Option<i64>, i64);
/// A cached page: the content generation and time it was built at.
type ListEntry = (u64, NaiveDateTime, Arc<ArticlePage>);

/// Article list pages per audience and filter, kept like the home's answers: for
/// [`super::home::CACHE_SECONDS`] of the injectable clock, dropped by any content write
/// (view counts in lists may lag by that much).
#[derive(Debug, Default)]
pub struct ListCache {
    entries: parking_lot::Mutex<HashMap<ListKey, ListEntry>>,
}

impl ListCache {
    /// The article list for `user_id` (none: no token): `q` as typed (searched through
    /// `kernel::search`), a category, a page.
    pub async fn list(
        &self,
        db: &Db,
        clock: &SharedClock,
        user_id: Option<i64>,
        (q, category_id, page): (Option<String>, Option<i64>, i64),
    ) -> Result<Arc<ArticlePage>, AppError> {
        let now = clock.now_naive();
        let reader = match user_id {
            None => Reader::anonymous(),
            Some(id) => db.run(move |conn| Reader::load(conn, Some(id))).await?,
        };
        let q = q.map(|t| t.trim().chars().take(64).collect::<String>()).filter(|t| !t.is_empty());
        let key = (reader.audience_key(), q.clone(), category_id, page.max(1));
        let generation = super::home::generation();
        if let Some((g, at, view)) = self.entries.lock().get(&key)
            && *g == generation
            && (now - *at).num_seconds().abs() < super::home::CACHE_SECONDS
        {
            return Ok(view.clone());
        }
        let filter = ArticleFilter {
            q: q.as_deref().and_then(crate::kernel::search::SearchQuery::parse),
            category_id,
            ..ArticleFilter::default()
        };
        let view = Arc::new(
            db.run(move |conn| page_for(conn, now, &reader, &filter, (page, PAGE_SIZE), true))
                .await?,
        );
        let mut entries = self.entries.lock();
        if entries.len() > 1024 {
            entries.clear();
        }
        entries.insert(key, (generation, now, view.clone()));
        Ok(view)
    }
}

/// The article as its reader may see it now: 404 unless published and visible; 403
/// `members_only` outside the audience when teasers are on (404 when off).
fn readable_article(
    conn: &mut DbConn,
    now: NaiveDateTime,
    reader: &Reader,
    id: i64,
) -> Result<ArticleRow, AppError> {
    let row = store::by_id(conn, id)?
        .filter(|r| r.fields.status == super::model::status::PUBLISHED)
        .filter(|r| r.fields.publish_at.is_some_and(|at| at <= now))
        .ok_or_else(|| AppError::not_found("文章"))?;
    if reader.admits(&row.fields.audience, row.fields.min_position_id) {
        return Ok(row);
    }
    if reader.positions_at_or_below.is_empty() && super::locked_teasers(conn)? {
        Err(AppError::Refused {
            code: "members_only", message: "该内容仅对会员开放".into()
        })
    } else {
        Err(AppError::not_found("文章"))
    }
}

/// One article for `user_id` (none: no token); the view is counted.
pub async fn detail(
    db: &Db,
    clock: &SharedClock,
    user_id: Option<i64>,
    id: i64,
) -> Result<ArticleView, AppError> {
    let now = clock.now_naive();
    db.write(move |conn| {
        let reader = Reader::load(conn, user_id)?;
        let mut row = readable_article(conn, now, &reader, id)?;
        store::count_view(conn, id)?;
        row.view_count += 1;
        let categories = store::categories(conn)?;
        let mut attachments = Vec::new();
        for file_id in row.attachments() {
            if let Some(f) = crate::kernel::media::store::find(conn, file_id)? {
                attachments.push(AttachmentView {
                    file_id,
                    name: f
                        .original_name
                        .clone()
                        .unwrap_or_else(|| format!("附件.{}", f.extension)),
                    content_type: f.content_type,
                    byte_size: f.byte_size,
                    download_path: format!("/api/v1/articles/{id}/attachments/{file_id}"),
                });
            }
        }
        let f = &row.fields;
        let summary = ArticleSummaryRow {
            id: row.id,
            category_id: f.category_id,
            title: f.title.clone(),
            cover_file_id: f.cover_file_id,
            summary: f.summary.clone(),
            author: f.author.clone(),
            status: f.status.clone(),
            publish_at: f.publish_at,
            pinned: f.pinned,
            audience: f.audience.clone(),
            min_position_id: f.min_position_id,
            view_count: row.view_count,
            updated_at: row.updated_at,
        };
        Ok(ArticleView {
            summary: summary_view(&summary, &categories, &reader),
            body_html: row.fields.body_html.clone(),
            attachments,
        })
    })
    .await
}

/// An attachment of article `id` for `user_id`, checked against the audience now.
pub async fn attachment(
    db: &Db,
    clock: &SharedClock,
    user_id: Option<i64>,
    id: i64,
    file_id: i64,
) -> Result<FileRow, AppError> {
    let now = clock.now_naive();
    db.run(move |conn| {
        let reader = Reader::load(conn, user_id)?;
        let row = readable_article(conn, now, &reader, id)?;
        if !row.attachments().contains(&file_id) {
            return Err(crate::kernel::media::not_found());
        }
        crate::kernel::media::store::find(conn, file_id)?
            .ok_or_else(crate::kernel::media::not_found)
    })
    .await
}
