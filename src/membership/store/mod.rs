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
pub mod stats;

use diesel::prelude::*;

/// SQL for "the user in `$owner` (a `BIGINT` user-id column of another table) is an
/// active member now", the rule every public list (hall, directory, library,
/// certificates, enterprises) applies to its owners. It is a correlated `EXISTS`, one
/// probe of `members.user_id`'s unique index per candidate row: as `owner IN (SELECT
/// user_id FROM members WHERE status = 'active')` it made SQLite build the list of every
/// active member per query, or drive the whole query from `members` (6.7 s for an
/// enterprise search among 100,000 members). For a nullable owner column write
/// `active_member!(nullable col)`; `active_member!(col, condition)` adds a condition on
/// the member row (e.g. its member type).
#[macro_export]
macro_rules! active_member {
    ($owner:expr, $condition:expr) => {
        diesel::dsl::exists(
            $crate::db::schema::members::table
                .filter($crate::db::schema::members::user_id.eq($owner))
                .filter($crate::db::schema::members::status.eq($crate::membership::status::ACTIVE))
                .filter($condition),
        )
    };
    (nullable $owner:expr) => {
        diesel::dsl::exists(
            $crate::db::schema::members::table
                .filter($crate::db::schema::members::user_id.nullable().eq($owner))
                .filter($crate::db::schema::members::status.eq($crate::membership::status::ACTIVE)),
        )
    };
    ($owner:expr) => {
        diesel::dsl::exists(
            $crate::db::schema::members::table
                .filter($crate::db::schema::members::user_id.eq($owner))
                .filter($crate::db::schema::members::status.eq($crate::membership::status::ACTIVE)),
        )
    };
}

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
