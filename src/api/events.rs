//! Events for the mini-program: published events (audience respected), registration,
//! my registrations and cancelling them, and QR scans.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::auth::BearerUser;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::events::model::registration_label;
use crate::events::registrations;
use crate::events::scans::{self, Outcome};
use crate::events::{self, EventDetails, EventRow, RegistrationRow};
use crate::kernel::money::format_cents;
use crate::profiles::reviewed::ImageRef;

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// An event as users see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventView {
    /// Id.
    pub id: i64,
    /// What staff wrote (`cover_file_id`: the cover's id; its URLs are in `cover`).
    #[serde(flatten)]
    pub details: EventDetails,
    /// `published` or `cancelled`.
    pub status: String,
    /// The cover picture with its public URLs (`null` without one).
    pub cover: Option<ImageRef>,
}

impl From<EventRow> for EventView {
    fn from(e: EventRow) -> Self {
        let cover = e.details.cover_file_id.map(ImageRef::of);
        Self { id: e.id, details: e.details, status: e.status, cover }
    }
}

/// One page of events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventPageView {
    /// Events, latest start first.
    pub items: Vec<EventView>,
    /// Page number (1-based).
    pub page: i64,
    /// Number of pages.
    pub pages: i64,
    /// Number of events.
    pub total: i64,
}

/// An event with what it costs this user and their registration.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventDetailView {
    /// The event.
    pub event: EventView,
    /// The fee for this user in cents (member price for active members).
    pub my_fee_cents: i64,
    /// The same, formatted (¥12.50).
    pub my_fee: String,
    /// The user's registration, if any.
    pub my_registration: Option<RegistrationView>,
}

/// A registration.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RegistrationView {
    /// Id.
    pub id: i64,
    /// Event id.
    pub event_id: i64,
    /// `pending`, `registered`, `waiting`, `rejected`, `cancelled`.
    pub status: String,
    /// zh-CN label of the status.
    pub status_label: String,
    /// Fee in cents.
    pub fee_cents: i64,
    /// The fee's order (to pay), once the place is confirmed.
    pub order_id: Option<i64>,
    /// When the user signed up (UTC); the waiting list goes by it.
    pub queued_at: DateTime<Utc>,
    /// Checked in (UTC).
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Checked out (UTC).
    pub checked_out_at: Option<DateTime<Utc>>,
}

impl From<RegistrationRow> for RegistrationView {
    fn from(r: RegistrationRow) -> Self {
        Self {
            id: r.id,
            event_id: r.event_id,
            status_label: registration_label(&r.status).into(),
            status: r.status,
            fee_cents: r.fee_cents,
            order_id: r.order_id,
            queued_at: utc(r.queued_at),
            checked_in_at: r.checked_in_at.map(utc),
            checked_out_at: r.checked_out_at.map(utc),
        }
    }
}

/// A registration with its event.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyRegistrationView {
    /// The registration.
    pub registration: RegistrationView,
    /// The event.
    pub event: EventView,
}

/// `?page=`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// 1-based page (default 1).
    pub page: Option<i64>,
}

