//! Certificates in the workbench (荣誉证书): every certificate with its review state,
//! association honours published directly, the verification QR, revoke with a reason.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::pager::{Pager, pager};
use super::render::{Chrome, redirect, render, render_with};
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::error::{AppError, FieldError};
use crate::kernel::clock::display_minutes;
use crate::profiles::certificates::{today, verify_url};
use crate::profiles::certificates_model::{CertificateFields, ExtraLine, KINDS, Validity};
use crate::profiles::certificates_staff::{self, PAGE_SIZE, StaffCertificate};
use crate::profiles::certificates_store::OwnerFilter;

/// A list row.
#[derive(Debug, Clone)]
pub struct CertificateRowView {
    /// The certificate.
    pub item: StaffCertificate,
    /// Updated, formatted.
    pub updated: String,
}

/// `GET /admin/certificates`.
#[derive(askama::Template)]
#[template(path = "web/certificates/index.html")]
pub struct CertificatesPage {
    /// Layout.
    pub chrome: Chrome,
    /// Rows.
    pub rows: Vec<CertificateRowView>,
    /// `association`, `members` or "".
    pub owner: String,
    /// Pages.
    pub pager: Pager,
}

/// List filters.
#[derive(Debug, Default, Deserialize)]
pub struct CertificatesQuery {
    /// `association`, `members`.
    #[serde(default)]
    pub owner: String,
    /// Page.
    pub page: Option<i64>,
}

/// `GET /admin/certificates`.
pub async fn list_certificates(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    query: web::Query<CertificatesQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/certificates", "荣誉证书").await?;
    let tz = state.association_settings().await?.time_zone;
    let (owner, value) = match query.owner.as_str() {
        "association" => (OwnerFilter::Association, "association"),
        "members" => (OwnerFilter::Members, "members"),
        _ => (OwnerFilter::Any, ""),
    };
    let page_no = query.page.unwrap_or(1);
    let result =
        certificates_staff::list(&state.db, owner, page_no, today(&state.clock, tz)).await?;
    let pager =
        pager("/admin/certificates", &[("owner", value.into())], page_no, result.total, PAGE_SIZE);
    let rows = result
        .items
        .into_iter()
        .map(|item| CertificateRowView { updated: display_minutes(item.updated_at, tz), item })
        .collect();
    render(&CertificatesPage { chrome, rows, owner: value.into(), pager })
}

/// The association-honour form as typed.
#[derive(Debug, Clone, Deserialize)]
pub struct CertificateForm {
    /// 证书名称.
    #[serde(default)]
    pub title: String,
    /// 证书类型.
    #[serde(default)]
    pub kind: String,
    /// 授予对象.
    #[serde(default)]
    pub awarded_to: String,
    /// 颁发机构.
    #[serde(default)]
    pub issuer: String,
    /// 颁发日期.
    #[serde(default)]
    pub issue_date: String,
    /// 证书编号.
    #[serde(default)]
    pub number: String,
    /// `range`, `text`, `permanent`.
    #[serde(default)]
    pub validity_type: String,
    /// Range start.
    #[serde(default)]
    pub valid_from: String,
    /// Range end.
    #[serde(default)]
    pub valid_until: String,
    /// Text validity.
    #[serde(default)]
    pub validity_text: String,
    /// `标签：内容` per line.
    #[serde(default)]
    pub extra_lines: String,
    /// File ids separated by commas.
    #[serde(default)]
    pub image_file_ids: String,
}

impl Default for CertificateForm {
    fn default() -> Self {
        Self {
            title: String::new(),
            kind: "荣誉证书".into(),
            awarded_to: String::new(),
            issuer: String::new(),
            issue_date: String::new(),
            number: String::new(),
            validity_type: "permanent".into(),
            valid_from: String::new(),
            valid_until: String::new(),
            validity_text: String::new(),
            extra_lines: String::new(),
            image_file_ids: String::new(),
        }
    }
}

impl CertificateForm {
    fn parse(&self) -> Result<CertificateFields, AppError> {
        let validity = match self.validity_type.as_str() {
            "range" => {
                Validity::Range { from: self.valid_from.clone(), until: self.valid_until.clone() }
            }
            "text" => Validity::Text { text: self.validity_text.clone() },
            _ => Validity::Permanent,
        };
        let mut image_file_ids = Vec::new();
        for part in
            self.image_file_ids.split([',', '，', ' ', '、']).filter(|p| !p.trim().is_empty())
        {
            let id = part.trim().parse().map_err(|_| {
                AppError::field("image_file_ids", "请填写文件编号（数字，用逗号分隔）")
            })?;
            image_file_ids.push(id);
        }
        let extra_lines = self
            .extra_lines
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (label, value) = l.split_once(['：', ':']).unwrap_or((l, ""));
                ExtraLine { label: label.trim().into(), value: value.trim().into() }
            })
            .collect();
        Ok(CertificateFields {
            title: self.title.clone(),
            kind: self.kind.clone(),
            awarded_to: self.awarded_to.clone(),
            issuer: self.issuer.clone(),
            issue_date: self.issue_date.clone(),
            number: self.number.clone(),
            validity,
            extra_lines,
            image_file_ids,
        })
    }
}

