//! Dues: a period's orders for every member (preview and run, at most one order per
//! member per period, sharing its key with the order made at join approval), what
//! paying dues does, and the daily pass (expiry after the grace period, reminders).

use chrono::{NaiveDate, NaiveDateTime};

use super::dues_model::{self, Period, PeriodMode};
use super::model::{OrderKind, OrderRow};
use super::{NewOrder, settings, store};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::Actor;
use crate::kernel::clock::SharedClock;
use crate::membership::model::status as member_status;

/// The dedupe key of a member's dues order for a period (also used at join approval).
pub fn dues_key(period: &str, user_id: i64) -> String {
    format!("dues:{period}:user:{user_id}")
}

/// The dues period containing `day` for a member who joined on `joined_on`, as the
/// settings say.
pub fn current_period(
    conn: &mut DbConn,
    day: NaiveDate,
    joined_on: NaiveDate,
) -> Result<Period, AppError> {
    Ok(dues_model::period_for(settings::load(conn)?.period_mode, day, joined_on))
}

/// The order of a member's dues for `period`.
pub fn dues_order(
    user_id: i64,
    member_id: i64,
    type_name: &str,
    cents: i64,
    period: &Period,
) -> NewOrder {
    NewOrder {
        user_id,
        kind: OrderKind::Dues,
        title: format!("{} 年度会费（{type_name}）", period.key),
        amount_cents: cents,
        subject: Some(("members", member_id)),
        period: Some(period.key.clone()),
        dedupe_key: Some(dues_key(&period.key, user_id)),
    }
}

/// Paying a dues order moves the member's paid-until date to the period's end (and
/// reactivates an expired member). Other orders buy nothing here.
pub(crate) fn on_paid(
    conn: &mut DbConn,
    at: NaiveDateTime,
    order: &OrderRow,
) -> Result<(), AppError> {
    if order.kind != OrderKind::Dues.as_str() || order.subject_type.as_deref() != Some("members") {
        return Ok(());
    }
    let (Some(member_id), Some(period)) =
        (order.subject_id, order.period.as_deref().and_then(dues_model::parse_period))
    else {
        return Ok(());
    };
    crate::membership::dues::dues_paid(conn, at, member_id, period.end, at.date())
}

/// One member in a dues preview.
#[derive(Debug, Clone)]
pub struct DuesLine {
    /// Member id.
    pub member_id: i64,
    /// Number.
    pub member_number: String,
    /// Name.
    pub name: String,
    /// Member type.
    pub member_type: String,
    /// `active` or `expired`.
    pub status: String,
    /// Period key.
    pub period: String,
    /// Cents.
    pub amount_cents: i64,
    /// The existing order of this period, if any: (id, status).
    pub existing: Option<(i64, String)>,
    /// Paid up to.
    pub paid_until: Option<NaiveDate>,
}

/// A dues run before it runs.
#[derive(Debug, Clone)]
pub struct DuesPreview {
    /// The settings in force.
    pub mode: PeriodMode,
    /// The day whose period is billed.
    pub on: NaiveDate,
    /// Every member who owes dues.
    pub lines: Vec<DuesLine>,
}

impl DuesPreview {
    /// Orders the run would create and their total cents.
    pub fn to_create(&self) -> (usize, i64) {
        let new = self.lines.iter().filter(|l| l.existing.is_none());
        new.fold((0, 0), |(n, c), l| (n + 1, c + l.amount_cents))
    }
}

fn preview_in(conn: &mut DbConn, on: NaiveDate) -> Result<(DuesPreview, Vec<NewOrder>), AppError> {
    let mode = settings::load(conn)?.period_mode;
    let mut lines = Vec::new();
    let mut orders = Vec::new();
    for (member, kind) in crate::membership::dues::dues_roll(conn)? {
        if kind.dues_cents <= 0 {
            continue;
        }
        let period = dues_model::period_for(mode, on, member.joined_at.date());
        let order = dues_order(member.user_id, member.id, &kind.name, kind.dues_cents, &period);
        let key = dues_key(&period.key, member.user_id);
        let existing = store::by_dedupe_key(conn, &key)?.map(|o| (o.id, o.status));
        lines.push(DuesLine {
            member_id: member.id,
            member_number: member.member_number,
            name: member.details.name.clone(),
            member_type: kind.name,
            status: member.status,
            period: period.key,
            amount_cents: kind.dues_cents,
            existing,
            paid_until: member.paid_until,
        });
        orders.push(order);
    }
    Ok((DuesPreview { mode, on, lines }, orders))
}

/// What a dues run of the period containing `on` would do.
pub async fn preview_dues(db: &Db, on: NaiveDate) -> Result<DuesPreview, AppError> {
    db.run(move |conn| preview_in(conn, on).map(|(p, _)| p)).await
}

/// What a run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuesRunReport {
    /// Orders created now.
    pub created: usize,
    /// Members who already had their order.
    pub existing: usize,
}

/// Creates the dues orders of the period containing `on`: at most one per member per
/// period, safe to run twice and in parallel (the dedupe key decides). Audited.
pub async fn run_dues(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    on: NaiveDate,
) -> Result<DuesRunReport, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let (_, orders) = preview_in(conn, on)?;
        let mut report = DuesRunReport { created: 0, existing: 0 };
        for order in &orders {
            let (_, created) = super::create_order_once(conn, at, Actor::Staff(staff_id), order)?;
            if created { report.created += 1 } else { report.existing += 1 }
        }
        let entry = crate::kernel::audit::AuditEntry {
            actor: Actor::Staff(staff_id),
            action: "dues.run",
            subject_type: "orders",
            subject_id: None,
            ip: None,
        };
        let details =
            serde_json::json!({"on": on, "created": report.created, "existing": report.existing});
        crate::kernel::audit::record(conn, at, &entry, &details)?;
        Ok(report)
    })
    .await
}

/// What the daily pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DailyReport {
    /// Members marked expired.
    pub expired: usize,
    /// Reminders queued.
    pub reminders: usize,
}

/// The daily pass: members whose dues are unpaid past the grace period become
/// `expired`; members with unpaid dues get the reminder of the step they reached (each
/// step at most once per order). Safe to run as often as wanted.
pub async fn daily_pass(
    db: &Db,
    clock: &SharedClock,
    tz: chrono_tz::Tz,
) -> Result<DailyReport, AppError> {
    let at = clock.now_naive();
    let today = at.and_utc().with_timezone(&tz).date_naive();
    db.write(move |conn| {
        let grace = settings::load(conn)?.grace_days;
        let mut report = DailyReport::default();
        for order in store::unpaid_dues(conn)? {
            let (Some(member_id), Some(period)) =
                (order.subject_id, order.period.as_deref().and_then(dues_model::parse_period))
            else {
                continue;
            };
            let Some(member) = crate::membership::dues::member(conn, member_id)? else {
                continue;
            };
            let due = dues_model::due_on(&period, order.created_at.date());
            let covered = member.paid_until.is_some_and(|d| d >= today);
            if dues_model::lapsed(due, grace, today) {
                if member.status == member_status::ACTIVE
                    && !covered
                    && crate::membership::dues::expire(conn, at, &member)?
                {
                    report.expired += 1;
                }
                continue;
            }
            let Some(step) = dues_model::reminder_step(due, grace, today) else { continue };
            if super::reminders::queue_reminder(conn, at, &order, due, step.as_str())? {
                report.reminders += 1;
            }
        }
        Ok(report)
    })
    .await
}
