//! Billing settings staff change on `/admin/dues`: the dues period, the grace period,
//! what happens to a paid order whose registration is cancelled, and the seal image
//! printed on receipts.

use super::dues_model::PeriodMode;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::{self, Actor, AuditEntry};
use crate::kernel::clock::SharedClock;
use crate::kernel::settings as kv;

const PERIOD_MODE: &str = "billing.dues_period_mode";
const GRACE_DAYS: &str = "billing.grace_days";
const PAID_CANCEL: &str = "billing.paid_cancel_policy";
const SEAL_FILE_ID: &str = "billing.receipt_seal_file_id";

/// Days after the due day before unpaid dues make a member `expired`, by default.
pub const DEFAULT_GRACE_DAYS: u32 = 30;

/// What happens to a paid order when its registration is cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PaidCancelPolicy {
    /// Keep the money; finance may refund by hand (the default).
    #[default]
    Keep,
    /// Refund in full automatically.
    Refund,
}

impl PaidCancelPolicy {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Keep => "keep",
            Self::Refund => "refund",
        }
    }
}

/// The billing settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BillingSettings {
    /// How dues periods run.
    pub period_mode: PeriodMode,
    /// Grace days after the due day.
    pub grace_days: u32,
    /// Paid orders of cancelled registrations.
    pub paid_cancel: PaidCancelPolicy,
    /// The seal (财务专用章) image printed on receipts, an uploaded image.
    pub seal_file_id: Option<i64>,
}

/// Reads the settings (defaults where unset).
pub fn load(conn: &mut DbConn) -> Result<BillingSettings, AppError> {
    let mode = kv::get(conn, PERIOD_MODE)?.unwrap_or_default();
    let grace = kv::get(conn, GRACE_DAYS)?.and_then(|v| v.parse().ok());
    let paid_cancel = match kv::get(conn, PAID_CANCEL)?.as_deref() {
        Some("refund") => PaidCancelPolicy::Refund,
        _ => PaidCancelPolicy::Keep,
    };
    Ok(BillingSettings {
        period_mode: PeriodMode::parse(&mode),
        grace_days: grace.unwrap_or(DEFAULT_GRACE_DAYS),
        paid_cancel,
        seal_file_id: kv::get(conn, SEAL_FILE_ID)?.and_then(|v| v.parse().ok()),
    })
}

/// Reads the settings.
pub async fn billing_settings(db: &Db) -> Result<BillingSettings, AppError> {
    db.run(load).await
}

/// Stores new settings (audited). Grace days must be 0–365.
pub async fn update_settings(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    new: BillingSettings,
) -> Result<(), AppError> {
    if new.grace_days > 365 {
        return Err(AppError::field("grace_days", "宽限期须为 0–365 天"));
    }
    let at = clock.now_naive();
    db.write(move |conn| {
        if let Some(id) = new.seal_file_id {
            let file = crate::kernel::media::store::find(conn, id)?;
            if file.is_none_or(|f| f.kind != "image") {
                return Err(AppError::field("seal_file_id", "印章须为已上传的图片"));
            }
        }
        let seal = new.seal_file_id.map(|id| id.to_string()).unwrap_or_default();
        kv::put(conn, SEAL_FILE_ID, &seal, at)?;
        kv::put(conn, PERIOD_MODE, new.period_mode.as_str(), at)?;
        kv::put(conn, GRACE_DAYS, &new.grace_days.to_string(), at)?;
        kv::put(conn, PAID_CANCEL, new.paid_cancel.as_str(), at)?;
        let entry = AuditEntry {
            actor: Actor::Staff(staff_id),
            action: "billing_settings.update",
            subject_type: "settings",
            subject_id: None,
            ip: None,
        };
        let details = serde_json::json!({
            "period_mode": new.period_mode.as_str(),
            "grace_days": new.grace_days,
            "paid_cancel": new.paid_cancel.as_str(),
            "seal_file_id": new.seal_file_id,
        });
        audit::record(conn, at, &entry, &details)
    })
    .await
}
