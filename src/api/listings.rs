//! The marketplace in the mini-program: the public hall (`/listings`, no token), the
//! contact reveal and reports (signed in), and the member's own listings
//! (`/me/listings`), which wait for review before the hall shows them.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::BearerUser;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::marketplace::hall::{self, HallQuery, HallSort};
use crate::marketplace::listings::{self, MyListingList, MyListingView};
use crate::marketplace::model::{ListingInput, ListingKind};
use crate::marketplace::views::{ContactView, ListingPage, PublicListing};
use crate::membership::members::NamedRef;

/// Hall filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct HallParams {
    /// Words in the title or description (Chinese or Latin).
    pub q: Option<String>,
    /// Supply or demand.
    pub kind: Option<ListingKind>,
    /// Category id.
    pub category_id: Option<i64>,
    /// Industry id.
    pub industry_id: Option<i64>,
    /// Lowest price in cents (面议 listings are left out when a bound is given).
    #[param(minimum = 0)]
    pub price_min: Option<i64>,
    /// Highest price in cents.
    #[param(minimum = 0)]
    pub price_max: Option<i64>,
    /// `newest` (default) or `relevance`.
    pub sort: Option<HallSort>,
    /// Page, from 1.
    pub page: Option<i64>,
}

/// The categories staff keep.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CategoryList {
    /// In list order.
    pub items: Vec<NamedRef>,
}

/// A report's reason.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReportRequest {
    /// Why (1–200 characters).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 200)]
    pub reason: String,
}

/// The filed report.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportAccepted {
    /// The report's id.
    pub id: i64,
}

/// The hall: approved, listed listings of active members before their end date.
#[utoipa::path(get, path = "/api/v1/listings", tag = "listings", params(HallParams),
    responses((status = 200, body = ListingPage),
        (status = 422, description = "A bad filter value", body = ErrorBody)))]
pub async fn list_listings(
    state: web::Data<AppState>,
    query: web::Query<HallParams>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let filter = hall::hall_filter(
        q.q.as_deref(),
        q.kind,
        q.category_id,
        q.industry_id,
        (q.price_min, q.price_max),
        q.sort.unwrap_or_default(),
    )?;
    let query = HallQuery { filter, page: q.page.unwrap_or(1) };
    Ok(HttpResponse::Ok().json(hall::hall(&state.db, &state.clock, query).await?))
}

/// One listing of the hall, with the publisher's public summary; counts a view. The
/// phone is not here: see `POST /api/v1/listings/{id}/contact`.
#[utoipa::path(get, path = "/api/v1/listings/{id}", tag = "listings",
    params(("id" = i64, Path, description = "Listing id")),
    responses((status = 200, body = PublicListing), (status = 404, body = ErrorBody)))]
pub async fn show_listing(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(hall::detail(&state.db, &state.clock, *id).await?))
}

/// The categories for the hall's filter and the listing form.
#[utoipa::path(get, path = "/api/v1/listing-categories", tag = "listings",
    responses((status = 200, body = CategoryList),
        (status = 500, description = "Server error (`internal`)", body = ErrorBody)))]
pub async fn list_listing_categories(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let items = crate::marketplace::categories(&state.db)
        .await?
        .into_iter()
        .map(|c| NamedRef { id: c.id, name: c.name })
        .collect();
    Ok(HttpResponse::Ok().json(CategoryList { items }))
}

