//! Queries of the membership tables: the only place with diesel for them.
//!
//! One deliberate exception to "never another context's tables": the member roll joins
//! `users` to search by phone and nickname, and the Excel import inserts users in bulk —
//! one query each instead of thousands of use-case calls. Single users are read through
//! `accounts` (`find_user`) and `notices` (`send`).

pub mod applications;
pub mod catalog;
pub mod dues;
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
