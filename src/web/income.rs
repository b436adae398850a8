//! The monthly income summary for finance (`/admin/income`): received by WeChat Pay
//! and offline, refunded, and net per month of a year in the association's time zone.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::render::{Chrome, render_with};
use super::session::{FinanceStaff, RequireRole};
use crate::app::AppState;
use crate::billing::admin::{self, MonthIncome};
use crate::kernel::money::format_cents;

/// Year of the income summary.
#[derive(Debug, Deserialize)]
pub struct IncomeQuery {
    /// e.g. 2026; this year when absent.
    pub year: Option<i32>,
}

/// `GET /admin/income`.
#[derive(askama::Template)]
#[template(path = "web/orders/income.html")]
pub struct IncomePage {
    /// Layout.
    pub chrome: Chrome,
    /// Year shown.
    pub year: i32,
    /// Months: (month, wechat, offline, refunded, net, payments).
    pub months: Vec<(String, String, String, String, String, i64)>,
    /// Year total net.
    pub total: String,
}

/// `GET /admin/income`: the monthly income summary.
pub async fn show_income(
    state: web::Data<AppState>,
    staff: RequireRole<FinanceStaff>,
    query: web::Query<IncomeQuery>,
) -> Result<HttpResponse, PageError> {
    use chrono::Datelike as _;
    let chrome = Chrome::build(&state, &staff, "/admin/income", "收入汇总").await?;
    let tz = state.association_settings().await?.time_zone;
    let this_year = state.clock.now().with_timezone(&tz).year();
    let year = query.year.filter(|y| (2000..=2100).contains(y)).unwrap_or(this_year);
    let months = admin::income_summary(&state.db, year, tz).await?;
    let total: i64 = months.iter().map(MonthIncome::net_cents).sum();
    let page = IncomePage {
        chrome,
        year,
        months: months
            .iter()
            .map(|m| {
                (
                    m.month.clone(),
                    format_cents(m.wechat_cents),
                    format_cents(m.offline_cents),
                    format_cents(m.refunded_cents),
                    format_cents(m.net_cents()),
                    m.payments,
                )
            })
            .collect(),
        total: format_cents(total),
    };
    render_with(StatusCode::OK, &page)
}
