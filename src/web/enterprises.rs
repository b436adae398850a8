//! Enterprises in the workbench (`/admin/enterprises`): every member's enterprises,
//! searchable, and hiding one with a note the member sees (or showing it again).

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::pager::{Pager, pager};
use super::render::{Chrome, redirect, render};
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::error::AppError;
use crate::kernel::clock::display_minutes;
use crate::kernel::page::PAGE_SIZE;
use crate::profiles::enterprises;

/// List filters.
#[derive(Debug, Default, Deserialize)]
pub struct EnterpriseListQuery {
    /// Part of the name.
    #[serde(default)]
    pub q: String,
    /// `hidden` or `shown` (by staff); blank for all.
    #[serde(default)]
    pub hidden: String,
    /// Page.
    pub page: Option<i64>,
}

/// One row.
#[derive(Debug, Clone)]
pub struct EnterpriseListRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Owner's name on the roll.
    pub owner: String,
    /// Contact.
    pub contact: String,
    /// Hidden by staff.
    pub staff_hidden: bool,
    /// Staff note.
    pub staff_note: String,
    /// Updated, formatted.
    pub updated: String,
}

/// `GET /admin/enterprises`.
#[derive(askama::Template)]
#[template(path = "web/enterprises/index.html")]
pub struct EnterprisesPage {
    /// Layout.
    pub chrome: Chrome,
    /// Search text.
    pub q: String,
    /// Hidden filter.
    pub hidden: String,
    /// Rows.
    pub rows: Vec<EnterpriseListRow>,
    /// Pager.
    pub pager: Pager,
}

/// `GET /admin/enterprises`.
pub async fn list_enterprises(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    query: web::Query<EnterpriseListQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/enterprises", "企业风采").await?;
    let tz = state.association_settings().await?.time_zone;
    let hidden = match query.hidden.as_str() {
        "hidden" => Some(true),
        "shown" => Some(false),
        _ => None,
    };
    let page =
        enterprises::staff_list(&state.db, Some(query.q.clone()), hidden, query.page.unwrap_or(1))
            .await?;
    let filters = [("q", query.q.clone()), ("hidden", query.hidden.clone())];
    let pager = pager("/admin/enterprises", &filters, page.page, page.total, PAGE_SIZE);
    let rows = page
        .rows
        .into_iter()
        .map(|(e, owner)| EnterpriseListRow {
            id: e.id,
            owner: owner.unwrap_or_default(),
            contact: format!("{} {}", e.contact_name, e.contact_phone).trim().to_owned(),
            staff_hidden: e.staff_hidden,
            staff_note: e.staff_note,
            updated: display_minutes(e.updated_at, tz),
            name: e.name,
        })
        .collect();
    render(&EnterprisesPage {
        chrome,
        q: query.q.clone(),
        hidden: query.hidden.clone(),
        rows,
        pager,
    })
}

/// The hide form.
#[derive(Debug, Default, Deserialize)]
pub struct HideForm {
    /// Why (required to hide; the member sees it).
    #[serde(default)]
    pub note: String,
}

async fn set_hidden(
    state: &AppState,
    staff: &RequireRole<Secretaries>,
    id: i64,
    hidden: bool,
    note: String,
) -> Result<HttpResponse, PageError> {
    match enterprises::set_hidden(&state.db, &state.clock, staff.staff.id, id, hidden, note).await {
        Ok(()) => staff.flash("success", if hidden { "已隐藏" } else { "已恢复展示" }),
        Err(e @ AppError::Validation(_)) => {
            let message = e.fields().first().map(|f| f.message.clone()).unwrap_or_default();
            staff.flash("error", message);
        }
        Err(e) => return Err(e.into()),
    }
    Ok(redirect("/admin/enterprises"))
}

/// `POST /admin/enterprises/{id}/hide`.
pub async fn hide_enterprise(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
    form: web::Form<HideForm>,
) -> Result<HttpResponse, PageError> {
    set_hidden(&state, &staff, *id, true, form.into_inner().note).await
}

/// `POST /admin/enterprises/{id}/unhide`.
pub async fn unhide_enterprise(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    set_hidden(&state, &staff, *id, false, String::new()).await
}
