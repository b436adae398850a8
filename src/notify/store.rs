//! Queries of the notify context (staff recipients, queue notice marks).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{staff, staff_queue_notices as sqn};

type QResult<T> = Result<T, diesel::result::Error>;

/// A staff recipient: (id, e-mail, linked user).
pub type StaffRecipient = (i64, Option<String>, Option<i64>);

/// Active staff of `roles`: (id, e-mail, linked user).
pub fn staff_of_roles(conn: &mut DbConn, roles: &[&str]) -> QResult<Vec<StaffRecipient>> {
    staff::table
        .filter(staff::active.eq(true))
        .filter(staff::role.eq_any(roles.iter().map(|r| (*r).to_owned()).collect::<Vec<_>>()))
        .order(staff::id.asc())
        .select((staff::id, staff::email, staff::user_id))
        .load(conn)
}

/// When staff were last told about `queue`: (notified at, newest item id then).
pub fn queue_mark(conn: &mut DbConn, queue: &str) -> QResult<Option<(NaiveDateTime, i64)>> {
    sqn::table.find(queue).select((sqn::notified_at, sqn::newest_item_id)).first(conn).optional()
}

/// Moves the mark of `queue` from `seen` (its value when read; `None` = no row) to
/// (`at`, `newest`). Compare-and-set: `false` when another process moved it first.
pub fn move_queue_mark(
    conn: &mut DbConn,
    queue: &str,
    seen: Option<NaiveDateTime>,
    at: NaiveDateTime,
    newest: i64,
) -> QResult<bool> {
    let n = match seen {
        Some(before) => diesel::update(sqn::table.find(queue).filter(sqn::notified_at.eq(before)))
            .set((sqn::notified_at.eq(at), sqn::newest_item_id.eq(newest)))
            .execute(conn)?,
        None => crate::per_backend!(&mut *conn, |c| diesel::insert_into(sqn::table)
            .values((sqn::queue.eq(queue), sqn::notified_at.eq(at), sqn::newest_item_id.eq(newest)))
            .on_conflict_do_nothing()
            .execute(c))?,
    };
    Ok(n == 1)
}

/// A staff member's notice e-mail.
pub fn staff_email(conn: &mut DbConn, staff_id: i64) -> QResult<Option<String>> {
    Ok(staff::table.find(staff_id).select(staff::email).first(conn).optional()?.flatten())
}

/// Sets a staff member's notice e-mail.
pub fn set_staff_email(conn: &mut DbConn, staff_id: i64, email: Option<&str>) -> QResult<()> {
    diesel::update(staff::table.find(staff_id)).set(staff::email.eq(email)).execute(conn)?;
    Ok(())
}
