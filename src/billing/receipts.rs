//! Receipts (收据) and invoices (发票). Every recorded payment gets a receipt in the same
//! transaction, numbered per year of payment (association time zone) without gaps;
//! the member and finance see and print it. A member may ask for an invoice of a paid
//! order once (抬头, 税号, e-mail); finance issues it outside Guildhall and records its
//! number here, which tells the member.
//!
//! Decision: Guildhall does not issue tax invoices itself (that needs the tax bureau's
//! systems); it carries the request and the issued number, as the manual's 发票 step.

use chrono::{Datelike, NaiveDateTime};

use super::model::{PaymentRow, status};
use super::receipts_model::{InvoiceRow, ReceiptRow, invoice_status, receipt_number};
use super::store::{self, pay as pstore, receipts as rstore};
use super::{OrderRow, orders};
use crate::db::{Db, DbConn, is_unique_violation};
use crate::error::{AppError, FieldError};
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;
use crate::kernel::page::{Page, PageRequest};
use crate::notices::{Notice, NoticeKind};

/// The association's time zone for receipt years (Asia/Shanghai unless set).
fn time_zone(conn: &mut DbConn) -> Result<chrono_tz::Tz, AppError> {
    let key = crate::kernel::settings::keys::TIME_ZONE;
    Ok(crate::kernel::settings::get(conn, key)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(chrono_tz::Asia::Shanghai))
}

/// Inside the payment's transaction: the order's receipt, numbered in the year of
/// `paid_at`.
pub(crate) fn issue(
    conn: &mut DbConn,
    at: NaiveDateTime,
    order_id: i64,
    paid_at: NaiveDateTime,
) -> Result<ReceiptRow, AppError> {
    let year = paid_at.and_utc().with_timezone(&time_zone(conn)?).year();
    let number = receipt_number(year, rstore::next_number(conn, year)?);
    rstore::insert(conn, order_id, &number, at)?;
    Ok(ReceiptRow { order_id, number, issued_at: at })
}

/// What a receipt shows.
#[derive(Debug, Clone)]
pub struct Receipt {
    /// Number and date.
    pub receipt: ReceiptRow,
    /// The order.
    pub order: OrderRow,
    /// Its payment.
    pub payment: PaymentRow,
    /// Received from: the member's name, else the offline payer, else the nickname.
    pub payer_name: String,
    /// Refunded so far (the receipt says so).
    pub refunded_cents: i64,
    /// The seal image, if finance set one.
    pub seal_file_id: Option<i64>,
}

fn receipt_of(conn: &mut DbConn, order: OrderRow) -> Result<Receipt, AppError> {
    let not_yet = || AppError::not_found("收据（订单未支付）");
    let receipt = rstore::of_order(conn, order.id)?.ok_or_else(not_yet)?;
    let payment = pstore::payment_of(conn, order.id)?.ok_or_else(not_yet)?;
    let detail = orders::detail(conn, order.clone())?;
    let member = crate::membership::member_of_user(conn, order.user_id)?.map(|m| m.name);
    let payer_name = match (member, payment.method.as_str()) {
        (Some(name), _) => name,
        (None, super::model::method::OFFLINE) => payment.payer.clone(),
        (None, _) => crate::accounts::find_user(conn, order.user_id)?
            .and_then(|u| u.nickname)
            .unwrap_or_default(),
    };
    Ok(Receipt {
        receipt,
        refunded_cents: detail.refunded_cents(),
        order,
        payment,
        payer_name,
        seal_file_id: super::settings::load(conn)?.seal_file_id,
    })
}

/// The receipt of any paid order (finance).
pub async fn receipt_for_staff(db: &Db, order_id: i64) -> Result<Receipt, AppError> {
    db.run(move |conn| {
        let order = store::find(conn, order_id)?.ok_or_else(|| AppError::not_found("订单"))?;
        receipt_of(conn, order)
    })
    .await
}

/// The receipt of one of the user's paid orders (someone else's is not found).
pub async fn my_receipt(db: &Db, user_id: i64, order_id: i64) -> Result<Receipt, AppError> {
    db.run(move |conn| {
        let order = store::find(conn, order_id)?
            .filter(|o| o.user_id == user_id)
            .ok_or_else(|| AppError::not_found("订单"))?;
        receipt_of(conn, order)
    })
    .await
}

/// What the member fills in to ask for an invoice.
#[derive(Debug, Clone, Default)]
pub struct InvoiceInput {
    /// 发票抬头.
    pub title: String,
    /// 税号 (统一社会信用代码), required for companies, empty for a person.
    pub tax_number: String,
    /// E-mail for an electronic invoice, optional.
    pub email: String,
}

