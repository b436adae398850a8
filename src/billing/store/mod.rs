//! Queries of `orders`; payments, refunds and WeChat transactions are in [`pay`].

pub mod pay;
pub mod receipts;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::OrderRow;
use crate::db::DbConn;
use crate::db::schema::{members, orders, users};
use crate::kernel::search::{like_pattern, lower};

type QResult<T> = Result<T, diesel::result::Error>;

/// A new order row.
#[derive(Debug, Insertable)]
#[diesel(table_name = orders)]
pub struct NewOrderRow<'a> {
    /// Who owes.
    pub user_id: i64,
    /// Kind.
    pub kind: &'a str,
    /// Title.
    pub title: &'a str,
    /// Cents.
    pub amount_cents: i64,
    /// Status.
    pub status: &'a str,
    /// Subject table.
    pub subject_type: Option<&'a str>,
    /// Subject id.
    pub subject_id: Option<i64>,
    /// Period.
    pub period: Option<&'a str>,
    /// Idempotency key.
    pub dedupe_key: Option<&'a str>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Inserts an order.
pub fn insert(conn: &mut DbConn, new: &NewOrderRow<'_>) -> Result<OrderRow, diesel::result::Error> {
    crate::per_backend!(conn, |c| diesel::insert_into(orders::table)
        .values(new)
        .returning(OrderRow::as_returning())
        .get_result(c))
}

/// An order by its idempotency key.
pub fn by_dedupe_key(
    conn: &mut DbConn,
    key: &str,
) -> Result<Option<OrderRow>, diesel::result::Error> {
    orders::table
        .filter(orders::dedupe_key.eq(key))
        .select(OrderRow::as_select())
        .first(conn)
        .optional()
}

/// A user's orders, newest first, optionally of one status.
pub fn for_user(conn: &mut DbConn, user_id: i64, status: Option<&str>) -> QResult<Vec<OrderRow>> {
    let mut query = orders::table.filter(orders::user_id.eq(user_id)).into_boxed();
    if let Some(status) = status {
        query = query.filter(orders::status.eq(status.to_owned()));
    }
    query.order(orders::id.desc()).select(OrderRow::as_select()).load(conn)
}

/// An order by id.
pub fn find(conn: &mut DbConn, id: i64) -> QResult<Option<OrderRow>> {
    orders::table.find(id).select(OrderRow::as_select()).first(conn).optional()
}

/// An order by id, locked for the rest of the transaction on PostgreSQL (SQLite's
/// `BEGIN IMMEDIATE` already holds the write lock): payments of one order queue here.
pub fn lock(conn: &mut DbConn, id: i64) -> QResult<Option<OrderRow>> {
    crate::lock_for_update!(conn, orders::table.find(id).select(OrderRow::as_select()))
}

/// Moves an order from one of `from` to `to` (compare-and-set); returns rows changed.
pub fn set_status(
    conn: &mut DbConn,
    id: i64,
    from: &[&str],
    to: &str,
    at: NaiveDateTime,
    paid_at: Option<NaiveDateTime>,
) -> QResult<usize> {
    let target = orders::table.find(id).filter(orders::status.eq_any(from.to_vec()));
    match paid_at {
        Some(paid) => diesel::update(target)
            .set((orders::status.eq(to), orders::updated_at.eq(at), orders::paid_at.eq(paid)))
            .execute(conn),
        None => diesel::update(target)
            .set((orders::status.eq(to), orders::updated_at.eq(at)))
            .execute(conn),
    }
}

/// Orders about `subject` (table, id).
pub fn for_subject(conn: &mut DbConn, table: &str, id: i64) -> QResult<Vec<OrderRow>> {
    orders::table
        .filter(orders::subject_type.eq(table).and(orders::subject_id.eq(id)))
        .select(OrderRow::as_select())
        .load(conn)
}

/// Unpaid dues orders, oldest first.
pub fn unpaid_dues(conn: &mut DbConn) -> QResult<Vec<OrderRow>> {
    orders::table
        .filter(orders::kind.eq("dues").and(orders::status.eq("unpaid")))
        .order(orders::id.asc())
        .select(OrderRow::as_select())
        .load(conn)
}

