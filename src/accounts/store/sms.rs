//! Queries of `sms_codes`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::accounts::model::CodeRow;
use crate::db::DbConn;
use crate::db::schema::sms_codes;

/// The phone's current code row.
pub fn find(conn: &mut DbConn, phone: &str) -> Result<Option<CodeRow>, diesel::result::Error> {
    sms_codes::table.find(phone).select(CodeRow::as_select()).first(conn).optional()
}

/// The code of a phone, locked for the rest of the write transaction: parallel guesses
/// at one code queue here, so each sees the tries before it.
pub fn lock(conn: &mut DbConn, phone: &str) -> Result<Option<CodeRow>, diesel::result::Error> {
    crate::lock_for_update!(conn, sms_codes::table.find(phone).select(CodeRow::as_select()))
}

/// Inserts the first code of a phone.
pub fn insert(conn: &mut DbConn, row: &CodeRow) -> Result<(), diesel::result::Error> {
    diesel::insert_into(sms_codes::table).values(row).execute(conn).map(|_| ())
}

/// Replaces the code, only if nobody else did since `previous_sent_at` was read
/// (optimistic check: 0 rows means another request won).
pub fn replace(
    conn: &mut DbConn,
    row: &CodeRow,
    previous_sent_at: NaiveDateTime,
) -> Result<usize, diesel::result::Error> {
    diesel::update(
        sms_codes::table.find(&row.phone).filter(sms_codes::last_sent_at.eq(previous_sent_at)),
    )
    .set(row)
    .execute(conn)
}

/// Records a wrong guess; `burn` marks the code used (a wrong guess never un-burns).
pub fn record_failure(
    conn: &mut DbConn,
    phone: &str,
    burn: bool,
) -> Result<(), diesel::result::Error> {
    let row = sms_codes::table.find(phone);
    let tries = sms_codes::failed_attempts.eq(sms_codes::failed_attempts + 1);
    if burn {
        diesel::update(row).set((tries, sms_codes::used.eq(true))).execute(conn)?;
    } else {
        diesel::update(row).set(tries).execute(conn)?;
    }
    Ok(())
}

/// Marks the code used (signed in with it); 0 when a parallel request used it first.
pub fn mark_used(conn: &mut DbConn, phone: &str) -> Result<usize, diesel::result::Error> {
    diesel::update(sms_codes::table.find(phone).filter(sms_codes::used.eq(false)))
        .set(sms_codes::used.eq(true))
        .execute(conn)
}
