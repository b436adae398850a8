//! Queries of the membership tables: the only place with diesel for them.

pub mod applications;
pub mod catalog;
pub mod import;
pub mod members;

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::members as members_table;

/// The status of `user_id`'s membership, if they ever were a member.
pub fn member_status(
    conn: &mut DbConn,
    user_id: i64,
) -> Result<Option<String>, diesel::result::Error> {
    members_table::table
        .filter(members_table::user_id.eq(user_id))
        .select(members_table::status)
        .first(conn)
        .optional()
}
