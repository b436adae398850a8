//! Certificates in the mini-program: the association's honours and members'
//! certificates, and the member's own (`/me/certificates`), reviewed before they show.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::BearerUser;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::error::AppError;
use crate::profiles::certificates::{
    self, CertificatePage, MemberCtx, MyCertificateView, PublicCertificate,
};
use crate::profiles::certificates_model::CertificateFields;
use crate::profiles::certificates_store::OwnerFilter;

/// List filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CertificateQuery {
    /// `association` (协会荣誉), `members` (会员荣誉); both when absent or empty.
    #[param(pattern = "^(association|members)?$")]
    pub owner: Option<String>,
    /// Page, from 1.
    pub page: Option<i64>,
}

/// `{"items": [...]}` of the member's certificates.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyCertificateList {
    /// Newest first.
    pub items: Vec<MyCertificateView>,
}

/// The "show on my card" choice.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CardChoice {
    /// Show the certificate on the member's card.
    pub show_on_card: bool,
}

async fn today_and_base(state: &AppState) -> Result<(chrono::NaiveDate, String), AppError> {
    let tz = state.association_settings().await?.time_zone;
    Ok((certificates::today(&state.clock, tz), state.config.public_base_url.clone()))
}

async fn ctx(state: &AppState, user: &BearerUser) -> Result<MemberCtx, AppError> {
    let (today, base_url) = today_and_base(state).await?;
    Ok(MemberCtx { user_id: user.user.id, today, base_url })
}

/// Approved certificates: the association's honours and active members' certificates
/// (revoked ones are left out).
#[utoipa::path(get, path = "/api/v1/certificates", tag = "certificates", params(CertificateQuery),
    responses((status = 200, body = CertificatePage), (status = 401, body = ErrorBody),
        (status = 400, description = "Unknown `owner`", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_certificates(
    state: web::Data<AppState>,
    _user: BearerUser,
    query: web::Query<CertificateQuery>,
) -> Result<HttpResponse, ApiError> {
    let owner = match query.owner.as_deref().unwrap_or("") {
        "" => OwnerFilter::Any,
        "association" => OwnerFilter::Association,
        "members" => OwnerFilter::Members,
        _ => return Err(AppError::BadRequest("owner 只能是 association 或 members".into()).into()),
    };
    let (today, base) = today_and_base(&state).await?;
    let page = certificates::list(&state.db, owner, query.page.unwrap_or(1), today, base).await?;
    Ok(super::views::ok(&state, page))
}

/// One approved certificate (404 unless the lists show it).
#[utoipa::path(get, path = "/api/v1/certificates/{id}", tag = "certificates",
    params(("id" = i64, Path, description = "Certificate id")),
    responses((status = 200, body = PublicCertificate), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_certificate(
    state: web::Data<AppState>,
    _user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (today, base) = today_and_base(&state).await?;
    Ok(super::views::ok(&state, certificates::public_one(&state.db, *id, today, base).await?))
}

/// The member's certificates, with pending and rejected submissions and review notes.
#[utoipa::path(get, path = "/api/v1/me/certificates", tag = "certificates",
    responses((status = 200, body = MyCertificateList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_my_certificates(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    let items = certificates::mine(&state.db, ctx(&state, &user).await?).await?;
    Ok(super::views::ok(&state, MyCertificateList { items }))
}

/// Submits a certificate for review (active members only): issue date not in the
/// future, validity end not before its start, 1–9 images the member uploaded.
#[utoipa::path(post, path = "/api/v1/me/certificates", tag = "certificates",
    request_body = CertificateFields,
    responses(
        (status = 201, description = "Submitted, pending review", body = MyCertificateView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody),
        (status = 422, description = "Field errors", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn create_my_certificate(
    state: web::Data<AppState>,
    user: BearerUser,
    input: web::Json<CertificateFields>,
) -> Result<HttpResponse, ApiError> {
    let ctx = ctx(&state, &user).await?;
    let view = certificates::submit_new(&state.db, &state.clock, ctx, input.into_inner()).await?;
    Ok(super::views::created(&state, view))
}

/// One of the member's certificates.
#[utoipa::path(get, path = "/api/v1/me/certificates/{id}", tag = "certificates",
    params(("id" = i64, Path, description = "Certificate id")),
    responses((status = 200, body = MyCertificateView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_my_certificate(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let ctx = ctx(&state, &user).await?;
    Ok(super::views::ok(&state, certificates::one_of_mine(&state.db, ctx, *id).await?))
}

/// Edits a certificate (send every field): pending review while the approved version
/// stays shown; a pending edit is replaced.
#[utoipa::path(put, path = "/api/v1/me/certificates/{id}", tag = "certificates",
    request_body = CertificateFields,
    params(("id" = i64, Path, description = "Certificate id")),
    responses(
        (status = 200, description = "Edit pending review", body = MyCertificateView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`members_only`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "Field errors", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn update_my_certificate(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
    input: web::Json<CertificateFields>,
) -> Result<HttpResponse, ApiError> {
    let ctx = ctx(&state, &user).await?;
    let view =
        certificates::submit_edit(&state.db, &state.clock, ctx, *id, input.into_inner()).await?;
    Ok(super::views::ok(&state, view))
}

/// Withdraws the pending submission.
#[utoipa::path(post, path = "/api/v1/me/certificates/{id}/withdraw", tag = "certificates",
    params(("id" = i64, Path, description = "Certificate id")),
    responses((status = 200, body = MyCertificateView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`nothing_pending`", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn withdraw_my_certificate(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let ctx = ctx(&state, &user).await?;
    Ok(super::views::ok(&state, certificates::withdraw(&state.db, &state.clock, ctx, *id).await?))
}

/// Shows or hides a certificate on the member's card.
#[utoipa::path(post, path = "/api/v1/me/certificates/{id}/card", tag = "certificates",
    request_body = CardChoice,
    params(("id" = i64, Path, description = "Certificate id")),
    responses((status = 200, body = MyCertificateView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_certificate_card(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
    input: web::Json<CardChoice>,
) -> Result<HttpResponse, ApiError> {
    let ctx = ctx(&state, &user).await?;
    let view = certificates::set_show_on_card(&state.db, ctx, *id, input.show_on_card).await?;
    Ok(super::views::ok(&state, view))
}

/// Deletes a certificate (a pending edit goes with it).
#[utoipa::path(delete, path = "/api/v1/me/certificates/{id}", tag = "certificates",
    params(("id" = i64, Path, description = "Certificate id")),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_my_certificate(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    certificates::delete_mine(&state.db, &state.clock, user.user.id, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
