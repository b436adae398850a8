//! Receipts and invoice requests of the user's paid orders.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::auth::BearerUser;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::billing::model::method;
use crate::billing::receipts::{self, InvoiceInput, Receipt};
use crate::billing::receipts_model::{InvoiceRow, capital_yuan, invoice_status};
use crate::kernel::money::format_cents;

/// A paid order's receipt (收据), as printed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReceiptView {
    /// e.g. `2026-000042`.
    pub number: String,
    /// The association (收款单位).
    pub association_name: String,
    /// Received from.
    pub payer_name: String,
    /// What for (the order's title).
    pub item: String,
    /// Cents.
    pub amount_cents: i64,
    /// e.g. ¥1200.00.
    pub amount: String,
    /// e.g. 壹仟贰佰元整.
    pub amount_in_words: String,
    /// 微信支付, 线下支付.
    pub method_label: String,
    /// When paid (UTC).
    pub paid_at: DateTime<Utc>,
    /// Refunded so far, cents (0 when none).
    pub refunded_cents: i64,
    /// The order.
    pub order_id: i64,
}

impl ReceiptView {
    fn new(r: Receipt, association_name: String) -> Self {
        Self {
            number: r.receipt.number,
            association_name,
            payer_name: r.payer_name,
            item: r.order.title,
            amount_cents: r.payment.amount_cents,
            amount: format_cents(r.payment.amount_cents),
            amount_in_words: capital_yuan(r.payment.amount_cents),
            method_label: method::label(&r.payment.method).into(),
            paid_at: r.payment.paid_at.and_utc(),
            refunded_cents: r.refunded_cents,
            order_id: r.order.id,
        }
    }
}

/// An invoice request and where it stands.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvoiceView {
    /// The order.
    pub order_id: i64,
    /// 发票抬头.
    pub title: String,
    /// 税号.
    pub tax_number: Option<String>,
    /// E-mail for an electronic invoice.
    pub email: Option<String>,
    /// `requested` or `issued`.
    #[schema(pattern = "^(requested|issued)$")]
    pub status: String,
    /// 待开具, 已开具.
    pub status_label: String,
    /// Once issued.
    pub invoice_number: Option<String>,
    /// Asked (UTC).
    pub requested_at: DateTime<Utc>,
    /// Issued (UTC).
    pub issued_at: Option<DateTime<Utc>>,
}

impl From<InvoiceRow> for InvoiceView {
    fn from(r: InvoiceRow) -> Self {
        Self {
            order_id: r.order_id,
            title: r.title,
            tax_number: r.tax_number,
            email: r.email,
            status_label: invoice_status::label(&r.status).into(),
            status: r.status,
            invoice_number: r.invoice_number,
            requested_at: r.requested_at.and_utc(),
            issued_at: r.issued_at.map(|t| t.and_utc()),
        }
    }
}

/// Asking for an invoice.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct InvoiceRequest {
    /// 发票抬头: a person's or a company's name, 2–100 characters.
    #[schema(min_length = 2, max_length = 100)]
    pub title: String,
    /// 税号 (15, 18 or 20 letters or digits) for a company; empty or absent for a person.
    #[serde(default)]
    #[schema(max_length = 20)]
    pub tax_number: Option<String>,
    /// E-mail for an electronic invoice.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub email: Option<String>,
}

/// The receipt of one of the user's paid orders; 404 while unpaid.
#[utoipa::path(get, path = "/api/v1/me/orders/{id}/receipt", tag = "orders",
    responses((status = 200, body = ReceiptView), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_my_receipt(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let receipt = receipts::my_receipt(&state.db, user.user.id, *id).await?;
    let name = state.association_settings().await?.name;
    Ok(HttpResponse::Ok().json(ReceiptView::new(receipt, name)))
}

/// The invoice request of one of the user's orders; 404 when none was made.
#[utoipa::path(get, path = "/api/v1/me/orders/{id}/invoice", tag = "orders",
    responses((status = 200, body = InvoiceView), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_my_invoice(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let invoice = receipts::my_invoice(&state.db, user.user.id, *id)
        .await?
        .ok_or_else(|| crate::error::AppError::not_found("发票申请"))?;
    Ok(HttpResponse::Ok().json(InvoiceView::from(invoice)))
}

/// Asks for an invoice of a paid order, once. Refusals: `order_not_paid`,
/// `invoice_requested` (409); field messages (422).
#[utoipa::path(post, path = "/api/v1/me/orders/{id}/invoice", tag = "orders",
    request_body = InvoiceRequest,
    responses((status = 201, body = InvoiceView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn request_my_invoice(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
    body: super::body::JsonObject<InvoiceRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let input = InvoiceInput {
        title: body.title,
        tax_number: body.tax_number.unwrap_or_default(),
        email: body.email.unwrap_or_default(),
    };
    let row = receipts::request_invoice(&state.db, &state.clock, user.user.id, *id, input).await?;
    Ok(HttpResponse::Created().json(InvoiceView::from(row)))
}
