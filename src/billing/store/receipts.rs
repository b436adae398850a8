//! Queries of `receipt_counters`, `receipts` and `invoice_requests`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::billing::receipts_model::{InvoiceRow, ReceiptRow, invoice_status};
use crate::db::DbConn;
use crate::db::schema::{invoice_requests as inv, receipt_counters as rc, receipts};

type QResult<T> = Result<T, diesel::result::Error>;

/// The next number of `year`: the counter row is created or incremented in one
/// statement, so parallel payments never share a number on either backend.
pub fn next_number(conn: &mut DbConn, year: i32) -> QResult<i64> {
    crate::per_backend!(conn, |c| diesel::insert_into(rc::table)
        .values((rc::year.eq(year), rc::last_number.eq(1_i64)))
        .on_conflict(rc::year)
        .do_update()
        .set(rc::last_number.eq(rc::last_number + 1_i64))
        .returning(rc::last_number)
        .get_result(c))
}

/// Stores a receipt.
pub fn insert(conn: &mut DbConn, order_id: i64, number: &str, at: NaiveDateTime) -> QResult<()> {
    diesel::insert_into(receipts::table)
        .values((
            receipts::order_id.eq(order_id),
            receipts::number.eq(number),
            receipts::issued_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The receipt of an order.
pub fn of_order(conn: &mut DbConn, order_id: i64) -> QResult<Option<ReceiptRow>> {
    receipts::table.find(order_id).select(ReceiptRow::as_select()).first(conn).optional()
}

/// A new invoice request.
#[derive(Debug, Insertable)]
#[diesel(table_name = inv)]
pub struct NewInvoice<'a> {
    /// Order.
    pub order_id: i64,
    /// User.
    pub user_id: i64,
    /// 发票抬头.
    pub title: &'a str,
    /// 税号.
    pub tax_number: Option<&'a str>,
    /// Where to send an electronic invoice.
    pub email: Option<&'a str>,
    /// `requested`.
    pub status: &'a str,
    /// When.
    pub requested_at: NaiveDateTime,
}

/// Stores an invoice request (unique per order).
pub fn insert_invoice(conn: &mut DbConn, new: &NewInvoice<'_>) -> QResult<InvoiceRow> {
    crate::per_backend!(conn, |c| diesel::insert_into(inv::table)
        .values(new)
        .returning(InvoiceRow::as_returning())
        .get_result(c))
}

/// The invoice request of an order.
pub fn invoice_of_order(conn: &mut DbConn, order_id: i64) -> QResult<Option<InvoiceRow>> {
    inv::table
        .filter(inv::order_id.eq(order_id))
        .select(InvoiceRow::as_select())
        .first(conn)
        .optional()
}

/// Marks a requested invoice issued; 0 rows when it was not `requested` any more.
pub fn mark_issued(
    conn: &mut DbConn,
    id: i64,
    number: &str,
    staff_id: i64,
    at: NaiveDateTime,
) -> QResult<usize> {
    diesel::update(inv::table.find(id).filter(inv::status.eq(invoice_status::REQUESTED)))
        .set((
            inv::status.eq(invoice_status::ISSUED),
            inv::invoice_number.eq(number),
            inv::issued_by_staff_id.eq(staff_id),
            inv::issued_at.eq(at),
        ))
        .execute(conn)
}

/// One invoice request.
pub fn invoice(conn: &mut DbConn, id: i64) -> QResult<Option<InvoiceRow>> {
    inv::table.find(id).select(InvoiceRow::as_select()).first(conn).optional()
}

/// A page of invoice requests (optionally of one status), oldest open first, and the total.
pub fn invoices(
    conn: &mut DbConn,
    status: Option<&str>,
    offset: i64,
    limit: i64,
) -> QResult<(Vec<InvoiceRow>, i64)> {
    let query = || {
        let mut q = inv::table.into_boxed();
        if let Some(s) = status {
            q = q.filter(inv::status.eq(s.to_owned()));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order((inv::status.desc(), inv::id.asc()))
        .select(InvoiceRow::as_select())
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

/// Invoice requests in `status`.
pub fn count_invoices(conn: &mut DbConn, status: &str) -> QResult<i64> {
    inv::table.filter(inv::status.eq(status.to_owned())).count().get_result(conn)
}