/// Reveals the contact phone to a signed-in user; counted once per user for the
/// publisher, and limited per user per 24 hours (again is free).
#[utoipa::path(post, path = "/api/v1/listings/{id}/contact", tag = "listings",
    params(("id" = i64, Path, description = "Listing id")),
    responses((status = 200, body = ContactView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many reveals", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reveal_listing_contact(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let view =
        hall::reveal_contact(&state.db, &state.clock, &state.contact_limiter, user.user.id, *id)
            .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Reports a listing (举报); staff see it in their queue.
#[utoipa::path(post, path = "/api/v1/listings/{id}/reports", tag = "listings",
    request_body = ReportRequest,
    params(("id" = i64, Path, description = "Listing id")),
    responses((status = 201, body = ReportAccepted), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`already_reported`", body = ErrorBody),
        (status = 422, description = "Reason missing or too long", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_listing_report(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
    input: web::Json<ReportRequest>,
) -> Result<HttpResponse, ApiError> {
    let reason = input.into_inner().reason;
    let id = hall::report(&state.db, &state.clock, user.user.id, *id, reason).await?;
    Ok(HttpResponse::Created().json(ReportAccepted { id }))
}

/// The member's listings with review state, hall state, notes and counters.
#[utoipa::path(get, path = "/api/v1/me/listings", tag = "listings",
    responses((status = 200, body = MyListingList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_my_listings(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(listings::mine(&state.db, &state.clock, user.user.id).await?))
}

/// Publishes a listing for review (active members only); images must be the member's
/// own uploads.
#[utoipa::path(post, path = "/api/v1/me/listings", tag = "listings", request_body = ListingInput,
    responses(
        (status = 201, description = "Submitted, pending review", body = MyListingView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody),
        (status = 422, description = "Field errors", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn create_my_listing(
    state: web::Data<AppState>,
    user: BearerUser,
    input: web::Json<ListingInput>,
) -> Result<HttpResponse, ApiError> {
    let tz = state.association_settings().await?.time_zone;
    let view =
        listings::create(&state.db, &state.clock, tz, user.user.id, input.into_inner()).await?;
    Ok(HttpResponse::Created().json(view))
}

/// One of the member's listings.
#[utoipa::path(get, path = "/api/v1/me/listings/{id}", tag = "listings",
    params(("id" = i64, Path, description = "Listing id")),
    responses((status = 200, body = MyListingView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_my_listing(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(listings::one(&state.db, &state.clock, user.user.id, *id).await?))
}

/// Edits a listing (every field): the edit waits for review while the approved version
/// stays in the hall; a new end date relists an expired one after review.
#[utoipa::path(put, path = "/api/v1/me/listings/{id}", tag = "listings",
    request_body = ListingInput,
    params(("id" = i64, Path, description = "Listing id")),
    responses(
        (status = 200, description = "Edit pending review", body = MyListingView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "Field errors", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn update_my_listing(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
    input: web::Json<ListingInput>,
) -> Result<HttpResponse, ApiError> {
    let tz = state.association_settings().await?.time_zone;
    let input = input.into_inner();
    let view = listings::edit(&state.db, &state.clock, tz, user.user.id, *id, input).await?;
    Ok(HttpResponse::Ok().json(view))
}

async fn switch(
    state: &AppState,
    user: &BearerUser,
    id: i64,
    listed: bool,
) -> Result<HttpResponse, ApiError> {
    let view = listings::set_listed(&state.db, &state.clock, user.user.id, id, listed).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// 上架: shows an approved listing again (no review).
#[utoipa::path(post, path = "/api/v1/me/listings/{id}/list", tag = "listings",
    params(("id" = i64, Path, description = "Listing id")),
    responses((status = 200, body = MyListingView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`not_approved` or `unlisted_by_staff`", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_my_listing(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    switch(&state, &user, *id, true).await
}

/// 下架: hides an approved listing (no review).
#[utoipa::path(post, path = "/api/v1/me/listings/{id}/unlist", tag = "listings",
    params(("id" = i64, Path, description = "Listing id")),
    responses((status = 200, body = MyListingView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`not_approved` or `unlisted_by_staff`", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unlist_my_listing(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    switch(&state, &user, *id, false).await
}

/// Withdraws the pending submission.
#[utoipa::path(post, path = "/api/v1/me/listings/{id}/withdraw", tag = "listings",
    params(("id" = i64, Path, description = "Listing id")),
    responses((status = 200, body = MyListingView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`nothing_pending`", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn withdraw_my_listing(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let view = listings::withdraw(&state.db, &state.clock, user.user.id, *id).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Deletes a listing (a pending edit goes with it).
#[utoipa::path(delete, path = "/api/v1/me/listings/{id}", tag = "listings",
    params(("id" = i64, Path, description = "Listing id")),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_my_listing(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    listings::delete(&state.db, &state.clock, user.user.id, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
