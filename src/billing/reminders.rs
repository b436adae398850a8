//! Dues reminders (催缴): the notice one reminder sends, the reminders finance sends by
//! hand from the arrears list, and when each order was last reminded.
//!
//! Every reminder is a `dues_reminders` row, unique per order and step. The daily pass
//! uses the steps `before` / `overdue` / `final`; a reminder by hand uses the step
//! `manual:<association-local day>`, so an order gets at most one reminder by hand a
//! day, whatever the clicks or the number of finance staff clicking at once.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};

use super::dues_model;
use super::model::{OrderKind, OrderRow, status};
use super::store;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;
use crate::kernel::money::format_cents;

/// Which unpaid dues orders a reminder by hand goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemindScope {
    /// One order.
    Order(i64),
    /// Every unpaid dues order of this period key (`2026`, `2026-03-15`).
    Period(String),
}

/// What a reminder by hand did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RemindReport {
    /// Reminders queued now.
    pub sent: usize,
    /// Orders already reminded by hand today (nothing sent again).
    pub skipped: usize,
}

/// Claims reminder `step` of `order` and, when it was not sent before, queues the
/// `dues_reminder` notice (in-app, WeChat or SMS as the notice rules decide). True when
/// queued now.
pub(crate) fn queue_reminder(
    conn: &mut DbConn,
    at: NaiveDateTime,
    order: &OrderRow,
    due: NaiveDate,
    step: &str,
) -> Result<bool, AppError> {
    if !store::pay::claim_reminder(conn, order.id, step, at)? {
        return Ok(false);
    }
    let amount = format_cents(order.amount_cents);
    let payload = serde_json::json!({
        "order_id": order.id,
        "title": order.title,
        "amount": amount,
        "due_on": due,
        "step": step.split(':').next().unwrap_or(step),
    });
    let body = format!("「{}」应缴 {amount}，缴费期限 {due}", order.title);
    let kind = crate::notices::NoticeKind::DuesReminder;
    crate::notices::send(conn, at, order.user_id, &crate::notices::Notice { kind, body, payload })?;
    Ok(true)
}

/// The due day of a dues order (its period's first day, or the order's day when later).
pub(crate) fn due_day(order: &OrderRow) -> Option<NaiveDate> {
    let period = order.period.as_deref().and_then(dues_model::parse_period)?;
    Some(dues_model::due_on(&period, order.created_at.date()))
}

fn is_unpaid_dues(order: &OrderRow) -> bool {
    order.kind == OrderKind::Dues.as_str() && order.status == status::UNPAID
}

/// Finance reminds members of unpaid dues now. A single order that is not unpaid dues
/// is refused (409); a period with nobody in arrears sends nothing. Audited once per
/// click with what was sent.
pub async fn remind_arrears(
    db: &Db,
    clock: &SharedClock,
    tz: chrono_tz::Tz,
    staff_id: i64,
    scope: RemindScope,
) -> Result<RemindReport, AppError> {
    let at = clock.now_naive();
    let today = at.and_utc().with_timezone(&tz).date_naive();
    let step = format!("manual:{today}");
    db.write(move |conn| {
        let orders = match &scope {
            RemindScope::Order(id) => {
                let order = store::find(conn, *id)?.ok_or_else(|| AppError::not_found("订单"))?;
                if !is_unpaid_dues(&order) {
                    return Err(AppError::Conflict {
                        code: "not_unpaid_dues",
                        message: "只有未支付的会费订单可以催缴".into(),
                    });
                }
                vec![order]
            }
            RemindScope::Period(key) => store::unpaid_dues(conn)?
                .into_iter()
                .filter(|o| o.period.as_deref() == Some(key.as_str()))
                .collect(),
        };
        let mut report = RemindReport::default();
        for order in &orders {
            let Some(due) = due_day(order) else { continue };
            if queue_reminder(conn, at, order, due, &step)? {
                report.sent += 1;
            } else {
                report.skipped += 1;
            }
        }
        let (subject_id, period) = match &scope {
            RemindScope::Order(id) => (Some(*id), None),
            RemindScope::Period(key) => (None, Some(key.clone())),
        };
        let entry = AuditEntry {
            actor: Actor::Staff(staff_id),
            action: "dues.remind",
            subject_type: "orders",
            subject_id,
            ip: None,
        };
        let details = serde_json::json!({
            "period": period, "sent": report.sent, "skipped": report.skipped,
        });
        crate::kernel::audit::record(conn, at, &entry, &details)?;
        Ok(report)
    })
    .await
}

/// When each of `order_ids` was last reminded (by the daily pass or by hand).
pub async fn last_reminded(
    db: &Db,
    order_ids: Vec<i64>,
) -> Result<HashMap<i64, NaiveDateTime>, AppError> {
    db.run(move |conn| Ok(store::pay::last_reminders(conn, &order_ids)?)).await
}
