//! Queries of the mini-program workbench: who may decide.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{members, positions, staff};

type QResult<T> = Result<T, diesel::result::Error>;

/// The active staff account linked to `user_id` with one of `roles`, if any.
pub fn deciding_staff(conn: &mut DbConn, user_id: i64, roles: &[&str]) -> QResult<Option<i64>> {
    staff::table
        .filter(staff::user_id.eq(user_id))
        .filter(staff::active.eq(true))
        .filter(staff::role.eq_any(roles.iter().map(|r| (*r).to_owned()).collect::<Vec<_>>()))
        .select(staff::id)
        .first(conn)
        .optional()
}

/// Whether `user_id` is an active member whose current position may review.
pub fn member_may_review(conn: &mut DbConn, user_id: i64, active: &str) -> QResult<bool> {
    diesel::select(diesel::dsl::exists(
        members::table
            .inner_join(positions::table.on(positions::id.eq(members::position_id)))
            .filter(members::user_id.eq(user_id))
            .filter(members::status.eq(active))
            .filter(positions::can_review.eq(true)),
    ))
    .get_result(conn)
}
