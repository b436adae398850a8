//! The workbench event page: details, live counts (an htmx fragment polled every few
//! seconds), the registrations table with filters and pages, approve / reject, manual
//! check-in, and the Excel exports.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::error::PageError;
use super::events::serde_urlencoded_pairs;
use super::render::{Chrome, redirect, render};
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::events::export::{self, Sheet};
use crate::events::model::{audience, reg, registration_label};
use crate::events::scans::{self, Outcome};
use crate::events::{self, EventCounts, EventRow, RegistrationFilter, registrations};
use crate::kernel::clock::display_minutes;
use crate::kernel::money::format_cents;

/// A row of the registrations table.
#[derive(Debug)]
pub struct RegistrationListRow {
    /// Id.
    pub id: i64,
    /// Nickname.
    pub name: String,
    /// Phone (staff only).
    pub phone: String,
    /// Status value.
    pub status: String,
    /// Status label.
    pub status_label: &'static str,
    /// Fee.
    pub fee: String,
    /// Signed up.
    pub queued: String,
    /// Checked in.
    pub checked_in: String,
    /// Checked out.
    pub checked_out: String,
}

/// `?status=&attendance=&page=` of the registrations table.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct RegistrationQuery {
    /// Status filter.
    #[serde(default)]
    pub status: String,
    /// `in` / `out` / `absent`.
    #[serde(default)]
    pub attendance: String,
    /// Page.
    #[serde(default)]
    pub page: Option<i64>,
}

/// Event facts formatted for the page.
#[derive(Debug)]
pub struct EventFacts {
    /// Start – end.
    pub time: String,
    /// Registration window.
    pub registration: String,
    /// Fees.
    pub fees: String,
    /// Audience label.
    pub audience: &'static str,
    /// Check-in window.
    pub scan_window: String,
}

/// `GET /admin/events/{id}`.
#[derive(askama::Template)]
#[template(path = "web/events/show.html")]
pub struct EventPage {
    /// Layout.
    pub chrome: Chrome,
    /// The event.
    pub event: EventRow,
    /// Formatted facts.
    pub facts: EventFacts,
    /// Live counts.
    pub counts: EventCounts,
    /// Registrations.
    pub rows: Vec<RegistrationListRow>,
    /// Filters.
    pub query: RegistrationQuery,
    /// Page.
    pub page: i64,
    /// Pages.
    pub pages: i64,
    /// Matching registrations.
    pub total: i64,
    /// Filter query string for page links.
    pub filter_qs: String,
    /// Status filter options (value, label).
    pub statuses: Vec<(&'static str, &'static str)>,
}

/// The counts fragment.
#[derive(askama::Template)]
#[template(path = "web/events/counts.html")]
pub struct CountsFragment {
    /// Event id.
    pub event_id: i64,
    /// Capacity.
    pub capacity: i32,
    /// Counts.
    pub counts: EventCounts,
}

fn facts(e: &EventRow, tz: chrono_tz::Tz) -> EventFacts {
    let (from, to) = e.scan_window();
    EventFacts {
        time: format!("{} 至 {}", display_minutes(e.starts_at, tz), display_minutes(e.ends_at, tz)),
        registration: format!(
            "{} 至 {}",
            display_minutes(e.registration_opens_at, tz),
            display_minutes(e.registration_closes_at, tz)
        ),
        fees: format!(
            "会员 {}，非会员 {}",
            format_cents(e.member_fee_cents),
            format_cents(e.non_member_fee_cents)
        ),
        audience: if e.audience == audience::MEMBERS { "仅会员" } else { "所有人" },
        scan_window: format!("{} 至 {}", display_minutes(from, tz), display_minutes(to, tz)),
    }
}

