//! The secretary's workbench in the mini-program (秘书工作台): review queues, pending
//! items, the reviewer's diff, decisions — for users linked to deciding staff and for
//! members whose position may review (403 for everyone else, checked on every request).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::auth::BearerUser;
use super::body::JsonObject;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::error::AppError;
use crate::kernel::review::Decision;
use crate::membership::ApplicationView;
use crate::profiles::reviews::InboxKind;
use crate::workbench::{self, ItemDetail, WorkbenchDecision};

/// One queue.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueView {
    /// `application`, `expert`, `certificate`, `listing`, `enterprise`.
    pub kind: String,
    /// 会员申请…
    pub label: String,
    /// Pending items.
    pub count: i64,
}

/// Every queue.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueuesView {
    /// Queues in menu order.
    pub queues: Vec<QueueView>,
}

/// One pending item.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkItemView {
    /// Its queue.
    pub kind: String,
    /// The application's id, or the revision's.
    pub id: i64,
    /// What it is about.
    pub title: String,
    /// 新提交 / 修改 / the application's kind.
    pub detail: String,
    /// Who submitted it.
    pub submitter: String,
    /// When.
    pub submitted_at: DateTime<Utc>,
}

/// A page of pending items, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkItemPageView {
    /// Items.
    pub items: Vec<WorkItemView>,
    /// Pending items under the filter.
    pub total: i64,
    /// Page (1-based).
    pub page: i64,
    /// Pages.
    pub pages: i64,
}

/// One field of the reviewer's diff (plain text; images by file id).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DiffFieldView {
    /// zh-CN label.
    pub label: String,
    /// Whether the pending value differs from the live one.
    pub changed: bool,
    /// The live value (empty for a new item).
    pub live: String,
    /// The pending value.
    pub pending: String,
}

/// An item in detail.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkItemDetailView {
    /// Its queue.
    pub kind: String,
    /// Id.
    pub id: i64,
    /// What it is about.
    pub title: String,
    /// Who submitted it.
    pub submitter: String,
    /// `pending`, `approved`, `rejected`…
    pub status: String,
    /// An edit of a live item (revisions).
    pub is_edit: bool,
    /// The application (applications only).
    pub application: Option<ApplicationView>,
    /// The reviewer's diff (revisions; empty for applications).
    pub diff: Vec<DiffFieldView>,
}

/// `?kind=&page=`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ItemsQuery {
    /// A queue (`application`, `expert`, `certificate`, `listing`, `enterprise`); empty: all.
    pub kind: Option<String>,
    /// 1-based page.
    pub page: Option<i64>,
}

/// A decision.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// `approve` or `reject`.
    pub decision: String,
    /// Note to the submitter (required to reject).
    #[serde(default)]
    pub note: String,
    /// Joins: create this period's dues order.
    #[serde(default)]
    pub create_dues_order: bool,
}

fn queue_of(kind: &str) -> Result<InboxKind, ApiError> {
    InboxKind::parse(kind).ok_or_else(|| AppError::not_found("审核类型").into())
}

fn detail_view(detail: ItemDetail) -> WorkItemDetailView {
    match detail {
        ItemDetail::Application(d) => WorkItemDetailView {
            kind: InboxKind::Application.as_str().into(),
            id: d.item.application.id,
            title: d.item.application.company.clone(),
            submitter: d.item.applicant.clone(),
            status: d.item.application.status.clone(),
            is_edit: false,
            application: Some(d.item.application),
            diff: Vec::new(),
        },
        ItemDetail::Revision(d) => {
            let text = |s: &[crate::kernel::revisions::diff::Segment]| {
                s.iter().map(|x| x.text.as_str()).collect::<String>()
            };
            let images = |s: &[(i64, crate::kernel::revisions::diff::Mark)]| {
                s.iter().map(|(id, _)| id.to_string()).collect::<Vec<_>>().join(",")
            };
            WorkItemDetailView {
                kind: d.kind.as_str().into(),
                id: d.revision.id,
                title: d.revision.title.clone(),
                submitter: d.submitter.clone(),
                status: d.revision.status().as_str().into(),
                is_edit: d.is_edit,
                application: None,
                diff: d
                    .diff
                    .iter()
                    .map(|f| DiffFieldView {
                        label: f.label.into(),
                        changed: f.changed,
                        live: if f.is_images { images(&f.live_images) } else { text(&f.live) },
                        pending: if f.is_images {
                            images(&f.pending_images)
                        } else {
                            text(&f.pending)
                        },
                    })
                    .collect(),
            }
        }
    }
}

