//! Orders for finance (订单管理): the list with filters, totals and Excel export; one
//! order with its payments, refunds, refused messages and audit trail; recording an
//! offline payment; refunding. The monthly income summary is `web/income.rs`.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;

use super::error::PageError;
use super::pager::{Pager, pager, query_string};
use super::render::{Chrome, redirect, render, render_with};
use super::session::{FinanceStaff, RequireRole};
use crate::app::AppState;
use crate::billing::admin::{self, OrderFile, PAGE_SIZE};
use crate::billing::model::{self, OrderKind, method, refund_status, refusal_label, status};
use crate::billing::offline::{self, OfflinePayment};
use crate::billing::refunds;
use crate::billing::store::OrderFilter;
use crate::error::AppError;
use crate::kernel::clock::display_minutes;
use crate::kernel::money::{format_cents, parse_yuan};

/// An order row as shown.
#[derive(Debug, Clone)]
pub struct OrderListRow {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// 会费…
    pub kind_label: &'static str,
    /// Member name (or the user's phone for visitors).
    pub payer: String,
    /// Member number.
    pub number: String,
    /// ¥…
    pub amount: String,
    /// `unpaid`…
    pub status: String,
    /// 待支付…
    pub status_label: &'static str,
    /// Period.
    pub period: String,
    /// Created, formatted.
    pub created: String,
    /// Paid, formatted.
    pub paid: String,
}

/// Filters in the query string.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct OrderQuery {
    /// Kind.
    #[serde(default)]
    pub kind: String,
    /// Status.
    #[serde(default)]
    pub status: String,
    /// Dues period.
    #[serde(default)]
    pub period: String,
    /// Member name, number or phone.
    #[serde(default)]
    pub member: String,
    /// Created in month `YYYY-MM`.
    #[serde(default)]
    pub month: String,
    /// Page.
    pub page: Option<i64>,
}

fn month_range(
    month: &str,
    tz: chrono_tz::Tz,
) -> Option<(chrono::NaiveDateTime, chrono::NaiveDateTime)> {
    let first = NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d").ok()?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    let utc = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)?.and_local_timezone(tz).single().map(|t| t.naive_utc())
    };
    Some((utc(first)?, utc(next)?))
}

impl OrderQuery {
    fn filter(&self, tz: chrono_tz::Tz) -> OrderFilter {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let range = month_range(&self.month, tz);
        OrderFilter {
            kind: some(&self.kind).filter(|k| OrderKind::parse(k).is_some()),
            status: some(&self.status).filter(|s| status::ALL.contains(&s.as_str())),
            period: some(&self.period),
            member: some(&self.member),
            from: range.map(|r| r.0),
            until: range.map(|r| r.1),
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("kind", self.kind.clone()),
            ("status", self.status.clone()),
            ("period", self.period.trim().to_owned()),
            ("member", self.member.trim().to_owned()),
            ("month", self.month.trim().to_owned()),
        ]
    }
}

fn list_row(row: crate::billing::store::OrderWithPayer, tz: chrono_tz::Tz) -> OrderListRow {
    let (o, name, number, phone) = row;
    OrderListRow {
        id: o.id,
        kind_label: OrderKind::parse(&o.kind).map_or("", OrderKind::label),
        payer: name.or(phone).unwrap_or_default(),
        number: number.unwrap_or_default(),
        amount: format_cents(o.amount_cents),
        status_label: status::label(&o.status),
        period: o.period.unwrap_or_default(),
        created: display_minutes(o.created_at, tz),
        paid: o.paid_at.map(|t| display_minutes(t, tz)).unwrap_or_default(),
        title: o.title,
        status: o.status,
    }
}

