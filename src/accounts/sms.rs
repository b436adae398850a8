//! SMS sign-in codes: 6 digits from a CSPRNG, stored only as an HMAC, valid 5 minutes,
//! burned after 5 wrong tries; at most 1 per phone per 60 s and 10 per phone per day
//! (kept in the database), 20 per client address per hour (in memory on SQLite, in the
//! database on PostgreSQL so every instance counts the same requests).

use chrono::{Duration, NaiveDateTime};
use rand::Rng as _;

pub use super::model::CodeRow;
use super::store;
use crate::db::{Db, DbConn, is_unique_violation};
use crate::error::AppError;
use crate::kernel::clock::SharedClock;
use crate::kernel::outbox::{self, Channel};
use crate::kernel::shared_limit::Limiter;
use crate::kernel::tokens::{constant_time_eq, sign};

/// Minutes a code stays valid.
pub const CODE_MINUTES: i64 = 5;
/// Seconds between two codes to the same phone.
pub const RESEND_SECONDS: i64 = 60;
/// Codes per phone per (association-local) day.
pub const MAX_PER_DAY: i32 = 10;
/// Codes per client address per hour.
pub const MAX_PER_IP_HOUR: usize = 20;
/// Wrong tries that burn a code.
pub const MAX_FAILED: i32 = 5;
/// Outbox template of the code message.
pub const TEMPLATE: &str = "sms_code";

/// Where the rules and secrets come from.
#[derive(Debug, Clone, Copy)]
pub struct CodeContext<'a> {
    /// Server HMAC key.
    pub key: &'a [u8],
    /// Association time zone (for the daily limit).
    pub tz: chrono_tz::Tz,
}

/// What a sent code tells the client.
#[derive(Debug, Clone, Copy)]
pub struct SentCode {
    /// Seconds the code is valid.
    pub expires_in: i64,
    /// Seconds before another code may be asked for.
    pub resend_after: i64,
}

fn code_hash(key: &[u8], phone: &str, code: &str) -> String {
    sign(key, format!("sms:{phone}:{code}").as_bytes())
}

fn rate_limited(wait: i64, message: &str) -> AppError {
    AppError::RateLimited {
        retry_after_secs: u64::try_from(wait.max(1)).unwrap_or(1),
        message: message.into(),
    }
}

/// `Err` with the wait when `previous` forbids another code now; else the day's count
/// after sending.
pub fn next_count(
    previous: Option<&CodeRow>,
    now: NaiveDateTime,
    today: &str,
    tz: chrono_tz::Tz,
) -> Result<i32, AppError> {
    let Some(prev) = previous else { return Ok(1) };
    let since = (now - prev.last_sent_at).num_seconds();
    if since < RESEND_SECONDS {
        return Err(rate_limited(RESEND_SECONDS - since, "验证码发送过于频繁，请稍后再试"));
    }
    if prev.sent_day != today {
        return Ok(1);
    }
    if prev.sent_today >= MAX_PER_DAY {
        let local = now.and_utc().with_timezone(&tz);
        let midnight = local.date_naive().succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0));
        let wait = midnight
            .and_then(|m| m.and_local_timezone(tz).earliest())
            .map_or(3600, |m| (m.with_timezone(&chrono::Utc).naive_utc() - now).num_seconds());
        return Err(rate_limited(wait, "今日验证码发送次数已达上限，请明天再试"));
    }
    Ok(prev.sent_today + 1)
}

/// Sends a new code to `phone` (already normalised) through the outbox.
pub async fn send_code(
    db: &Db,
    clock: &SharedClock,
    ctx: CodeContext<'_>,
    ip_limiter: &Limiter,
    phone: String,
    ip: &str,
) -> Result<SentCode, AppError> {
    if let Err(wait) = ip_limiter.hit(ip, clock.now()).await? {
        return Err(rate_limited(i64::try_from(wait).unwrap_or(60), "请求过于频繁，请稍后再试"));
    }
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000));
    let now = clock.now_naive();
    let today = now.and_utc().with_timezone(&ctx.tz).format("%Y-%m-%d").to_string();
    let (hash, tz) = (code_hash(ctx.key, &phone, &code), ctx.tz);
    db.write(move |conn| {
        let previous = store::sms::find(conn, &phone)?;
        let sent_today = next_count(previous.as_ref(), now, &today, tz)?;
        let row = CodeRow {
            phone: phone.clone(),
            code_hash: hash,
            expires_at: now + Duration::minutes(CODE_MINUTES),
            failed_attempts: 0,
            used: false,
            last_sent_at: now,
            sent_day: today,
            sent_today,
        };
        let lost_race = || rate_limited(RESEND_SECONDS, "验证码发送过于频繁，请稍后再试");
        match &previous {
            None => store::sms::insert(conn, &row)
                .map_err(|e| if is_unique_violation(&e) { lost_race() } else { e.into() })?,
            Some(prev) => {
                if store::sms::replace(conn, &row, prev.last_sent_at)? == 0 {
                    return Err(lost_race());
                }
            }
        }
        let payload = serde_json::json!({"code": code, "minutes": CODE_MINUTES});
        let expires_at = Some(now + Duration::minutes(CODE_MINUTES));
        outbox::enqueue_secret(conn, now, Channel::Sms, &phone, TEMPLATE, &payload, expires_at)
    })
    .await?;
    Ok(SentCode { expires_in: CODE_MINUTES * 60, resend_after: RESEND_SECONDS })
}

