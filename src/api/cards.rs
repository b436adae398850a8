//! Electronic business cards in the mini-program: the style catalogue, the member's own
//! card (`/me/card`: choices, share, unshare, visitors) and a shared card by its slug
//! (`/cards/{slug}`, no token needed).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::auth::{BearerUser, bearer_token};
use super::body::JsonObject;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::profiles::card::{self, ShareAnswer, VisitorsView};
use crate::profiles::card_model::CardInput;
use crate::profiles::card_view::{MyCardView, PublicCard, StyleView};
use crate::public::card::{here, view_card};

/// The styles members may choose.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StyleList {
    /// Enabled layouts, then enabled backgrounds, each in order.
    pub items: Vec<StyleView>,
}

/// The enabled card layouts and backgrounds.
#[utoipa::path(get, path = "/api/v1/card-styles", tag = "cards",
    responses((status = 200, body = StyleList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_card_styles(
    state: web::Data<AppState>,
    _user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    let items = card::styles(&state.db).await?;
    Ok(super::views::ok(&state, StyleList { items }))
}

/// The member's card: choices per field (with the profile values) and the card as it
/// shows now. Visitors and former members: 403 `members_only`.
#[utoipa::path(get, path = "/api/v1/me/card", tag = "cards",
    responses((status = 200, body = MyCardView), (status = 401, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_my_card(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    let here = here(&state).await?;
    Ok(super::views::ok(&state, card::my_card(&state.db, user.user.id, here).await?))
}

/// Saves layout, background and field choices (keys not sent keep theirs). A field
/// shows its override when set, else the current profile value; a blank override
/// clears it. Unknown field keys, a disabled or unknown style, an override over 200
/// characters: 422, nothing saved.
#[utoipa::path(put, path = "/api/v1/me/card", tag = "cards", request_body = CardInput,
    responses(
        (status = 200, body = MyCardView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody),
        (status = 422, description = "Field errors; nothing saved", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn update_my_card(
    state: web::Data<AppState>,
    user: BearerUser,
    input: JsonObject<CardInput>,
) -> Result<HttpResponse, ApiError> {
    let here = here(&state).await?;
    let view =
        card::save_card(&state.db, &state.clock, user.user.id, here, input.into_inner()).await?;
    Ok(super::views::ok(&state, view))
}

/// Shares the card: its slug (128 random bits, made on first share) and what
/// `onShareAppMessage` needs.
#[utoipa::path(post, path = "/api/v1/me/card/share", tag = "cards",
    responses((status = 200, body = ShareAnswer), (status = 401, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn share_my_card(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    let here = here(&state).await?;
    let answer = card::share(&state.db, &state.clock, user.user.id, here).await?;
    Ok(super::views::ok(&state, answer))
}

/// Stops sharing: the old slug answers 404; a later share gets a new one.
#[utoipa::path(post, path = "/api/v1/me/card/unshare", tag = "cards",
    responses((status = 204, description = "Not shared any more"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unshare_my_card(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    card::unshare(&state.db, &state.clock, user.user.id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// View counts and the signed-in members who viewed the card recently (访客);
/// anonymous viewers are counted, never listed.
#[utoipa::path(get, path = "/api/v1/me/card/visitors", tag = "cards",
    responses((status = 200, body = VisitorsView), (status = 401, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_my_card_visitors(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    let today = here(&state).await?.today;
    Ok(super::views::ok(&state, card::visitors(&state.db, user.user.id, today).await?))
}

/// A shared card, resolved now: only the ticked fields, the member's visible
/// enterprises, listed supply items and certificates marked for the card; `contact`
/// (联系TA) only when phone or WeChat id is ticked; `phone_contact` is ready for
/// `wx.addPhoneContact`. No token needed; with one, the viewer shows among the
/// member's visitors. 404 for an unknown or unshared slug or a former member's card.
#[utoipa::path(get, path = "/api/v1/cards/{slug}", tag = "cards",
    params(("slug" = String, Path, description = "The share slug")),
    responses((status = 200, body = PublicCard), (status = 404, body = ErrorBody)))]
pub async fn show_card(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let viewer = match bearer_token(&req) {
        Some(token) => {
            crate::accounts::tokens::authenticate(&state.db, &state.clock, &state.tokens, &token)
                .await
                .ok()
                .map(|u| u.id)
        }
        None => None,
    };
    let (card, _) = view_card(&state, &req, slug.into_inner(), viewer).await?;
    Ok(super::views::ok(&state, card))
}
