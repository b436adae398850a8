//! Work done by one instance at a time on PostgreSQL: session advisory locks on a
//! dedicated connection (never a pooled one, which would keep the lock when returned)
//! around migrations, start-up writes and each background pass. Closing the connection
//! releases the lock, also when the work fails or its future is dropped. On SQLite one
//! process owns the file, so nothing is locked.

use std::future::Future;

use diesel::prelude::*;

use super::{Backend, Db};
use crate::error::AppError;

/// The advisory lock keys (one per kind of work; arbitrary constants, "GH" + number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exclusive {
    /// Running migrations.
    Migrations,
    /// Start-up writes after migrating (notice catalogue, search index of members).
    Startup,
    /// The billing pass (payment sweep, dues expiry and reminders).
    BillingPass,
}

impl Exclusive {
    fn key(self) -> i64 {
        const BASE: i64 = 0x4748_0000;
        BASE + match self {
            Self::Migrations => 1,
            Self::Startup => 2,
            Self::BillingPass => 3,
        }
    }
}

#[derive(QueryableByName)]
struct Got {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    got: bool,
}

/// Opens a connection of its own and takes `lock` on it: waiting for it when `wait`,
/// else `None` when another session holds it.
pub(super) fn lock_connection(
    url: &str,
    lock: Exclusive,
    wait: bool,
) -> anyhow::Result<Option<diesel::PgConnection>> {
    let mut conn = super::establish_pg(url)?;
    let key = lock.key();
    if wait {
        diesel::sql_query("SELECT pg_advisory_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(key)
            .execute(&mut conn)?;
        return Ok(Some(conn));
    }
    let got: Got = diesel::sql_query("SELECT pg_try_advisory_lock($1) AS got")
        .bind::<diesel::sql_types::BigInt, _>(key)
        .get_result(&mut conn)?;
    Ok(got.got.then_some(conn))
}

/// Whether [`Db::exclusively`] waits for the lock or skips the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfHeld {
    /// Wait until the other instance is done (start-up work every instance needs done).
    Wait,
    /// Skip: the other instance is doing it (a periodic pass).
    Skip,
}

impl Db {
    /// Runs `work` while this instance holds `lock` (PostgreSQL); `Ok(None)` when it was
    /// skipped because another instance holds it. On SQLite `work` simply runs.
    pub async fn exclusively<T, Fut>(
        &self,
        lock: Exclusive,
        if_held: IfHeld,
        work: impl FnOnce() -> Fut,
    ) -> Result<Option<T>, AppError>
    where
        Fut: Future<Output = Result<T, AppError>>,
    {
        if self.backend == Backend::Sqlite {
            return work().await.map(Some);
        }
        let url = self.url.target.clone();
        let wait = if_held == IfHeld::Wait;
        let held = tokio::task::spawn_blocking(move || lock_connection(&url, lock, wait))
            .await
            .map_err(|e| AppError::internal(anyhow::anyhow!("lock task: {e}")))?
            .map_err(AppError::internal)?;
        let Some(conn) = held else { return Ok(None) };
        let result = work().await;
        // Closing the session releases the lock.
        drop(conn);
        result.map(Some)
    }
}
