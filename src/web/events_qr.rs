//! QR codes of an event for staff: PNG (≥ 1200 px) and SVG of the check-in and
//! check-out codes, the A4 print poster, and the projector screen whose check-in code
//! changes every 30 seconds.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use super::error::PageError;
use super::render::render;
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::error::AppError;
use crate::events::codes::{self, Action, SCREEN_PERIOD_SECS};
use crate::events::{self, EventRow};
use crate::kernel::clock::display_minutes;
use crate::kernel::qr;

/// Side of the PNG in pixels (print quality for an A4 poster).
pub const PNG_PX: u32 = 1200;

/// The URL a code encodes: `{public_base_url}/q/{token}`.
pub fn code_url(state: &AppState, token: &str) -> String {
    format!("{}/q/{token}", state.config.public_base_url.trim_end_matches('/'))
}

fn action_of(slug: &str) -> Result<Action, AppError> {
    Action::from_slug(slug)
        .ok_or_else(|| AppError::NotFound("二维码类型不存在（checkin / checkout）".into()))
}

fn printed_url(state: &AppState, event: &EventRow, action: Action) -> String {
    code_url(
        state,
        &codes::printed(&state.config.hmac_key(), event.id, action, event.token_version),
    )
}

fn image(content_type: &str, body: impl actix_web::body::MessageBody + 'static) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// `GET /admin/events/{id}/qr/{action}.png`.
pub async fn show_qr_png(
    state: web::Data<AppState>,
    _staff: RequireRole<Secretaries>,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, PageError> {
    let (id, slug) = path.into_inner();
    let action = action_of(&slug)?;
    let event = events::find_event(&state.db, id).await?;
    let png = qr::png(&printed_url(&state, &event, action), PNG_PX)?;
    Ok(image("image/png", png))
}

/// `GET /admin/events/{id}/qr/{action}.svg`.
pub async fn show_qr_svg(
    state: web::Data<AppState>,
    _staff: RequireRole<Secretaries>,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, PageError> {
    let (id, slug) = path.into_inner();
    let action = action_of(&slug)?;
    let event = events::find_event(&state.db, id).await?;
    let svg = qr::svg(&printed_url(&state, &event, action))?;
    Ok(image("image/svg+xml", svg))
}

/// `GET /admin/events/{id}/poster/{action}`: the A4 print page.
#[derive(askama::Template)]
#[template(path = "web/events/poster.html")]
pub struct PosterPage {
    /// Association name.
    pub association: String,
    /// Event title.
    pub title: String,
    /// Time, formatted.
    pub time: String,
    /// Place.
    pub place: String,
    /// 签到 / 签退.
    pub action_label: &'static str,
    /// URL of the PNG.
    pub qr_src: String,
    /// Event id (back link).
    pub event_id: i64,
    /// Shown (not printed) while the public base URL is a loopback address.
    pub base_url_warning: Option<String>,
}

/// `GET /admin/events/{id}/poster/{action}`.
pub async fn show_poster(
    state: web::Data<AppState>,
    _staff: RequireRole<Secretaries>,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, PageError> {
    let (id, slug) = path.into_inner();
    let action = action_of(&slug)?;
    let event = events::find_event(&state.db, id).await?;
    let settings = state.association_settings().await?;
    let tz = settings.time_zone;
    render(&PosterPage {
        association: settings.name,
        time: format!(
            "{} 至 {}",
            display_minutes(event.starts_at, tz),
            display_minutes(event.ends_at, tz)
        ),
        place: event.details.place,
        title: event.details.title,
        action_label: action.label(),
        qr_src: format!("/admin/events/{id}/qr/{slug}.png?v={}", event.token_version),
        event_id: id,
        base_url_warning: super::time_zones::loopback_warning(&state.config.public_base_url),
    })
}

/// `GET /admin/events/{id}/screen`: full-screen projector page.
#[derive(askama::Template)]
#[template(path = "web/events/screen.html")]
pub struct ScreenPage {
    /// Association name.
    pub association: String,
    /// Event title.
    pub title: String,
    /// The first code fragment.
    pub code: ScreenCodeFragment,
}

/// The rotating code and the live counter (htmx polls it).
#[derive(askama::Template)]
#[template(path = "web/events/screen_code.html")]
pub struct ScreenCodeFragment {
    /// Event id.
    pub event_id: i64,
    /// The current period (cache-buster of the image).
    pub period: i64,
    /// Checked in so far.
    pub checked_in: i64,
    /// Holding a place.
    pub registered: i64,
    /// Seconds per code.
    pub period_secs: i64,
}

async fn screen_code(state: &AppState, id: i64) -> Result<ScreenCodeFragment, PageError> {
    let event = events::find_event(&state.db, id).await?;
    let counts = events::event_counts(&state.db, id).await?;
    Ok(ScreenCodeFragment {
        event_id: event.id,
        period: state.clock.now().timestamp().div_euclid(SCREEN_PERIOD_SECS),
        checked_in: counts.checked_in,
        registered: counts.registered,
        period_secs: SCREEN_PERIOD_SECS,
    })
}

/// `GET /admin/events/{id}/screen`.
pub async fn show_screen(
    state: web::Data<AppState>,
    _staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let event = events::find_event(&state.db, *id).await?;
    let code = screen_code(&state, event.id).await?;
    let association = state.association_settings().await?.name;
    render(&ScreenPage { association, title: event.details.title, code })
}

/// `GET /admin/events/{id}/screen/code`.
pub async fn show_screen_code(
    state: web::Data<AppState>,
    _staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    render(&screen_code(&state, *id).await?)
}

/// `GET /admin/events/{id}/screen/qr.svg`: the current short-lived check-in code.
pub async fn show_screen_qr(
    state: web::Data<AppState>,
    _staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let event = events::find_event(&state.db, *id).await?;
    let token = codes::screen(
        &state.config.hmac_key(),
        event.id,
        event.token_version,
        state.clock.now().timestamp(),
    );
    Ok(image("image/svg+xml", qr::svg(&code_url(&state, &token))?))
}
