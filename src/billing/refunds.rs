//! Refunds: finance asks (never more than was paid), WeChat is asked through the refund
//! API (or the money goes back offline), and the refund notification settles it once.

use chrono::NaiveDateTime;

use super::model::{OrderRow, RefundRow, method, refund_status, refundable, status};
use super::store::{self, pay as pstore};
use super::wechat_pay::{GatewayError, Merchant, RefundReport, RefundRequest, SharedGateway};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::Actor;
use crate::kernel::clock::SharedClock;

/// Writes a refund of `cents` for a locked paid order (inside the caller's
/// transaction). WeChat payments wait as `requested` until submitted; offline ones are
/// returned by finance by hand and count as done at once.
pub(crate) fn request_locked(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    order: &OrderRow,
    cents: i64,
    reason: &str,
) -> Result<RefundRow, AppError> {
    let payment = pstore::payment_of(conn, order.id)?
        .filter(|_| order.status == status::PAID)
        .ok_or_else(|| AppError::Conflict {
            code: "order_not_paid",
            message: "订单未支付，不能退款".into(),
        })?;
    let refunds = pstore::refunds_of(conn, order.id)?;
    let left = refundable(payment.amount_cents, &refunds);
    if cents <= 0 || cents > left {
        let message =
            format!("退款金额须在 ¥0.01 与 {} 之间", crate::kernel::money::format_cents(left));
        return Err(AppError::field("amount", message));
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 80 {
        return Err(AppError::field("reason", "请填写退款原因（不超过 80 字）"));
    }
    let out_refund_no = format!("R{}x{}", order.id, refunds.len());
    let offline = payment.method == method::OFFLINE;
    let new = pstore::NewRefund {
        order_id: order.id,
        out_refund_no: &out_refund_no,
        amount_cents: cents,
        reason,
        status: if offline { refund_status::SUCCEEDED } else { refund_status::REQUESTED },
        staff_id: match actor {
            Actor::Staff(id) => Some(id),
            _ => None,
        },
        created_at: at,
        updated_at: at,
    };
    let row = pstore::insert_refund(conn, &new)?;
    let details = serde_json::json!({"amount_cents": cents, "reason": reason, "out_refund_no": out_refund_no});
    super::audit_order(conn, at, actor, "order.refund_request", order.id, &details)?;
    if offline {
        pstore::set_refund(
            conn,
            row.id,
            &[refund_status::SUCCEEDED],
            refund_status::SUCCEEDED,
            None,
            at,
            Some(at),
        )?;
        finish_if_refunded(conn, at, order.id)?;
    }
    Ok(row)
}

/// Marks the order `refunded` once everything paid has come back.
fn finish_if_refunded(conn: &mut DbConn, at: NaiveDateTime, order_id: i64) -> Result<(), AppError> {
    let Some(order) = store::find(conn, order_id)? else { return Ok(()) };
    let refunds = pstore::refunds_of(conn, order_id)?;
    let back: i64 = refunds
        .iter()
        .filter(|r| r.status == refund_status::SUCCEEDED)
        .map(|r| r.amount_cents)
        .sum();
    if back >= order.amount_cents
        && store::set_status(conn, order_id, &[status::PAID], status::REFUNDED, at, None)? == 1
    {
        super::audit_order(
            conn,
            at,
            Actor::System,
            "order.refunded",
            order_id,
            &serde_json::json!({"cents": back}),
        )?;
        let payload = serde_json::json!({"order_id": order_id, "title": order.title});
        let notice = crate::notices::Notice {
            kind: crate::notices::NoticeKind::OrderRefunded,
            body: format!("「{}」已退款 {}", order.title, crate::kernel::money::format_cents(back)),
            payload,
        };
        crate::notices::send(conn, at, order.user_id, &notice)?;
        crate::learning::on_order_refunded(conn, at, &order)?;
    }
    Ok(())
}

/// Finance refunds `cents` of a paid order; a WeChat payment is submitted at once
/// (and again by the sweep if WeChat cannot be reached).
pub async fn refund_order(
    db: &Db,
    clock: &SharedClock,
    gateway: &SharedGateway,
    staff_id: i64,
    order_id: i64,
    cents: i64,
    reason: String,
) -> Result<RefundRow, AppError> {
    let at = clock.now_naive();
    let row = db
        .write(move |conn| {
            let order = store::lock(conn, order_id)?.ok_or_else(|| AppError::not_found("订单"))?;
            request_locked(conn, at, Actor::Staff(staff_id), &order, cents, &reason)
        })
        .await?;
    if row.status == refund_status::REQUESTED
        && let Err(e) = submit(db, clock, gateway, row.id).await
    {
        tracing::warn!(error = %e, refund = row.id, "refund not submitted yet; the sweep retries");
    }
    let id = row.id;
    db.run(move |conn| pstore::refund(conn, id)?.ok_or_else(|| AppError::not_found("退款"))).await
}

/// Submits one requested refund to WeChat and stores its answer.
async fn submit(
    db: &Db,
    clock: &SharedClock,
    gateway: &SharedGateway,
    refund_id: i64,
) -> Result<(), AppError> {
    let merchant = gateway.merchant()?;
    let (refund, payment) = db
        .run(move |conn| {
            let refund =
                pstore::refund(conn, refund_id)?.ok_or_else(|| AppError::not_found("退款"))?;
            let payment = pstore::payment_of(conn, refund.order_id)?
                .ok_or_else(|| AppError::not_found("支付记录"))?;
            Ok((refund, payment))
        })
        .await?;
    let req = RefundRequest {
        transaction_id: payment.reference.clone(),
        out_refund_no: refund.out_refund_no.clone(),
        reason: refund.reason.clone(),
        refund_cents: refund.amount_cents,
        total_cents: payment.amount_cents,
    };
    let report = match gateway.refund(&req).await {
        Ok(report) => report,
        Err(GatewayError::Refused(code, message)) => {
            // WeChat said no for good (e.g. not enough balance): finance decides.
            let at = clock.now_naive();
            let detail = format!("{code} {message}");
            db.write(move |conn| {
                pstore::set_refund(
                    conn,
                    refund_id,
                    &[refund_status::REQUESTED],
                    refund_status::FAILED,
                    None,
                    at,
                    None,
                )?;
                super::record_refusal(
                    conn,
                    at,
                    Some(refund.order_id),
                    None,
                    "refund",
                    "refund_refused",
                    &detail,
                )
            })
            .await?;
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let at = clock.now_naive();
    db.write(move |c| settle_refund(c, at, &merchant, &report, "refund").map(|_| ())).await
}

/// Records what WeChat reports about a refund (answer or notification), once.
/// Returns the refusal reason when the report does not match.
pub fn settle_refund(
    conn: &mut DbConn,
    at: NaiveDateTime,
    merchant: &Merchant,
    r: &RefundReport,
    source: &str,
) -> Result<Option<&'static str>, AppError> {
    let Some(refund) = pstore::refund_by_no(conn, &r.out_refund_no)? else {
        super::record_refusal(
            conn,
            at,
            None,
            None,
            source,
            "unknown_order",
            &format!("out_refund_no {}", r.out_refund_no),
        )?;
        return Ok(Some("unknown_order"));
    };
    let refuse = |conn: &mut DbConn,
                  reason: &'static str,
                  detail: String|
     -> Result<Option<&'static str>, AppError> {
        super::record_refusal(conn, at, Some(refund.order_id), None, source, reason, &detail)?;
        Ok(Some(reason))
    };
    if !r.mchid.is_empty() && r.mchid != merchant.mch_id {
        return refuse(conn, "merchant_mismatch", format!("mchid {}", r.mchid));
    }
    if r.amount.refund != refund.amount_cents {
        let detail = format!("WeChat 退款 {} 分，记录 {} 分", r.amount.refund, refund.amount_cents);
        return refuse(conn, "amount_mismatch", detail);
    }
    store::lock(conn, refund.order_id)?;
    let open = [refund_status::REQUESTED, refund_status::PROCESSING];
    let provider_id = Some(r.refund_id.as_str()).filter(|s| !s.is_empty());
    match r.status.as_str() {
        "SUCCESS" => {
            if pstore::set_refund(
                conn,
                refund.id,
                &open,
                refund_status::SUCCEEDED,
                provider_id,
                at,
                Some(at),
            )? == 1
            {
                finish_if_refunded(conn, at, refund.order_id)?;
            }
        }
        "PROCESSING" => {
            pstore::set_refund(
                conn,
                refund.id,
                &[refund_status::REQUESTED],
                refund_status::PROCESSING,
                provider_id,
                at,
                None,
            )?;
        }
        other => {
            if pstore::set_refund(
                conn,
                refund.id,
                &open,
                refund_status::FAILED,
                provider_id,
                at,
                None,
            )? == 1
            {
                super::record_refusal(
                    conn,
                    at,
                    Some(refund.order_id),
                    None,
                    source,
                    "refund_failed",
                    &format!("退款状态 {other}"),
                )?;
            }
        }
    }
    Ok(None)
}

/// Submits refunds still `requested` (the sweep); returns (submitted, failed).
pub async fn submit_waiting(
    db: &Db,
    clock: &SharedClock,
    gateway: &SharedGateway,
) -> Result<(usize, usize), AppError> {
    let waiting =
        db.run(|conn| Ok(pstore::refunds_in(conn, refund_status::REQUESTED, 100)?)).await?;
    let (mut done, mut failed) = (0, 0);
    for refund in waiting {
        match submit(db, clock, gateway, refund.id).await {
            Ok(()) => done += 1,
            Err(e) => {
                tracing::warn!(error = %e, refund = refund.id, "refund submission failed");
                failed += 1;
            }
        }
    }
    Ok((done, failed))
}
