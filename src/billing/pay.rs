//! Paying an order by WeChat Pay: prepay, notifications, queries when the client
//! returns and in the sweep. Every path ends in [`settle`], which records a payment
//! exactly once (the order row is locked, the status compared-and-set, and the
//! payments table takes one row per order).

use chrono::{DateTime, NaiveDateTime, Utc};

use super::model::{OrderRow, method, status, txn_status};
use super::store::{self, pay as pstore};
use super::wechat_pay::{
    GatewayError, Merchant, Notification, NotifyMessage, PayParams, PrepayRequest, SharedGateway,
    Transaction,
};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::Actor;
use crate::kernel::clock::SharedClock;

/// What the payment settings need from the configuration.
#[derive(Debug, Clone)]
pub struct PayOptions {
    /// Prefix of `out_trade_no`.
    pub out_trade_no_prefix: String,
    /// Minutes a prepay order stays payable.
    pub prepay_minutes: i64,
}

fn conflict(code: &'static str, message: &str) -> AppError {
    AppError::Conflict { code, message: message.into() }
}

/// Refuses paying an order that is not unpaid.
pub(super) fn check_payable(order: &OrderRow) -> Result<(), AppError> {
    match order.status.as_str() {
        status::UNPAID => Ok(()),
        status::PAID | status::REFUNDED => Err(conflict("order_paid", "该订单已支付")),
        _ => Err(conflict("order_cancelled", "该订单已取消，不能支付")),
    }
}

/// The transaction to pay through: an open one still payable, or a new one reserved
/// under the order lock (so two browsers share one `out_trade_no`, and WeChat takes
/// the money at most once).
struct Attempt {
    out_trade_no: String,
    prepay_id: String,
    expires_at: NaiveDateTime,
    amount_cents: i64,
    title: String,
    openid: String,
}

fn reserve_attempt(
    conn: &mut DbConn,
    at: NaiveDateTime,
    opts: &PayOptions,
    user_id: i64,
    order_id: i64,
) -> Result<Attempt, AppError> {
    let order = store::lock(conn, order_id)?
        .filter(|o| o.user_id == user_id)
        .ok_or_else(|| AppError::not_found("订单"))?;
    check_payable(&order)?;
    let openid = crate::accounts::find_user(conn, user_id)?
        .and_then(|u| u.wechat_openid)
        .ok_or_else(|| AppError::Invalid {
            code: "wechat_not_bound",
            message: "请先在小程序中绑定微信后再支付".into(),
        })?;
    let txns = pstore::txns_of(conn, order_id)?;
    let still_payable = at + chrono::Duration::minutes(1);
    let attempt = |t: &super::model::WechatTxnRow, openid: String| Attempt {
        out_trade_no: t.out_trade_no.clone(),
        prepay_id: t.prepay_id.clone(),
        expires_at: t.expires_at,
        amount_cents: t.amount_cents,
        title: order.title.clone(),
        openid,
    };
    if let Some(open) = txns.iter().find(|t| {
        t.status == txn_status::OPEN
            && t.amount_cents == order.amount_cents
            && t.expires_at > still_payable
    }) {
        return Ok(attempt(open, openid));
    }
    let out_trade_no = format!("{}{}x{}", opts.out_trade_no_prefix, order.id, txns.len());
    let new = pstore::NewTxn {
        order_id,
        out_trade_no: &out_trade_no,
        prepay_id: "",
        amount_cents: order.amount_cents,
        status: txn_status::OPEN,
        expires_at: at + chrono::Duration::minutes(opts.prepay_minutes),
        created_at: at,
        updated_at: at,
    };
    pstore::insert_txn(conn, &new)?;
    let row = pstore::txn_by_out_trade_no(conn, &out_trade_no)?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("transaction vanished")))?;
    Ok(attempt(&row, openid))
}

