//! Queries of `listing_categories` and `listing_reports`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::Error;

use crate::db::DbConn;
use crate::db::schema::{listing_categories, listing_reports, listings};

/// A category.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = listing_categories)]
pub struct CategoryRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Order in lists (ascending).
    pub sort_order: i32,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Every category, in list order.
pub fn categories(conn: &mut DbConn) -> Result<Vec<CategoryRow>, Error> {
    listing_categories::table
        .order((listing_categories::sort_order.asc(), listing_categories::id.asc()))
        .select(CategoryRow::as_select())
        .load(conn)
}

/// One category.
pub fn category(conn: &mut DbConn, id: i64) -> Result<Option<CategoryRow>, Error> {
    listing_categories::table.find(id).select(CategoryRow::as_select()).first(conn).optional()
}

/// Adds a category (a duplicate name is a unique violation).
pub fn insert_category(
    conn: &mut DbConn,
    name: &str,
    sort_order: i32,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::insert_into(listing_categories::table)
        .values((
            listing_categories::name.eq(name),
            listing_categories::sort_order.eq(sort_order),
            listing_categories::created_at.eq(at),
            listing_categories::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Renames / reorders a category.
pub fn update_category(
    conn: &mut DbConn,
    id: i64,
    name: &str,
    sort_order: i32,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(listing_categories::table.find(id))
        .set((
            listing_categories::name.eq(name),
            listing_categories::sort_order.eq(sort_order),
            listing_categories::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Listings (deleted ones too) that use category `id`.
pub fn category_uses(conn: &mut DbConn, id: i64) -> Result<i64, Error> {
    listings::table.filter(listings::category_id.eq(id)).count().get_result(conn)
}

/// Removes a category.
pub fn delete_category(conn: &mut DbConn, id: i64) -> Result<usize, Error> {
    diesel::delete(listing_categories::table.find(id)).execute(conn)
}

/// A report.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = listing_reports)]
pub struct ReportRow {
    /// Id.
    pub id: i64,
    /// The listing.
    pub listing_id: i64,
    /// Who reported it.
    pub user_id: i64,
    /// Why.
    pub reason: String,
    /// `open`, `handled`, `dismissed`.
    pub status: String,
    /// `listing:user` while open.
    pub open_key: Option<String>,
    /// Deciding staff.
    pub handled_by_staff_id: Option<i64>,
    /// When decided.
    pub handled_at: Option<NaiveDateTime>,
    /// Reported.
    pub created_at: NaiveDateTime,
}

/// Files a report; a second open one by the same user is a unique violation.
pub fn insert_report(
    conn: &mut DbConn,
    listing_id: i64,
    user_id: i64,
    reason: &str,
    at: NaiveDateTime,
) -> Result<ReportRow, Error> {
    let values = (
        listing_reports::listing_id.eq(listing_id),
        listing_reports::user_id.eq(user_id),
        listing_reports::reason.eq(reason),
        listing_reports::status.eq("open"),
        listing_reports::open_key.eq(Some(format!("{listing_id}:{user_id}"))),
        listing_reports::created_at.eq(at),
    );
    crate::per_backend!(conn, |c| diesel::insert_into(listing_reports::table)
        .values(values.clone())
        .returning(ReportRow::as_returning())
        .get_result(c))
}

/// Closes open reports (of one listing, or one report) as `to`; the count closed.
pub fn close_reports(
    conn: &mut DbConn,
    listing_id: Option<i64>,
    report_id: Option<i64>,
    to: &str,
    staff_id: i64,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    let mut target = listing_reports::table.filter(listing_reports::status.eq("open")).into_boxed();
    if let Some(id) = listing_id {
        target = target.filter(listing_reports::listing_id.eq(id));
    }
    if let Some(id) = report_id {
        target = target.filter(listing_reports::id.eq(id));
    }
    let ids: Vec<i64> = target.select(listing_reports::id).load(conn)?;
    diesel::update(
        listing_reports::table
            .filter(listing_reports::id.eq_any(ids))
            .filter(listing_reports::status.eq("open")),
    )
    .set((
        listing_reports::status.eq(to),
        listing_reports::open_key.eq(None::<String>),
        listing_reports::handled_by_staff_id.eq(Some(staff_id)),
        listing_reports::handled_at.eq(Some(at)),
    ))
    .execute(conn)
}

/// One report.
pub fn report(conn: &mut DbConn, id: i64) -> Result<Option<ReportRow>, Error> {
    listing_reports::table.find(id).select(ReportRow::as_select()).first(conn).optional()
}

/// Reports with `status` (oldest first), optionally of one listing, and their count.
pub fn reports_page(
    conn: &mut DbConn,
    status: &str,
    listing_id: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ReportRow>, i64), Error> {
    let base = || {
        let mut q = listing_reports::table
            .filter(listing_reports::status.eq(status.to_owned()))
            .into_boxed();
        if let Some(id) = listing_id {
            q = q.filter(listing_reports::listing_id.eq(id));
        }
        q
    };
    let rows = base()
        .order(listing_reports::id.asc())
        .offset(offset)
        .limit(limit)
        .select(ReportRow::as_select())
        .load(conn)?;
    Ok((rows, base().count().get_result(conn)?))
}

/// Reports in `status`.
pub fn count_reports(conn: &mut DbConn, status: &str) -> Result<i64, Error> {
    listing_reports::table
        .filter(listing_reports::status.eq(status.to_owned()))
        .count()
        .get_result(conn)
}
