//! Queries of `email_verifications` and of the verified address on `users`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{email_verifications, users};

type QResult<T> = Result<T, diesel::result::Error>;

/// An address waiting for its code.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = email_verifications)]
pub struct VerificationRow {
    /// Whose.
    pub user_id: i64,
    /// The address typed (normalised).
    pub email: String,
    /// HMAC of the code.
    pub code_hash: String,
    /// Until when the code works.
    pub expires_at: NaiveDateTime,
    /// Wrong codes so far.
    pub failed_attempts: i32,
    /// When the last code was queued.
    pub last_sent_at: NaiveDateTime,
}

/// The user's pending address, locked for the rest of the transaction.
pub fn lock(conn: &mut DbConn, user_id: i64) -> QResult<Option<VerificationRow>> {
    crate::lock_for_update!(
        conn,
        email_verifications::table.find(user_id).select(VerificationRow::as_select())
    )
}

/// Inserts the first pending address of a user (a unique violation: another request won).
pub fn insert(conn: &mut DbConn, row: &VerificationRow) -> QResult<()> {
    diesel::insert_into(email_verifications::table).values(row).execute(conn).map(|_| ())
}

/// Replaces the pending address and code.
pub fn replace(conn: &mut DbConn, row: &VerificationRow) -> QResult<()> {
    diesel::update(email_verifications::table.find(row.user_id)).set(row).execute(conn).map(|_| ())
}

/// Counts a wrong code.
pub fn record_failure(conn: &mut DbConn, user_id: i64) -> QResult<()> {
    diesel::update(email_verifications::table.find(user_id))
        .set(email_verifications::failed_attempts.eq(email_verifications::failed_attempts + 1))
        .execute(conn)
        .map(|_| ())
}

/// Removes the pending address (confirmed, burned or withdrawn).
pub fn remove(conn: &mut DbConn, user_id: i64) -> QResult<()> {
    diesel::delete(email_verifications::table.find(user_id)).execute(conn).map(|_| ())
}

/// Sets (or with `None` clears) the user's verified address.
pub fn set_user_email(
    conn: &mut DbConn,
    user_id: i64,
    email: Option<&str>,
    at: NaiveDateTime,
) -> QResult<usize> {
    diesel::update(users::table.find(user_id))
        .set((users::email.eq(email), users::updated_at.eq(at)))
        .execute(conn)
}