/// Starts (or resumes) paying the user's order: creates the prepay order at WeChat and
/// answers the signed `wx.requestPayment` parameters.
pub async fn pay_order(
    db: &Db,
    clock: &SharedClock,
    gateway: &SharedGateway,
    opts: &PayOptions,
    user_id: i64,
    order_id: i64,
) -> Result<PayParams, AppError> {
    gateway.merchant()?;
    let at = clock.now_naive();
    let o = opts.clone();
    let attempt = db.write(move |c| reserve_attempt(c, at, &o, user_id, order_id)).await?;
    let prepay_id = if attempt.prepay_id.is_empty() {
        let req = PrepayRequest {
            out_trade_no: attempt.out_trade_no.clone(),
            description: attempt.title.chars().take(120).collect(),
            amount_cents: attempt.amount_cents,
            payer_openid: attempt.openid.clone(),
            time_expire: attempt.expires_at.and_utc(),
        };
        let prepay_id = gateway.prepay(&req).await?;
        let (no, id) = (attempt.out_trade_no.clone(), prepay_id.clone());
        db.run(move |conn| Ok(pstore::set_prepay(conn, &no, &id)?)).await?;
        prepay_id
    } else {
        attempt.prepay_id
    };
    Ok(gateway.pay_params(&prepay_id, clock.now())?)
}

/// How a report about a transaction ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// The payment was recorded now.
    Paid(i64),
    /// It had been recorded before (a replay, or the query won the race).
    AlreadyPaid(i64),
    /// WeChat says not paid (`NOTPAY`, `CLOSED`…).
    NotPaid(String),
    /// Refused and recorded for finance; nothing changed.
    Refused(&'static str),
}

fn paid_at_of(t: &Transaction, fallback: NaiveDateTime) -> NaiveDateTime {
    t.success_time
        .as_deref()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map_or(fallback, |d| d.with_timezone(&Utc).naive_utc())
}

/// Records what WeChat reports about a transaction, once. Runs inside the caller's
/// write transaction; every check comes before any write, so a refusal writes only
/// its refusal row.
pub fn settle(
    conn: &mut DbConn,
    at: NaiveDateTime,
    merchant: &Merchant,
    t: &Transaction,
    source: &str,
) -> Result<Settled, AppError> {
    let refuse = |conn: &mut DbConn,
                  order_id: Option<i64>,
                  reason: &'static str,
                  detail: String|
     -> Result<Settled, AppError> {
        super::record_refusal(conn, at, order_id, Some(&t.out_trade_no), source, reason, &detail)?;
        Ok(Settled::Refused(reason))
    };
    let Some(txn) = pstore::txn_by_out_trade_no(conn, &t.out_trade_no)? else {
        return refuse(conn, None, "unknown_order", format!("out_trade_no {}", t.out_trade_no));
    };
    if t.mchid != merchant.mch_id || t.appid != merchant.app_id {
        let detail = format!("mchid {} appid {}", t.mchid, t.appid);
        return refuse(conn, Some(txn.order_id), "merchant_mismatch", detail);
    }
    let order = store::lock(conn, txn.order_id)?.ok_or_else(|| AppError::not_found("订单"))?;
    if t.trade_state != "SUCCESS" {
        if t.trade_state == "CLOSED" {
            pstore::finish_txn(conn, txn.id, txn_status::CLOSED, at)?;
        }
        return Ok(Settled::NotPaid(t.trade_state.clone()));
    }
    let total = t.amount.as_ref().map_or(-1, |a| a.total);
    if total != order.amount_cents || total != txn.amount_cents {
        let detail = format!("WeChat 金额 {total} 分，订单金额 {} 分", order.amount_cents);
        return refuse(conn, Some(order.id), "amount_mismatch", detail);
    }
    if let Some(existing) = pstore::payment_of(conn, order.id)? {
        if existing.reference == t.transaction_id {
            pstore::finish_txn(conn, txn.id, txn_status::PAID, at)?;
            return Ok(Settled::AlreadyPaid(order.id));
        }
        let detail = format!(
            "订单已由 {} 支付，又收到微信支付 {}（{}）",
            existing.reference, t.transaction_id, t.out_trade_no
        );
        return refuse(conn, Some(order.id), "duplicate_payment", detail);
    }
    let payment = PaymentFacts {
        method: method::WECHAT,
        amount_cents: total,
        reference: t.transaction_id.clone(),
        payer: t.payer.openid.clone(),
        paid_at: paid_at_of(t, at),
        voucher_file_id: None,
        actor: Actor::System,
    };
    super::record_payment(conn, at, &order, &payment)?;
    pstore::finish_txn(conn, txn.id, txn_status::PAID, at)?;
    Ok(Settled::Paid(order.id))
}

