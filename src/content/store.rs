//! Queries of `articles` and `article_categories`. What readers may see is written once,
//! in [`readable`]: published, `publish_at` reached, and (unless teasers are asked for)
//! the reader's audience.

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use diesel::result::Error;

use super::access::Reader;
use super::model::{ArticleFields, ArticleRow, ArticleSummaryRow, CategoryRow, audience, status};
use crate::db::DbConn;
use crate::db::schema::{article_categories, articles};
use crate::kernel::search::{self, SearchQuery};

type Backend = <DbConn as diesel::Connection>::Backend;
type Boxed = articles::BoxedQuery<'static, Backend>;

/// The `kernel::search` scope of articles.
pub const SEARCH_SCOPE: &str = "article";

/// Filters of reader lists and the workbench list.
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    /// Words in the title or summary.
    pub q: Option<SearchQuery>,
    /// Category.
    pub category_id: Option<i64>,
    /// Workbench: `draft`, `scheduled` or `published` (visible now).
    pub state: Option<String>,
    /// Only pinned ones.
    pub pinned: Option<bool>,
}

fn filtered(mut query: Boxed, f: &ArticleFilter, now: NaiveDateTime) -> Boxed {
    if let Some(id) = f.category_id {
        query = query.filter(articles::category_id.eq(id));
    }
    if let Some(p) = f.pinned {
        query = query.filter(articles::pinned.eq(p));
    }
    match f.state.as_deref() {
        Some(status::DRAFT) => query = query.filter(articles::status.eq(status::DRAFT)),
        Some("scheduled") => {
            query = query
                .filter(articles::status.eq(status::PUBLISHED))
                .filter(articles::publish_at.gt(now));
        }
        Some(status::PUBLISHED) => {
            query = query
                .filter(articles::status.eq(status::PUBLISHED))
                .filter(articles::publish_at.le(now));
        }
        _ => {}
    }
    if let Some(q) = &f.q {
        for gram in q.grams() {
            query =
                query.filter(articles::id.eq_any(search::item_ids(SEARCH_SCOPE, gram.to_owned())));
        }
        for pattern in q.like_patterns() {
            query = query.filter(search::lower(articles::search_text).like(pattern).escape('\\'));
        }
    }
    query
}

/// The one rule of what a reader's lists hold: published, visible since `now`, and —
/// unless `teasers` (locked items listed too) — within the reader's audience.
fn readable(now: NaiveDateTime, reader: &Reader, teasers: bool) -> Boxed {
    let mut q = articles::table
        .filter(articles::status.eq(status::PUBLISHED))
        .filter(articles::publish_at.le(now))
        .into_boxed();
    if !teasers {
        let mut allowed = vec![audience::EVERYONE];
        if reader.reads_members_only {
            allowed.push(audience::MEMBERS);
        }
        let ids = reader.positions_at_or_below.clone();
        q = q.filter(articles::audience.eq_any(allowed).or(
            articles::audience.eq(audience::POSITION).and(articles::min_position_id.eq_any(ids)),
        ));
    }
    q
}

/// One page of what `reader` may see, pinned first, then newest.
pub fn readable_page(
    conn: &mut DbConn,
    now: NaiveDateTime,
    reader: &Reader,
    teasers: bool,
    filter: &ArticleFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ArticleSummaryRow>, i64), Error> {
    let total =
        filtered(readable(now, reader, teasers), filter, now).select(count_star()).first(conn)?;
    let rows = filtered(readable(now, reader, teasers), filter, now)
        .order((articles::pinned.desc(), articles::publish_at.desc(), articles::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(ArticleSummaryRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// One page of the workbench list, newest change first.
pub fn staff_page(
    conn: &mut DbConn,
    now: NaiveDateTime,
    filter: &ArticleFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ArticleSummaryRow>, i64), Error> {
    let all = || filtered(articles::table.into_boxed(), filter, now);
    let total = all().select(count_star()).first(conn)?;
    let rows = all()
        .order((articles::updated_at.desc(), articles::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(ArticleSummaryRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// An article.
pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Option<ArticleRow>, Error> {
    articles::table.find(id).select(ArticleRow::as_select()).first(conn).optional()
}

/// An article, row-locked until the transaction ends (PostgreSQL).
pub fn lock(conn: &mut DbConn, id: i64) -> Result<Option<ArticleRow>, Error> {
    crate::lock_for_update!(conn, articles::table.find(id).select(ArticleRow::as_select()))
}

/// Inserts an article.
pub fn insert(
    conn: &mut DbConn,
    fields: &ArticleFields,
    created_by: i64,
    at: NaiveDateTime,
) -> Result<ArticleRow, Error> {
    let values = (
        fields,
        articles::created_by.eq(created_by),
        articles::created_at.eq(at),
        articles::updated_at.eq(at),
    );
    crate::per_backend!(conn, |c| diesel::insert_into(articles::table)
        .values(values)
        .returning(ArticleRow::as_returning())
        .get_result(c))
}

/// Replaces what staff set on article `id`.
pub fn update(
    conn: &mut DbConn,
    id: i64,
    fields: &ArticleFields,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(articles::table.find(id))
        .set((fields, articles::updated_at.eq(at)))
        .execute(conn)
}

/// Sets the state of article `id`.
pub fn set_state(
    conn: &mut DbConn,
    id: i64,
    state: &str,
    publish_at: Option<NaiveDateTime>,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(articles::table.find(id))
        .set((
            articles::status.eq(state),
            articles::publish_at.eq(publish_at),
            articles::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Counts one view (in SQL: parallel readers never lose one).
pub fn count_view(conn: &mut DbConn, id: i64) -> Result<usize, Error> {
    diesel::update(articles::table.find(id))
        .set(articles::view_count.eq(articles::view_count + 1))
        .execute(conn)
}

/// Keeps the search index in step with the title and summary.
pub fn reindex(conn: &mut DbConn, id: i64, search_text: &str) -> Result<(), Error> {
    search::reindex(conn, SEARCH_SCOPE, id, &[search_text])
}

/// Every category, in list order.
pub fn categories(conn: &mut DbConn) -> Result<Vec<CategoryRow>, Error> {
    article_categories::table
        .order((article_categories::sort_order.asc(), article_categories::id.asc()))
        .select(CategoryRow::as_select())
        .load(conn)
}

/// Adds a category.
pub fn insert_category(
    conn: &mut DbConn,
    name: &str,
    sort_order: i32,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::insert_into(article_categories::table)
        .values((
            article_categories::name.eq(name),
            article_categories::sort_order.eq(sort_order),
            article_categories::created_at.eq(at),
            article_categories::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Whether category `id` exists.
pub fn category_exists(conn: &mut DbConn, id: i64) -> Result<bool, Error> {
    Ok(article_categories::table
        .find(id)
        .select(article_categories::id)
        .first::<i64>(conn)
        .optional()?
        .is_some())
}
