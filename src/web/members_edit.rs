//! Staff edit a member (`/admin/members/{id}/edit`): name, type, position, industry,
//! company, title, status, or end the membership; every change audited.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::render::{Chrome, redirect, render, render_with};
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::error::{AppError, FieldError};
use crate::membership::catalog::{self, Catalogue};
use crate::membership::edit::{self, MemberEdit};
use crate::membership::members;
use crate::membership::model::status;

/// The form as sent (selects send ids as text; blank industry is none).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MemberEditForm {
    /// 姓名.
    #[serde(default)]
    pub name: String,
    /// 会员类型 id.
    #[serde(default)]
    pub member_type_id: String,
    /// 职务 id.
    #[serde(default)]
    pub position_id: String,
    /// 行业 id (blank: none).
    #[serde(default)]
    pub industry_id: String,
    /// 企业名称.
    #[serde(default)]
    pub company: String,
    /// 企业职务.
    #[serde(default)]
    pub title: String,
    /// `active` / `expired`.
    #[serde(default)]
    pub status: String,
    /// `on` to end the membership.
    #[serde(default)]
    pub end: Option<String>,
}

impl MemberEditForm {
    fn parse(&self) -> Result<MemberEdit, AppError> {
        let id = |field: &str, v: &str| {
            v.trim().parse::<i64>().map_err(|_| AppError::field(field, "请选择"))
        };
        let industry = match self.industry_id.trim() {
            "" => None,
            v => Some(id("industry_id", v)?),
        };
        Ok(MemberEdit {
            name: self.name.clone(),
            member_type_id: id("member_type_id", &self.member_type_id)?,
            position_id: id("position_id", &self.position_id)?,
            industry_id: industry,
            company: self.company.clone(),
            title: self.title.clone(),
            status: self.status.clone(),
            end: self.end.as_deref() == Some("on"),
        })
    }
}

/// `GET /admin/members/{id}/edit`.
#[derive(askama::Template)]
#[template(path = "web/members/edit.html")]
pub struct MemberEditPage {
    /// Layout.
    pub chrome: Chrome,
    /// Member id.
    pub id: i64,
    /// Member number.
    pub number: String,
    /// Whether the membership has ended (status and end are fixed then).
    pub resigned: bool,
    /// The values shown.
    pub form: MemberEditForm,
    /// Catalogue for the selects.
    pub catalogue: Catalogue,
    /// Field messages.
    pub errors: Vec<FieldError>,
}

impl MemberEditPage {
    /// The message for `field`, if any.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    /// Whether `id` is the chosen value of a select.
    pub fn chosen(&self, value: &str, id: &i64) -> bool {
        value.trim() == id.to_string()
    }
}

async fn page(
    state: &AppState,
    staff: &RequireRole<Secretaries>,
    id: i64,
    form: Option<MemberEditForm>,
    errors: Vec<FieldError>,
) -> Result<MemberEditPage, PageError> {
    let chrome = Chrome::build(state, staff, "/admin/members", "编辑会员").await?;
    let detail = members::member_detail(&state.db, id).await?;
    let m = detail.item.member;
    let form = form.unwrap_or_else(|| MemberEditForm {
        name: m.details.name.clone(),
        member_type_id: m.details.member_type_id.to_string(),
        position_id: m.details.position_id.to_string(),
        industry_id: m.details.industry_id.map(|i| i.to_string()).unwrap_or_default(),
        company: m.details.company.clone(),
        title: m.details.title.clone(),
        status: m.status.clone(),
        end: None,
    });
    let catalogue = catalog::catalogue(&state.db).await?;
    let resigned = m.status == status::RESIGNED;
    Ok(MemberEditPage { chrome, id, number: m.member_number, resigned, form, catalogue, errors })
}

/// `GET /admin/members/{id}/edit`.
pub async fn edit_member(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    render(&page(&state, &staff, *id, None, Vec::new()).await?)
}

/// `POST /admin/members/{id}/edit`: saves, or the form again with messages (422).
pub async fn update_member(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
    form: web::Form<MemberEditForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let result = match form.parse() {
        Ok(changes) => {
            edit::edit_member(&state.db, &state.clock, staff.staff.id, *id, changes).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(changed) => {
            staff.flash("success", if changed { "已保存" } else { "没有修改" });
            Ok(redirect(&format!("/admin/members/{}", *id)))
        }
        Err(AppError::Validation(errors)) => {
            let page = page(&state, &staff, *id, Some(form), errors).await?;
            render_with(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}