/// A payment about to be recorded.
#[derive(Debug, Clone)]
pub struct PaymentFacts {
    /// See [`method`].
    pub method: &'static str,
    /// Cents.
    pub amount_cents: i64,
    /// Transaction id or bank reference.
    pub reference: String,
    /// Who paid.
    pub payer: String,
    /// When.
    pub paid_at: NaiveDateTime,
    /// Voucher image.
    pub voucher_file_id: Option<i64>,
    /// Who records it.
    pub actor: Actor,
}

/// What the notify endpoint answers WeChat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotifyAnswer {
    /// Handled (recorded now or before, or nothing to do): 204.
    Done,
    /// Refused: WeChat should not count it as delivered.
    Refused(&'static str),
}

/// Handles a WeChat Pay notification: verifies, decrypts and settles it, or records
/// the refusal. Nothing else changes on refusal.
pub async fn handle_notification(
    db: &Db,
    clock: &SharedClock,
    gateway: &SharedGateway,
    msg: NotifyMessage,
) -> Result<NotifyAnswer, AppError> {
    let (at, now) = (clock.now_naive(), clock.now());
    let gateway = gateway.clone();
    db.run_writer(move |conn, writer| {
        // RSA and AES work runs here, on the blocking pool, not on an async worker.
        let opened = gateway.open_notification(&msg, now);
        let merchant = gateway.merchant().ok();
        writer.transaction(conn, |conn| match (opened, merchant) {
            (Err(refusal), _) => {
                super::record_refusal(
                    conn,
                    at,
                    None,
                    None,
                    "notify",
                    refusal.reason,
                    &refusal.detail,
                )?;
                Ok(NotifyAnswer::Refused(refusal.reason))
            }
            (Ok(_), None) => Ok(NotifyAnswer::Refused("not_configured")),
            (Ok(Notification::Transaction(t)), Some(m)) => {
                Ok(match settle(conn, at, &m, &t, "notify")? {
                    Settled::Refused(reason) => NotifyAnswer::Refused(reason),
                    _ => NotifyAnswer::Done,
                })
            }
            (Ok(Notification::Refund(r)), Some(m)) => {
                Ok(match super::refunds::settle_refund(conn, at, &m, &r, "refund_notify")? {
                    Some(reason) => NotifyAnswer::Refused(reason),
                    None => NotifyAnswer::Done,
                })
            }
        })
    })
    .await
}

/// Asks WeChat about one transaction and settles the answer.
async fn query_and_settle(
    db: &Db,
    clock: &SharedClock,
    gateway: &SharedGateway,
    merchant: &Merchant,
    out_trade_no: &str,
) -> Result<Settled, AppError> {
    let t = match gateway.query(out_trade_no).await {
        Ok(t) => t,
        Err(GatewayError::Refused(code, _)) if code == "ORDER_NOT_EXIST" => {
            return Ok(Settled::NotPaid(code));
        }
        Err(e) => return Err(e.into()),
    };
    let (at, m) = (clock.now_naive(), merchant.clone());
    db.write(move |c| settle(c, at, &m, &t, "query")).await
}

/// When the client returns from `wx.requestPayment`: asks WeChat about the order's
/// open transactions and answers the order as it now stands.
pub async fn refresh_order(
    db: &Db,
    clock: &SharedClock,
    gateway: &SharedGateway,
    user_id: i64,
    order_id: i64,
) -> Result<OrderRow, AppError> {
    let (order, txns) = db
        .run(move |conn| {
            let order = store::find(conn, order_id)?
                .filter(|o| o.user_id == user_id)
                .ok_or_else(|| AppError::not_found("订单"))?;
            Ok((order, pstore::txns_of(conn, order_id)?))
        })
        .await?;
    if order.status != status::UNPAID {
        return Ok(order);
    }
    if let Ok(merchant) = gateway.merchant() {
        for t in txns.iter().filter(|t| t.status == txn_status::OPEN) {
            query_and_settle(db, clock, gateway, &merchant, &t.out_trade_no).await?;
        }
    }
    db.run(move |conn| store::find(conn, order_id)?.ok_or_else(|| AppError::not_found("订单")))
        .await
}

