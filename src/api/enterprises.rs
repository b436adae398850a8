//! Enterprises in the mini-program: the member's own (`/me/enterprises`) and the
//! enterprise directory (`/enterprises`), which shows only those of active members
//! whose type allows them.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::BearerUser;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::kernel::page::PAGE_SIZE;
use crate::profiles::enterprises;
use crate::profiles::enterprises_model::{EnterpriseInput, MyEnterpriseView, PublicEnterprise};

/// Directory filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EnterpriseQuery {
    /// Part of the name (any substring; Latin letters ignore case).
    pub q: Option<String>,
    /// Industry id.
    pub industry_id: Option<i64>,
    /// Page, from 1.
    pub page: Option<i64>,
}

/// One page of the enterprise directory.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EnterprisePage {
    /// Enterprises, by id.
    pub items: Vec<PublicEnterprise>,
    /// Matching enterprises in all pages.
    pub total: i64,
    /// This page (1-based).
    pub page: i64,
    /// Page size.
    pub page_size: i64,
}

/// `{"items": [...]}` of the member's enterprises.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyEnterpriseList {
    /// Oldest first.
    pub items: Vec<MyEnterpriseView>,
}

/// The enterprise directory.
#[utoipa::path(get, path = "/api/v1/enterprises", tag = "profiles", params(EnterpriseQuery),
    responses((status = 200, body = EnterprisePage), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_enterprises(
    state: web::Data<AppState>,
    _user: BearerUser,
    query: web::Query<EnterpriseQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = enterprises::directory_filter(query.q.as_deref(), query.industry_id);
    let page = enterprises::directory(&state.db, filter, query.page.unwrap_or(1)).await?;
    let body = EnterprisePage {
        items: page.rows,
        total: page.total,
        page: page.page,
        page_size: PAGE_SIZE,
    };
    Ok(super::views::ok(&state, body))
}

/// One enterprise of the directory (404 unless shown).
#[utoipa::path(get, path = "/api/v1/enterprises/{id}", tag = "profiles",
    params(("id" = i64, Path, description = "Enterprise id")),
    responses((status = 200, body = PublicEnterprise), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_enterprise(
    state: web::Data<AppState>,
    _user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(super::views::ok(&state, enterprises::public_one(&state.db, *id).await?))
}

/// The member's enterprises, shown or not, with staff notes.
#[utoipa::path(get, path = "/api/v1/me/enterprises", tag = "profiles",
    responses((status = 200, body = MyEnterpriseList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_my_enterprises(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    let items = enterprises::mine(&state.db, user.user.id).await?;
    Ok(super::views::ok(&state, MyEnterpriseList { items }))
}

/// Adds an enterprise: active members whose type allows enterprises. Logo and images
/// must be images the member uploaded.
#[utoipa::path(post, path = "/api/v1/me/enterprises", tag = "profiles",
    request_body = EnterpriseInput,
    responses(
        (status = 201, body = MyEnterpriseView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`members_only`, `enterprises_not_allowed`", body = ErrorBody),
        (status = 422, description = "Field errors; nothing saved", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn create_my_enterprise(
    state: web::Data<AppState>,
    user: BearerUser,
    input: web::Json<EnterpriseInput>,
) -> Result<HttpResponse, ApiError> {
    let view =
        enterprises::create(&state.db, &state.clock, user.user.id, input.into_inner()).await?;
    Ok(super::views::created(&state, view))
}

/// One of the member's enterprises.
#[utoipa::path(get, path = "/api/v1/me/enterprises/{id}", tag = "profiles",
    params(("id" = i64, Path, description = "Enterprise id")),
    responses((status = 200, body = MyEnterpriseView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_my_enterprise(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(super::views::ok(&state, enterprises::one_of_mine(&state.db, user.user.id, *id).await?))
}

/// Replaces one of the member's enterprises (send every field).
#[utoipa::path(put, path = "/api/v1/me/enterprises/{id}", tag = "profiles",
    request_body = EnterpriseInput,
    params(("id" = i64, Path, description = "Enterprise id")),
    responses(
        (status = 200, body = MyEnterpriseView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`members_only`, `enterprises_not_allowed`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "Field errors; nothing saved", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn update_my_enterprise(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
    input: web::Json<EnterpriseInput>,
) -> Result<HttpResponse, ApiError> {
    let view =
        enterprises::update(&state.db, &state.clock, user.user.id, *id, input.into_inner()).await?;
    Ok(super::views::ok(&state, view))
}

/// Deletes one of the member's enterprises.
#[utoipa::path(delete, path = "/api/v1/me/enterprises/{id}", tag = "profiles",
    params(("id" = i64, Path, description = "Enterprise id")),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_my_enterprise(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    enterprises::delete(&state.db, &state.clock, user.user.id, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
