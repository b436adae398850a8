//! Queries of the membership tables.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::members;

/// The status of `user_id`'s membership, if they ever were a member.
pub fn member_status(
    conn: &mut DbConn,
    user_id: i64,
) -> Result<Option<String>, diesel::result::Error> {
    members::table
        .filter(members::user_id.eq(user_id))
        .select(members::status)
        .first(conn)
        .optional()
}

/// Number, status and join time of `user_id`'s membership.
pub fn member_of(
    conn: &mut DbConn,
    user_id: i64,
) -> Result<Option<(String, String, chrono::NaiveDateTime)>, diesel::result::Error> {
    members::table
        .filter(members::user_id.eq(user_id))
        .select((members::member_number, members::status, members::joined_at))
        .first(conn)
        .optional()
}