/// The outcome of checking a code; wrong tries are recorded (so the caller must commit
/// even when the answer is not `Valid`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    /// Right code; it is now used.
    Valid,
    /// Wrong code; `burned` when that was the last allowed try.
    Wrong {
        /// The code no longer works.
        burned: bool,
    },
    /// No usable code for this phone (never sent, used, burned or expired).
    Unusable,
}

impl CodeCheck {
    /// The error to answer for anything but `Valid`.
    pub fn into_result(self) -> Result<(), AppError> {
        match self {
            Self::Valid => Ok(()),
            Self::Wrong { burned: false } => Err(AppError::field("code", "验证码错误")),
            Self::Wrong { burned: true } => {
                Err(AppError::field("code", "验证码错误次数过多，请重新获取"))
            }
            Self::Unusable => Err(AppError::field("code", "验证码无效或已过期，请重新获取")),
        }
    }
}

/// Checks `code` for `phone` inside the caller's write transaction.
pub fn check_code(
    conn: &mut DbConn,
    key: &[u8],
    phone: &str,
    code: &str,
    now: NaiveDateTime,
) -> Result<CodeCheck, AppError> {
    let Some(row) = store::sms::lock(conn, phone)? else { return Ok(CodeCheck::Unusable) };
    if row.used || row.expires_at <= now {
        return Ok(CodeCheck::Unusable);
    }
    if constant_time_eq(&row.code_hash, &code_hash(key, phone, code.trim())) {
        let won = store::sms::mark_used(conn, phone)? == 1;
        return Ok(if won { CodeCheck::Valid } else { CodeCheck::Unusable });
    }
    let burned = row.failed_attempts + 1 >= MAX_FAILED;
    store::sms::record_failure(conn, phone, burned)?;
    Ok(CodeCheck::Wrong { burned })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn row(last_sent: NaiveDateTime, day: &str, count: i32) -> CodeRow {
        CodeRow {
            phone: "13800138000".into(),
            code_hash: String::new(),
            expires_at: last_sent,
            failed_attempts: 0,
            used: false,
            last_sent_at: last_sent,
            sent_day: day.into(),
            sent_today: count,
        }
    }

    #[test]
    fn one_code_per_minute_and_ten_per_day() {
        let tz = chrono_tz::Asia::Shanghai;
        let t0 = chrono::Utc.with_ymd_and_hms(2026, 11, 24, 6, 0, 0).unwrap().naive_utc();
        assert_eq!(next_count(None, t0, "2026-11-24", tz).unwrap(), 1);
        let prev = row(t0, "2026-11-24", 3);
        let err =
            next_count(Some(&prev), t0 + Duration::seconds(20), "2026-11-24", tz).unwrap_err();
        assert!(matches!(err, AppError::RateLimited { retry_after_secs: 40, .. }));
        assert_eq!(
            next_count(Some(&prev), t0 + Duration::seconds(60), "2026-11-24", tz).unwrap(),
            4
        );
        let full = row(t0, "2026-11-24", 10);
        // 14:00 in Shanghai: ten hours until local midnight.
        let err = next_count(Some(&full), t0 + Duration::minutes(5), "2026-11-24", tz).unwrap_err();
        assert!(matches!(err, AppError::RateLimited { retry_after_secs: 35_700, .. }), "{err:?}");
        assert_eq!(next_count(Some(&full), t0 + Duration::hours(11), "2026-11-25", tz).unwrap(), 1);
    }
}
