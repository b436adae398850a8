//! Orders for the mini-program: my orders, paying by WeChat Pay, cancelling; and the
//! WeChat Pay notification endpoint.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::auth::BearerUser;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::billing::model::{OrderKind, method, refund_status, status};
use crate::billing::orders::{self, OrderDetail};
use crate::billing::pay::{self, NotifyAnswer};
use crate::billing::wechat_pay::{NotifyMessage, PayParams};

/// The payment of an order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PaymentView {
    /// `wechat` or `offline`.
    pub method: String,
    /// 微信支付, 线下支付.
    pub method_label: String,
    /// Cents.
    pub amount_cents: i64,
    /// When paid (UTC).
    pub paid_at: DateTime<Utc>,
}

/// A refund of an order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RefundView {
    /// Cents.
    pub amount_cents: i64,
    /// `requested`, `processing`, `succeeded`, `failed`.
    pub status: String,
    /// zh-CN.
    pub status_label: String,
    /// Asked (UTC).
    pub created_at: DateTime<Utc>,
}

/// An order as its user sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrderView {
    /// Id.
    pub id: i64,
    /// `dues`, `event_fee`, `course_fee`.
    pub kind: String,
    /// 会费, 活动费, 课程费.
    pub kind_label: String,
    /// e.g. 2026 年度会费（个人会员）.
    pub title: String,
    /// Cents.
    pub amount_cents: i64,
    /// e.g. ¥1200.00.
    pub amount: String,
    /// `unpaid`, `paid`, `cancelled`, `refunded`.
    pub status: String,
    /// zh-CN.
    pub status_label: String,
    /// Dues period (`2026`, or the period's first day).
    pub period: Option<String>,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Paid (UTC).
    pub paid_at: Option<DateTime<Utc>>,
    /// The payment.
    pub payment: Option<PaymentView>,
    /// Refunds.
    pub refunds: Vec<RefundView>,
}

impl From<OrderDetail> for OrderView {
    fn from(d: OrderDetail) -> Self {
        let o = d.order;
        Self {
            id: o.id,
            kind_label: OrderKind::parse(&o.kind).map_or("", OrderKind::label).into(),
            kind: o.kind,
            title: o.title,
            amount_cents: o.amount_cents,
            amount: crate::kernel::money::format_cents(o.amount_cents),
            status_label: status::label(&o.status).into(),
            status: o.status,
            period: o.period,
            created_at: o.created_at.and_utc(),
            paid_at: o.paid_at.map(|t| t.and_utc()),
            payment: d.payment.map(|p| PaymentView {
                method_label: method::label(&p.method).into(),
                method: p.method,
                amount_cents: p.amount_cents,
                paid_at: p.paid_at.and_utc(),
            }),
            refunds: d
                .refunds
                .into_iter()
                .map(|r| RefundView {
                    amount_cents: r.amount_cents,
                    status_label: refund_status::label(&r.status).into(),
                    status: r.status,
                    created_at: r.created_at.and_utc(),
                })
                .collect(),
        }
    }
}

/// Filter of the order list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OrderQuery {
    /// `unpaid`, `paid`, `cancelled` or `refunded`; all when absent or empty.
    #[param(pattern = "^(unpaid|paid|cancelled|refunded)?$")]
    pub status: Option<String>,
}

/// The user's orders, newest first.
#[utoipa::path(get, path = "/api/v1/me/orders", tag = "orders", params(OrderQuery),
    responses((status = 200, body = Vec<OrderView>), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_my_orders(
    state: web::Data<AppState>,
    user: BearerUser,
    query: web::Query<OrderQuery>,
) -> Result<HttpResponse, ApiError> {
    let status = query.into_inner().status.filter(|s| !s.is_empty());
    let rows = orders::my_orders(&state.db, user.user.id, status).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(OrderView::from).collect::<Vec<_>>()))
}

