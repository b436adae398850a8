//! The statistics block of the workbench home (members by type, industry, position and
//! status, joined per month, this period's dues share), computed by GROUP BY queries
//! and kept for [`CACHE_SECONDS`] in process: a morning's worth of staff opening the
//! home runs them about once a minute. The pending counts are never cached.

use std::sync::Arc;

use chrono::NaiveDateTime;

use crate::billing::dues_share::{DuesShare, dues_share};
use crate::db::Db;
use crate::error::AppError;
use crate::kernel::clock::SharedClock;
use crate::membership::stats::{MemberStats, member_stats};

/// How long computed statistics are shown before they are computed again.
pub const CACHE_SECONDS: i64 = 60;

/// The statistics block.
#[derive(Debug, Clone)]
pub struct HomeStats {
    /// Members.
    pub members: MemberStats,
    /// This period's dues.
    pub dues: DuesShare,
    /// When computed (UTC).
    pub computed_at: NaiveDateTime,
}

/// The last statistics computed, per time zone (one in practice).
#[derive(Debug, Default)]
pub struct StatsCache {
    entry: parking_lot::Mutex<Option<(chrono_tz::Tz, Arc<HomeStats>)>>,
}

impl StatsCache {
    /// The statistics, from the cache while younger than [`CACHE_SECONDS`] by `clock`.
    pub async fn get(
        &self,
        db: &Db,
        clock: &SharedClock,
        tz: chrono_tz::Tz,
    ) -> Result<Arc<HomeStats>, AppError> {
        let now = clock.now_naive();
        if let Some((zone, stats)) = self.entry.lock().as_ref()
            && *zone == tz
            && (now - stats.computed_at).num_seconds().abs() < CACHE_SECONDS
        {
            return Ok(stats.clone());
        }
        let today = now.and_utc().with_timezone(&tz).date_naive();
        let stats = db
            .run(move |conn| {
                Ok(HomeStats {
                    members: member_stats(conn, now, tz)?,
                    dues: dues_share(conn, today)?,
                    computed_at: now,
                })
            })
            .await?;
        let stats = Arc::new(stats);
        *self.entry.lock() = Some((tz, stats.clone()));
        Ok(stats)
    }
}
