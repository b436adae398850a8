//! What finance reads in the workbench: the order list with totals, one order with
//! everything about it, refused payment messages, the monthly income summary and the
//! Excel export.

use chrono::{Datelike as _, NaiveDate, NaiveDateTime};

use super::model::{OrderRow, RefusalRow, WechatTxnRow, method, refund_status};
use super::orders::{self, OrderDetail};
use super::store::{self, OrderFilter, OrderWithPayer, pay as pstore};
use crate::db::Db;
use crate::error::AppError;
use crate::kernel::audit::{self, AuditRow};

/// Rows per page of the order list.
pub const PAGE_SIZE: i64 = 30;

/// One page of orders.
#[derive(Debug, Clone)]
pub struct OrderPage {
    /// Rows: (order, member name, member number, phone).
    pub rows: Vec<OrderWithPayer>,
    /// Per status: (status, count, cents).
    pub totals: Vec<(String, i64, i64)>,
    /// Recent refusals (newest first).
    pub refusals: Vec<RefusalRow>,
}

impl OrderPage {
    /// Orders matching the filter.
    pub fn total(&self) -> i64 {
        self.totals.iter().map(|t| t.1).sum()
    }
}

/// A page of orders matching `filter`.
pub async fn order_page(db: &Db, filter: OrderFilter, page: i64) -> Result<OrderPage, AppError> {
    let offset = (page.clamp(1, 1_000_000) - 1) * PAGE_SIZE;
    db.run(move |conn| {
        Ok(OrderPage {
            rows: store::list(conn, &filter, offset, Some(PAGE_SIZE))?,
            totals: store::totals(conn, &filter)?,
            refusals: pstore::refusals(conn, None, 10)?,
        })
    })
    .await
}

/// Every order matching `filter` (for the export).
pub async fn all_orders(db: &Db, filter: OrderFilter) -> Result<Vec<OrderWithPayer>, AppError> {
    db.run(move |conn| Ok(store::list(conn, &filter, 0, None)?)).await
}

/// Everything about one order.
#[derive(Debug, Clone)]
pub struct OrderFile {
    /// Order, payment, refunds.
    pub detail: OrderDetail,
    /// WeChat transactions.
    pub txns: Vec<WechatTxnRow>,
    /// Refused messages about it.
    pub refusals: Vec<RefusalRow>,
    /// Its audit trail, oldest first.
    pub trail: Vec<AuditRow>,
}

/// One order for finance.
pub async fn order_file(db: &Db, id: i64) -> Result<OrderFile, AppError> {
    db.run(move |conn| {
        let order: OrderRow = store::find(conn, id)?.ok_or_else(|| AppError::not_found("订单"))?;
        let detail = orders::detail(conn, order)?;
        Ok(OrderFile {
            txns: pstore::txns_of(conn, id)?,
            refusals: pstore::refusals(conn, Some(id), 50)?,
            trail: audit::for_subject(conn, "orders", id)?,
            detail,
        })
    })
    .await
}

/// Income of one month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthIncome {
    /// `2026-11`.
    pub month: String,
    /// Received by WeChat Pay.
    pub wechat_cents: i64,
    /// Received offline.
    pub offline_cents: i64,
    /// Refunded (succeeded) in the month.
    pub refunded_cents: i64,
    /// Payments counted.
    pub payments: i64,
}

impl MonthIncome {
    /// Received minus refunded.
    pub fn net_cents(&self) -> i64 {
        self.wechat_cents + self.offline_cents - self.refunded_cents
    }
}

/// Income per month of `year` in the association's time zone.
pub async fn income_summary(
    db: &Db,
    year: i32,
    tz: chrono_tz::Tz,
) -> Result<Vec<MonthIncome>, AppError> {
    let utc = |d: NaiveDate| -> NaiveDateTime {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(tz).single())
            .map_or_else(|| d.and_hms_opt(0, 0, 0).unwrap_or_default(), |t| t.naive_utc())
    };
    let start =
        NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| AppError::field("year", "年份无效"))?;
    let end = NaiveDate::from_ymd_opt(year + 1, 1, 1)
        .ok_or_else(|| AppError::field("year", "年份无效"))?;
    let (from, until) = (utc(start), utc(end));
    let (payments, refunds) = db
        .run(move |conn| {
            Ok((
                pstore::payments_between(conn, from, until)?,
                pstore::refunds_settled_between(conn, from, until)?,
            ))
        })
        .await?;
    let month_of = |t: NaiveDateTime| t.and_utc().with_timezone(&tz).month0() as usize;
    let mut months: Vec<MonthIncome> = (1..=12)
        .map(|m| MonthIncome { month: format!("{year}-{m:02}"), ..Default::default() })
        .collect();
    for p in payments {
        let m = &mut months[month_of(p.paid_at)];
        m.payments += 1;
        if p.method == method::WECHAT {
            m.wechat_cents += p.amount_cents;
        } else {
            m.offline_cents += p.amount_cents;
        }
    }
    for r in refunds.iter().filter(|r| r.status == refund_status::SUCCEEDED) {
        if let Some(at) = r.settled_at {
            months[month_of(at)].refunded_cents += r.amount_cents;
        }
    }
    Ok(months)
}
