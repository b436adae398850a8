//! Membership settings (admins and secretaries): member types, positions, industries
//! and member numbering, on one page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::render::{Chrome, redirect, render_with};
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::error::AppError;
use crate::kernel::money::format_cents;
use crate::membership::catalog::{
    self, Catalogue, CatalogueChange, Entry, IndustryInput, MemberTypeInput, PositionInput,
};
use crate::membership::numbering::{self, Numbering};

const PATH: &str = "/admin/membership-settings";

/// `GET /admin/membership-settings`.
#[derive(askama::Template)]
#[template(path = "web/membership_settings/index.html")]
pub struct MembershipSettingsPage {
    /// Layout.
    pub chrome: Chrome,
    /// Entries.
    pub catalogue: Catalogue,
    /// Member types' dues as typed (yuan), by row.
    pub dues: Vec<(i64, String, String)>,
    /// Numbering.
    pub numbering: Numbering,
    /// Messages of a refused change.
    pub errors: Vec<String>,
}

async fn page(
    state: &AppState,
    staff: &RequireRole<Secretaries>,
    status: StatusCode,
    errors: Vec<String>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(state, staff, PATH, "会员设置").await?;
    let catalogue = catalog::catalogue(&state.db).await?;
    let dues = catalogue
        .member_types
        .iter()
        .map(|t| {
            (
                t.id,
                format!("{}.{:02}", t.dues_cents / 100, t.dues_cents % 100),
                format_cents(t.dues_cents),
            )
        })
        .collect();
    let numbering = numbering::numbering(&state.db).await?;
    render_with(status, &MembershipSettingsPage { chrome, catalogue, dues, numbering, errors })
}

/// `GET /admin/membership-settings`.
pub async fn show_membership_settings(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
) -> Result<HttpResponse, PageError> {
    page(&state, &staff, StatusCode::OK, Vec::new()).await
}

fn entry_of(segment: &str) -> Result<Entry, AppError> {
    match segment {
        "member-types" => Ok(Entry::MemberType),
        "positions" => Ok(Entry::Position),
        "industries" => Ok(Entry::Industry),
        _ => Err(AppError::NotFound("设置项不存在".into())),
    }
}

/// Every field any of the three forms sends.
#[derive(Debug, Default, Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    dues: String,
    enterprise_profiles: Option<String>,
    #[serde(default)]
    sort_order: String,
    #[serde(default)]
    rank: String,
    can_review: Option<String>,
    can_view_contacts: Option<String>,
    can_read_members_only: Option<String>,
    #[serde(default)]
    code: String,
}

fn change(entry: Entry, f: EntryForm) -> CatalogueChange {
    match entry {
        Entry::MemberType => CatalogueChange::MemberType(MemberTypeInput {
            name: f.name,
            dues: f.dues,
            enterprise_profiles: f.enterprise_profiles,
            sort_order: f.sort_order,
        }),
        Entry::Position => CatalogueChange::Position(PositionInput {
            name: f.name,
            rank: f.rank,
            can_review: f.can_review,
            can_view_contacts: f.can_view_contacts,
            can_read_members_only: f.can_read_members_only,
        }),
        Entry::Industry => CatalogueChange::Industry(IndustryInput { code: f.code, name: f.name }),
    }
}

async fn answer(
    state: &AppState,
    staff: &RequireRole<Secretaries>,
    result: Result<(), AppError>,
    done: &str,
) -> Result<HttpResponse, PageError> {
    match result {
        Ok(()) => {
            staff.flash("success", done);
            Ok(redirect(PATH))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let mut errors: Vec<String> = e.fields().iter().map(|f| f.message.clone()).collect();
            if errors.is_empty() {
                errors.push(e.to_string());
            }
            page(state, staff, e.status(), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/membership-settings/{entry}`: adds an entry.
pub async fn create_entry(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    path: web::Path<String>,
    form: web::Form<EntryForm>,
) -> Result<HttpResponse, PageError> {
    let entry = entry_of(&path)?;
    let result = catalog::save_entry(
        &state.db,
        &state.clock,
        staff.staff.id,
        None,
        change(entry, form.into_inner()),
    )
    .await;
    answer(&state, &staff, result, &format!("已添加{}", entry.label())).await
}

/// `POST /admin/membership-settings/{entry}/{id}`: saves an entry.
pub async fn update_entry(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    path: web::Path<(String, i64)>,
    form: web::Form<EntryForm>,
) -> Result<HttpResponse, PageError> {
    let (segment, id) = path.into_inner();
    let entry = entry_of(&segment)?;
    let result = catalog::save_entry(
        &state.db,
        &state.clock,
        staff.staff.id,
        Some(id),
        change(entry, form.into_inner()),
    )
    .await;
    answer(&state, &staff, result, &format!("已保存{}", entry.label())).await
}

/// `POST /admin/membership-settings/{entry}/{id}/delete`: removes an unused entry.
pub async fn delete_entry(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, PageError> {
    let (segment, id) = path.into_inner();
    let entry = entry_of(&segment)?;
    let result = catalog::delete_entry(&state.db, &state.clock, staff.staff.id, entry, id).await;
    answer(&state, &staff, result, &format!("已删除{}", entry.label())).await
}

/// The numbering form.
#[derive(Debug, Deserialize)]
pub struct NumberingForm {
    #[serde(default)]
    prefix: String,
    #[serde(default)]
    width: String,
}

/// `POST /admin/membership-settings/numbering`.
pub async fn update_numbering(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    form: web::Form<NumberingForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let result =
        numbering::set_numbering(&state.db, &state.clock, staff.staff.id, form.prefix, form.width)
            .await;
    answer(&state, &staff, result, "已保存会员编号规则").await
}
