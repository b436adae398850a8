//! Queries of `listings` and `listing_contact_reveals`. The hall's visibility rule is
//! [`visible`], the one place it is written: the hall, the detail, the card and the
//! workbench preview all go through it. It reads `members.status` in the same query (a
//! documented cross-context read, so the hall pages in SQL).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::Error;

use super::model::ListingRow;
use crate::db::DbConn;
use crate::db::schema::{listing_contact_reveals, listings};
use crate::kernel::search::{self, SearchQuery};

type Backend = <DbConn as diesel::Connection>::Backend;
type Boxed = listings::BoxedQuery<'static, Backend>;

/// The `kernel::search` scope of listings.
pub const SEARCH_SCOPE: &str = "listing";

/// A new listing (not live yet).
#[derive(Debug, Insertable)]
#[diesel(table_name = listings)]
pub struct NewListingRow {
    /// Owner.
    pub owner_user_id: i64,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Inserts a listing.
pub fn insert(conn: &mut DbConn, new: &NewListingRow) -> Result<ListingRow, Error> {
    crate::per_backend!(conn, |c| diesel::insert_into(listings::table)
        .values(new)
        .returning(ListingRow::as_returning())
        .get_result(c))
}

/// A listing that is not deleted.
pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Option<ListingRow>, Error> {
    listings::table
        .find(id)
        .filter(listings::deleted_at.is_null())
        .select(ListingRow::as_select())
        .first(conn)
        .optional()
}

/// A listing that is not deleted, row-locked until the transaction ends (PostgreSQL;
/// SQLite's write transaction already serialises).
pub fn lock(conn: &mut DbConn, id: i64) -> Result<Option<ListingRow>, Error> {
    crate::lock_for_update!(
        conn,
        listings::table
            .find(id)
            .filter(listings::deleted_at.is_null())
            .select(ListingRow::as_select())
    )
}

/// The live columns after an approval.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = listings, treat_none_as_null = true)]
pub struct LiveChanges<'a> {
    /// The approved revision.
    pub live_revision_id: Option<i64>,
    /// Its JSON.
    pub live: &'a str,
    /// Kind.
    pub kind: &'a str,
    /// Title.
    pub title: &'a str,
    /// Title and description text (search).
    pub search_text: &'a str,
    /// Category.
    pub category_id: Option<i64>,
    /// Industry.
    pub industry_id: Option<i64>,
    /// Price.
    pub price_cents: Option<i64>,
    /// End.
    pub ends_at: Option<NaiveDateTime>,
    /// Now.
    pub published_at: Option<NaiveDateTime>,
    /// An approved edit lifts a staff unlisting.
    pub staff_unlisted_at: Option<NaiveDateTime>,
    /// When.
    pub updated_at: NaiveDateTime,
}

/// Makes a revision live.
pub fn set_live(conn: &mut DbConn, id: i64, changes: &LiveChanges<'_>) -> Result<usize, Error> {
    diesel::update(listings::table.find(id)).set(changes).execute(conn)
}

/// The member lists or unlists an approved listing that staff did not unlist
/// (compare-and-set); 0 when it is not in that state.
pub fn set_listed(
    conn: &mut DbConn,
    id: i64,
    listed: bool,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(
        listings::table
            .find(id)
            .filter(listings::deleted_at.is_null())
            .filter(listings::live_revision_id.is_not_null())
            .filter(listings::staff_unlisted_at.is_null()),
    )
    .set((listings::listed.eq(listed), listings::updated_at.eq(at)))
    .execute(conn)
}