/// Published events the user may see (members-only ones for active members), paginated.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(PageQuery),
    responses((status = 200, body = EventPageView), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_events(
    state: web::Data<AppState>,
    user: BearerUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = events::visible_events(&state.db, user.user.id, query.page.unwrap_or(1)).await?;
    let pages = page.pages();
    Ok(super::views::ok(
        &state,
        EventPageView {
            items: page.rows.into_iter().map(EventView::from).collect(),
            page: page.page,
            pages,
            total: page.total,
        },
    ))
}

/// One event, with the user's fee and registration.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events",
    responses((status = 200, body = EventDetailView), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_event(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (event, mine, member) = events::visible_event(&state.db, user.user.id, *id).await?;
    let fee = event.fee_for(member);
    Ok(super::views::ok(
        &state,
        EventDetailView {
            event: event.into(),
            my_fee_cents: fee,
            my_fee: format_cents(fee),
            my_registration: mine.map(RegistrationView::from),
        },
    ))
}

/// Registers for an event: a place (`registered`, or `pending` when approval is
/// needed) or, when full, the waiting list (`waiting`). Refusals: `members_only`,
/// `event_cancelled`, `registration_closed`, `already_registered`.
#[utoipa::path(post, path = "/api/v1/events/{id}/registrations", tag = "events",
    responses((status = 201, body = RegistrationView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_registration(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let row = registrations::register(&state.db, &state.clock, user.user.id, *id).await?;
    Ok(super::views::created(&state, RegistrationView::from(row)))
}

/// The user's registrations, newest first.
#[utoipa::path(get, path = "/api/v1/registrations", tag = "events",
    responses((status = 200, body = Vec<MyRegistrationView>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_my_registrations(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    let rows = registrations::registrations_of_user(&state.db, user.user.id).await?;
    let views: Vec<_> = rows
        .into_iter()
        .map(|(r, e)| MyRegistrationView { registration: r.into(), event: e.into() })
        .collect();
    Ok(super::views::ok(&state, views))
}

/// Cancels the user's own registration (or waiting-list place) before the event
/// starts; the first waiting user moves up. Refusals: `not_cancellable`, `event_started`.
#[utoipa::path(post, path = "/api/v1/registrations/{id}/cancel", tag = "events",
    responses((status = 200, body = RegistrationView), (status = 404, body = ErrorBody),
        (status = 409, description = "`not_cancellable`, `event_started`, or `already_checked_in`: whoever has checked in keeps the place", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn cancel_registration(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let row =
        registrations::cancel_registration(&state.db, &state.clock, user.user.id, *id).await?;
    Ok(super::views::ok(&state, RegistrationView::from(row)))
}

/// A scanned code.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ScanRequest {
    /// The scanned text: `{public_base_url}/q/{token}` (or the bare token).
    #[schema(min_length = 1, max_length = 2048, pattern = "^[!-~]{1,2048}$")]
    pub qr: String,
}

/// What the scan did: an event's check-in or check-out, or a lottery sign-in
/// (`kind` tells them apart).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum ScanAnswer {
    /// An event's check-in or check-out code.
    Event(ScanView),
    /// A lottery's sign-in code.
    Lottery(super::events_lottery::LotteryScanView),
}

/// What an event code's scan did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScanView {
    /// `event`.
    #[schema(pattern = "^event$")]
    pub kind: &'static str,
    /// `checked_in`, `already_checked_in`, `checked_out`, `already_checked_out`.
    pub outcome: Outcome,
    /// zh-CN message to show.
    pub message: String,
    /// Event id.
    pub event_id: i64,
    /// Event title.
    pub event_title: String,
    /// The registration after the scan.
    pub registration: RegistrationView,
}

/// The mini-program's one scan button: records a check-in or check-out from an event's
/// QR code, or signs in to a lottery from its code (as `POST /api/v1/lottery-entries`).
/// Success and harmless repeats answer 200 with `kind` and `outcome`; refusals answer
/// 409 with one of the codes `invalid_code`, `event_cancelled`, `outside_window`,
/// `not_registered`, `registration_not_approved`, `not_checked_in`,
/// `check_in_disabled`, `check_out_disabled`, `screen_code_required`, `lottery_closed`.
#[utoipa::path(post, path = "/api/v1/scans", tag = "events", request_body = ScanRequest,
    responses((status = 200, body = ScanAnswer), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_scan(
    state: web::Data<AppState>,
    user: BearerUser,
    body: super::body::JsonObject<ScanRequest>,
) -> Result<HttpResponse, ApiError> {
    let qr = body.into_inner().qr;
    if qr.is_empty() || qr.len() > 2048 || !qr.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(crate::error::AppError::field("qr", "请扫描活动或抽奖的二维码").into());
    }
    if crate::events::lottery::is_lottery_code(&qr) {
        let view = super::events_lottery::lottery_scan(&state, user.user.id, qr).await?;
        return Ok(super::views::ok(&state, ScanAnswer::Lottery(view)));
    }
    let key = state.config.hmac_key();
    let result = scans::scan(&state.db, &state.clock, key, user.user.id, qr).await?;
    Ok(super::views::ok(
        &state,
        ScanAnswer::Event(ScanView {
            kind: "event",
            outcome: result.outcome,
            message: result.outcome.message().into(),
            event_id: result.event.id,
            event_title: result.event.details.title,
            registration: result.registration.into(),
        }),
    ))
}
