//! Receipts and invoices for finance: the printable receipt of a paid order
//! (`/admin/orders/{id}/receipt`), and the invoice requests with "mark issued"
//! (`/admin/invoices`).

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::pager::{Pager, pager};
use super::render::{Chrome, redirect, render};
use super::session::{FinanceStaff, RequireRole};
use crate::app::AppState;
use crate::billing::model::method;
use crate::billing::receipts::{self, Receipt};
use crate::billing::receipts_model::{capital_yuan, invoice_status};
use crate::kernel::clock::display_minutes;
use crate::kernel::money::format_cents;
use crate::kernel::page::{PAGE_SIZE, PageRequest};

/// `GET /admin/orders/{id}/receipt`: an A5 landscape print page.
#[derive(askama::Template)]
#[template(path = "web/orders/receipt.html")]
pub struct ReceiptPage {
    /// 收款单位.
    pub association: String,
    /// Receipt number.
    pub number: String,
    /// Order id (back link).
    pub order_id: i64,
    /// 交款人.
    pub payer: String,
    /// 收款事由.
    pub item: String,
    /// ¥….
    pub amount: String,
    /// 大写.
    pub amount_in_words: String,
    /// 收款方式.
    pub method: &'static str,
    /// 收款日期.
    pub paid: String,
    /// Refunded, when any (printed as a note).
    pub refunded: Option<String>,
    /// Seal image.
    pub seal_file_id: Option<i64>,
}

/// `GET /admin/orders/{id}/receipt`.
pub async fn show_receipt(
    state: web::Data<AppState>,
    _staff: RequireRole<FinanceStaff>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let Receipt { receipt, order, payment, payer_name, refunded_cents, seal_file_id } =
        receipts::receipt_for_staff(&state.db, *id).await?;
    let settings = state.association_settings().await?;
    render(&ReceiptPage {
        association: settings.name,
        number: receipt.number,
        order_id: order.id,
        payer: payer_name,
        item: order.title,
        amount: format_cents(payment.amount_cents),
        amount_in_words: capital_yuan(payment.amount_cents),
        method: method::label(&payment.method),
        paid: display_minutes(payment.paid_at, settings.time_zone),
        refunded: (refunded_cents > 0).then(|| format_cents(refunded_cents)),
        seal_file_id,
    })
}

/// One row of the invoice list.
#[derive(Debug, Clone)]
pub struct InvoiceListRow {
    /// Id.
    pub id: i64,
    /// The order.
    pub order_id: i64,
    /// 抬头.
    pub title: String,
    /// 税号.
    pub tax_number: String,
    /// E-mail.
    pub email: String,
    /// `requested`…
    pub status: String,
    /// 待开具…
    pub status_label: &'static str,
    /// Issued number.
    pub invoice_number: String,
    /// Asked, formatted.
    pub requested: String,
}

/// `GET /admin/invoices`.
#[derive(askama::Template)]
#[template(path = "web/orders/invoices.html")]
pub struct InvoicesPage {
    /// Layout.
    pub chrome: Chrome,
    /// Rows.
    pub rows: Vec<InvoiceListRow>,
    /// Status filter.
    pub status: String,
    /// (value, label) of the filter.
    pub statuses: Vec<(&'static str, &'static str)>,
    /// Pages.
    pub pager: Pager,
}

/// `?status=&page=`.
#[derive(Debug, Default, Deserialize)]
pub struct InvoiceQuery {
    /// `requested`, `issued` or empty.
    #[serde(default)]
    pub status: String,
    /// Page.
    pub page: Option<i64>,
}

/// `GET /admin/invoices`.
pub async fn list_invoices(
    state: web::Data<AppState>,
    staff: RequireRole<FinanceStaff>,
    query: web::Query<InvoiceQuery>,
) -> Result<HttpResponse, PageError> {
    let status = query.status.trim().to_owned();
    let filter = invoice_status::ALL.contains(&status.as_str()).then(|| status.clone());
    let request = PageRequest::new(query.page.unwrap_or(1));
    let page = receipts::invoice_page(&state.db, filter, request).await?;
    let tz = state.association_settings().await?.time_zone;
    let rows = page
        .rows
        .into_iter()
        .map(|r| InvoiceListRow {
            id: r.id,
            order_id: r.order_id,
            title: r.title,
            tax_number: r.tax_number.unwrap_or_default(),
            email: r.email.unwrap_or_default(),
            status_label: invoice_status::label(&r.status),
            status: r.status,
            invoice_number: r.invoice_number.unwrap_or_default(),
            requested: display_minutes(r.requested_at, tz),
        })
        .collect();
    let chrome = Chrome::build(&state, &staff, "/admin/invoices", "发票申请").await?;
    let statuses = invoice_status::ALL.iter().map(|s| (*s, invoice_status::label(s))).collect();
    let filters = [("status", status.clone())];
    render(&InvoicesPage {
        chrome,
        rows,
        statuses,
        pager: pager("/admin/invoices", &filters, page.page, page.total, PAGE_SIZE),
        status,
    })
}

/// The "mark issued" form.
#[derive(Debug, Deserialize)]
pub struct IssueForm {
    /// The invoice's number.
    #[serde(default)]
    pub invoice_number: String,
}

/// `POST /admin/invoices/{id}/issue`.
pub async fn issue_invoice(
    state: web::Data<AppState>,
    staff: RequireRole<FinanceStaff>,
    id: web::Path<i64>,
    form: web::Form<IssueForm>,
) -> Result<HttpResponse, PageError> {
    let row =
        receipts::issue_invoice(&state.db, &state.clock, staff.staff.id, *id, &form.invoice_number)
            .await?;
    staff.flash(
        "success",
        format!("已登记发票号码 {}，已通知会员", row.invoice_number.unwrap_or_default()),
    );
    Ok(redirect("/admin/invoices?status=requested"))
}
