//! Billing: orders (dues, event fees, course fees). Paying (WeChat Pay, offline) comes
//! later; other contexts create orders through [`create_order`] inside their own
//! transaction.

pub mod model;
pub mod store;

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
    if order.amount_cents <= 0 {
        return Err(AppError::field("amount_cents", "金额须大于 0"));
    }
    if let Some(key) = &order.dedupe_key
        && let Some(existing) = store::by_dedupe_key(conn, key)?
    {
        return Ok(existing);
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
            return store::by_dedupe_key(conn, key)?.ok_or_else(|| AppError::internal(e));
        }
        Err(e) => return Err(e.into()),
    };
    AuditEntry::new(actor, "order.create", "orders", row.id).record(
        conn,
        at,
        &serde_json::json!({"kind": row.kind, "amount_cents": row.amount_cents}),
    )?;
    Ok(row)
}

/// A user's orders, newest first.
pub async fn orders_of(db: &Db, user_id: i64) -> Result<Vec<OrderRow>, AppError> {
    db.run(move |conn| Ok(store::for_user(conn, user_id)?)).await
}