/// Workbench filters of the order list.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// Kind (stored name).
    pub kind: Option<String>,
    /// Status.
    pub status: Option<String>,
    /// Dues period key.
    pub period: Option<String>,
    /// Member name, number or phone (substring).
    pub member: Option<String>,
    /// Created on or after.
    pub from: Option<NaiveDateTime>,
    /// Created before.
    pub until: Option<NaiveDateTime>,
}

/// An order with who owes it, for the workbench.
pub type OrderWithPayer = (OrderRow, Option<String>, Option<String>, Option<String>);

macro_rules! filtered {
    ($f:expr) => {{
        let f: &OrderFilter = $f;
        let mut q = orders::table
            .inner_join(users::table)
            .left_join(members::table.on(members::user_id.eq(orders::user_id)))
            .into_boxed();
        if let Some(kind) = &f.kind {
            q = q.filter(orders::kind.eq(kind.clone()));
        }
        if let Some(status) = &f.status {
            q = q.filter(orders::status.eq(status.clone()));
        }
        if let Some(period) = &f.period {
            q = q.filter(orders::period.eq(period.clone()));
        }
        if let Some(from) = f.from {
            q = q.filter(orders::created_at.ge(from));
        }
        if let Some(until) = f.until {
            q = q.filter(orders::created_at.lt(until));
        }
        if let Some(text) = f.member.as_deref().filter(|t| !t.is_empty()) {
            // Case-insensitive for Latin letters on both backends (kernel::search).
            let pattern = like_pattern(text);
            q = q.filter(
                lower(members::name)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(members::member_number).like(pattern.clone()).escape('\\'))
                    .or(users::phone.like(pattern.clone()).escape('\\'))
                    .or(lower(users::nickname.assume_not_null()).like(pattern).escape('\\')),
            );
        }
        q
    }};
}

/// One page of orders matching `filter`, newest first, with member name, number and
/// phone.
pub fn list(
    conn: &mut DbConn,
    filter: &OrderFilter,
    offset: i64,
    limit: Option<i64>,
) -> QResult<Vec<OrderWithPayer>> {
    let mut q = filtered!(filter).order(orders::id.desc()).select((
        OrderRow::as_select(),
        members::name.nullable(),
        members::member_number.nullable(),
        users::phone,
    ));
    // SQLite has no OFFSET without LIMIT.
    if let Some(limit) = limit {
        q = q.offset(offset).limit(limit);
    }
    q.load(conn)
}

/// How many orders match and their total per status: (status, count, cents).
pub fn totals(conn: &mut DbConn, filter: &OrderFilter) -> QResult<Vec<(String, i64, i64)>> {
    let rows: Vec<(String, i64)> =
        filtered!(filter).select((orders::status, orders::amount_cents)).load(conn)?;
    let mut out: Vec<(String, i64, i64)> = Vec::new();
    for (status, cents) in rows {
        match out.iter_mut().find(|(s, _, _)| *s == status) {
            Some(entry) => {
                entry.1 += 1;
                entry.2 += cents;
            }
            None => out.push((status, 1, cents)),
        }
    }
    Ok(out)
}

/// `(status, cents, orders)` of the dues orders whose period key lies in `[first, last]`
/// (one key for calendar years; anniversary keys are dates, which order as text),
/// grouped by amount too: `SUM` of a `BIGINT` is `NUMERIC` on PostgreSQL, and a period
/// has a few distinct amounts (one per member type).
pub fn dues_by_status(
    conn: &mut DbConn,
    first: &str,
    last: &str,
) -> QResult<Vec<(String, i64, i64)>> {
    orders::table
        .filter(orders::kind.eq(super::model::OrderKind::Dues.as_str()))
        .filter(orders::period.ge(first.to_owned()))
        .filter(orders::period.le(last.to_owned()))
        .group_by((orders::status, orders::amount_cents))
        .select((orders::status, orders::amount_cents, diesel::dsl::count_star()))
        .load(conn)
}
