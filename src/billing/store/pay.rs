//! Queries of `wechat_transactions`, `payments`, `refunds`, `payment_refusals` and
//! `dues_reminders`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::QResult;
use crate::billing::model::{PaymentRow, RefundRow, RefusalRow, WechatTxnRow, txn_status};
use crate::db::DbConn;
use crate::db::schema::{dues_reminders, payment_refusals, payments, refunds, wechat_transactions};

/// A new WeChat transaction.
#[derive(Debug, Insertable)]
#[diesel(table_name = wechat_transactions)]
pub struct NewTxn<'a> {
    /// Order.
    pub order_id: i64,
    /// Our number.
    pub out_trade_no: &'a str,
    /// Prepay id.
    pub prepay_id: &'a str,
    /// Cents.
    pub amount_cents: i64,
    /// Status.
    pub status: &'a str,
    /// Expiry.
    pub expires_at: NaiveDateTime,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Inserts a transaction.
pub fn insert_txn(conn: &mut DbConn, new: &NewTxn<'_>) -> QResult<usize> {
    diesel::insert_into(wechat_transactions::table).values(new).execute(conn)
}

/// Stores the prepay id of a reserved transaction (first answer wins).
pub fn set_prepay(conn: &mut DbConn, out_trade_no: &str, prepay_id: &str) -> QResult<usize> {
    diesel::update(
        wechat_transactions::table
            .filter(wechat_transactions::out_trade_no.eq(out_trade_no))
            .filter(wechat_transactions::prepay_id.eq("")),
    )
    .set(wechat_transactions::prepay_id.eq(prepay_id))
    .execute(conn)
}

/// A transaction by our number.
pub fn txn_by_out_trade_no(conn: &mut DbConn, out_trade_no: &str) -> QResult<Option<WechatTxnRow>> {
    wechat_transactions::table
        .filter(wechat_transactions::out_trade_no.eq(out_trade_no))
        .select(WechatTxnRow::as_select())
        .first(conn)
        .optional()
}

/// An order's transactions, oldest first.
pub fn txns_of(conn: &mut DbConn, order_id: i64) -> QResult<Vec<WechatTxnRow>> {
    wechat_transactions::table
        .filter(wechat_transactions::order_id.eq(order_id))
        .order(wechat_transactions::id.asc())
        .select(WechatTxnRow::as_select())
        .load(conn)
}

/// Open transactions, oldest first.
pub fn open_txns(conn: &mut DbConn, limit: i64) -> QResult<Vec<WechatTxnRow>> {
    wechat_transactions::table
        .filter(wechat_transactions::status.eq(txn_status::OPEN))
        .order(wechat_transactions::id.asc())
        .limit(limit)
        .select(WechatTxnRow::as_select())
        .load(conn)
}

/// Moves an open transaction to `to`; returns rows changed.
pub fn finish_txn(conn: &mut DbConn, id: i64, to: &str, at: NaiveDateTime) -> QResult<usize> {
    diesel::update(
        wechat_transactions::table
            .find(id)
            .filter(wechat_transactions::status.eq(txn_status::OPEN)),
    )
    .set((wechat_transactions::status.eq(to), wechat_transactions::updated_at.eq(at)))
    .execute(conn)
}

/// A new payment.
#[derive(Debug, Insertable)]
#[diesel(table_name = payments)]
pub struct NewPayment<'a> {
    /// Order.
    pub order_id: i64,
    /// Method.
    pub method: &'a str,
    /// Cents.
    pub amount_cents: i64,
    /// Reference.
    pub reference: &'a str,
    /// Payer.
    pub payer: &'a str,
    /// When paid.
    pub paid_at: NaiveDateTime,
    /// Voucher.
    pub voucher_file_id: Option<i64>,
    /// Recorded by.
    pub staff_id: Option<i64>,
    /// Recorded.
    pub created_at: NaiveDateTime,
}

/// Inserts a payment (the unique order id refuses a second one).
pub fn insert_payment(conn: &mut DbConn, new: &NewPayment<'_>) -> QResult<usize> {
    diesel::insert_into(payments::table).values(new).execute(conn)
}

/// The payment of an order.
pub fn payment_of(conn: &mut DbConn, order_id: i64) -> QResult<Option<PaymentRow>> {
    payments::table
        .filter(payments::order_id.eq(order_id))
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()
}

