//! Bearer tokens of mini-program users: 256 random bits, only a SHA-256 stored,
//! 30-day sliding expiry.

use chrono::{Duration, NaiveDateTime};

use super::model::UserRow;
use super::store;
use crate::db::Db;
use crate::error::AppError;
use crate::kernel::clock::SharedClock;
use crate::kernel::tokens::{random_token, sha256_hex};

/// How long a token lives after its last use.
pub const TOKEN_DAYS: i64 = 30;
/// Expiry is slid at most this often, so reads do not write on every request.
const SLIDE_AFTER_MINUTES: i64 = 10;

/// A freshly issued token; the clear text exists only in this answer.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// The bearer token.
    pub token: String,
    /// When it expires unless used.
    pub expires_at: NaiveDateTime,
}

/// Issues a token for `user_id`.
pub async fn issue(db: &Db, clock: &SharedClock, user_id: i64) -> Result<IssuedToken, AppError> {
    let at = clock.now_naive();
    let token = random_token(32);
    let hash = sha256_hex(token.as_bytes());
    let expires_at = at + Duration::days(TOKEN_DAYS);
    db.run(move |conn| store::insert_token(conn, user_id, &hash, at, expires_at)).await?;
    Ok(IssuedToken { token, expires_at })
}

/// The user behind a live token, sliding its expiry.
pub async fn authenticate(db: &Db, clock: &SharedClock, token: &str) -> Result<UserRow, AppError> {
    let hash = sha256_hex(token.as_bytes());
    let now = clock.now_naive();
    db.run(move |conn| {
        let (id, last_used, user) =
            store::live_token(conn, &hash, now)?.ok_or(AppError::Unauthenticated)?;
        if now - last_used > Duration::minutes(SLIDE_AFTER_MINUTES) {
            store::extend_token(conn, id, now, now + Duration::days(TOKEN_DAYS))?;
        }
        Ok(user)
    })
    .await
}

/// Revokes a token (logout). Unknown tokens are ignored.
pub async fn revoke(db: &Db, clock: &SharedClock, token: &str) -> Result<(), AppError> {
    let hash = sha256_hex(token.as_bytes());
    let at = clock.now_naive();
    db.run(move |conn| store::revoke_token(conn, &hash, at).map(|_| ())).await
}
