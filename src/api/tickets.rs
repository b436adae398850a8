//! Support tickets (客户支持) in the mini-program: the user's own tickets, opening one,
//! replying, closing.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::BearerUser;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::content::tickets::{self, ThreadView, TicketView};
use crate::kernel::audit::Actor;

/// A new ticket.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TicketRequest {
    /// Subject (1–60 characters).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 60)]
    pub subject: String,
    /// The message (1–2000 characters).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 2000)]
    pub body: String,
    /// Images the user uploaded (`POST /api/v1/uploads`), at most 6.
    #[serde(default)]
    pub image_file_ids: Vec<i64>,
}

/// A reply.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TicketReply {
    /// The message (1–2000 characters).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 2000)]
    pub body: String,
    /// Images the user uploaded, at most 6.
    #[serde(default)]
    pub image_file_ids: Vec<i64>,
}

/// A page of the user's tickets.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TicketPage {
    /// Latest activity first.
    pub items: Vec<TicketView>,
    /// All.
    pub total: i64,
    /// This page.
    pub page: i64,
    /// Pages.
    pub pages: i64,
}

/// Page number.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct TicketParams {
    /// Page, from 1.
    pub page: Option<i64>,
}

/// The user's tickets.
#[utoipa::path(get, path = "/api/v1/me/tickets", tag = "content", params(TicketParams),
    responses((status = 200, body = TicketPage)), security(("bearer" = [])))]
pub async fn list_my_tickets(
    state: web::Data<AppState>,
    user: BearerUser,
    query: web::Query<TicketParams>,
) -> Result<HttpResponse, ApiError> {
    let page = tickets::mine(&state.db, user.user.id, query.page.unwrap_or(1)).await?;
    let pages = page.pages();
    Ok(HttpResponse::Ok().json(TicketPage {
        items: page.rows,
        total: page.total,
        page: page.page,
        pages,
    }))
}

/// Opens a ticket.
#[utoipa::path(post, path = "/api/v1/me/tickets", tag = "content", request_body = TicketRequest,
    responses((status = 201, body = ThreadView),
        (status = 422, description = "Subject or message missing, images not the user's", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_my_ticket(
    state: web::Data<AppState>,
    user: BearerUser,
    body: web::Json<TicketRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let view =
        tickets::open(&state.db, &state.clock, user.user.id, &b.subject, &b.body, b.image_file_ids)
            .await?;
    Ok(super::views::created(&state, view))
}

/// One of the user's tickets with its thread.
#[utoipa::path(get, path = "/api/v1/me/tickets/{id}", tag = "content",
    params(("id" = i64, Path, description = "Ticket id")),
    responses((status = 200, body = ThreadView), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_my_ticket(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let view = tickets::my_thread(&state.db, user.user.id, *id).await?;
    Ok(super::views::ok(&state, view))
}

/// Adds a message to one of the user's open tickets.
#[utoipa::path(post, path = "/api/v1/me/tickets/{id}/messages", tag = "content",
    request_body = TicketReply,
    params(("id" = i64, Path, description = "Ticket id")),
    responses((status = 201, body = ThreadView), (status = 404, body = ErrorBody),
        (status = 409, description = "`ticket_closed`", body = ErrorBody),
        (status = 422, description = "Message missing or too long", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reply_my_ticket(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
    body: web::Json<TicketReply>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let view =
        tickets::user_reply(&state.db, &state.clock, user.user.id, *id, &b.body, b.image_file_ids)
            .await?;
    Ok(super::views::created(&state, view))
}

/// Closes one of the user's tickets.
#[utoipa::path(post, path = "/api/v1/me/tickets/{id}/close", tag = "content",
    params(("id" = i64, Path, description = "Ticket id")),
    responses((status = 204, description = "Closed"), (status = 404, body = ErrorBody),
        (status = 409, description = "`ticket_closed`: already closed", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn close_my_ticket(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    tickets::close(&state.db, &state.clock, Actor::User(user.user.id), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