/// Payments received in [from, until), for the income summary.
pub fn payments_between(
    conn: &mut DbConn,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QResult<Vec<PaymentRow>> {
    payments::table
        .filter(payments::paid_at.ge(from).and(payments::paid_at.lt(until)))
        .select(PaymentRow::as_select())
        .load(conn)
}

/// A new refund.
#[derive(Debug, Insertable)]
#[diesel(table_name = refunds)]
pub struct NewRefund<'a> {
    /// Order.
    pub order_id: i64,
    /// Our number.
    pub out_refund_no: &'a str,
    /// Cents.
    pub amount_cents: i64,
    /// Why.
    pub reason: &'a str,
    /// Status.
    pub status: &'a str,
    /// Who.
    pub staff_id: Option<i64>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Inserts a refund.
pub fn insert_refund(conn: &mut DbConn, new: &NewRefund<'_>) -> QResult<RefundRow> {
    crate::per_backend!(conn, |c| diesel::insert_into(refunds::table)
        .values(new)
        .returning(RefundRow::as_returning())
        .get_result(c))
}

/// An order's refunds, oldest first.
pub fn refunds_of(conn: &mut DbConn, order_id: i64) -> QResult<Vec<RefundRow>> {
    refunds::table
        .filter(refunds::order_id.eq(order_id))
        .order(refunds::id.asc())
        .select(RefundRow::as_select())
        .load(conn)
}

/// A refund by id.
pub fn refund(conn: &mut DbConn, id: i64) -> QResult<Option<RefundRow>> {
    refunds::table.find(id).select(RefundRow::as_select()).first(conn).optional()
}

/// A refund by our number.
pub fn refund_by_no(conn: &mut DbConn, out_refund_no: &str) -> QResult<Option<RefundRow>> {
    refunds::table
        .filter(refunds::out_refund_no.eq(out_refund_no))
        .select(RefundRow::as_select())
        .first(conn)
        .optional()
}

/// Refunds settled in [from, until).
pub fn refunds_settled_between(
    conn: &mut DbConn,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QResult<Vec<RefundRow>> {
    refunds::table
        .filter(refunds::settled_at.ge(from).and(refunds::settled_at.lt(until)))
        .select(RefundRow::as_select())
        .load(conn)
}

/// Refunds in `status`, oldest first.
pub fn refunds_in(conn: &mut DbConn, status: &str, limit: i64) -> QResult<Vec<RefundRow>> {
    refunds::table
        .filter(refunds::status.eq(status))
        .order(refunds::id.asc())
        .limit(limit)
        .select(RefundRow::as_select())
        .load(conn)
}

/// Moves a refund from one of `from` to `to` (compare-and-set); returns rows changed.
pub fn set_refund(
    conn: &mut DbConn,
    id: i64,
    from: &[&str],
    to: &str,
    provider_refund_id: Option<&str>,
    at: NaiveDateTime,
    settled_at: Option<NaiveDateTime>,
) -> QResult<usize> {
    diesel::update(refunds::table.find(id).filter(refunds::status.eq_any(from.to_vec())))
        .set((
            refunds::status.eq(to),
            refunds::provider_refund_id.eq(provider_refund_id),
            refunds::updated_at.eq(at),
            refunds::settled_at.eq(settled_at),
        ))
        .execute(conn)
}

/// A new refusal.
#[derive(Debug, Insertable)]
#[diesel(table_name = payment_refusals)]
pub struct NewRefusal<'a> {
    /// Order.
    pub order_id: Option<i64>,
    /// Our number.
    pub out_trade_no: Option<&'a str>,
    /// Source.
    pub source: &'a str,
    /// Reason code.
    pub reason: &'a str,
    /// Detail.
    pub detail: &'a str,
    /// When.
    pub created_at: NaiveDateTime,
}

/// Records a refusal.
pub fn insert_refusal(conn: &mut DbConn, new: &NewRefusal<'_>) -> QResult<usize> {
    diesel::insert_into(payment_refusals::table).values(new).execute(conn)
}

/// Refusals, newest first (of one order, or all).
pub fn refusals(conn: &mut DbConn, order_id: Option<i64>, limit: i64) -> QResult<Vec<RefusalRow>> {
    let mut q = payment_refusals::table.into_boxed();
    if let Some(id) = order_id {
        q = q.filter(payment_refusals::order_id.eq(id));
    }
    q.order(payment_refusals::id.desc()).limit(limit).select(RefusalRow::as_select()).load(conn)
}

/// Records that reminder `step` of `order_id` was queued; false when it already was
/// (the unique key decides, also under parallel passes).
pub fn claim_reminder(
    conn: &mut DbConn,
    order_id: i64,
    step: &str,
    at: NaiveDateTime,
) -> Result<bool, crate::error::AppError> {
    use diesel::Connection as _;
    let inserted = conn.transaction(|c| {
        diesel::insert_into(dues_reminders::table)
            .values((
                dues_reminders::order_id.eq(order_id),
                dues_reminders::step.eq(step),
                dues_reminders::created_at.eq(at),
            ))
            .execute(c)
    });
    match inserted {
        Ok(_) => Ok(true),
        Err(e) if crate::db::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// The latest reminder of each of `order_ids` (those never reminded are absent).
pub fn last_reminders(
    conn: &mut DbConn,
    order_ids: &[i64],
) -> QResult<std::collections::HashMap<i64, NaiveDateTime>> {
    use diesel::dsl::max;
    let mut last = std::collections::HashMap::new();
    // Chunks keep a long arrears list under SQLite's bind limit.
    for chunk in order_ids.chunks(500) {
        let rows: Vec<(i64, Option<NaiveDateTime>)> = dues_reminders::table
            .filter(dues_reminders::order_id.eq_any(chunk))
            .group_by(dues_reminders::order_id)
            .select((dues_reminders::order_id, max(dues_reminders::created_at)))
            .load(conn)?;
        last.extend(rows.into_iter().filter_map(|(id, at)| at.map(|at| (id, at))));
    }
    Ok(last)
}
