//! Staff sessions kept on the server: sign-in records one (the cookie carries only its
//! random token, the database its hash), every request checks it, logout deletes it,
//! and "sign out everywhere" deletes all of an account's.

use super::model::StaffRow;
use super::store::{self, sessions};
use crate::db::Db;
use crate::error::AppError;
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;
use crate::kernel::tokens::{random_token, sha256_hex};

/// Starts a session of `staff_id` lasting `hours`; returns the token for the cookie.
pub async fn start_staff_session(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    hours: i64,
) -> Result<String, AppError> {
    let token = random_token(32);
    let hash = sha256_hex(token.as_bytes());
    let at = clock.now_naive();
    let expires_at = at + chrono::Duration::hours(hours);
    db.write(move |conn| sessions::insert(conn, staff_id, &hash, at, expires_at)).await?;
    Ok(token)
}

/// The active account behind session `token` of `staff_id`, if the session is live.
pub async fn staff_of_session(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    token: String,
) -> Result<Option<StaffRow>, AppError> {
    let now = clock.now_naive();
    db.run(move |conn| {
        if !sessions::is_live(conn, staff_id, &sha256_hex(token.as_bytes()), now)? {
            return Ok(None);
        }
        Ok(store::staff_by_id(conn, staff_id)?.filter(|r| r.active))
    })
    .await
}

/// Ends the session `token` (logout).
pub async fn end_staff_session(db: &Db, token: String) -> Result<(), AppError> {
    db.write(move |conn| sessions::delete(conn, &sha256_hex(token.as_bytes()))).await
}

/// Ends every session of `staff_id` — the member's own "sign out everywhere", or an
/// admin's on another account (the caller checks the role). Audited.
pub async fn end_all_staff_sessions(
    db: &Db,
    clock: &SharedClock,
    actor_id: i64,
    staff_id: i64,
) -> Result<usize, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let row = store::staff_by_id(conn, staff_id)?.ok_or_else(|| AppError::not_found("账号"))?;
        let ended = sessions::delete_all(conn, row.id)?;
        AuditEntry::new(Actor::Staff(actor_id), "staff.sign_out_everywhere", "staff", Some(row.id))
            .record(conn, at, &serde_json::json!({"sessions": ended}))?;
        Ok(ended)
    })
    .await
}
