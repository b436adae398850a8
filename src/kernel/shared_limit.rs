//! Rate limits that hold across instances: on PostgreSQL every hit is a row of
//! `rate_hits`, counted by every instance on the database; on SQLite (one process) the
//! same sliding window is kept in memory ([`RateLimiter`]), as before.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::rate_limit::RateLimiter;
use crate::db::schema::rate_hits;
use crate::db::{Backend, Db, DbConn};
use crate::error::AppError;

/// Hits older than this are swept out by [`sweep`] (longer than any window in use).
const KEEP_HOURS: i64 = 25;

/// At most `max` hits per key in any `window`, counted where every instance sees them.
#[derive(Debug)]
pub enum Limiter {
    /// One process: in memory.
    Memory(RateLimiter),
    /// Several instances on one PostgreSQL database: rows of `rate_hits`.
    Shared(SharedWindow),
}

/// A window counted in `rate_hits` under one scope (e.g. `"sign_in_account"`).
#[derive(Debug)]
pub struct SharedWindow {
    db: Db,
    scope: &'static str,
    max: usize,
    window: Duration,
}

impl Limiter {
    /// In memory on SQLite, in the database on PostgreSQL. `scope` names the limit in
    /// the table and must differ between limits.
    pub fn for_db(db: &Db, scope: &'static str, max: usize, window: Duration) -> Self {
        match db.backend() {
            Backend::Sqlite => Self::Memory(RateLimiter::new(max, window)),
            Backend::Postgres => Self::Shared(SharedWindow { db: db.clone(), scope, max, window }),
        }
    }

    /// Records a hit for `key` unless the limit is reached; `Ok(Err(seconds))` says how
    /// long until the next hit is allowed.
    pub async fn hit(&self, key: &str, now: DateTime<Utc>) -> Result<Result<(), u64>, AppError> {
        let w = match self {
            Self::Memory(limiter) => return Ok(limiter.hit(key, now)),
            Self::Shared(w) => w,
        };
        let (scope, key, max, window) = (w.scope, key.to_owned(), w.max, w.window);
        let now = now.naive_utc();
        // Insert, then count, as separate statements (each commits): of two parallel
        // hits, the one counting last sees both, so no more than `max` are ever let
        // through. A refused hit removes its row, as the in-memory limiter records none.
        w.db.run(move |conn| {
            let id = insert(conn, scope, &key, now)?;
            let verdict = count(conn, scope, &key, now, window, max)?; // own row included
            if verdict.is_err() {
                diesel::delete(rate_hits::table.find(id)).execute(conn)?;
            }
            Ok(verdict)
        })
        .await
    }

    /// `Ok(Err(seconds))` when `key` is at its limit; records nothing.
    pub async fn check(&self, key: &str, now: DateTime<Utc>) -> Result<Result<(), u64>, AppError> {
        let w = match self {
            Self::Memory(limiter) => return Ok(limiter.check(key, now)),
            Self::Shared(w) => w,
        };
        let (scope, key, max, window) = (w.scope, key.to_owned(), w.max, w.window);
        let allowed = max.saturating_sub(1); // room for one more
        w.db.run(move |conn| count(conn, scope, &key, now.naive_utc(), window, allowed)).await
    }

    /// Records a hit for `key`, whatever the limit.
    pub async fn record(&self, key: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        let w = match self {
            Self::Memory(limiter) => {
                limiter.record(key, now);
                return Ok(());
            }
            Self::Shared(w) => w,
        };
        let (scope, key, window, now) = (w.scope, key.to_owned(), w.window, now.naive_utc());
        w.db.run(move |conn| {
            insert(conn, scope, &key, now)?;
            // This key's hits that left the window are worthless: drop them now.
            let old = rate_hits::table
                .filter(rate_hits::scope.eq(scope))
                .filter(rate_hits::key.eq(&key))
                .filter(rate_hits::hit_at.le(now - window));
            diesel::delete(old).execute(conn)?;
            Ok(())
        })
        .await
    }

    /// Forgets `key`'s hits.
    pub async fn clear(&self, key: &str) -> Result<(), AppError> {
        let w = match self {
            Self::Memory(limiter) => {
                limiter.clear(key);
                return Ok(());
            }
            Self::Shared(w) => w,
        };
        let (scope, key) = (w.scope, key.to_owned());
        w.db.run(move |conn| {
            let mine =
                rate_hits::table.filter(rate_hits::scope.eq(scope)).filter(rate_hits::key.eq(&key));
            diesel::delete(mine).execute(conn)?;
            Ok(())
        })
        .await
    }
}

fn insert(conn: &mut DbConn, scope: &str, key: &str, at: NaiveDateTime) -> Result<i64, AppError> {
    let row = (rate_hits::scope.eq(scope), rate_hits::key.eq(key), rate_hits::hit_at.eq(at));
    Ok(crate::per_backend!(conn, |c| diesel::insert_into(rate_hits::table)
        .values(row)
        .returning(rate_hits::id)
        .get_result(c))?)
}

/// `Ok(Ok(()))` while `key` has at most `allowed` hits in the window.
fn count(
    conn: &mut DbConn,
    scope: &str,
    key: &str,
    now: NaiveDateTime,
    window: Duration,
    allowed: usize,
) -> Result<Result<(), u64>, AppError> {
    let (hits, oldest): (i64, Option<NaiveDateTime>) = rate_hits::table
        .filter(rate_hits::scope.eq(scope))
        .filter(rate_hits::key.eq(key))
        .filter(rate_hits::hit_at.gt(now - window))
        .select((diesel::dsl::count_star(), diesel::dsl::min(rate_hits::hit_at)))
        .first(conn)?;
    if usize::try_from(hits).unwrap_or(usize::MAX) <= allowed {
        return Ok(Ok(()));
    }
    Ok(Err(wait_secs(oldest.unwrap_or(now), window, now)))
}

/// Seconds until the oldest hit leaves the window (at least one).
fn wait_secs(oldest: NaiveDateTime, window: Duration, now: NaiveDateTime) -> u64 {
    let wait = (oldest + window - now).num_seconds().max(1);
    u64::try_from(wait).unwrap_or(1)
}

/// Deletes hits older than any window (a background pass calls it): keys that never
/// come back would otherwise stay forever. Returns how many.
pub fn sweep(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize, AppError> {
    let old = rate_hits::table.filter(rate_hits::hit_at.lt(now - Duration::hours(KEEP_HOURS)));
    Ok(diesel::delete(old).execute(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_is_until_the_oldest_hit_leaves_the_window() {
        let t0 = chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
            .and_then(|d| d.and_hms_opt(6, 30, 0))
            .unwrap_or_default();
        let window = Duration::minutes(15);
        assert_eq!(wait_secs(t0, window, t0 + Duration::minutes(5)), 600);
        assert_eq!(wait_secs(t0, window, t0 + Duration::minutes(20)), 1);
    }
}