/// `GET /admin/certificates/new`.
#[derive(askama::Template)]
#[template(path = "web/certificates/form.html")]
pub struct CertificateFormPage {
    /// Layout.
    pub chrome: Chrome,
    /// Values.
    pub form: CertificateForm,
    /// Messages.
    pub errors: Vec<FieldError>,
    /// Kind suggestions.
    pub kinds: [&'static str; 5],
}

impl CertificateFormPage {
    /// The message for `field`, if any.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

/// `GET /admin/certificates/new`.
pub async fn new_certificate(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/certificates", "发布协会荣誉").await?;
    render(&CertificateFormPage {
        chrome,
        form: CertificateForm::default(),
        errors: Vec::new(),
        kinds: KINDS,
    })
}

/// `POST /admin/certificates`: an association honour, live at once.
pub async fn create_certificate(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    form: web::Form<CertificateForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let tz = state.association_settings().await?.time_zone;
    let result = match form.parse() {
        Ok(fields) => {
            let today = today(&state.clock, tz);
            certificates_staff::publish_honour(
                &state.db,
                &state.clock,
                staff.staff.id,
                today,
                fields,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => {
            staff.flash("success", "协会荣誉已发布");
            Ok(redirect(&format!("/admin/certificates/{id}")))
        }
        Err(AppError::Validation(errors)) => {
            let chrome =
                Chrome::build(&state, &staff, "/admin/certificates", "发布协会荣誉").await?;
            let page = CertificateFormPage { chrome, form, errors, kinds: KINDS };
            render_with(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /admin/certificates/{id}`.
#[derive(askama::Template)]
#[template(path = "web/certificates/show.html")]
pub struct CertificatePage {
    /// Layout.
    pub chrome: Chrome,
    /// The certificate.
    pub item: StaffCertificate,
    /// The public verification page.
    pub verify_url: Option<String>,
}

/// `GET /admin/certificates/{id}`.
pub async fn show_certificate(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/certificates", "证书详情").await?;
    let tz = state.association_settings().await?.time_zone;
    let item = certificates_staff::detail(&state.db, *id, today(&state.clock, tz)).await?;
    let base = &state.config.public_base_url;
    let verify_url = item.verify_code.as_deref().map(|c| verify_url(base, c));
    render(&CertificatePage { chrome, item, verify_url })
}

/// `GET /admin/certificates/{id}/qr.png`: the verification link as a QR code to print.
pub async fn show_certificate_qr(
    state: web::Data<AppState>,
    _staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let tz = state.association_settings().await?.time_zone;
    let item = certificates_staff::detail(&state.db, *id, today(&state.clock, tz)).await?;
    let code = item.verify_code.ok_or_else(|| AppError::not_found("验证码"))?;
    let url = verify_url(&state.config.public_base_url, &code);
    let png = tokio::task::spawn_blocking(move || crate::kernel::qr::png(&url, 600))
        .await
        .map_err(AppError::internal)??;
    Ok(HttpResponse::Ok().content_type("image/png").body(png))
}

/// The revoke form.
#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// `POST /admin/certificates/{id}/revoke`.
pub async fn revoke_certificate(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
    form: web::Form<RevokeForm>,
) -> Result<HttpResponse, PageError> {
    let reason = form.reason.clone();
    match certificates_staff::revoke(&state.db, &state.clock, staff.staff.id, *id, reason).await {
        Ok(()) => staff.flash("success", "证书已撤销"),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let message = e.fields().first().map_or_else(|| e.to_string(), |f| f.message.clone());
            staff.flash("error", message);
        }
        Err(e) => return Err(e.into()),
    }
    Ok(redirect(&format!("/admin/certificates/{}", *id)))
}

/// `POST /admin/certificates/{id}/delete`.
pub async fn delete_certificate(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    certificates_staff::delete(&state.db, &state.clock, staff.staff.id, *id).await?;
    staff.flash("success", "证书已删除");
    Ok(redirect("/admin/certificates"))
}
