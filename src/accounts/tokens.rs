//! Bearer tokens of mini-program users: 256 random bits, only a SHA-256 stored,
//! 30-day sliding expiry.

use chrono::{Duration, NaiveDateTime};

use super::model::UserRow;
use super::store;
use crate::db::{Db, DbConn};
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

/// Issues a token for `user_id` in its own transaction.
pub async fn issue(db: &Db, clock: &SharedClock, user_id: i64) -> Result<IssuedToken, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| issue_in(conn, user_id, at)).await
}

/// Issues a token for `user_id` inside the caller's write transaction (sign-in issues it
/// in the transaction that uses up the SMS code or registers the user).
pub fn issue_in(
    conn: &mut DbConn,
    user_id: i64,
    at: NaiveDateTime,
) -> Result<IssuedToken, AppError> {
    let token = random_token(32);
    let hash = sha256_hex(token.as_bytes());
    let expires_at = at + Duration::days(TOKEN_DAYS);
    store::insert_token(conn, user_id, &hash, at, expires_at)?;
    Ok(IssuedToken { token, expires_at })
}

/// Seconds a successful token check is remembered.
const CACHE_SECONDS: i64 = 60;
/// Entries kept at most (then the cache starts afresh).
const CACHE_ENTRIES: usize = 100_000;

/// Recently checked tokens, so that a burst of requests (400 members checking in at
/// 8:55) does not cost each one a database trip. An entry lives at most
/// [`CACHE_SECONDS`] and never past the token's expiry; [`revoke`] removes it at once.
/// Keyed by the token's hash, like the database.
///
/// Only on SQLite (one process, so the only revocations are this process's own). On
/// PostgreSQL several instances share the database and a logout on one must be refused
/// by all at once: the cache is off and every request checks the token row (one indexed
/// query, the same cost as any revocation check would be).
#[derive(Debug)]
pub struct TokenCache {
    enabled: bool,
    entries: parking_lot::Mutex<std::collections::HashMap<String, CachedToken>>,
}

impl Default for TokenCache {
    /// An enabled cache (one process).
    fn default() -> Self {
        Self { enabled: true, entries: parking_lot::Mutex::default() }
    }
}

#[derive(Debug, Clone)]
struct CachedToken {
    user: UserRow,
    checked_at: NaiveDateTime,
    expires_at: NaiveDateTime,
}

impl TokenCache {
    /// Enabled on SQLite, off on PostgreSQL (see the type's documentation).
    pub fn for_backend(backend: crate::db::Backend) -> Self {
        Self { enabled: backend == crate::db::Backend::Sqlite, ..Self::default() }
    }

    fn get(&self, hash: &str, now: NaiveDateTime) -> Option<UserRow> {
        if !self.enabled {
            return None;
        }
        let entries = self.entries.lock();
        let entry = entries.get(hash)?;
        let fresh =
            now - entry.checked_at < Duration::seconds(CACHE_SECONDS) && now < entry.expires_at;
        fresh.then(|| entry.user.clone())
    }

    fn put(&self, hash: String, entry: CachedToken) {
        if !self.enabled {
            return;
        }
        let mut entries = self.entries.lock();
        if entries.len() >= CACHE_ENTRIES {
            entries.clear();
        }
        entries.insert(hash, entry);
    }

    fn forget(&self, hash: &str) {
        self.entries.lock().remove(hash);
    }
}

/// The user behind a live token, sliding its expiry.
pub async fn authenticate(
    db: &Db,
    clock: &SharedClock,
    cache: &TokenCache,
    token: &str,
) -> Result<UserRow, AppError> {
    let hash = sha256_hex(token.as_bytes());
    let now = clock.now_naive();
    if let Some(user) = cache.get(&hash, now) {
        return Ok(user);
    }
    let key = hash.clone();
    let (user, expires_at) = db
        .run(move |conn| {
            let (id, last_used, expires_at, user) =
                store::live_token(conn, &key, now)?.ok_or(AppError::Unauthenticated)?;
            if now - last_used > Duration::minutes(SLIDE_AFTER_MINUTES) {
                let slid = now + Duration::days(TOKEN_DAYS);
                store::extend_token(conn, id, now, slid)?;
                return Ok((user, slid));
            }
            Ok((user, expires_at))
        })
        .await?;
    cache.put(hash, CachedToken { user: user.clone(), checked_at: now, expires_at });
    Ok(user)
}

/// Revokes a token (logout), at once also for the cache. Unknown tokens are ignored.
pub async fn revoke(
    db: &Db,
    clock: &SharedClock,
    cache: &TokenCache,
    token: &str,
) -> Result<(), AppError> {
    let hash = sha256_hex(token.as_bytes());
    cache.forget(&hash);
    let at = clock.now_naive();
    db.run(move |conn| Ok(store::revoke_token(conn, &hash, at).map(|_| ())?)).await
}