/// `GET /admin/orders`.
#[derive(askama::Template)]
#[template(path = "web/orders/index.html")]
pub struct OrdersPage {
    /// Layout.
    pub chrome: Chrome,
    /// Rows.
    pub rows: Vec<OrderListRow>,
    /// Filters as typed.
    pub query: OrderQuery,
    /// Kind choices.
    pub kinds: Vec<(&'static str, &'static str)>,
    /// Status choices.
    pub statuses: Vec<(&'static str, &'static str)>,
    /// Totals: (status label, count, amount).
    pub totals: Vec<(&'static str, i64, String)>,
    /// Recent refusals: (time, reason label, out_trade_no, order id, detail).
    pub refusals: Vec<(String, &'static str, String, Option<i64>, String)>,
    /// Pages.
    pub pager: Pager,
    /// Export link query.
    pub export_query: String,
}

/// `GET /admin/orders`.
pub async fn list_orders(
    state: web::Data<AppState>,
    staff: RequireRole<FinanceStaff>,
    query: web::Query<OrderQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/orders", "订单管理").await?;
    let tz = state.association_settings().await?.time_zone;
    let query = query.into_inner();
    let page_no = query.page.unwrap_or(1);
    let page = admin::order_page(&state.db, query.filter(tz), page_no).await?;
    let total = page.total();
    let pairs = query.pairs();
    render(&OrdersPage {
        chrome,
        kinds: OrderKind::ALL.iter().map(|k| (k.as_str(), k.label())).collect(),
        statuses: status::ALL.iter().map(|s| (*s, status::label(s))).collect(),
        totals: page
            .totals
            .iter()
            .map(|(s, n, c)| (status::label(s), *n, format_cents(*c)))
            .collect(),
        refusals: page
            .refusals
            .iter()
            .map(|r| {
                let no = r.out_trade_no.clone().unwrap_or_default();
                (
                    display_minutes(r.created_at, tz),
                    refusal_label(&r.reason),
                    no,
                    r.order_id,
                    r.detail.clone(),
                )
            })
            .collect(),
        rows: page.rows.into_iter().map(|r| list_row(r, tz)).collect(),
        pager: pager("/admin/orders", &pairs, page_no, total, PAGE_SIZE),
        export_query: query_string(&pairs),
        query,
    })
}

/// `GET /admin/orders/export.xlsx`: the filtered list.
pub async fn export_orders(
    state: web::Data<AppState>,
    _staff: RequireRole<FinanceStaff>,
    query: web::Query<OrderQuery>,
) -> Result<HttpResponse, PageError> {
    let tz = state.association_settings().await?.time_zone;
    let rows = admin::all_orders(&state.db, query.filter(tz)).await?;
    let rows: Vec<OrderListRow> = rows.into_iter().map(|r| list_row(r, tz)).collect();
    let bytes = crate::kernel::blocking::cpu(move || super::orders_xlsx::export(&rows)).await?;
    Ok(super::download::xlsx(bytes, "orders.xlsx", "订单.xlsx"))
}

/// Offline payment form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct OfflineForm {
    /// Yuan, e.g. `1200.00`.
    #[serde(default)]
    pub amount: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub paid_on: String,
    /// Payer.
    #[serde(default)]
    pub payer: String,
    /// Reference.
    #[serde(default)]
    pub reference: String,
    /// Voucher file id.
    #[serde(default)]
    pub voucher_file_id: String,
}

/// Refund form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct RefundForm {
    /// Yuan.
    #[serde(default)]
    pub amount: String,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// A payment as the order page shows it: (method, amount, paid, payer, reference,
/// voucher id).
pub type PaymentCells = (&'static str, String, String, String, String, Option<i64>);

/// `GET /admin/orders/{id}`.
#[derive(askama::Template)]
#[template(path = "web/orders/detail.html")]
pub struct OrderDetailPage {
    /// Layout.
    pub chrome: Chrome,
    /// The order as a row.
    pub row: OrderListRow,
    /// Everything about it.
    pub file: OrderFile,
    /// Payment: (method, amount, paid, payer, reference, voucher id).
    pub payment: Option<PaymentCells>,
    /// Refunds: (no, amount, status label, reason, asked, settled).
    pub refunds: Vec<(String, String, &'static str, String, String, String)>,
    /// Transactions: (out_trade_no, status, created, expires).
    pub txns: Vec<(String, String, String, String)>,
    /// Refusals: (time, label, detail).
    pub refusals: Vec<(String, &'static str, String)>,
    /// Audit: (time, actor, action, details).
    pub trail: Vec<(String, String, String, String)>,
    /// Refundable, formatted (empty when nothing is).
    pub refundable: String,
    /// Offline form.
    pub offline: OfflineForm,
    /// Refund form.
    pub refund: RefundForm,
    /// Messages of a refused form.
    pub errors: Vec<String>,
}

async fn detail_page(
    state: &AppState,
    staff: &RequireRole<FinanceStaff>,
    id: i64,
    offline: OfflineForm,
    refund: RefundForm,
    errors: Vec<String>,
) -> Result<OrderDetailPage, PageError> {
    let chrome = Chrome::build(state, staff, "/admin/orders", "订单详情").await?;
    let tz = state.association_settings().await?.time_zone;
    let file = admin::order_file(&state.db, id).await?;
    let d = &file.detail;
    let o = d.order.clone();
    let row = list_row((o, None, None, None), tz);
    let payment = d.payment.as_ref().map(|p| {
        let paid = display_minutes(p.paid_at, tz);
        (
            method::label(&p.method),
            format_cents(p.amount_cents),
            paid,
            p.payer.clone(),
            p.reference.clone(),
            p.voucher_file_id,
        )
    });
    let left = d.payment.as_ref().map_or(0, |p| model::refundable(p.amount_cents, &d.refunds));
    Ok(OrderDetailPage {
        refunds: d
            .refunds
            .iter()
            .map(|r| {
                let settled = r.settled_at.map(|t| display_minutes(t, tz)).unwrap_or_default();
                (
                    r.out_refund_no.clone(),
                    format_cents(r.amount_cents),
                    refund_status::label(&r.status),
                    r.reason.clone(),
                    display_minutes(r.created_at, tz),
                    settled,
                )
            })
            .collect(),
        txns: file
            .txns
            .iter()
            .map(|t| {
                (
                    t.out_trade_no.clone(),
                    t.status.clone(),
                    display_minutes(t.created_at, tz),
                    display_minutes(t.expires_at, tz),
                )
            })
            .collect(),
        refusals: file
            .refusals
            .iter()
            .map(|r| {
                (display_minutes(r.created_at, tz), refusal_label(&r.reason), r.detail.clone())
            })
            .collect(),
        trail: file
            .trail
            .iter()
            .map(|a| {
                let actor = format!(
                    "{}{}",
                    a.actor_kind,
                    a.actor_id.map(|i| format!(" #{i}")).unwrap_or_default()
                );
                (display_minutes(a.created_at, tz), actor, a.action.clone(), a.details.clone())
            })
            .collect(),
        refundable: if left > 0 && o_is_paid(&d.order) {
            format_cents(left)
        } else {
            String::new()
        },
        chrome,
        row,
        payment,
        file,
        offline,
        refund,
        errors,
    })
}

fn o_is_paid(o: &model::OrderRow) -> bool {
    o.status == status::PAID
}

/// `GET /admin/orders/{id}`.
pub async fn show_order(
    state: web::Data<AppState>,
    staff: RequireRole<FinanceStaff>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let page =
        detail_page(&state, &staff, *id, OfflineForm::default(), RefundForm::default(), Vec::new())
            .await?;
    render(&page)
}

fn error_text(err: &AppError) -> Vec<String> {
    let fields: Vec<String> = err.fields().iter().map(|f| f.message.clone()).collect();
    if fields.is_empty() { vec![err.to_string()] } else { fields }
}

/// `POST /admin/orders/{id}/offline-payment`.
pub async fn record_offline_payment(
    state: web::Data<AppState>,
    staff: RequireRole<FinanceStaff>,
    id: web::Path<i64>,
    form: web::Form<OfflineForm>,
) -> Result<HttpResponse, PageError> {
    let id = *id;
    let form = form.into_inner();
    let tz = state.association_settings().await?.time_zone;
    let voucher = form.voucher_file_id.trim();
    let input = OfflinePayment {
        amount_cents: parse_yuan(form.amount.trim()),
        paid_on: NaiveDate::parse_from_str(form.paid_on.trim(), "%Y-%m-%d").ok(),
        payer: form.payer.clone(),
        reference: form.reference.clone(),
        voucher_file_id: if voucher.is_empty() {
            None
        } else {
            Some(voucher.parse().unwrap_or(-1))
        },
    };
    let result =
        offline::record_offline_payment(&state.db, &state.clock, tz, staff.staff.id, id, input)
            .await;
    match result {
        Ok(()) => {
            staff.flash("success", "已登记线下收款");
            Ok(redirect(&format!("/admin/orders/{id}")))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let status = e.status();
            let page = detail_page(&state, &staff, id, form, RefundForm::default(), error_text(&e))
                .await?;
            render_with(status, &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/orders/{id}/refund`.
pub async fn refund_order(
    state: web::Data<AppState>,
    staff: RequireRole<FinanceStaff>,
    id: web::Path<i64>,
    form: web::Form<RefundForm>,
) -> Result<HttpResponse, PageError> {
    let id = *id;
    let form = form.into_inner();
    let cents = parse_yuan(form.amount.trim()).unwrap_or(0);
    let result = refunds::refund_order(
        &state.db,
        &state.clock,
        &state.payments,
        staff.staff.id,
        id,
        cents,
        form.reason.clone(),
    )
    .await;
    match result {
        Ok(row) => {
            staff.flash(
                "success",
                format!(
                    "已发起退款 {}（{}）",
                    format_cents(row.amount_cents),
                    refund_status::label(&row.status)
                ),
            );
            Ok(redirect(&format!("/admin/orders/{id}")))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let status = e.status();
            let page =
                detail_page(&state, &staff, id, OfflineForm::default(), form, error_text(&e))
                    .await?;
            render_with(status, &page)
        }
        Err(e) => Err(e.into()),
    }
}
