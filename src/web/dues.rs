//! Dues (会费管理) for finance: the settings (period, grace days, paid cancellations),
//! the preview and run of a period's orders, and the arrears list.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;

use super::error::PageError;
use super::render::{Chrome, redirect, render};
use super::session::{FinanceStaff, RequireRole};
use crate::app::AppState;
use crate::billing::dues::{self, DuesPreview};
use crate::billing::dues_model::PeriodMode;
use crate::billing::model::status;
use crate::billing::reminders::{self, RemindScope};
use crate::billing::settings::{self, BillingSettings, PaidCancelPolicy};
use crate::error::AppError;
use crate::kernel::clock::display_minutes;
use crate::kernel::money::format_cents;

/// The day whose period is previewed.
#[derive(Debug, Default, Deserialize)]
pub struct DuesQuery {
    /// `YYYY-MM-DD`; today when absent.
    #[serde(default)]
    pub on: String,
}

/// A preview line as shown.
#[derive(Debug, Clone)]
pub struct DuesRow {
    /// Member id.
    pub member_id: i64,
    /// Number.
    pub number: String,
    /// Name.
    pub name: String,
    /// Type.
    pub member_type: String,
    /// Member status label.
    pub member_status: &'static str,
    /// Period.
    pub period: String,
    /// ¥…
    pub amount: String,
    /// Existing order: (id, status label).
    pub order: Option<(i64, &'static str)>,
    /// Paid until.
    pub paid_until: String,
    /// When the order was last reminded (arrears list), or empty.
    pub reminded: String,
}

/// `GET /admin/dues`.
#[derive(askama::Template)]
#[template(path = "web/dues/index.html")]
pub struct DuesPage {
    /// Layout.
    pub chrome: Chrome,
    /// Settings.
    pub settings: BillingSettings,
    /// Mode choices: (value, label, selected).
    pub modes: Vec<(&'static str, &'static str, bool)>,
    /// The day previewed.
    pub on: String,
    /// Lines.
    pub rows: Vec<DuesRow>,
    /// Orders the run would create.
    pub to_create: usize,
    /// Their total.
    pub to_create_amount: String,
    /// Members with an unpaid order of this period.
    pub arrears: Vec<DuesRow>,
    /// The period of the arrears list (`2026`), when anyone is in arrears.
    pub arrears_period: String,
}

fn today(state: &AppState, tz: chrono_tz::Tz) -> NaiveDate {
    state.clock.now().with_timezone(&tz).date_naive()
}

fn rows(preview: &DuesPreview) -> Vec<DuesRow> {
    preview
        .lines
        .iter()
        .map(|l| DuesRow {
            member_id: l.member_id,
            number: l.member_number.clone(),
            name: l.name.clone(),
            member_type: l.member_type.clone(),
            member_status: crate::membership::status::label(&l.status),
            period: l.period.clone(),
            amount: format_cents(l.amount_cents),
            order: l.existing.as_ref().map(|(id, s)| (*id, status::label(s))),
            paid_until: l.paid_until.map(|d| d.to_string()).unwrap_or_default(),
            reminded: String::new(),
        })
        .collect()
}

/// `GET /admin/dues`.
pub async fn show_dues(
    state: web::Data<AppState>,
    staff: RequireRole<FinanceStaff>,
    query: web::Query<DuesQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/dues", "会费管理").await?;
    let tz = state.association_settings().await?.time_zone;
    let on = NaiveDate::parse_from_str(query.on.trim(), "%Y-%m-%d")
        .unwrap_or_else(|_| today(&state, tz));
    let settings = settings::billing_settings(&state.db).await?;
    let preview = dues::preview_dues(&state.db, on).await?;
    let (to_create, cents) = preview.to_create();
    let rows = rows(&preview);
    let mut arrears: Vec<DuesRow> = rows
        .iter()
        .filter(|r| r.order.is_some_and(|(_, s)| s == status::label(status::UNPAID)))
        .cloned()
        .collect();
    let ids = arrears.iter().filter_map(|r| r.order.map(|(id, _)| id)).collect();
    let reminded = reminders::last_reminded(&state.db, ids).await?;
    for row in &mut arrears {
        if let Some(at) = row.order.and_then(|(id, _)| reminded.get(&id)) {
            row.reminded = display_minutes(*at, tz);
        }
    }
    let arrears_period = arrears.first().map(|r| r.period.clone()).unwrap_or_default();
    render(&DuesPage {
        chrome,
        modes: [PeriodMode::Calendar, PeriodMode::Anniversary]
            .iter()
            .map(|m| (m.as_str(), m.label(), *m == settings.period_mode))
            .collect(),
        settings,
        on: on.to_string(),
        rows,
        to_create,
        to_create_amount: format_cents(cents),
        arrears,
        arrears_period,
    })
}

/// The run form.
#[derive(Debug, Deserialize)]
pub struct RunForm {
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub on: String,
}

/// `POST /admin/dues/run`.
pub async fn run_dues(
    state: web::Data<AppState>,
    staff: RequireRole<FinanceStaff>,
    form: web::Form<RunForm>,
) -> Result<HttpResponse, PageError> {
    let on = NaiveDate::parse_from_str(form.on.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::field("on", "请填写日期（YYYY-MM-DD）"))?;
    let report = dues::run_dues(&state.db, &state.clock, staff.staff.id, on).await?;
    staff.flash(
        "success",
        format!("已生成会费订单 {} 笔（已有 {} 笔未重复生成）", report.created, report.existing),
    );
    Ok(redirect(&format!("/admin/dues?on={on}")))
}

/// The reminder form: one order, or every unpaid dues order of a period.
#[derive(Debug, Deserialize)]
pub struct RemindForm {
    /// The order to remind, or empty for the whole period.
    #[serde(default)]
    pub order_id: String,
    /// The period key when no order is named.
    #[serde(default)]
    pub period: String,
    /// The day previewed, to come back to.
    #[serde(default)]
    pub on: String,
}

/// `POST /admin/dues/remind`: 催缴 one member or everyone in arrears of the period.
pub async fn remind_dues(
    state: web::Data<AppState>,
    staff: RequireRole<FinanceStaff>,
    form: web::Form<RemindForm>,
) -> Result<HttpResponse, PageError> {
    let scope = match form.order_id.trim() {
        "" if form.period.trim().is_empty() => {
            return Err(AppError::field("period", "请选择会费期间").into());
        }
        "" => RemindScope::Period(form.period.trim().to_owned()),
        id => RemindScope::Order(
            id.parse().map_err(|_| AppError::field("order_id", "订单编号须为数字"))?,
        ),
    };
    let tz = state.association_settings().await?.time_zone;
    let report =
        reminders::remind_arrears(&state.db, &state.clock, tz, staff.staff.id, scope).await?;
    let message = match (report.sent, report.skipped) {
        (0, 0) => "没有需要催缴的会员".to_owned(),
        (sent, 0) => format!("已发送催缴提醒 {sent} 条"),
        (sent, skipped) => {
            format!("已发送催缴提醒 {sent} 条；{skipped} 位会员今天已催缴过，未重复发送")
        }
    };
    staff.flash("success", message);
    let on = NaiveDate::parse_from_str(form.on.trim(), "%Y-%m-%d").ok();
    Ok(redirect(&match on {
        Some(on) => format!("/admin/dues?on={on}#arrears"),
        None => "/admin/dues#arrears".to_owned(),
    }))
}

/// The settings form.
#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    /// `calendar` or `anniversary`.
    #[serde(default)]
    pub period_mode: String,
    /// Days.
    #[serde(default)]
    pub grace_days: String,
    /// `keep` or `refund`.
    #[serde(default)]
    pub paid_cancel: String,
    /// Receipt seal image (file id), or empty.
    #[serde(default)]
    pub seal_file_id: String,
}

/// `POST /admin/dues/settings`.
pub async fn update_dues_settings(
    state: web::Data<AppState>,
    staff: RequireRole<FinanceStaff>,
    form: web::Form<SettingsForm>,
) -> Result<HttpResponse, PageError> {
    let grace_days = form
        .grace_days
        .trim()
        .parse()
        .map_err(|_| AppError::field("grace_days", "宽限期须为 0–365 天"))?;
    let seal_file_id = match form.seal_file_id.trim() {
        "" => None,
        text => Some(
            text.parse().map_err(|_| AppError::field("seal_file_id", "印章文件编号须为数字"))?,
        ),
    };
    let new = BillingSettings {
        period_mode: PeriodMode::parse(&form.period_mode),
        grace_days,
        paid_cancel: if form.paid_cancel == "refund" {
            PaidCancelPolicy::Refund
        } else {
            PaidCancelPolicy::Keep
        },
        seal_file_id,
    };
    settings::update_settings(&state.db, &state.clock, staff.staff.id, new).await?;
    staff.flash("success", "会费设置已保存");
    Ok(redirect("/admin/dues"))
}
