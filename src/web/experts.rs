//! Experts in the workbench (专家库): every expert with its review state, search and
//! field filter; staff create (live at once), edit, assign to a member, delete.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::pager::{Pager, pager};
use super::render::{Chrome, redirect, render, render_with};
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::error::{AppError, FieldError};
use crate::kernel::clock::display_minutes;
use crate::profiles::experts::library_filter;
use crate::profiles::experts_model::ExpertFields;
use crate::profiles::experts_staff::{self, PAGE_SIZE, StaffExpertItem};

/// A list row.
#[derive(Debug, Clone)]
pub struct ExpertRowView {
    /// The item.
    pub item: StaffExpertItem,
    /// Updated, formatted.
    pub updated: String,
}

/// `GET /admin/experts`.
#[derive(askama::Template)]
#[template(path = "web/experts/index.html")]
pub struct ExpertsPage {
    /// Layout.
    pub chrome: Chrome,
    /// Rows.
    pub rows: Vec<ExpertRowView>,
    /// Search text.
    pub q: String,
    /// Field tag.
    pub field: String,
    /// Pages.
    pub pager: Pager,
}

/// List filters.
#[derive(Debug, Default, Deserialize)]
pub struct ExpertsQuery {
    /// Words.
    #[serde(default)]
    pub q: String,
    /// Field tag.
    #[serde(default)]
    pub field: String,
    /// Page.
    pub page: Option<i64>,
}

/// `GET /admin/experts`.
pub async fn list_experts(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    query: web::Query<ExpertsQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/experts", "专家库").await?;
    let tz = state.association_settings().await?.time_zone;
    let filter = library_filter(Some(&query.q), Some(&query.field), false);
    let page_no = query.page.unwrap_or(1);
    let result = experts_staff::list(&state.db, filter, page_no).await?;
    let filters = [("q", query.q.clone()), ("field", query.field.clone())];
    let pager = pager("/admin/experts", &filters, page_no, result.total, PAGE_SIZE);
    let rows = result
        .items
        .into_iter()
        .map(|item| ExpertRowView { updated: display_minutes(item.updated_at, tz), item })
        .collect();
    render(&ExpertsPage { chrome, rows, q: query.q.clone(), field: query.field.clone(), pager })
}

/// The expert form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ExpertForm {
    /// 姓名.
    #[serde(default)]
    pub name: String,
    /// Photo file id.
    #[serde(default)]
    pub photo_file_id: String,
    /// Tags separated by commas, 、 or spaces.
    #[serde(default)]
    pub fields: String,
    /// 职称.
    #[serde(default)]
    pub title: String,
    /// 工作单位.
    #[serde(default)]
    pub organisation: String,
    /// 个人简介.
    #[serde(default)]
    pub introduction: String,
    /// 主要成就.
    #[serde(default)]
    pub achievements: String,
    /// Owner's member number (blank: the association).
    #[serde(default)]
    pub owner_number: String,
}

impl ExpertForm {
    fn from_fields(f: &ExpertFields, owner_number: String) -> Self {
        Self {
            name: f.name.clone(),
            photo_file_id: f.photo_file_id.map(|id| id.to_string()).unwrap_or_default(),
            fields: f.fields.join("、"),
            title: f.title.clone(),
            organisation: f.organisation.clone(),
            introduction: f.introduction.clone(),
            achievements: f.achievements.clone(),
            owner_number,
        }
    }

    fn parse(&self) -> Result<ExpertFields, AppError> {
        let photo = self.photo_file_id.trim();
        let photo_file_id = if photo.is_empty() {
            None
        } else {
            Some(
                photo
                    .parse()
                    .map_err(|_| AppError::field("photo_file_id", "请填写文件编号（数字）"))?,
            )
        };
        let fields =
            self.fields.split([',', '，', '、', ' ', ';', '；']).map(str::to_owned).collect();
        Ok(ExpertFields {
            name: self.name.clone(),
            photo_file_id,
            fields,
            title: self.title.clone(),
            organisation: self.organisation.clone(),
            introduction: self.introduction.clone(),
            achievements: self.achievements.clone(),
        })
    }
}