/// One of the user's orders.
#[utoipa::path(get, path = "/api/v1/me/orders/{id}", tag = "orders",
    responses((status = 200, body = OrderView), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_my_order(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let row = orders::my_order(&state.db, user.user.id, *id).await?;
    Ok(HttpResponse::Ok().json(OrderView::from(row)))
}

/// Cancels an unpaid order. Refusal: `order_not_cancellable` (paid, cancelled,
/// refunded).
#[utoipa::path(post, path = "/api/v1/me/orders/{id}/cancel", tag = "orders",
    responses((status = 200, body = OrderView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn cancel_my_order(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let row = orders::cancel_my_order(&state.db, &state.clock, &state.payments, user.user.id, *id)
        .await?;
    Ok(HttpResponse::Ok().json(OrderView::from(row)))
}

/// Starts paying by WeChat Pay: answers the parameters of `wx.requestPayment`. Calling
/// it again (another tab, a retry) answers the same prepay order while it is payable.
/// Refusals: `order_paid`, `order_cancelled` (409), `wechat_not_bound`,
/// `wechat_pay_not_configured` (409), `upstream_unavailable` (502).
#[utoipa::path(post, path = "/api/v1/me/orders/{id}/pay", tag = "orders",
    responses((status = 200, body = PayParams), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 502, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn pay_my_order(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let params = pay::pay_order(
        &state.db,
        &state.clock,
        &state.payments,
        &state.pay_options(),
        user.user.id,
        *id,
    )
    .await?;
    Ok(HttpResponse::Ok().json(params))
}

/// Call when the client returns from `wx.requestPayment`: the server asks WeChat about
/// the payment (notifications can be late) and answers the order as it now stands.
#[utoipa::path(post, path = "/api/v1/me/orders/{id}/refresh", tag = "orders",
    responses((status = 200, body = OrderView), (status = 404, body = ErrorBody), (status = 502, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn refresh_my_order(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    pay::refresh_order(&state.db, &state.clock, &state.payments, user.user.id, *id).await?;
    let row = orders::my_order(&state.db, user.user.id, *id).await?;
    Ok(HttpResponse::Ok().json(OrderView::from(row)))
}

/// The answer WeChat Pay expects when a notification is refused.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NotifyFailBody {
    /// Always `FAIL`.
    pub code: String,
    /// Why (`bad_signature`, `stale_timestamp`, `amount_mismatch`…).
    pub message: String,
}

/// WeChat Pay's notification (payments and refunds), called by WeChat, not by the
/// mini-program. Answers 204 when handled; a refused one (bad signature, stale
/// timestamp, wrong amount…) is recorded for finance and answered
/// `{"code":"FAIL","message":…}` with 400 or 401.
#[utoipa::path(post, path = "/api/v1/payments/wechat/notify", tag = "orders",
    request_body(content = String, description = "WeChat's signed notification (JSON)"),
    responses((status = 204, description = "Handled"), (status = 400, body = NotifyFailBody),
        (status = 401, body = NotifyFailBody)))]
pub async fn receive_wechat_notify(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let header = |name: &str| {
        req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    };
    let msg = NotifyMessage {
        timestamp: header("Wechatpay-Timestamp"),
        nonce: header("Wechatpay-Nonce"),
        signature: header("Wechatpay-Signature"),
        serial: header("Wechatpay-Serial"),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let answer = pay::handle_notification(&state.db, &state.clock, &state.payments, msg).await?;
    Ok(match answer {
        NotifyAnswer::Done => HttpResponse::NoContent().finish(),
        NotifyAnswer::Refused(reason) => {
            let body = NotifyFailBody { code: "FAIL".into(), message: reason.into() };
            if matches!(reason, "bad_signature" | "stale_timestamp" | "unknown_serial") {
                HttpResponse::Unauthorized().json(body)
            } else {
                HttpResponse::BadRequest().json(body)
            }
        }
    })
}
