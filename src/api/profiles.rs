//! Member profiles in the mini-program: the member's own profile (`/me/profile`,
//! private fields included) and the member directory (`/members`, public view only).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::BearerUser;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::kernel::page::PAGE_SIZE;
use crate::profiles::member_profiles::{self as profiles};
use crate::profiles::member_profiles_model::{MyProfileView, ProfileInput, PublicMember};

/// Directory filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DirectoryQuery {
    /// Part of a name or company name (any substring; Latin letters ignore case).
    pub q: Option<String>,
    /// Industry id.
    pub industry_id: Option<i64>,
    /// Position id.
    pub position_id: Option<i64>,
    /// Page, from 1.
    pub page: Option<i64>,
}

/// One page of the directory.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberPage {
    /// Members, by member id.
    pub items: Vec<PublicMember>,
    /// Matching members in all pages.
    pub total: i64,
    /// This page (1-based).
    pub page: i64,
    /// Page size.
    pub page_size: i64,
}

/// The member's own profile (every field). Visitors: 403 `members_only`.
#[utoipa::path(get, path = "/api/v1/me/profile", tag = "profiles",
    responses((status = 200, body = MyProfileView), (status = 401, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_my_profile(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    Ok(super::views::ok(&state, profiles::my_profile(&state.db, user.user.id).await?))
}

/// Saves the whole profile (absent fields clear). Active members only; `real_name`
/// is also the name on the roll; `photo_file_id` must be an image the member uploaded.
#[utoipa::path(put, path = "/api/v1/me/profile", tag = "profiles", request_body = ProfileInput,
    responses(
        (status = 200, body = MyProfileView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody),
        (status = 422, description = "Field errors; nothing saved", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn update_my_profile(
    state: web::Data<AppState>,
    user: BearerUser,
    input: web::Json<ProfileInput>,
) -> Result<HttpResponse, ApiError> {
    let tz = state.association_settings().await?.time_zone;
    let today = state.clock.now().with_timezone(&tz).date_naive();
    let view =
        profiles::save_profile(&state.db, &state.clock, user.user.id, today, input.into_inner())
            .await?;
    Ok(super::views::ok(&state, view))
}

/// The member directory: active members who have not hidden themselves, public
/// fields only.
#[utoipa::path(get, path = "/api/v1/members", tag = "profiles", params(DirectoryQuery),
    responses((status = 200, body = MemberPage), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_members(
    state: web::Data<AppState>,
    _user: BearerUser,
    query: web::Query<DirectoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter =
        profiles::directory_filter(query.q.as_deref(), query.industry_id, query.position_id);
    let page = profiles::directory(&state.db, filter, query.page.unwrap_or(1)).await?;
    let body =
        MemberPage { items: page.rows, total: page.total, page: page.page, page_size: PAGE_SIZE };
    Ok(super::views::ok(&state, body))
}

/// One member of the directory (404 unless the directory lists them).
#[utoipa::path(get, path = "/api/v1/members/{id}", tag = "profiles",
    params(("id" = i64, Path, description = "Member id")),
    responses((status = 200, body = PublicMember), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_member(
    state: web::Data<AppState>,
    _user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(super::views::ok(&state, profiles::public_member(&state.db, *id).await?))
}
