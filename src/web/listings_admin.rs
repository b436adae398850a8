//! The marketplace's queues and settings in the workbench: open reports (举报) oldest
//! first with dismissal, and the listing categories staff keep.

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
use crate::marketplace::staff::{self, QueuedReport};
use crate::marketplace::{self, CategoryRow};

/// A queued report as shown.
#[derive(Debug, Clone)]
pub struct ReportRowView {
    /// The report.
    pub item: QueuedReport,
    /// When, formatted.
    pub at: String,
}

/// `GET /admin/listing-reports`.
#[derive(askama::Template)]
#[template(path = "web/listings/reports.html")]
pub struct ReportsPage {
    /// Layout.
    pub chrome: Chrome,
    /// Open reports.
    pub rows: Vec<ReportRowView>,
    /// Pages.
    pub pager: Pager,
}

/// Page number.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    /// Page.
    pub page: Option<i64>,
}

/// `GET /admin/listing-reports`: open reports, oldest first.
pub async fn list_listing_reports(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/listings", "举报处理").await?;
    let tz = state.association_settings().await?.time_zone;
    let page_no = query.page.unwrap_or(1);
    let page = staff::reports(&state.db, page_no).await?;
    let pager = pager("/admin/listing-reports", &[], page_no, page.total, PAGE_SIZE);
    let rows = page
        .rows
        .into_iter()
        .map(|item| ReportRowView { at: display_minutes(item.report.created_at, tz), item })
        .collect();
    render(&ReportsPage { chrome, rows, pager })
}

/// `POST /admin/listing-reports/{id}/dismiss`.
pub async fn dismiss_listing_report(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    staff::dismiss_report(&state.db, &state.clock, staff.staff.id, *id).await?;
    staff.flash("success", "已忽略该举报");
    Ok(redirect("/admin/listing-reports"))
}

/// `GET /admin/listing-categories`.
#[derive(askama::Template)]
#[template(path = "web/listings/categories.html")]
pub struct CategoriesPage {
    /// Layout.
    pub chrome: Chrome,
    /// Categories.
    pub rows: Vec<CategoryRow>,
    /// The new category form as typed.
    pub form: CategoryForm,
    /// Its message.
    pub error: Option<String>,
}

/// A category form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CategoryForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Order (ascending); blank = 0.
    #[serde(default)]
    pub sort_order: String,
}

async fn categories_page(
    state: &AppState,
    staff: &RequireRole<Secretaries>,
    form: CategoryForm,
    error: Option<String>,
) -> Result<CategoriesPage, PageError> {
    let chrome = Chrome::build(state, staff, "/admin/listings", "供需分类").await?;
    let rows = marketplace::categories(&state.db).await?;
    Ok(CategoriesPage { chrome, rows, form, error })
}

/// `GET /admin/listing-categories`.
pub async fn list_listing_categories(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
) -> Result<HttpResponse, PageError> {
    render(&categories_page(&state, &staff, CategoryForm::default(), None).await?)
}

async fn save(
    state: &AppState,
    staff: &RequireRole<Secretaries>,
    id: Option<i64>,
    form: CategoryForm,
) -> Result<HttpResponse, PageError> {
    let order = form.sort_order.trim();
    let result = match order.parse::<i32>() {
        _ if order.is_empty() => Ok(0),
        Ok(n) => Ok(n),
        Err(_) => Err(AppError::field("sort_order", "排序请填写整数")),
    };
    let result = match result {
        Ok(order) => {
            marketplace::save_category(
                &state.db,
                &state.clock,
                staff.staff.id,
                id,
                &form.name,
                order,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            staff.flash("success", "分类已保存");
            Ok(redirect("/admin/listing-categories"))
        }
        Err(e @ AppError::Validation(_)) => {
            let message = e.fields().first().map(|f| f.message.clone());
            render_with(e.status(), &categories_page(state, staff, form, message).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/listing-categories`: adds a category.
pub async fn create_listing_category(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    form: web::Form<CategoryForm>,
) -> Result<HttpResponse, PageError> {
    save(&state, &staff, None, form.into_inner()).await
}

/// `POST /admin/listing-categories/{id}`: renames / reorders.
pub async fn update_listing_category(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
    form: web::Form<CategoryForm>,
) -> Result<HttpResponse, PageError> {
    save(&state, &staff, Some(*id), form.into_inner()).await
}

/// `POST /admin/listing-categories/{id}/delete` (409 when listings use it).
pub async fn delete_listing_category(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    marketplace::delete_category(&state.db, &state.clock, staff.staff.id, *id).await?;
    staff.flash("success", "分类已删除");
    Ok(redirect("/admin/listing-categories"))
}
