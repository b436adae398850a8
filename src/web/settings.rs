//! Association settings (admins): name, time zone, logo, enterprise review.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::render::{Chrome, redirect, render_with};
use super::session::{Admins, RequireRole};
use super::time_zones::{ZoneOption, loopback_warning, zone_options};
use crate::app::AppState;
use crate::error::AppError;
use crate::kernel::settings::{self, AssociationChanges};

/// `GET /admin/settings`.
#[derive(askama::Template)]
#[template(path = "web/settings/index.html")]
pub struct SettingsPage {
    /// Layout.
    pub chrome: Chrome,
    /// Name field.
    pub name: String,
    /// Time zone field.
    pub time_zone: String,
    /// Common time zones, then every other (the current one selected).
    pub zones: (Vec<ZoneOption>, Vec<ZoneOption>),
    /// Shown while the public base URL is a loopback address.
    pub base_url_warning: Option<String>,
    /// Logo file id field.
    pub logo_file_id: String,
    /// Enterprise review checkbox.
    pub enterprise_review: bool,
    /// Messages.
    pub errors: Vec<String>,
}

/// The form.
#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    name: String,
    time_zone: String,
    #[serde(default)]
    logo_file_id: String,
    /// A checkbox: present (`on`) when ticked.
    #[serde(default)]
    enterprise_review: Option<String>,
}

/// `GET /admin/settings`.
pub async fn show_settings(
    state: web::Data<AppState>,
    admin: RequireRole<Admins>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &admin, "/admin/settings", "协会设置").await?;
    let current = state.association_settings().await?;
    let page = SettingsPage {
        chrome,
        name: current.name,
        zones: zone_options(current.time_zone.name()),
        base_url_warning: loopback_warning(&state.config.public_base_url),
        time_zone: current.time_zone.name().to_owned(),
        logo_file_id: current.logo_file_id.map(|id| id.to_string()).unwrap_or_default(),
        enterprise_review: current.enterprise_review,
        errors: Vec::new(),
    };
    render_with(StatusCode::OK, &page)
}

/// `POST /admin/settings`.
pub async fn update_settings(
    state: web::Data<AppState>,
    admin: RequireRole<Admins>,
    form: web::Form<SettingsForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let logo = match form.logo_file_id.trim() {
        "" => Ok(None),
        text => text
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::field("logo_file_id", "标志文件编号须为数字")),
    };
    let result = match logo {
        Ok(logo_file_id) => {
            let changes = AssociationChanges {
                name: form.name.clone(),
                time_zone: form.time_zone.clone(),
                logo_file_id,
                enterprise_review: form.enterprise_review.is_some(),
            };
            settings::update_association(&state.db, &state.clock, admin.staff.id, changes).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            admin.flash("success", "协会设置已保存");
            Ok(redirect("/admin/settings"))
        }
        Err(AppError::Validation(fields)) => {
            let chrome = Chrome::build(&state, &admin, "/admin/settings", "协会设置").await?;
            let page = SettingsPage {
                chrome,
                name: form.name,
                zones: zone_options(&form.time_zone),
                base_url_warning: loopback_warning(&state.config.public_base_url),
                time_zone: form.time_zone,
                logo_file_id: form.logo_file_id,
                enterprise_review: form.enterprise_review.is_some(),
                errors: fields.into_iter().map(|f| f.message).collect(),
            };
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other.into()),
    }
}
