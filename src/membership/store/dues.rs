//! Queries of `members` for dues: who owes, paid-until, expiry.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::Error;

use crate::db::DbConn;
use crate::db::schema::{member_types, members};
use crate::membership::model::{MemberRow, MemberTypeRow, status};

/// Members who owe dues (active or expired) with their member type, by number.
pub fn dues_roll(conn: &mut DbConn) -> Result<Vec<(MemberRow, MemberTypeRow)>, Error> {
    members::table
        .inner_join(member_types::table)
        .filter(members::status.eq_any([status::ACTIVE, status::EXPIRED]))
        .order(members::member_number.asc())
        .select((MemberRow::as_select(), MemberTypeRow::as_select()))
        .load(conn)
}

/// Sets paid-until (never moves it back) and reactivates an expired member.
pub fn set_paid_until(
    conn: &mut DbConn,
    id: i64,
    until: NaiveDate,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(
        members::table
            .find(id)
            .filter(members::paid_until.is_null().or(members::paid_until.lt(until))),
    )
    .set((members::paid_until.eq(until), members::updated_at.eq(at)))
    .execute(conn)
}

/// Moves a member from `from` to `to` (compare-and-set); returns rows changed.
pub fn set_status(
    conn: &mut DbConn,
    id: i64,
    from: &str,
    to: &str,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(members::table.find(id).filter(members::status.eq(from)))
        .set((members::status.eq(to), members::updated_at.eq(at)))
        .execute(conn)
}