/// What one sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Payments found by asking WeChat.
    pub paid: usize,
    /// Transactions closed at WeChat (expired, or their order is no longer unpaid).
    pub closed: usize,
    /// Refunds submitted.
    pub refunds_submitted: usize,
    /// Calls that failed (retried next time).
    pub failures: usize,
}

/// The background pass over payments: asks WeChat about open transactions (lost
/// notifications), closes expired ones and those of cancelled orders, and submits
/// refunds still waiting.
pub async fn sweep_payments(
    db: &Db,
    clock: &SharedClock,
    gateway: &SharedGateway,
) -> Result<SweepReport, AppError> {
    let mut report = SweepReport::default();
    let Ok(merchant) = gateway.merchant() else { return Ok(report) };
    let open = db.run(|conn| Ok(pstore::open_txns(conn, 500)?)).await?;
    for txn in open {
        match query_and_settle(db, clock, gateway, &merchant, &txn.out_trade_no).await {
            Ok(Settled::Paid(_)) => report.paid += 1,
            Ok(Settled::NotPaid(_)) => {
                let at = clock.now_naive();
                let order_id = txn.order_id;
                let order = db.run(move |conn| Ok(store::find(conn, order_id)?)).await?;
                let dead = order.is_none_or(|o| o.status != status::UNPAID);
                if at >= txn.expires_at || dead {
                    if txn.prepay_id.is_empty() || gateway.close(&txn.out_trade_no).await.is_ok() {
                        let id = txn.id;
                        db.run(move |conn| {
                            Ok(pstore::finish_txn(conn, id, txn_status::CLOSED, at)?)
                        })
                        .await?;
                        report.closed += 1;
                    } else {
                        report.failures += 1;
                    }
                }
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, out_trade_no = %txn.out_trade_no, "payment query failed");
                report.failures += 1;
            }
        }
    }
    let (submitted, failed) = super::refunds::submit_waiting(db, clock, gateway).await?;
    report.refunds_submitted = submitted;
    report.failures += failed;
    Ok(report)
}

/// Closes the order's open transactions at WeChat after it was cancelled; failures are
/// left to the sweep.
pub(super) async fn close_open(
    db: &Db,
    clock: &SharedClock,
    gateway: &SharedGateway,
    order_id: i64,
) -> Result<(), AppError> {
    let txns = db.run(move |conn| Ok(pstore::txns_of(conn, order_id)?)).await?;
    for txn in txns.into_iter().filter(|t| t.status == txn_status::OPEN) {
        if txn.prepay_id.is_empty() || gateway.close(&txn.out_trade_no).await.is_ok() {
            let at = clock.now_naive();
            db.run(move |conn| Ok(pstore::finish_txn(conn, txn.id, txn_status::CLOSED, at)?))
                .await?;
        }
    }
    Ok(())
}

/// Asks WeChat about the order's open transactions (used before cancelling, so a
/// payment made a moment ago is not lost).
pub(super) async fn query_open(
    db: &Db,
    clock: &SharedClock,
    gateway: &SharedGateway,
    order_id: i64,
) -> Result<(), AppError> {
    let Ok(merchant) = gateway.merchant() else { return Ok(()) };
    let txns = db.run(move |conn| Ok(pstore::txns_of(conn, order_id)?)).await?;
    for txn in txns.into_iter().filter(|t| t.status == txn_status::OPEN && !t.prepay_id.is_empty())
    {
        query_and_settle(db, clock, gateway, &merchant, &txn.out_trade_no).await?;
    }
    Ok(())
}
