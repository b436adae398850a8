//! Billing: orders (dues, event fees, course fees), paying them (WeChat Pay, offline),
//! refunds, dues runs and membership expiry. Other contexts create orders through
//! [`create_order`] inside their own transaction.

pub mod admin;
pub mod dues;
pub mod dues_model;
pub mod dues_share;
pub mod model;
pub mod offline;
pub mod orders;
pub mod passes;
pub mod pay;
pub mod receipts;
pub mod receipts_model;
pub mod refunds;
pub mod reminders;
pub mod settings;
pub mod store;
pub mod wechat_pay;

use chrono::NaiveDateTime;
use diesel::Connection as _;

pub use model::{OrderKind, OrderRow};

use crate::db::{Db, DbConn, is_unique_violation};
use crate::error::AppError;
use crate::kernel::audit::{Actor, AuditEntry};

/// What to charge.
#[derive(Debug, Clone)]
pub struct NewOrder {
    /// Who owes.
    pub user_id: i64,
    /// What for.
    pub kind: OrderKind,
    /// Shown to the user, e.g. 2026 年度会费.
    pub title: String,
    /// Amount in cents (positive).
    pub amount_cents: i64,
    /// What it pays for: (table, id).
    pub subject: Option<(&'static str, i64)>,
    /// Dues period.
    pub period: Option<String>,
    /// Makes creation idempotent: a second order with the same key is not created.
    pub dedupe_key: Option<String>,
}

/// Creates an unpaid order inside the caller's transaction (audited). With a
/// `dedupe_key` that already exists, returns the existing order instead — safe to run
/// twice, also under parallel requests (the unique key decides).
pub fn create_order(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    order: &NewOrder,
) -> Result<OrderRow, AppError> {
    create_order_once(conn, at, actor, order).map(|(row, _)| row)
}

/// [`create_order`], also telling whether the order was created now.
pub fn create_order_once(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    order: &NewOrder,
) -> Result<(OrderRow, bool), AppError> {
    if order.amount_cents <= 0 {
        return Err(AppError::field("amount_cents", "金额须大于 0"));
    }
    if let Some(key) = &order.dedupe_key
        && let Some(existing) = store::by_dedupe_key(conn, key)?
    {
        return Ok((existing, false));
    }
    let new = store::NewOrderRow {
        user_id: order.user_id,
        kind: order.kind.as_str(),
        title: &order.title,
        amount_cents: order.amount_cents,
        status: model::status::UNPAID,
        subject_type: order.subject.map(|s| s.0),
        subject_id: order.subject.map(|s| s.1),
        period: order.period.as_deref(),
        dedupe_key: order.dedupe_key.as_deref(),
        created_at: at,
        updated_at: at,
    };
    // A savepoint, so that losing a race leaves the caller's transaction usable.
    let inserted = conn.transaction(|c| store::insert(c, &new));
    let row = match inserted {
        Ok(row) => row,
        Err(e) if is_unique_violation(&e) => {
            let key = order.dedupe_key.as_deref().unwrap_or_default();
            let existing = store::by_dedupe_key(conn, key)?.ok_or_else(|| AppError::internal(e))?;
            return Ok((existing, false));
        }
        Err(e) => return Err(e.into()),
    };
    let details = serde_json::json!({"kind": row.kind, "amount_cents": row.amount_cents});
    audit_order(conn, at, actor, "order.create", row.id, &details)?;
    Ok((row, true))
}

/// Order `id`, inside the caller's transaction (for contexts that sell through orders).
pub fn order(conn: &mut DbConn, id: i64) -> Result<Option<OrderRow>, AppError> {
    Ok(store::find(conn, id)?)
}

/// A user's orders, newest first.
pub async fn orders_of(db: &Db, user_id: i64) -> Result<Vec<OrderRow>, AppError> {
    db.run(move |conn| Ok(store::for_user(conn, user_id, None)?)).await
}

/// Writes an audit row about an order.
pub(crate) fn audit_order(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    action: &str,
    order_id: i64,
    details: &serde_json::Value,
) -> Result<(), AppError> {
    AuditEntry::new(actor, action, "orders", order_id).record(conn, at, details)
}

/// Records a refused notification or answer (its own row; nothing else changes).
pub(crate) fn record_refusal(
    conn: &mut DbConn,
    at: NaiveDateTime,
    order_id: Option<i64>,
    out_trade_no: Option<&str>,
    source: &str,
    reason: &str,
    detail: &str,
) -> Result<(), AppError> {
    tracing::warn!(reason, detail, source, "payment message refused");
    let new =
        store::pay::NewRefusal { order_id, out_trade_no, source, reason, detail, created_at: at };
    store::pay::insert_refusal(conn, &new)?;
    Ok(())
}

/// Records the payment of a locked, unpaid order (inside the caller's transaction):
/// the payment row (one per order), the order's status, the audit row, the user's
/// notice, and what paying buys (dues move the member's paid-until date; a course fee
/// enrols the learner).
pub(crate) fn record_payment(
    conn: &mut DbConn,
    at: NaiveDateTime,
    order: &OrderRow,
    facts: &pay::PaymentFacts,
) -> Result<(), AppError> {
    let new = store::pay::NewPayment {
        order_id: order.id,
        method: facts.method,
        amount_cents: facts.amount_cents,
        reference: &facts.reference,
        payer: &facts.payer,
        paid_at: facts.paid_at,
        voucher_file_id: facts.voucher_file_id,
        staff_id: match facts.actor {
            Actor::Staff(id) => Some(id),
            _ => None,
        },
        created_at: at,
    };
    match conn.transaction(|c| store::pay::insert_payment(c, &new)) {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::Conflict {
                code: "order_paid", message: "该订单已支付".into()
            });
        }
        Err(e) => return Err(e.into()),
    }
    let from = [model::status::UNPAID, model::status::CANCELLED];
    if store::set_status(conn, order.id, &from, model::status::PAID, at, Some(facts.paid_at))? != 1
    {
        return Err(AppError::Conflict {
            code: "order_paid", message: "该订单已支付".into()
        });
    }
    let details = serde_json::json!({
        "method": facts.method,
        "amount_cents": facts.amount_cents,
        "reference": facts.reference,
        "was": order.status,
    });
    audit_order(conn, at, facts.actor, "order.pay", order.id, &details)?;
    receipts::issue(conn, at, order.id, facts.paid_at)?;
    let payload = serde_json::json!({
        "order_id": order.id,
        "title": order.title,
        "amount": crate::kernel::money::format_cents(order.amount_cents),
    });
    let body = format!(
        "「{}」已缴费 {}",
        order.title,
        crate::kernel::money::format_cents(order.amount_cents)
    );
    let notice =
        crate::notices::Notice { kind: crate::notices::NoticeKind::OrderPaid, body, payload };
    crate::notices::send(conn, at, order.user_id, &notice)?;
    dues::on_paid(conn, at, order)?;
    crate::learning::on_order_paid(conn, at, order)
}
