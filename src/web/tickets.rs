//! Support tickets in the workbench (客户支持, secretaries): the queue with unanswered
//! ones first (and a menu badge), one thread, answering (the user is notified), closing.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::pager::{Pager, pager};
use super::render::{Chrome, redirect, render, render_with};
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::content::tickets::{self, MessageView, ThreadView, TicketView, status};
use crate::error::AppError;
use crate::kernel::audit::Actor;
use crate::kernel::clock::display_minutes;
use crate::kernel::page::PAGE_SIZE;

/// A queue row.
#[derive(Debug, Clone)]
pub struct TicketRowView {
    /// The ticket.
    pub ticket: TicketView,
    /// Who opened it.
    pub user: String,
    /// Last activity, formatted.
    pub updated: String,
    /// State label.
    pub state: &'static str,
}

/// `GET /admin/tickets`.
#[derive(askama::Template)]
#[template(path = "web/tickets/index.html")]
pub struct TicketsPage {
    /// Layout.
    pub chrome: Chrome,
    /// Rows.
    pub rows: Vec<TicketRowView>,
    /// Filters as typed.
    pub query: TicketsQuery,
    /// Pages.
    pub pager: Pager,
}

/// Queue filters.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TicketsQuery {
    /// `open`, `closed` or blank.
    #[serde(default)]
    pub status: String,
    /// `1`: only those waiting for an answer.
    #[serde(default)]
    pub unanswered: String,
    /// Page.
    pub page: Option<i64>,
}

async fn user_label(state: &AppState, user_id: i64) -> Result<String, AppError> {
    state
        .db
        .run(move |conn| {
            let user = crate::accounts::find_user(conn, user_id)?;
            let member = crate::membership::public_member_summary(conn, user_id)?;
            Ok(match (member, user) {
                (Some(m), _) => m.name,
                (None, Some(u)) => u
                    .nickname
                    .clone()
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| format!("用户 {user_id}")),
                (None, None) => format!("用户 {user_id}"),
            })
        })
        .await
}

/// `GET /admin/tickets`.
pub async fn list_tickets(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    query: web::Query<TicketsQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/tickets", "客户支持").await?;
    let tz = state.association_settings().await?.time_zone;
    let query = query.into_inner();
    let status_ = Some(query.status.clone()).filter(|s| s == status::OPEN || s == status::CLOSED);
    let page_no = query.page.unwrap_or(1);
    let page = tickets::queue(&state.db, status_, query.unanswered == "1", page_no).await?;
    let filters = [("status", query.status.clone()), ("unanswered", query.unanswered.clone())];
    let pager = pager("/admin/tickets", &filters, page_no, page.total, PAGE_SIZE);
    let mut rows = Vec::new();
    for ticket in page.rows {
        rows.push(TicketRowView {
            user: user_label(&state, ticket.user_id).await?,
            updated: display_minutes(ticket.updated_at, tz),
            state: status::label(&ticket.status),
            ticket,
        });
    }
    render(&TicketsPage { chrome, rows, query, pager })
}

/// A message as shown.
#[derive(Debug, Clone)]
pub struct MessageRowView {
    /// The message.
    pub message: MessageView,
    /// When, formatted.
    pub at: String,
    /// Workbench links of its images.
    pub image_links: Vec<String>,
}

/// `GET /admin/tickets/{id}`.
#[derive(askama::Template)]
#[template(path = "web/tickets/show.html")]
pub struct TicketPage {
    /// Layout.
    pub chrome: Chrome,
    /// The ticket.
    pub ticket: TicketView,
    /// Who opened it.
    pub user: String,
    /// The thread.
    pub messages: Vec<MessageRowView>,
    /// The answer as typed.
    pub draft: String,
    /// Its message.
    pub error: Option<String>,
}

async fn ticket_page(
    state: &AppState,
    staff: &RequireRole<Secretaries>,
    id: i64,
    draft: String,
    error: Option<String>,
) -> Result<TicketPage, PageError> {
    let chrome = Chrome::build(state, staff, "/admin/tickets", "留言详情").await?;
    let tz = state.association_settings().await?.time_zone;
    let ThreadView { ticket, messages } = tickets::staff_thread(&state.db, id).await?;
    let user = user_label(state, ticket.user_id).await?;
    let messages = messages
        .into_iter()
        .map(|m| MessageRowView {
            at: display_minutes(m.created_at, tz),
            image_links: m.images.iter().map(|i| format!("/admin/files/{}", i.file_id)).collect(),
            message: m,
        })
        .collect();
    Ok(TicketPage { chrome, ticket, user, messages, draft, error })
}

/// `GET /admin/tickets/{id}`.
pub async fn show_ticket(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    render(&ticket_page(&state, &staff, *id, String::new(), None).await?)
}

/// The answer form.
#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    /// Text.
    #[serde(default)]
    pub body: String,
}

/// `POST /admin/tickets/{id}/answer`.
pub async fn answer_ticket(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
    form: web::Form<AnswerForm>,
) -> Result<HttpResponse, PageError> {
    match tickets::answer(&state.db, &state.clock, staff.staff.id, *id, &form.body).await {
        Ok(()) => {
            staff.flash("success", "回复已发送，用户会收到通知");
            Ok(redirect(&format!("/admin/tickets/{}", *id)))
        }
        Err(e @ AppError::Validation(_)) => {
            let message = e.fields().first().map(|f| f.message.clone());
            let page = ticket_page(&state, &staff, *id, form.body.clone(), message).await?;
            render_with(e.status(), &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/tickets/{id}/close`.
pub async fn close_ticket(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    tickets::close(&state.db, &state.clock, Actor::Staff(staff.staff.id), *id).await?;
    staff.flash("success", "留言已关闭");
    Ok(redirect(&format!("/admin/tickets/{}", *id)))
}