/// The review queues with their pending counts.
#[utoipa::path(get, path = "/api/v1/workbench/queues", tag = "workbench",
    responses((status = 200, body = QueuesView), (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Neither deciding staff nor a member whose position may review", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_queues(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    let counts = workbench::queues(&state.db, user.user.id).await?;
    let queues = counts
        .into_iter()
        .map(|(k, n)| QueueView { kind: k.as_str().into(), label: k.label().into(), count: n })
        .collect();
    Ok(HttpResponse::Ok().json(QueuesView { queues }))
}

/// Pending items, oldest first, of one queue or all.
#[utoipa::path(get, path = "/api/v1/workbench/items", tag = "workbench", params(ItemsQuery),
    responses((status = 200, body = WorkItemPageView), (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "May not review", body = ErrorBody),
        (status = 404, description = "No such queue", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_items(
    state: web::Data<AppState>,
    user: BearerUser,
    query: web::Query<ItemsQuery>,
) -> Result<HttpResponse, ApiError> {
    let queue = match query.kind.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(kind) => Some(queue_of(kind)?),
    };
    let page = query.page.unwrap_or(1).clamp(1, 100_000);
    let inbox = workbench::items(&state.db, user.user.id, queue, page).await?;
    let size = crate::profiles::reviews::PAGE_SIZE;
    Ok(HttpResponse::Ok().json(WorkItemPageView {
        total: inbox.total,
        page,
        pages: (inbox.total + size - 1) / size,
        items: inbox
            .items
            .into_iter()
            .map(|i| WorkItemView {
                kind: i.kind.as_str().into(),
                id: i.id,
                title: i.title,
                detail: i.detail,
                submitter: i.submitter,
                submitted_at: i.submitted_at.and_utc(),
            })
            .collect(),
    }))
}

/// One item with the reviewer's diff where one exists.
#[utoipa::path(get, path = "/api/v1/workbench/items/{kind}/{id}", tag = "workbench",
    params(("kind" = String, Path, description = "Queue"), ("id" = i64, Path, description = "Item id")),
    responses((status = 200, body = WorkItemDetailView), (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "May not review", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_item(
    state: web::Data<AppState>,
    user: BearerUser,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (kind, id) = path.into_inner();
    let queue = queue_of(&kind)?;
    let detail = workbench::item(&state.db, user.user.id, queue, id).await?;
    Ok(HttpResponse::Ok().json(detail_view(detail)))
}

/// Approves or rejects an item, as the browser queue does.
#[utoipa::path(post, path = "/api/v1/workbench/items/{kind}/{id}/decide", tag = "workbench",
    params(("kind" = String, Path, description = "Queue"), ("id" = i64, Path, description = "Item id")),
    request_body = DecisionBody,
    responses((status = 200, body = WorkItemDetailView), (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "May not review", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 409, description = "Already decided", body = ErrorBody),
        (status = 422, description = "No decision, or a rejection without a note", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn decide_item(
    state: web::Data<AppState>,
    user: BearerUser,
    path: web::Path<(String, i64)>,
    body: JsonObject<DecisionBody>,
) -> Result<HttpResponse, ApiError> {
    let (kind, id) = path.into_inner();
    let queue = queue_of(&kind)?;
    let body = body.into_inner();
    let decision = Decision::parse(&body.decision)
        .ok_or_else(|| AppError::field("decision", "须为 approve 或 reject"))?;
    let tz = state.association_settings().await?.time_zone;
    let input =
        WorkbenchDecision { decision, note: body.note, create_dues_order: body.create_dues_order };
    let detail =
        workbench::decide(&state.db, &state.clock, tz, user.user.id, queue, id, input).await?;
    Ok(HttpResponse::Ok().json(detail_view(detail)))
}