/// `GET /admin/events/{id}`.
pub async fn show_event(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
    query: web::Query<RegistrationQuery>,
) -> Result<HttpResponse, PageError> {
    let query = query.into_inner();
    let event = events::find_event(&state.db, *id).await?;
    let tz = state.association_settings().await?.time_zone;
    let counts = events::event_counts(&state.db, event.id).await?;
    let filter = RegistrationFilter {
        status: Some(query.status.clone()).filter(|s| !s.is_empty()),
        attendance: Some(query.attendance.clone()).filter(|s| !s.is_empty()),
    };
    let page =
        events::event_registrations(&state.db, event.id, filter, query.page.unwrap_or(1)).await?;
    let when = |t: Option<chrono::NaiveDateTime>| {
        t.map(|t| display_minutes(t, tz)).unwrap_or_else(|| "—".into())
    };
    let pages = page.pages();
    let rows = page
        .rows
        .into_iter()
        .map(|(r, name, phone)| RegistrationListRow {
            id: r.id,
            name: name.unwrap_or_else(|| format!("用户 {}", r.user_id)),
            phone: phone.unwrap_or_default(),
            status_label: registration_label(&r.status),
            fee: format_cents(r.fee_cents),
            queued: display_minutes(r.queued_at, tz),
            checked_in: when(r.checked_in_at),
            checked_out: when(r.checked_out_at),
            status: r.status,
        })
        .collect();
    let chrome = Chrome::build(&state, &staff, "/admin/events", &event.title).await?;
    let filter_qs =
        serde_urlencoded_pairs(&[("status", &query.status), ("attendance", &query.attendance)]);
    let statuses = [reg::PENDING, reg::REGISTERED, reg::WAITING, reg::REJECTED, reg::CANCELLED]
        .into_iter()
        .map(|s| (s, registration_label(s)))
        .collect();
    let facts = facts(&event, tz);
    render(&EventPage {
        chrome,
        event,
        facts,
        counts,
        rows,
        query,
        page: page.page,
        pages,
        total: page.total,
        filter_qs,
        statuses,
    })
}

/// `GET /admin/events/{id}/counts`: the live counts (htmx polls it).
pub async fn show_counts(
    state: web::Data<AppState>,
    _staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let event = events::find_event(&state.db, *id).await?;
    let counts = events::event_counts(&state.db, event.id).await?;
    render(&CountsFragment { event_id: event.id, capacity: event.capacity, counts })
}

/// `POST /admin/events/{id}/registrations/{rid}/approve`.
pub async fn approve_registration(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, PageError> {
    decide(state, staff, path.into_inner(), true).await
}

/// `POST /admin/events/{id}/registrations/{rid}/reject`.
pub async fn reject_registration(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, PageError> {
    decide(state, staff, path.into_inner(), false).await
}

async fn decide(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    (id, rid): (i64, i64),
    approve: bool,
) -> Result<HttpResponse, PageError> {
    registrations::decide_registration(&state.db, &state.clock, staff.staff.id, id, rid, approve)
        .await?;
    staff.flash("success", if approve { "已通过报名" } else { "已驳回报名，名额已让给候补" });
    Ok(redirect(&format!("/admin/events/{id}")))
}

/// `POST /admin/events/{id}/registrations/{rid}/check-in`: manual check-in (audited).
pub async fn check_in_registration(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, PageError> {
    let (id, rid) = path.into_inner();
    let outcome =
        scans::check_in_by_staff(&state.db, &state.clock, staff.staff.id, id, rid).await?;
    staff.flash(if outcome == Outcome::CheckedIn { "success" } else { "info" }, outcome.message());
    Ok(redirect(&format!("/admin/events/{id}")))
}

/// `GET /admin/events/{id}/export/registrations.xlsx`.
pub async fn export_registrations(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    export_sheet(state, staff, *id, Sheet::Registrations).await
}

/// `GET /admin/events/{id}/export/attendance.xlsx`.
pub async fn export_attendance(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    export_sheet(state, staff, *id, Sheet::Attendance).await
}

async fn export_sheet(
    state: web::Data<AppState>,
    _staff: RequireRole<Secretaries>,
    id: i64,
    sheet: Sheet,
) -> Result<HttpResponse, PageError> {
    let event = events::find_event(&state.db, id).await?;
    let tz = state.association_settings().await?.time_zone;
    let bytes = export::workbook(&state.db, event.id, sheet, tz).await?;
    let name = match sheet {
        Sheet::Registrations => format!("event-{}-registrations.xlsx", event.id),
        Sheet::Attendance => format!("event-{}-attendance.xlsx", event.id),
    };
    Ok(super::download::xlsx(bytes, &name, &name))
}
