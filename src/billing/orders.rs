//! The user's orders: list, detail, cancel; and cancelling the order of something
//! another context cancels (an event registration).

use chrono::NaiveDateTime;

use super::model::{OrderRow, PaymentRow, RefundRow, refund_status, status};
use super::settings::{self, PaidCancelPolicy};
use super::store::{self, pay as pstore};
use super::wechat_pay::SharedGateway;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::Actor;
use crate::kernel::clock::SharedClock;

/// An order with its payment and refunds.
#[derive(Debug, Clone)]
pub struct OrderDetail {
    /// The order.
    pub order: OrderRow,
    /// Its payment.
    pub payment: Option<PaymentRow>,
    /// Its refunds.
    pub refunds: Vec<RefundRow>,
}

impl OrderDetail {
    /// Cents refunded or on their way back.
    pub fn refunded_cents(&self) -> i64 {
        self.refunds
            .iter()
            .filter(|r| r.status != refund_status::FAILED)
            .map(|r| r.amount_cents)
            .sum()
    }
}

/// Reads an order with its payment and refunds.
pub(crate) fn detail(conn: &mut DbConn, order: OrderRow) -> Result<OrderDetail, AppError> {
    let payment = pstore::payment_of(conn, order.id)?;
    let refunds = pstore::refunds_of(conn, order.id)?;
    Ok(OrderDetail { order, payment, refunds })
}

/// The user's orders, newest first, optionally of one status.
pub async fn my_orders(
    db: &Db,
    user_id: i64,
    status_filter: Option<String>,
) -> Result<Vec<OrderDetail>, AppError> {
    if let Some(s) = &status_filter
        && !status::ALL.contains(&s.as_str())
    {
        return Err(AppError::field("status", "状态须为 unpaid、paid、cancelled 或 refunded"));
    }
    db.run(move |conn| {
        let rows = store::for_user(conn, user_id, status_filter.as_deref())?;
        rows.into_iter().map(|o| detail(conn, o)).collect()
    })
    .await
}

/// One of the user's orders (someone else's is not found).
pub async fn my_order(db: &Db, user_id: i64, order_id: i64) -> Result<OrderDetail, AppError> {
    db.run(move |conn| {
        let order = store::find(conn, order_id)?
            .filter(|o| o.user_id == user_id)
            .ok_or_else(|| AppError::not_found("订单"))?;
        detail(conn, order)
    })
    .await
}

/// The user cancels an unpaid order. WeChat is asked first, so a payment made a moment
/// ago is recorded instead of cancelled; open transactions are closed afterwards.
pub async fn cancel_my_order(
    db: &Db,
    clock: &SharedClock,
    gateway: &SharedGateway,
    user_id: i64,
    order_id: i64,
) -> Result<OrderDetail, AppError> {
    let mine = my_order(db, user_id, order_id).await?;
    if mine.order.status == status::UNPAID {
        super::pay::query_open(db, clock, gateway, order_id).await?;
    }
    let at = clock.now_naive();
    let cancelled = db
        .write(move |conn| {
            let order = store::lock(conn, order_id)?
                .filter(|o| o.user_id == user_id)
                .ok_or_else(|| AppError::not_found("订单"))?;
            if order.status != status::UNPAID {
                return Err(AppError::Conflict {
                    code: "order_not_cancellable",
                    message: format!("订单{}，不能取消", status::label(&order.status)),
                });
            }
            cancel_locked(conn, at, Actor::User(user_id), &order)?;
            let order = store::find(conn, order_id)?.ok_or_else(|| AppError::not_found("订单"))?;
            detail(conn, order)
        })
        .await?;
    super::pay::close_open(db, clock, gateway, order_id).await?;
    Ok(cancelled)
}

fn cancel_locked(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    order: &OrderRow,
) -> Result<(), AppError> {
    store::set_status(conn, order.id, &[status::UNPAID], status::CANCELLED, at, None)?;
    super::audit_order(conn, at, actor, "order.cancel", order.id, &serde_json::json!({}))
}

/// What happened to the order of a cancelled subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectCancel {
    /// No order, or it was already cancelled or refunded.
    Nothing,
    /// The unpaid order was cancelled.
    Cancelled,
    /// The paid order is being refunded in full (the setting says refund).
    Refunding,
    /// The paid order was kept (the setting says keep).
    Kept,
}

/// Inside another context's transaction: the order `order_id` about a subject that was
/// cancelled. Unpaid: cancelled (WeChat transactions are closed by the sweep). Paid:
/// refunded or kept, as the setting says.
pub fn cancel_for_subject(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    order_id: i64,
) -> Result<SubjectCancel, AppError> {
    let Some(order) = store::lock(conn, order_id)? else { return Ok(SubjectCancel::Nothing) };
    match order.status.as_str() {
        status::UNPAID => {
            cancel_locked(conn, at, actor, &order)?;
            Ok(SubjectCancel::Cancelled)
        }
        status::PAID => match settings::load(conn)?.paid_cancel {
            PaidCancelPolicy::Keep => Ok(SubjectCancel::Kept),
            PaidCancelPolicy::Refund => {
                let refunds = pstore::refunds_of(conn, order.id)?;
                let left = super::model::refundable(order.amount_cents, &refunds);
                if left > 0 {
                    super::refunds::request_locked(conn, at, actor, &order, left, "取消报名")?;
                }
                Ok(SubjectCancel::Refunding)
            }
        },
        _ => Ok(SubjectCancel::Nothing),
    }
}
