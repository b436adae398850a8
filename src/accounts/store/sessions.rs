//! Queries of `staff_sessions`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::staff_sessions;
use crate::error::AppError;

/// Records a new session (and forgets the account's expired ones).
pub fn insert(
    conn: &mut DbConn,
    staff_id: i64,
    token_hash: &str,
    at: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::delete(
        staff_sessions::table
            .filter(staff_sessions::staff_id.eq(staff_id))
            .filter(staff_sessions::expires_at.le(at)),
    )
    .execute(conn)?;
    diesel::insert_into(staff_sessions::table)
        .values((
            staff_sessions::staff_id.eq(staff_id),
            staff_sessions::token_hash.eq(token_hash),
            staff_sessions::created_at.eq(at),
            staff_sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether the session `token_hash` of `staff_id` exists and has not expired.
pub fn is_live(
    conn: &mut DbConn,
    staff_id: i64,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let found: i64 = staff_sessions::table
        .filter(staff_sessions::token_hash.eq(token_hash))
        .filter(staff_sessions::staff_id.eq(staff_id))
        .filter(staff_sessions::expires_at.gt(now))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// Ends one session.
pub fn delete(conn: &mut DbConn, token_hash: &str) -> Result<(), AppError> {
    diesel::delete(staff_sessions::table.filter(staff_sessions::token_hash.eq(token_hash)))
        .execute(conn)?;
    Ok(())
}

/// Ends every session of an account; returns how many there were.
pub fn delete_all(conn: &mut DbConn, staff_id: i64) -> Result<usize, AppError> {
    Ok(diesel::delete(staff_sessions::table.filter(staff_sessions::staff_id.eq(staff_id)))
        .execute(conn)?)
}
