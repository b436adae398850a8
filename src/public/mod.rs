//! Public pages for anyone with the link, mobile-first: the QR landing page `/q/{token}`
//! (opened by a phone's camera instead of the mini-program), certificate
//! verification `/v/{code}` and shared cards `/c/{slug}`.

pub mod card;
pub mod course_certificate;
pub mod media;
pub mod verify;

use actix_web::{HttpResponse, web};

use crate::app::AppState;
use crate::events::{self, codes};
use crate::http::routes::{Access, RouteDef, RouteInfo, describe, register};
use crate::web::error::PublicPageError;
use crate::web::render::render;

/// Every public route.
pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::get("/q/{token}", Access::Public, show_qr_landing),
        RouteDef::get("/v/{code}", Access::Public, verify::show_verification),
        RouteDef::get("/v/{code}/qr.svg", Access::Public, verify::show_verification_qr),
        RouteDef::get(
            "/v/{code}/certificate",
            Access::Public,
            course_certificate::show_course_certificate,
        ),
        RouteDef::get(
            "/v/{code}/certificate.png",
            Access::Public,
            course_certificate::show_course_certificate_png,
        ),
        RouteDef::get("/c/{slug}", Access::Public, card::show_card_page),
        RouteDef::get("/c/{slug}/share.png", Access::Public, card::show_card_share_image),
        RouteDef::get("/c/{slug}/qr.svg", Access::Public, card::show_card_qr),
        RouteDef::get("/c/{slug}/vcard.vcf", Access::Public, card::show_card_vcard),
        RouteDef::get("/media/{token}", Access::Public, media::show_media),
        RouteDef::get("/media/{token}/thumbnail", Access::Public, media::show_media),
    ]
}

/// The route table, for the route walk.
pub fn route_table() -> Vec<RouteInfo> {
    describe("", routes())
}

/// Mounts the public pages at the root.
pub fn configure(cfg: &mut web::ServiceConfig) {
    register(cfg, routes());
}

/// `GET /q/{token}`.
#[derive(askama::Template)]
#[template(path = "public/qr.html")]
pub struct QrLandingPage {
    /// Association name.
    pub association: String,
    /// The event's title, when the code is valid.
    pub event_title: Option<String>,
    /// 签到 / 签退, when the code is valid.
    pub action_label: Option<&'static str>,
    /// The lottery's title, when the code is a valid lottery sign-in code.
    pub lottery_title: Option<String>,
    /// Whether that lottery still takes sign-ins (drawing has not begun).
    pub lottery_open: bool,
}

/// `GET /q/{token}`: says to scan the code with the mini-program; names the event, or
/// the lottery for a lottery sign-in code, when the code is current (it records
/// nothing).
pub async fn show_qr_landing(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, PublicPageError> {
    let association = state.association_settings().await?.name;
    let mut page = QrLandingPage {
        association,
        event_title: None,
        action_label: None,
        lottery_title: None,
        lottery_open: false,
    };
    if events::lottery::is_lottery_code(&token) {
        let key = state.config.hmac_key();
        if let Some(lottery) =
            events::lottery::lottery_of_code(&state.db, key, token.into_inner()).await?
        {
            page.lottery_open = lottery.status == events::lottery_model::status::OPEN;
            page.lottery_title = Some(lottery.title);
        }
    } else if let Some((event_id, ..)) = codes::parse(&token)
        && let Ok(event) = events::find_event(&state.db, event_id).await
    {
        let key = state.config.hmac_key();
        let now = state.clock.now().timestamp();
        if let Some(claim) = codes::verify(&key, &token, event.token_version, now) {
            page.event_title = Some(event.details.title);
            page.action_label = Some(claim.action.label());
        }
    }
    Ok(render(&page)?)
}
