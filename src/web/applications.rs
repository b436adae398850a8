//! The review queue of applications (入会、职务、退会申请): filters, pagination, counts,
//! approve / reject from the row (htmx) and from the detail page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::pager::{Pager, pager};
use super::render::{Chrome, redirect, render, render_with};
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::error::AppError;
use crate::kernel::clock::display_minutes;
use crate::kernel::review::Decision;
use crate::membership::ApplicationView;
use crate::membership::decide::{self, DecisionInput};
use crate::membership::model::ApplicationKind;
use crate::membership::queue::{self, ApplicationDetail, PAGE_SIZE, QueueItem};

/// A queue row as the table shows it.
#[derive(Debug, Clone)]
pub struct QueueRow {
    /// Id.
    pub id: i64,
    /// 入会申请…
    pub kind_label: String,
    /// `join`…
    pub kind: String,
    /// Applicant.
    pub applicant: String,
    /// Phone.
    pub phone: String,
    /// What is asked, e.g. 企业会员 · 理事 · 某公司.
    pub summary: String,
    /// `pending`…
    pub status: String,
    /// 待审核…
    pub status_label: String,
    /// Submitted, formatted.
    pub submitted: String,
    /// Note.
    pub note: String,
}

fn summary(a: &ApplicationView) -> String {
    let parts = [
        a.member_type_name.clone().unwrap_or_default(),
        a.position_name.clone().unwrap_or_default(),
        a.company.clone(),
        a.reason.chars().take(30).collect(),
    ];
    parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" · ")
}

fn queue_row(item: QueueItem, tz: chrono_tz::Tz) -> QueueRow {
    let a = item.application;
    QueueRow {
        id: a.id,
        summary: summary(&a),
        submitted: display_minutes(a.submitted_at, tz),
        kind_label: a.kind_label,
        kind: a.kind,
        applicant: item.applicant,
        phone: item.phone,
        status: a.status,
        status_label: a.status_label,
        note: a.decision_note,
    }
}

/// `GET /admin/applications`.
#[derive(askama::Template)]
#[template(path = "web/applications/index.html")]
pub struct ApplicationsPage {
    /// Layout.
    pub chrome: Chrome,
    /// Rows.
    pub rows: Vec<QueueRow>,
    /// Kind filter ("" = all).
    pub kind: String,
    /// Status filter ("" = all).
    pub status: String,
    /// Kind choices (value, label).
    pub kinds: Vec<(&'static str, &'static str)>,
    /// Status tabs: (value, label, count).
    pub counts: Vec<(&'static str, &'static str, i64)>,
    /// Pages.
    pub pager: Pager,
    /// CSRF token (rows).
    pub csrf_token: String,
    /// Row error (never set on the full page).
    pub error: Option<String>,
}

/// One row, swapped in after a decision from the list.
#[derive(askama::Template)]
#[template(path = "web/applications/row.html")]
pub struct QueueRowFragment {
    /// The row.
    pub row: QueueRow,
    /// CSRF token.
    pub csrf_token: String,
    /// Error to show in the row.
    pub error: Option<String>,
}

/// Queue filters in the query string.
#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    /// Kind.
    #[serde(default)]
    pub kind: String,
    /// Status (default: pending).
    pub status: Option<String>,
    /// Page.
    pub page: Option<i64>,
}

/// `GET /admin/applications`.
pub async fn list_applications(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/applications", "会员申请审核").await?;
    let tz = state.association_settings().await?.time_zone;
    let status = query.status.clone().unwrap_or_else(|| "pending".into());
    let filter = queue::queue_filter(Some(&query.kind), Some(&status));
    let (kind, status) =
        (filter.kind.clone().unwrap_or_default(), filter.status.clone().unwrap_or_default());
    let page_no = query.page.unwrap_or(1);
    let result = queue::queue(&state.db, filter, page_no).await?;
    let filters = [
        ("kind", kind.clone()),
        ("status", if status.is_empty() { "all".into() } else { status.clone() }),
    ];
    let pager = pager("/admin/applications", &filters, page_no, result.page.total, PAGE_SIZE);
    let page = ApplicationsPage {
        csrf_token: chrome.csrf_token.clone(),
        chrome,
        rows: result.page.rows.into_iter().map(|i| queue_row(i, tz)).collect(),
        kinds: ApplicationKind::ALL.iter().map(|k| (k.as_str(), k.label())).collect(),
        counts: result.counts.into_iter().map(|(s, n)| (s.as_str(), s.label(), n)).collect(),
        kind,
        status,
        pager,
        error: None,
    };
    render(&page)
}

