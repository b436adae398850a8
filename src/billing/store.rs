//! Queries of `orders`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::OrderRow;
use crate::db::DbConn;
use crate::db::schema::orders;

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

/// A user's orders, newest first.
pub fn for_user(conn: &mut DbConn, user_id: i64) -> Result<Vec<OrderRow>, diesel::result::Error> {
    orders::table
        .filter(orders::user_id.eq(user_id))
        .order(orders::id.desc())
        .select(OrderRow::as_select())
        .load(conn)
}
