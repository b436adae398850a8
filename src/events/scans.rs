//! Attendance: a scanned QR code (or a staff member's click) records a check-in or
//! check-out once per registration in the scan log. Every outcome has its own code:
//! successes and harmless repeats answer 200, refusals a 409 with the code.

use chrono::NaiveDateTime;
use diesel::Connection as _;
use serde::Serialize;

use super::codes::{self, Action};
use super::model::{EventRow, RegistrationRow, reg, status};
use super::store::{self, NewScan};
use crate::db::{Db, DbConn, is_unique_violation};
use crate::error::AppError;
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;

pub use super::model::kind;

/// What a successful (or harmlessly repeated) scan did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Check-in recorded now.
    CheckedIn,
    /// Was already checked in; nothing recorded.
    AlreadyCheckedIn,
    /// Check-out recorded now.
    CheckedOut,
    /// Was already checked out; nothing recorded.
    AlreadyCheckedOut,
}

impl Outcome {
    /// zh-CN message.
    pub fn message(self) -> &'static str {
        match self {
            Self::CheckedIn => "签到成功",
            Self::AlreadyCheckedIn => "您已签到，无需重复签到",
            Self::CheckedOut => "签退成功",
            Self::AlreadyCheckedOut => "您已签退，无需重复签退",
        }
    }
}

/// The answer to a scan.
#[derive(Debug, Clone)]
pub struct ScanResult {
    /// What happened.
    pub outcome: Outcome,
    /// The event.
    pub event: EventRow,
    /// The registration, as it is now.
    pub registration: RegistrationRow,
}

fn refuse(code: &'static str, message: &str) -> AppError {
    AppError::Conflict { code, message: message.into() }
}

fn invalid_code() -> AppError {
    refuse("invalid_code", "二维码无效或已过期，请扫描现场最新的二维码")
}

/// Handles `POST /api/v1/scans`: checks the code's signature, version or period, the
/// event, the window and the user's registration, then records at most once.
pub async fn scan(
    db: &Db,
    clock: &SharedClock,
    key: Vec<u8>,
    user_id: i64,
    scanned: String,
) -> Result<ScanResult, AppError> {
    let token = codes::token_of(&scanned).to_owned();
    let (event_id, ..) = codes::parse(&token).ok_or_else(invalid_code)?;
    let now = clock.now();
    let at = clock.now_naive();
    // Reads and checks run outside the write transaction; only recording takes the
    // write lock, so refusals and repeats never queue behind writers.
    db.run_writer(move |conn, writer| {
        let event = store::event(conn, event_id)?.ok_or_else(invalid_code)?;
        let claim = codes::verify(&key, &token, event.token_version, now.timestamp())
            .ok_or_else(invalid_code)?;
        check_event(&event, claim.action, at)?;
        let mut row = store::registration_of(conn, event.id, user_id)?
            .filter(|r| r.status != reg::CANCELLED && r.status != reg::WAITING)
            .ok_or_else(|| refuse("not_registered", "您未报名本活动"))?;
        if row.status != reg::REGISTERED {
            return Err(refuse("registration_not_approved", "您的报名尚未通过审核"));
        }
        let via = if claim.action == Action::ScreenCheckIn { "screen" } else { "qr" };
        let outcome = match repeat_of(&row, claim.action)? {
            Some(repeat) => repeat,
            None => {
                writer.transaction(conn, |conn| record(conn, at, &row, claim.action, via, None))?
            }
        };
        match outcome {
            Outcome::CheckedIn => row.checked_in_at = Some(at),
            Outcome::CheckedOut => row.checked_out_at = Some(at),
            Outcome::AlreadyCheckedIn | Outcome::AlreadyCheckedOut => {}
        }
        Ok(ScanResult { outcome, event, registration: row })
    })
    .await
}

/// The harmless answer when the registration already has what the scan asks for.
fn repeat_of(row: &RegistrationRow, action: Action) -> Result<Option<Outcome>, AppError> {
    Ok(match action {
        Action::CheckOut if row.checked_in_at.is_none() => {
            return Err(refuse("not_checked_in", "请先签到再签退"));
        }
        Action::CheckOut => row.checked_out_at.map(|_| Outcome::AlreadyCheckedOut),
        Action::CheckIn | Action::ScreenCheckIn => {
            row.checked_in_at.map(|_| Outcome::AlreadyCheckedIn)
        }
    })
}

