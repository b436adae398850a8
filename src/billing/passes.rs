//! The background billing pass: the payment sweep (lost notifications, expired prepay
//! orders, waiting refunds) and the daily dues pass. Both are safe to run at any time;
//! tests run them once with the manual clock instead of waiting.

use std::time::Duration;

use super::dues::{self, DailyReport};
use super::pay::{self, SweepReport};
use super::wechat_pay::SharedGateway;
use crate::config::AssociationConfig;
use crate::db::Db;
use crate::error::AppError;
use crate::kernel::clock::SharedClock;

/// What the passes need.
#[derive(Debug, Clone)]
pub struct PassContext {
    /// Database.
    pub db: Db,
    /// Clock.
    pub clock: SharedClock,
    /// Payment gateway.
    pub gateway: SharedGateway,
    /// Association defaults (time zone).
    pub association: AssociationConfig,
}

/// Runs the payment sweep and the daily dues pass once.
pub async fn run_once(cx: &PassContext) -> Result<(SweepReport, DailyReport), AppError> {
    let sweep = pay::sweep_payments(&cx.db, &cx.clock, &cx.gateway).await?;
    let defaults = cx.association.clone();
    let tz = cx.db.run(move |conn| crate::kernel::settings::load(conn, &defaults)).await?.time_zone;
    let daily = dues::daily_pass(&cx.db, &cx.clock, tz).await?;
    Ok((sweep, daily))
}

/// Runs [`run_once`] every `every` until the process stops. With several instances on
/// PostgreSQL one of them runs each pass (an advisory lock; the others skip it), and
/// the pass also sweeps out old shared rate-limit hits.
pub async fn run_worker(cx: PassContext, every: Duration) {
    use crate::db::{Exclusive, IfHeld};
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let pass = cx.db.exclusively(Exclusive::BillingPass, IfHeld::Skip, || async {
            run_once(&cx).await?;
            let now = cx.clock.now_naive();
            cx.db.run(move |conn| crate::kernel::shared_limit::sweep(conn, now)).await
        });
        if let Err(e) = pass.await {
            e.log_if_internal();
        }
    }
}