/// `GET /admin/experts/new` and `/admin/experts/{id}`.
#[derive(askama::Template)]
#[template(path = "web/experts/form.html")]
pub struct ExpertFormPage {
    /// Layout.
    pub chrome: Chrome,
    /// Where the form posts.
    pub action: String,
    /// Values.
    pub form: ExpertForm,
    /// Messages.
    pub errors: Vec<FieldError>,
    /// The existing expert (edit page).
    pub item: Option<StaffExpertItem>,
}

impl ExpertFormPage {
    /// The message for `field`, if any.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

/// `GET /admin/experts/new`.
pub async fn new_expert(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/experts", "新建专家").await?;
    let page = ExpertFormPage {
        chrome,
        action: "/admin/experts".into(),
        form: ExpertForm::default(),
        errors: Vec::new(),
        item: None,
    };
    render(&page)
}

async fn form_again(
    state: &AppState,
    staff: &RequireRole<Secretaries>,
    id: Option<i64>,
    form: ExpertForm,
    err: AppError,
) -> Result<HttpResponse, PageError> {
    let errors = match &err {
        AppError::Validation(fields) => fields.clone(),
        _ => return Err(err.into()),
    };
    let (title, action, item) = match id {
        Some(id) => {
            let detail = experts_staff::detail(&state.db, id).await?;
            ("编辑专家", format!("/admin/experts/{id}"), Some(detail.item))
        }
        None => ("新建专家", "/admin/experts".into(), None),
    };
    let chrome = Chrome::build(state, staff, "/admin/experts", title).await?;
    let page = ExpertFormPage { chrome, action, form, errors, item };
    render_with(err.status(), &page)
}

/// `POST /admin/experts`: live at once.
pub async fn create_expert(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    form: web::Form<ExpertForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let result = match form.parse() {
        Ok(fields) => {
            let owner = form.owner_number.clone();
            experts_staff::create(&state.db, &state.clock, staff.staff.id, fields, owner).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => {
            staff.flash("success", "专家已发布");
            Ok(redirect(&format!("/admin/experts/{id}")))
        }
        Err(e) => form_again(&state, &staff, None, form, e).await,
    }
}

/// `GET /admin/experts/{id}`: edit form, owner and review state.
pub async fn show_expert(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let detail = experts_staff::detail(&state.db, *id).await?;
    let chrome = Chrome::build(&state, &staff, "/admin/experts", "编辑专家").await?;
    let page = ExpertFormPage {
        chrome,
        action: format!("/admin/experts/{}", *id),
        form: ExpertForm::from_fields(&detail.fields, detail.owner_number),
        errors: Vec::new(),
        item: Some(detail.item),
    };
    render(&page)
}

/// `POST /admin/experts/{id}`: the new version is live at once.
pub async fn update_expert(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
    form: web::Form<ExpertForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let result = match form.parse() {
        Ok(fields) => {
            experts_staff::update(&state.db, &state.clock, staff.staff.id, *id, fields).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            staff.flash("success", "已保存并发布");
            Ok(redirect(&format!("/admin/experts/{}", *id)))
        }
        Err(e) => form_again(&state, &staff, Some(*id), form, e).await,
    }
}

/// The assign form.
#[derive(Debug, Deserialize)]
pub struct AssignForm {
    /// Member number (blank: the association).
    #[serde(default)]
    pub owner_number: String,
}

/// `POST /admin/experts/{id}/assign`.
pub async fn assign_expert(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
    form: web::Form<AssignForm>,
) -> Result<HttpResponse, PageError> {
    let number = form.owner_number.clone();
    match experts_staff::assign(&state.db, &state.clock, staff.staff.id, *id, number).await {
        Ok(()) => staff.flash("success", "已更新归属"),
        Err(e @ AppError::Validation(_)) => {
            let message = e.fields().first().map(|f| f.message.clone()).unwrap_or_default();
            staff.flash("error", message);
        }
        Err(e) => return Err(e.into()),
    }
    Ok(redirect(&format!("/admin/experts/{}", *id)))
}

/// `POST /admin/experts/{id}/delete`.
pub async fn delete_expert(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    experts_staff::delete(&state.db, &state.clock, staff.staff.id, *id).await?;
    staff.flash("success", "专家已删除");
    Ok(redirect("/admin/experts"))
}
