//! Queries of `library_items`, and the list rule shared by the library, albums and
//! videos ([`readable!`]): published, and — unless teasers are asked for — within the
//! reader's audience, written as in `content::store::readable` for articles.

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use diesel::result::Error;

use super::library_model::{LibraryFields, LibraryRow};
use super::model::status;
use crate::db::DbConn;
use crate::db::schema::library_items;
use crate::kernel::search::{self, SearchQuery};

/// The `kernel::search` scope of library items.
pub const SEARCH_SCOPE: &str = "library";

/// Published and, unless `$teasers`, within `$reader`'s audience — for any table with
/// the content columns `status`, `audience`, `min_position_id`. A boxed query.
macro_rules! readable {
    ($table:ident, $reader:expr, $teasers:expr) => {{
        use $crate::content::model::{audience, status};
        let mut q = $table::table.filter($table::status.eq(status::PUBLISHED)).into_boxed();
        if !$teasers {
            let reader: &$crate::content::Reader = $reader;
            let mut allowed = vec![audience::EVERYONE];
            if reader.reads_members_only {
                allowed.push(audience::MEMBERS);
            }
            let ids = reader.positions_at_or_below.clone();
            q = q.filter($table::audience.eq_any(allowed).or(
                $table::audience.eq(audience::POSITION).and($table::min_position_id.eq_any(ids)),
            ));
        }
        q
    }};
}
pub(crate) use readable;

/// `$query` narrowed to items whose `search_text` matches `$q` (`kernel::search`).
macro_rules! searched {
    ($query:expr, $table:ident, $scope:expr, $q:expr) => {{
        use $crate::kernel::search;
        let mut query = $query;
        if let Some(q) = $q {
            for gram in q.grams() {
                query = query.filter($table::id.eq_any(search::item_ids($scope, gram.to_owned())));
            }
            for pattern in q.like_patterns() {
                query = query.filter(search::lower($table::search_text).like(pattern).escape('\\'));
            }
        }
        query
    }};
}
pub(crate) use searched;

type Backend = <DbConn as diesel::Connection>::Backend;
type Boxed = library_items::BoxedQuery<'static, Backend>;

/// Filters of the library lists.
#[derive(Debug, Clone, Default)]
pub struct LibraryFilter {
    /// Words in the title, issue or summary.
    pub q: Option<SearchQuery>,
    /// `journal` or `document`.
    pub kind: Option<String>,
    /// Workbench: `draft` or `published`.
    pub status: Option<String>,
}

fn filtered(query: Boxed, f: &LibraryFilter) -> Boxed {
    let mut query = searched!(query, library_items, SEARCH_SCOPE, &f.q);
    if let Some(k) = &f.kind {
        query = query.filter(library_items::kind.eq(k.clone()));
    }
    if let Some(s) = &f.status {
        query = query.filter(library_items::status.eq(s.clone()));
    }
    query
}

/// One page of what `reader` may see (locked items too when `teasers`), newest first.
pub fn readable_page(
    conn: &mut DbConn,
    reader: &super::Reader,
    teasers: bool,
    filter: &LibraryFilter,
    (offset, limit): (i64, i64),
) -> Result<(Vec<LibraryRow>, i64), Error> {
    let all = || filtered(readable!(library_items, reader, teasers), filter);
    let total = all().select(count_star()).first(conn)?;
    let rows = all()
        .order((library_items::published_at.desc(), library_items::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(LibraryRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// One page of the workbench list, newest change first.
pub fn staff_page(
    conn: &mut DbConn,
    filter: &LibraryFilter,
    (offset, limit): (i64, i64),
) -> Result<(Vec<LibraryRow>, i64), Error> {
    let all = || filtered(library_items::table.into_boxed(), filter);
    let total = all().select(count_star()).first(conn)?;
    let rows = all()
        .order((library_items::updated_at.desc(), library_items::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(LibraryRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// A library item.
pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Option<LibraryRow>, Error> {
    library_items::table.find(id).select(LibraryRow::as_select()).first(conn).optional()
}

/// A library item, row-locked until the transaction ends (PostgreSQL).
pub fn lock(conn: &mut DbConn, id: i64) -> Result<Option<LibraryRow>, Error> {
    crate::lock_for_update!(conn, library_items::table.find(id).select(LibraryRow::as_select()))
}

/// Inserts a draft; returns its id.
pub fn insert(
    conn: &mut DbConn,
    fields: &LibraryFields,
    created_by: i64,
    at: NaiveDateTime,
) -> Result<i64, Error> {
    let values = (
        fields,
        library_items::status.eq(status::DRAFT),
        library_items::created_by.eq(created_by),
        library_items::created_at.eq(at),
        library_items::updated_at.eq(at),
    );
    crate::per_backend!(conn, |c| diesel::insert_into(library_items::table)
        .values(values)
        .returning(library_items::id)
        .get_result(c))
}

/// Replaces what staff set on item `id`.
pub fn update(
    conn: &mut DbConn,
    id: i64,
    fields: &LibraryFields,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(library_items::table.find(id))
        .set((fields, library_items::updated_at.eq(at)))
        .execute(conn)
}

/// Sets the state of item `id`.
pub fn set_state(
    conn: &mut DbConn,
    id: i64,
    state: &str,
    published_at: Option<NaiveDateTime>,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(library_items::table.find(id))
        .set((
            library_items::status.eq(state),
            library_items::published_at.eq(published_at),
            library_items::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Counts one download, in SQL: parallel downloads never lose one.
pub fn count_download(conn: &mut DbConn, id: i64) -> Result<usize, Error> {
    diesel::update(library_items::table.find(id))
        .set(library_items::download_count.eq(library_items::download_count + 1))
        .execute(conn)
}

/// Keeps the search index in step.
pub fn reindex(conn: &mut DbConn, id: i64, search_text: &str) -> Result<(), Error> {
    search::reindex(conn, SEARCH_SCOPE, id, &[search_text])
}