/// Checked and normalised input: (title, tax number, e-mail).
fn checked(input: &InvoiceInput) -> Result<(String, Option<String>, Option<String>), AppError> {
    let mut errors = Vec::new();
    let title = input.title.trim().to_owned();
    if title.chars().count() < 2 || title.chars().count() > 100 {
        errors.push(FieldError::new("title", "发票抬头须为 2–100 个字"));
    }
    let tax = input.tax_number.trim().to_ascii_uppercase();
    let tax_ok = tax.is_empty()
        || ([15, 18, 20].contains(&tax.len()) && tax.chars().all(|c| c.is_ascii_alphanumeric()));
    if !tax_ok {
        errors.push(FieldError::new("tax_number", "税号须为 15、18 或 20 位字母或数字"));
    }
    let email = input.email.trim().to_owned();
    let email_ok = email.is_empty()
        || (email.len() <= 100
            && email.split_once('@').is_some_and(|(u, d)| !u.is_empty() && d.contains('.')));
    if !email_ok {
        errors.push(FieldError::new("email", "邮箱格式不正确"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let some = |s: String| (!s.is_empty()).then_some(s);
    Ok((title, some(tax), some(email)))
}

/// The member asks for an invoice of a paid order, once.
pub async fn request_invoice(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    order_id: i64,
    input: InvoiceInput,
) -> Result<InvoiceRow, AppError> {
    let (title, tax_number, email) = checked(&input)?;
    let at = clock.now_naive();
    db.write(move |conn| {
        let order = store::lock(conn, order_id)?
            .filter(|o| o.user_id == user_id)
            .ok_or_else(|| AppError::not_found("订单"))?;
        if order.status != status::PAID {
            return Err(AppError::Conflict {
                code: "order_not_paid",
                message: format!("订单{}，不能申请发票", status::label(&order.status)),
            });
        }
        let new = rstore::NewInvoice {
            order_id,
            user_id,
            title: &title,
            tax_number: tax_number.as_deref(),
            email: email.as_deref(),
            status: invoice_status::REQUESTED,
            requested_at: at,
        };
        let row = match diesel::Connection::transaction(conn, |c| rstore::insert_invoice(c, &new)) {
            Ok(row) => row,
            Err(e) if is_unique_violation(&e) => {
                return Err(AppError::Conflict {
                    code: "invoice_requested",
                    message: "该订单已申请过发票".into(),
                });
            }
            Err(e) => return Err(e.into()),
        };
        AuditEntry::new(Actor::User(user_id), "invoice.request", "orders", order_id).record(
            conn,
            at,
            &serde_json::json!({"title": title, "tax_number": tax_number}),
        )?;
        Ok(row)
    })
    .await
}

/// The user's invoice request for an order, if any.
pub async fn my_invoice(
    db: &Db,
    user_id: i64,
    order_id: i64,
) -> Result<Option<InvoiceRow>, AppError> {
    db.run(move |conn| {
        store::find(conn, order_id)?
            .filter(|o| o.user_id == user_id)
            .ok_or_else(|| AppError::not_found("订单"))?;
        Ok(rstore::invoice_of_order(conn, order_id)?)
    })
    .await
}

/// A page of invoice requests for finance, open ones first.
pub async fn invoice_page(
    db: &Db,
    status: Option<String>,
    page: PageRequest,
) -> Result<Page<InvoiceRow>, AppError> {
    db.run(move |conn| {
        let (rows, total) = rstore::invoices(conn, status.as_deref(), page.offset(), page.limit())?;
        Ok(page.answer(rows, total))
    })
    .await
}

/// Finance records the issued invoice's number (once; a second click is 409) and the
/// member is told.
pub async fn issue_invoice(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    number: &str,
) -> Result<InvoiceRow, AppError> {
    let number = number.trim().to_owned();
    if number.is_empty() || number.chars().count() > 40 {
        return Err(AppError::field("invoice_number", "请填写发票号码（不超过 40 字）"));
    }
    let at = clock.now_naive();
    db.write(move |conn| {
        let found = rstore::invoice(conn, id)?.ok_or_else(|| AppError::not_found("发票申请"))?;
        if rstore::mark_issued(conn, id, &number, staff_id, at)? != 1 {
            return Err(AppError::Conflict {
                code: "invoice_issued",
                message: "该发票已开具".into(),
            });
        }
        AuditEntry::new(Actor::Staff(staff_id), "invoice.issue", "orders", found.order_id).record(
            conn,
            at,
            &serde_json::json!({"invoice_number": number}),
        )?;
        let order =
            store::find(conn, found.order_id)?.ok_or_else(|| AppError::not_found("订单"))?;
        let notice = Notice {
            kind: NoticeKind::InvoiceIssued,
            body: format!("「{}」的发票已开具，发票号码 {number}", order.title),
            payload: serde_json::json!({"order_id": order.id, "invoice_number": number}),
        };
        crate::notices::send(conn, at, found.user_id, &notice)?;
        rstore::invoice(conn, id)?.ok_or_else(|| AppError::not_found("发票申请"))
    })
    .await
}

/// Invoice requests waiting for finance (待开具), for the pending count.
pub fn requested_invoices(conn: &mut DbConn) -> Result<i64, AppError> {
    Ok(rstore::count_invoices(conn, invoice_status::REQUESTED)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(title: &str, tax: &str, email: &str) -> InvoiceInput {
        InvoiceInput { title: title.into(), tax_number: tax.into(), email: email.into() }
    }

    #[test]
    fn invoice_fields_are_checked_and_normalised() {
        let ok = checked(&input(" 深圳某某科技有限公司 ", "91440300ma5f0xxx1x", "")).unwrap();
        assert_eq!(ok, ("深圳某某科技有限公司".into(), Some("91440300MA5F0XXX1X".into()), None));
        assert_eq!(checked(&input("张三", "", "a@b.cn")).unwrap().2.as_deref(), Some("a@b.cn"));
        let AppError::Validation(errors) = checked(&input("张", "123", "nope")).unwrap_err()
        else {
            panic!("validation expected")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "tax_number", "email"]);
    }
}