/// `GET /admin/applications/{id}`.
#[derive(askama::Template)]
#[template(path = "web/applications/detail.html")]
pub struct ApplicationPage {
    /// Layout.
    pub chrome: Chrome,
    /// The application.
    pub row: QueueRow,
    /// The full view.
    pub app: ApplicationView,
    /// Loaded detail.
    pub detail: ApplicationDetail,
    /// Decided at, formatted.
    pub decided: String,
    /// Earlier applications: (id, kind, status, submitted).
    pub history: Vec<(i64, String, String, String)>,
    /// Letter is an image (inline) rather than a download.
    pub letter_is_image: bool,
    /// Error of a failed decision.
    pub error: Option<String>,
    /// The dues a join approval would charge, e.g. ¥2000.00.
    pub dues: String,
}

async fn application_page(
    state: &AppState,
    staff: &RequireRole<Secretaries>,
    id: i64,
    error: Option<String>,
) -> Result<ApplicationPage, PageError> {
    let chrome = Chrome::build(state, staff, "/admin/applications", "申请详情").await?;
    let tz = state.association_settings().await?.time_zone;
    let detail = queue::detail(&state.db, id).await?;
    let app = detail.item.application.clone();
    let history = detail
        .history
        .iter()
        .map(|h| {
            (
                h.id,
                h.kind_label.clone(),
                h.status_label.clone(),
                display_minutes(h.submitted_at, tz),
            )
        })
        .collect();
    Ok(ApplicationPage {
        chrome,
        row: queue_row(detail.item.clone(), tz),
        decided: app.decided_at.map(|t| display_minutes(t, tz)).unwrap_or_default(),
        letter_is_image: detail.letter.as_ref().is_some_and(|f| f.kind == "image"),
        dues: detail.dues_cents.map(crate::kernel::money::format_cents).unwrap_or_default(),
        history,
        app,
        detail,
        error,
    })
}

/// `GET /admin/applications/{id}`.
pub async fn show_application(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    render(&application_page(&state, &staff, *id, None).await?)
}

/// The decision form.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    /// `approve` or `reject`.
    #[serde(default)]
    pub decision: String,
    /// Note.
    #[serde(default)]
    pub note: String,
    /// `on` to create this period's dues order (join approvals).
    pub create_dues_order: Option<String>,
}

fn error_text(err: &AppError) -> String {
    let fields: Vec<&str> = err.fields().iter().map(|f| f.message.as_str()).collect();
    if fields.is_empty() { err.to_string() } else { fields.join("；") }
}

/// `POST /admin/applications/{id}/decide`: from a row (htmx: answers with the row) or
/// from the detail page (redirects back to it).
pub async fn decide_application(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
    form: web::Form<DecisionForm>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let htmx = req.headers().contains_key("hx-request");
    let id = *id;
    let tz = state.association_settings().await?.time_zone;
    let result = match Decision::parse(&form.decision) {
        Some(decision) => {
            let input = DecisionInput {
                decision,
                note: form.note.clone(),
                create_dues_order: form.create_dues_order.is_some(),
            };
            let reviewer = crate::kernel::audit::Actor::Staff(staff.staff.id);
            decide::decide(&state.db, &state.clock, tz, reviewer, id, input).await
        }
        None => Err(AppError::field("decision", "请选择通过或驳回")),
    };
    let (status, error) = match result {
        Ok(_) => (StatusCode::OK, None),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            (e.status(), Some(error_text(&e)))
        }
        Err(e) => return Err(e.into()),
    };
    if htmx {
        let detail = queue::detail(&state.db, id).await?;
        let fragment = QueueRowFragment {
            row: queue_row(detail.item, tz),
            csrf_token: staff.csrf_token.clone(),
            error,
        };
        return render_with(status, &fragment);
    }
    match error {
        None => {
            staff.flash(
                "success",
                if form.decision == "approve" {
                    "已通过该申请"
                } else {
                    "已驳回该申请"
                },
            );
            Ok(redirect(&format!("/admin/applications/{id}")))
        }
        Some(message) => {
            render_with(status, &application_page(&state, &staff, id, Some(message)).await?)
        }
    }
}
