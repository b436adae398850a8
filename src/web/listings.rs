//! The marketplace in the workbench (供需管理): every listing with filters and search,
//! one listing's page with the hall preview (the same visibility rule as the hall) and
//! force-unlisting with a note the member is told.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::pager::{Pager, pager};
use super::render::{Chrome, redirect, render, render_with};
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::error::AppError;
use crate::kernel::clock::display_minutes;
use crate::kernel::page::PAGE_SIZE;
use crate::marketplace::CategoryRow;
use crate::marketplace::hall::{HallSort, hall_filter};
use crate::marketplace::model::ListingKind;
use crate::marketplace::staff::{self, StaffListingDetail, StaffListingItem};

/// A list row.
#[derive(Debug, Clone)]
pub struct ListingRowView {
    /// The item.
    pub item: StaffListingItem,
    /// Updated, formatted.
    pub updated: String,
}

/// `GET /admin/listings`.
#[derive(askama::Template)]
#[template(path = "web/listings/index.html")]
pub struct ListingsPage {
    /// Layout.
    pub chrome: Chrome,
    /// Rows.
    pub rows: Vec<ListingRowView>,
    /// Filters as typed.
    pub query: ListingsQuery,
    /// Categories for the filter.
    pub categories: Vec<CategoryRow>,
    /// Pages.
    pub pager: Pager,
}

/// List filters.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListingsQuery {
    /// Words in the title.
    #[serde(default)]
    pub q: String,
    /// `supply`, `demand` or blank.
    #[serde(default)]
    pub kind: String,
    /// Category id or blank.
    #[serde(default)]
    pub category_id: String,
    /// Page.
    pub page: Option<i64>,
}

impl ListingsQuery {
    /// Whether `id` is the chosen category (for the select).
    pub fn is_category(&self, id: &i64) -> bool {
        self.category_id == id.to_string()
    }
}

/// `GET /admin/listings`.
pub async fn list_listings(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    query: web::Query<ListingsQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/listings", "供需管理").await?;
    let tz = state.association_settings().await?.time_zone;
    let query = query.into_inner();
    let kind = ListingKind::parse(query.kind.trim());
    let category = query.category_id.trim().parse().ok();
    let filter = hall_filter(Some(&query.q), kind, category, None, (None, None), HallSort::Newest)?;
    let page_no = query.page.unwrap_or(1);
    let result = staff::list(&state.db, &state.clock, filter, page_no).await?;
    let filters = [
        ("q", query.q.clone()),
        ("kind", query.kind.clone()),
        ("category_id", query.category_id.clone()),
    ];
    let pager = pager("/admin/listings", &filters, page_no, result.total, PAGE_SIZE);
    let rows = result
        .rows
        .into_iter()
        .map(|item| ListingRowView { updated: display_minutes(item.updated_at, tz), item })
        .collect();
    let categories = crate::marketplace::categories(&state.db).await?;
    render(&ListingsPage { chrome, rows, query, categories, pager })
}

/// `GET /admin/listings/{id}`.
#[derive(askama::Template)]
#[template(path = "web/listings/show.html")]
pub struct ListingPage {
    /// Layout.
    pub chrome: Chrome,
    /// The listing.
    pub detail: StaffListingDetail,
    /// Ends, formatted.
    pub ends: String,
    /// Report times, formatted (same order as the reports).
    pub report_times: Vec<String>,
    /// The unlist note as typed (form again).
    pub note: String,
    /// Its message.
    pub error: Option<String>,
}

async fn listing_page(
    state: &AppState,
    staff: &RequireRole<Secretaries>,
    id: i64,
    note: String,
    error: Option<String>,
) -> Result<ListingPage, PageError> {
    let detail = staff::detail(&state.db, &state.clock, id).await?;
    let tz = state.association_settings().await?.time_zone;
    let chrome = Chrome::build(state, staff, "/admin/listings", "供需信息").await?;
    let ends =
        detail.live.as_ref().and_then(|l| l.ends_on.clone()).unwrap_or_else(|| "长期".into());
    let report_times = detail.reports.iter().map(|r| display_minutes(r.created_at, tz)).collect();
    Ok(ListingPage { chrome, detail, ends, report_times, note, error })
}

/// `GET /admin/listings/{id}`: what the hall shows, the phone, reports, unlisting.
pub async fn show_listing(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    render(&listing_page(&state, &staff, *id, String::new(), None).await?)
}

/// The force-unlist form.
#[derive(Debug, Deserialize)]
pub struct UnlistForm {
    /// The note the member sees.
    #[serde(default)]
    pub note: String,
}

/// `POST /admin/listings/{id}/unlist`: force unlist with a note (422 without one).
pub async fn unlist_listing(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
    form: web::Form<UnlistForm>,
) -> Result<HttpResponse, PageError> {
    let note = form.into_inner().note;
    match staff::force_unlist(&state.db, &state.clock, staff.staff.id, *id, note.clone()).await {
        Ok(()) => {
            staff.flash("success", "已下架，并已通知会员");
            Ok(redirect(&format!("/admin/listings/{}", *id)))
        }
        Err(e @ AppError::Validation(_)) => {
            let message = e.fields().first().map(|f| f.message.clone());
            let page = listing_page(&state, &staff, *id, note, message).await?;
            render_with(e.status(), &page)
        }
        Err(e) => Err(e.into()),
    }
}