fn check_event(event: &EventRow, action: Action, at: NaiveDateTime) -> Result<(), AppError> {
    if event.status == status::CANCELLED {
        return Err(refuse("event_cancelled", "活动已取消"));
    }
    if event.status != status::PUBLISHED {
        return Err(invalid_code());
    }
    match action {
        Action::CheckOut if !event.check_out_enabled => {
            return Err(refuse("check_out_disabled", "本活动未开启签退"));
        }
        Action::CheckIn | Action::ScreenCheckIn if !event.check_in_enabled => {
            return Err(refuse("check_in_disabled", "本活动未开启签到"));
        }
        Action::CheckIn if event.screen_only => {
            return Err(refuse("screen_code_required", "本活动须扫描现场大屏上的签到码"));
        }
        _ => {}
    }
    if !event.scan_window_open(at) {
        return Err(refuse("outside_window", "不在签到时间内"));
    }
    Ok(())
}

/// Records a check-in or check-out unless already there; a check-out needs a check-in.
fn record(
    conn: &mut DbConn,
    at: NaiveDateTime,
    row: &RegistrationRow,
    action: Action,
    via: &str,
    staff_id: Option<i64>,
) -> Result<Outcome, AppError> {
    let (kind, done, repeated, already) = match action {
        Action::CheckOut => {
            if row.checked_in_at.is_none() {
                return Err(refuse("not_checked_in", "请先签到再签退"));
            }
            (
                kind::CHECK_OUT,
                Outcome::CheckedOut,
                Outcome::AlreadyCheckedOut,
                row.checked_out_at.is_some(),
            )
        }
        Action::CheckIn | Action::ScreenCheckIn => (
            kind::CHECK_IN,
            Outcome::CheckedIn,
            Outcome::AlreadyCheckedIn,
            row.checked_in_at.is_some(),
        ),
    };
    if already {
        return Ok(repeated);
    }
    let scan = NewScan {
        event_id: row.event_id,
        registration_id: row.id,
        kind,
        via,
        staff_id,
        created_at: at,
    };
    // A savepoint, so a lost race on the unique key ends as an answer, not a broken
    // transaction.
    match conn.transaction(|c| store::record_scan(c, &scan)) {
        Ok(true) => Ok(done),
        // The registration changed since it was read: answer from what it is now.
        Ok(false) => {
            let now =
                store::registration(conn, row.id)?.ok_or_else(|| AppError::not_found("报名"))?;
            if now.status != reg::REGISTERED {
                return Err(refuse("not_registered", "您未报名本活动"));
            }
            repeat_of(&now, action)?.ok_or_else(|| {
                AppError::internal(anyhow::anyhow!("registration {} not marked", now.id))
            })
        }
        Err(e) if is_unique_violation(&e) => Ok(repeated),
        Err(e) => Err(e.into()),
    }
}

/// Staff check a registered user in by hand (no QR, any time; audited).
pub async fn check_in_by_staff(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    event_id: i64,
    registration_id: i64,
) -> Result<Outcome, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let event = store::event(conn, event_id)?.ok_or_else(|| AppError::not_found("活动"))?;
        if event.status == status::CANCELLED {
            return Err(refuse("event_cancelled", "活动已取消"));
        }
        let row = store::registration(conn, registration_id)?
            .filter(|r| r.event_id == event_id)
            .ok_or_else(|| AppError::not_found("报名"))?;
        if row.status != reg::REGISTERED {
            return Err(refuse("registration_not_approved", "只有已报名（已通过）的用户可以签到"));
        }
        let outcome = record(conn, at, &row, Action::CheckIn, "staff", Some(staff_id))?;
        if outcome == Outcome::CheckedIn {
            AuditEntry::new(
                Actor::Staff(staff_id),
                "registration.check_in",
                "event_registrations",
                row.id,
            )
            .record(
                conn,
                at,
                &serde_json::json!({"event_id": event_id, "user_id": row.user_id}),
            )?;
        }
        Ok(outcome)
    })
    .await
}