/// Staff unlist a listing with a note; 0 when it was deleted.
pub fn staff_unlist(
    conn: &mut DbConn,
    id: i64,
    staff_id: i64,
    note: &str,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(listings::table.find(id).filter(listings::deleted_at.is_null()))
        .set((
            listings::listed.eq(false),
            listings::staff_unlisted_at.eq(Some(at)),
            listings::staff_unlisted_by.eq(Some(staff_id)),
            listings::staff_note.eq(note),
            listings::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Marks a listing deleted.
pub fn mark_deleted(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> Result<usize, Error> {
    diesel::update(listings::table.find(id).filter(listings::deleted_at.is_null()))
        .set((listings::deleted_at.eq(Some(at)), listings::updated_at.eq(at)))
        .execute(conn)
}

/// A user's listings, newest first.
pub fn of_owner(conn: &mut DbConn, user_id: i64) -> Result<Vec<ListingRow>, Error> {
    listings::table
        .filter(listings::owner_user_id.eq(user_id))
        .filter(listings::deleted_at.is_null())
        .order(listings::id.desc())
        .select(ListingRow::as_select())
        .load(conn)
}

/// THE visibility rule: approved AND listed AND not deleted AND before its end date (at
/// `now`, the injected clock) AND its owner an active member. Staff unlisting sets
/// `listed` false, so it is covered by "listed".
pub fn visible(now: NaiveDateTime) -> Boxed {
    listings::table
        .filter(listings::live_revision_id.is_not_null())
        .filter(listings::listed.eq(true))
        .filter(listings::deleted_at.is_null())
        .filter(listings::ends_at.is_null().or(listings::ends_at.gt(now)))
        .filter(crate::active_member!(listings::owner_user_id))
        .into_boxed()
}

/// Narrows `query` to listings whose live title or description has every word of `q`:
/// the one place listings are searched. `kernel::search`'s gram index narrows; words of
/// three characters or more are confirmed with LIKE on `search_text`.
fn matching(mut query: Boxed, q: &SearchQuery) -> Boxed {
    for gram in q.grams() {
        query = query.filter(listings::id.eq_any(search::item_ids(SEARCH_SCOPE, gram.to_owned())));
    }
    for pattern in q.like_patterns() {
        query = query.filter(search::lower(listings::search_text).like(pattern).escape('\\'));
    }
    query
}

/// Keeps the index in step with the live texts (call when a revision goes live).
pub fn reindex(conn: &mut DbConn, id: i64, search_text: &str) -> Result<(), Error> {
    search::reindex(conn, SEARCH_SCOPE, id, &[search_text])
}

/// Forgets a deleted listing's texts.
pub fn unindex(conn: &mut DbConn, id: i64) -> Result<(), Error> {
    search::remove(conn, SEARCH_SCOPE, id)
}

/// Filters of the hall and the workbench list.
#[derive(Debug, Clone, Default)]
pub struct ListingFilter {
    /// Words in the title or description.
    pub q: Option<SearchQuery>,
    /// Order by relevance to `q` (the whole text in the title first), then newest.
    pub relevance: Option<String>,
    /// Supply or demand.
    pub kind: Option<&'static str>,
    /// Category.
    pub category_id: Option<i64>,
    /// Industry.
    pub industry_id: Option<i64>,
    /// Lowest price (cents); 面议 listings are left out when a bound is given.
    pub price_min: Option<i64>,
    /// Highest price (cents).
    pub price_max: Option<i64>,
    /// One owner.
    pub owner_user_id: Option<i64>,
}

fn filtered(mut query: Boxed, f: &ListingFilter) -> Boxed {
    if let Some(kind) = f.kind {
        query = query.filter(listings::kind.eq(kind));
    }
    if let Some(id) = f.category_id {
        query = query.filter(listings::category_id.eq(id));
    }
    if let Some(id) = f.industry_id {
        query = query.filter(listings::industry_id.eq(id));
    }
    if let Some(min) = f.price_min {
        query = query.filter(listings::price_cents.ge(min));
    }
    if let Some(max) = f.price_max {
        query = query.filter(listings::price_cents.le(max));
    }
    if let Some(owner) = f.owner_user_id {
        query = query.filter(listings::owner_user_id.eq(owner));
    }
    match &f.q {
        Some(q) => matching(query, q),
        None => query,
    }
}

/// One page of the hall, newest approval first.
pub fn hall_page(
    conn: &mut DbConn,
    now: NaiveDateTime,
    f: &ListingFilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<ListingRow>, Error> {
    let mut query = filtered(visible(now), f);
    if let Some(text) = &f.relevance {
        let in_title = search::lower(listings::title).like(search::like_pattern(text)).escape('\\');
        query = query.order(in_title.desc());
        query = query.then_order_by((listings::published_at.desc(), listings::id.desc()));
    } else {
        query = query.order((listings::published_at.desc(), listings::id.desc()));
    }
    // Sort ids only, then load the page's rows: the sorter never carries the JSON.
    let ids: Vec<i64> = query.offset(offset).limit(limit).select(listings::id).load(conn)?;
    let mut rows: Vec<ListingRow> = listings::table
        .filter(listings::id.eq_any(&ids))
        .select(ListingRow::as_select())
        .load(conn)?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    Ok(rows)
}

/// The hall counts at most this many matches; past it the answer says "more" (the
/// mini-program scrolls on while pages come back full). Counting every match of a
/// common word among 50,000 listings cost more than the page itself.
pub const HALL_COUNT_CAP: i64 = 1_000;

/// How many listings the hall shows under `f`, up to [`HALL_COUNT_CAP`] + 1.
pub fn hall_count(conn: &mut DbConn, now: NaiveDateTime, f: &ListingFilter) -> Result<i64, Error> {
    let ids: Vec<i64> =
        filtered(visible(now), f).select(listings::id).limit(HALL_COUNT_CAP + 1).load(conn)?;
    Ok(i64::try_from(ids.len()).unwrap_or(i64::MAX))
}

/// Listing `id` if the hall shows it.
pub fn visible_one(
    conn: &mut DbConn,
    now: NaiveDateTime,
    id: i64,
) -> Result<Option<ListingRow>, Error> {
    visible(now).filter(listings::id.eq(id)).select(ListingRow::as_select()).first(conn).optional()
}

/// Which of `ids` the hall shows (the workbench preview column).
pub fn visible_ids(conn: &mut DbConn, now: NaiveDateTime, ids: &[i64]) -> Result<Vec<i64>, Error> {
    visible(now).filter(listings::id.eq_any(ids.to_vec())).select(listings::id).load(conn)
}

/// Every listing (workbench), deleted ones left out, newest first.
pub fn all_page(
    conn: &mut DbConn,
    f: &ListingFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ListingRow>, i64), Error> {
    let base = || filtered(listings::table.filter(listings::deleted_at.is_null()).into_boxed(), f);
    let rows = base()
        .order(listings::id.desc())
        .offset(offset)
        .limit(limit)
        .select(ListingRow::as_select())
        .load(conn)?;
    let total = base().count().get_result(conn)?;
    Ok((rows, total))
}

/// Counts a detail view.
pub fn count_view(conn: &mut DbConn, id: i64) -> Result<usize, Error> {
    diesel::update(listings::table.find(id))
        .set(listings::view_count.eq(listings::view_count + 1))
        .execute(conn)
}

/// Whether `user_id` revealed listing `id`'s phone before.
pub fn revealed(conn: &mut DbConn, id: i64, user_id: i64) -> Result<bool, Error> {
    diesel::select(diesel::dsl::exists(
        listing_contact_reveals::table
            .filter(listing_contact_reveals::listing_id.eq(id))
            .filter(listing_contact_reveals::user_id.eq(user_id)),
    ))
    .get_result(conn)
}

/// Records a first reveal and counts it on the listing (the caller holds the listing's
/// lock, so the unique index is never hit by the same pair twice).
pub fn record_reveal(
    conn: &mut DbConn,
    id: i64,
    user_id: i64,
    at: NaiveDateTime,
) -> Result<(), Error> {
    diesel::insert_into(listing_contact_reveals::table)
        .values((
            listing_contact_reveals::listing_id.eq(id),
            listing_contact_reveals::user_id.eq(user_id),
            listing_contact_reveals::created_at.eq(at),
        ))
        .execute(conn)?;
    diesel::update(listings::table.find(id))
        .set(listings::contact_count.eq(listings::contact_count + 1))
        .execute(conn)?;
    Ok(())
}
