//! Membership in the mini-program: the pickers (member types, positions, industries)
//! and the user's own applications.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::auth::BearerUser;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::membership::{self, ApplicationInput, ApplicationView, catalog};

/// A member type for the picker.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberTypeItem {
    /// Id.
    pub id: i64,
    /// Name, e.g. 企业会员.
    pub name: String,
    /// Yearly dues in cents.
    pub dues_cents: i64,
    /// Whether members of this type keep enterprise profiles.
    pub enterprise_profiles: bool,
}

/// A position for the picker.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PositionItem {
    /// Id.
    pub id: i64,
    /// Name, e.g. 理事.
    pub name: String,
    /// 1 is the highest.
    pub rank: i32,
}

/// An industry for the picker.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IndustryItem {
    /// Id.
    pub id: i64,
    /// GB/T 4754 section letter (or the staff's own code).
    pub code: String,
    /// Name.
    pub name: String,
}

/// `{"items": [...]}` of member types.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberTypeList {
    /// Items.
    pub items: Vec<MemberTypeItem>,
}

/// `{"items": [...]}` of positions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PositionList {
    /// Items.
    pub items: Vec<PositionItem>,
}

/// `{"items": [...]}` of industries.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IndustryList {
    /// Items.
    pub items: Vec<IndustryItem>,
}

/// `{"items": [...]}` of applications.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApplicationList {
    /// Newest first.
    pub items: Vec<ApplicationView>,
}

/// Member types to choose from when applying.
#[utoipa::path(get, path = "/api/v1/member-types", tag = "membership",
    responses((status = 200, body = MemberTypeList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_member_types(
    state: web::Data<AppState>,
    _user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    let cat = catalog::catalogue(&state.db).await?;
    let items = cat
        .member_types
        .into_iter()
        .map(|t| MemberTypeItem {
            id: t.id,
            name: t.name,
            dues_cents: t.dues_cents,
            enterprise_profiles: t.enterprise_profiles,
        })
        .collect();
    Ok(HttpResponse::Ok().json(MemberTypeList { items }))
}

/// Positions to choose from, highest first.
#[utoipa::path(get, path = "/api/v1/positions", tag = "membership",
    responses((status = 200, body = PositionList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_positions(
    state: web::Data<AppState>,
    _user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    let cat = catalog::catalogue(&state.db).await?;
    let items = cat
        .positions
        .into_iter()
        .map(|p| PositionItem { id: p.id, name: p.name, rank: p.rank })
        .collect();
    Ok(HttpResponse::Ok().json(PositionList { items }))
}

/// Industries to choose from.
#[utoipa::path(get, path = "/api/v1/industries", tag = "membership",
    responses((status = 200, body = IndustryList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_industries(
    state: web::Data<AppState>,
    _user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    let cat = catalog::catalogue(&state.db).await?;
    let items = cat
        .industries
        .into_iter()
        .map(|i| IndustryItem { id: i.id, code: i.code, name: i.name })
        .collect();
    Ok(HttpResponse::Ok().json(IndustryList { items }))
}

/// Applies to join, for a position, or to resign. Visitors may apply to join; only
/// members may ask for a position or resign; one open application per kind.
#[utoipa::path(post, path = "/api/v1/applications", tag = "membership",
    request_body = ApplicationInput,
    responses(
        (status = 201, description = "Submitted, pending review", body = ApplicationView),
        (status = 401, body = ErrorBody),
        (status = 409, description = "`application_open`, `already_member` or `not_a_member`", body = ErrorBody),
        (status = 422, description = "Field errors", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn create_application(
    state: web::Data<AppState>,
    user: BearerUser,
    input: super::body::JsonObject<ApplicationInput>,
) -> Result<HttpResponse, ApiError> {
    let view =
        membership::applications::submit(&state.db, &state.clock, user.user.id, input.into_inner())
            .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The user's applications, newest first, with decisions and notes.
#[utoipa::path(get, path = "/api/v1/applications", tag = "membership",
    responses((status = 200, body = ApplicationList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_applications(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    let items = membership::applications::mine(&state.db, user.user.id).await?;
    Ok(HttpResponse::Ok().json(ApplicationList { items }))
}

/// One of the user's applications (someone else's is 404).
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "membership",
    params(("id" = i64, Path, description = "Application id")),
    responses((status = 200, body = ApplicationView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_application(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let view = membership::applications::one_of_mine(&state.db, user.user.id, *id).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Withdraws a pending application.
#[utoipa::path(post, path = "/api/v1/applications/{id}/withdraw", tag = "membership",
    params(("id" = i64, Path, description = "Application id")),
    responses((status = 200, body = ApplicationView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`already_decided`", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn withdraw_application(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let view =
        membership::applications::withdraw(&state.db, &state.clock, user.user.id, *id).await?;
    Ok(HttpResponse::Ok().json(view))
}
