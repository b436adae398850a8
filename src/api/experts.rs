//! Experts in the mini-program: the expert library and the member's own experts
//! (`/me/experts`), which wait for review before the library shows them.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::BearerUser;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::profiles::experts::{self, ExpertPage, MyExpertView, PublicExpert};
use crate::profiles::experts_model::ExpertFields;

/// Library filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LibraryQuery {
    /// Words in name, field or organisation.
    pub q: Option<String>,
    /// One field tag, exactly (e.g. 智能制造).
    pub field: Option<String>,
    /// Page, from 1.
    pub page: Option<i64>,
}

/// `{"items": [...]}` of the member's experts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyExpertList {
    /// Newest first.
    pub items: Vec<MyExpertView>,
}

/// The expert library: approved experts of active members and of the association.
#[utoipa::path(get, path = "/api/v1/experts", tag = "experts", params(LibraryQuery),
    responses((status = 200, body = ExpertPage), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_experts(
    state: web::Data<AppState>,
    _user: BearerUser,
    query: web::Query<LibraryQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = experts::library_filter(query.q.as_deref(), query.field.as_deref(), true);
    let page = experts::library(&state.db, filter, query.page.unwrap_or(1)).await?;
    Ok(super::views::ok(&state, page))
}

/// One expert of the library (404 unless the library shows it).
#[utoipa::path(get, path = "/api/v1/experts/{id}", tag = "experts",
    params(("id" = i64, Path, description = "Expert id")),
    responses((status = 200, body = PublicExpert), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_expert(
    state: web::Data<AppState>,
    _user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(super::views::ok(&state, experts::public_one(&state.db, *id).await?))
}

/// The member's experts, with pending and rejected submissions and review notes.
#[utoipa::path(get, path = "/api/v1/me/experts", tag = "experts",
    responses((status = 200, body = MyExpertList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_my_experts(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    let items = experts::mine(&state.db, user.user.id).await?;
    Ok(super::views::ok(&state, MyExpertList { items }))
}

/// Submits a new expert for review (active members only). `photo_file_id` must be an
/// image the member uploaded.
#[utoipa::path(post, path = "/api/v1/me/experts", tag = "experts", request_body = ExpertFields,
    responses(
        (status = 201, description = "Submitted, pending review", body = MyExpertView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody),
        (status = 422, description = "Field errors", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn create_my_expert(
    state: web::Data<AppState>,
    user: BearerUser,
    input: web::Json<ExpertFields>,
) -> Result<HttpResponse, ApiError> {
    let view =
        experts::submit_new(&state.db, &state.clock, user.user.id, input.into_inner()).await?;
    Ok(super::views::created(&state, view))
}

/// One of the member's experts.
#[utoipa::path(get, path = "/api/v1/me/experts/{id}", tag = "experts",
    params(("id" = i64, Path, description = "Expert id")),
    responses((status = 200, body = MyExpertView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_my_expert(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(super::views::ok(&state, experts::one_of_mine(&state.db, user.user.id, *id).await?))
}

/// Edits an expert (send every field): the edit waits for review while the approved
/// version stays in the library; a pending edit is replaced.
#[utoipa::path(put, path = "/api/v1/me/experts/{id}", tag = "experts", request_body = ExpertFields,
    params(("id" = i64, Path, description = "Expert id")),
    responses(
        (status = 200, description = "Edit pending review", body = MyExpertView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "Field errors", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn update_my_expert(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
    input: web::Json<ExpertFields>,
) -> Result<HttpResponse, ApiError> {
    let view = experts::submit_edit(&state.db, &state.clock, user.user.id, *id, input.into_inner())
        .await?;
    Ok(super::views::ok(&state, view))
}

/// Withdraws the pending submission.
#[utoipa::path(post, path = "/api/v1/me/experts/{id}/withdraw", tag = "experts",
    params(("id" = i64, Path, description = "Expert id")),
    responses((status = 200, body = MyExpertView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`nothing_pending`", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn withdraw_my_expert(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(super::views::ok(
        &state,
        experts::withdraw(&state.db, &state.clock, user.user.id, *id).await?,
    ))
}

/// Deletes an expert (a pending edit goes with it).
#[utoipa::path(delete, path = "/api/v1/me/experts/{id}", tag = "experts",
    params(("id" = i64, Path, description = "Expert id")),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_my_expert(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    experts::delete_mine(&state.db, &state.clock, user.user.id, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
