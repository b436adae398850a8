//! The review inbox (审核中心): everything waiting for a decision, of every kind, oldest
//! first; the reviewer's diff of a pending revision beside the live one; approve /
//! reject with a note.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::pager::{Pager, pager};
use super::render::{Chrome, redirect, render, render_with};
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::error::AppError;
use crate::kernel::clock::display_minutes;
use crate::kernel::review::Decision;
use crate::kernel::revisions::RevisionStatus;
use crate::kernel::revisions::diff::FieldDiff;
use crate::profiles::reviews::{self, InboxKind, PAGE_SIZE, ReviewDetail};

/// One inbox row.
#[derive(Debug, Clone)]
pub struct InboxRow {
    /// `application`, `expert`…
    pub kind: &'static str,
    /// 会员申请…
    pub kind_label: &'static str,
    /// What it is about.
    pub title: String,
    /// 新提交 / 修改 / 入会申请…
    pub detail: String,
    /// Who submitted.
    pub submitter: String,
    /// When, formatted.
    pub submitted: String,
    /// Review page.
    pub href: String,
}

/// `GET /admin/reviews`.
#[derive(askama::Template)]
#[template(path = "web/reviews/index.html")]
pub struct ReviewsPage {
    /// Layout.
    pub chrome: Chrome,
    /// Rows, oldest first.
    pub rows: Vec<InboxRow>,
    /// Kind filter ("" = all).
    pub kind: String,
    /// Tabs: (value, label, count).
    pub tabs: Vec<(&'static str, &'static str, i64)>,
    /// Everything waiting.
    pub all_count: i64,
    /// Pages.
    pub pager: Pager,
}

/// Inbox filters.
#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    /// Kind.
    #[serde(default)]
    pub kind: String,
    /// Page.
    pub page: Option<i64>,
}

/// `GET /admin/reviews`.
pub async fn list_reviews(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    query: web::Query<InboxQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/reviews", "审核中心").await?;
    let tz = state.association_settings().await?.time_zone;
    let kind = InboxKind::parse(&query.kind);
    let page_no = query.page.unwrap_or(1);
    let inbox = reviews::inbox(&state.db, kind, page_no).await?;
    let kind_value = kind.map(InboxKind::as_str).unwrap_or_default().to_owned();
    let pager =
        pager("/admin/reviews", &[("kind", kind_value.clone())], page_no, inbox.total, PAGE_SIZE);
    let rows = inbox
        .items
        .into_iter()
        .map(|i| InboxRow {
            kind: i.kind.as_str(),
            kind_label: i.kind.label(),
            title: i.title,
            detail: i.detail,
            submitter: i.submitter,
            submitted: display_minutes(i.submitted_at, tz),
            href: i.href,
        })
        .collect();
    let page = ReviewsPage {
        chrome,
        rows,
        kind: kind_value,
        all_count: inbox.counts.iter().map(|(_, n)| n).sum(),
        tabs: inbox.counts.iter().map(|(k, n)| (k.as_str(), k.label(), *n)).collect(),
        pager,
    };
    render(&page)
}

/// `GET /admin/reviews/{id}`: the reviewer's diff.
#[derive(askama::Template)]
#[template(path = "web/reviews/show.html")]
pub struct ReviewPage {
    /// Layout.
    pub chrome: Chrome,
    /// Revision id.
    pub id: i64,
    /// 专家信息…
    pub kind_label: &'static str,
    /// The item's workbench page.
    pub item_href: String,
    /// What it is about.
    pub title: String,
    /// Who submitted.
    pub submitter: String,
    /// Submitted, formatted.
    pub submitted: String,
    /// An edit of a live item (else a new item).
    pub is_edit: bool,
    /// Still waiting.
    pub pending: bool,
    /// Status label.
    pub status_label: &'static str,
    /// `pending`, `approved`…
    pub status: &'static str,
    /// Decision line (decided revisions).
    pub decision: String,
    /// Field by field.
    pub diff: Vec<FieldDiff>,
    /// How many fields changed.
    pub changed: usize,
    /// Error of a failed decision.
    pub error: Option<String>,
}

fn item_href(detail: &ReviewDetail) -> String {
    use crate::kernel::revisions::RevisionKind;
    match detail.kind {
        RevisionKind::Expert => format!("/admin/experts/{}", detail.revision.item_id),
        RevisionKind::Certificate => format!("/admin/certificates/{}", detail.revision.item_id),
        RevisionKind::Listing => format!("/admin/listings/{}", detail.revision.item_id),
        RevisionKind::Enterprise => "/admin/enterprises".to_owned(),
    }
}

async fn review_page(
    state: &AppState,
    staff: &RequireRole<Secretaries>,
    id: i64,
    error: Option<String>,
) -> Result<ReviewPage, PageError> {
    let tz = state.association_settings().await?.time_zone;
    let detail = reviews::detail(&state.db, id).await?;
    let title = format!("审核{}", detail.kind.label());
    let chrome = Chrome::build(state, staff, "/admin/reviews", &title).await?;
    let rev = &detail.revision;
    let status = rev.status();
    let decision = match (rev.decided_at, &detail.reviewer) {
        (Some(at), Some(name)) => {
            format!("{} · {} · {name}", status.label(), display_minutes(at, tz))
        }
        _ => String::new(),
    };
    let decision = if rev.decision_note.is_empty() {
        decision
    } else {
        format!("{decision} · 意见：{}", rev.decision_note)
    };
    Ok(ReviewPage {
        chrome,
        id,
        kind_label: detail.kind.label(),
        item_href: item_href(&detail),
        title: rev.title.clone(),
        submitter: detail.submitter.clone(),
        submitted: display_minutes(rev.created_at, tz),
        is_edit: detail.is_edit,
        pending: status == RevisionStatus::Pending,
        status_label: status.label(),
        status: status.as_str(),
        decision,
        changed: detail.diff.iter().filter(|d| d.changed).count(),
        diff: detail.diff,
        error,
    })
}

/// `GET /admin/reviews/{id}`.
pub async fn show_review(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    render(&review_page(&state, &staff, *id, None).await?)
}

/// The decision form.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    /// `approve` or `reject`.
    #[serde(default)]
    pub decision: String,
    /// Note (required to reject).
    #[serde(default)]
    pub note: String,
}

/// `POST /admin/reviews/{id}/decide`: back to the inbox on success; the page again with
/// the message on a missing note (422) or when someone was faster (409).
pub async fn decide_review(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, PageError> {
    let id = *id;
    let result = match Decision::parse(&form.decision) {
        Some(decision) => {
            let note = form.note.clone();
            let reviewer = crate::kernel::audit::Actor::Staff(staff.staff.id);
            reviews::decide(&state.db, &state.clock, reviewer, id, decision, note).await
        }
        None => Err(AppError::field("decision", "请选择通过或驳回")),
    };
    match result {
        Ok(rev) => {
            staff.flash(
                "success",
                format!("已{}：{}", rev.status().label().trim_start_matches('已'), rev.title),
            );
            Ok(redirect("/admin/reviews"))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let fields: Vec<&str> = e.fields().iter().map(|f| f.message.as_str()).collect();
            let message = if fields.is_empty() { e.to_string() } else { fields.join("；") };
            render_with(e.status(), &review_page(&state, &staff, id, Some(message)).await?)
        }
        Err(e) => Err(e.into()),
    }
}
