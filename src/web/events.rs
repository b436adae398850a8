//! Workbench events: the list (filters in the query string, paginated), the create and
//! edit form, publish, cancel and code rotation.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::error::PageError;
use super::events_form::EventForm;
use super::render::{Chrome, redirect, render, render_with};
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::error::{AppError, FieldError};
use crate::events::{self, EventFilter};
use crate::kernel::clock::display_minutes;

/// A row of the events table.
#[derive(Debug)]
pub struct EventListRow {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Start, formatted.
    pub starts: String,
    /// Place.
    pub place: String,
    /// Capacity.
    pub capacity: i32,
    /// Status value.
    pub status: String,
    /// Status label.
    pub status_label: &'static str,
}

/// `?status=&q=&page=` of the list (kept in the links, so filters are remembered).
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ListQuery {
    /// Status filter.
    #[serde(default)]
    pub status: String,
    /// Title search.
    #[serde(default)]
    pub q: String,
    /// `1`: only events with registrations awaiting approval (the home's queue link).
    #[serde(default)]
    pub pending: String,
    /// Page.
    #[serde(default)]
    pub page: Option<i64>,
}

/// `GET /admin/events`.
#[derive(askama::Template)]
#[template(path = "web/events/index.html")]
pub struct EventsPage {
    /// Layout.
    pub chrome: Chrome,
    /// Rows.
    pub rows: Vec<EventListRow>,
    /// Filters.
    pub query: ListQuery,
    /// Page number.
    pub page: i64,
    /// Pages.
    pub pages: i64,
    /// Total.
    pub total: i64,
    /// Query string of the filters (for page links).
    pub filter_qs: String,
}

/// `GET /admin/events`.
pub async fn list_events(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let query = query.into_inner();
    let chrome = Chrome::build(&state, &staff, "/admin/events", "活动管理").await?;
    let tz = state.association_settings().await?.time_zone;
    let filter = EventFilter {
        status: Some(query.status.clone()).filter(|s| !s.is_empty()),
        q: Some(query.q.trim().to_owned()).filter(|s| !s.is_empty()),
        pending: query.pending == "1",
    };
    let page = events::list_events(&state.db, filter, query.page.unwrap_or(1)).await?;
    let pages = page.pages();
    let rows = page
        .rows
        .into_iter()
        .map(|e| EventListRow {
            status_label: e.status_label(),
            starts: display_minutes(e.starts_at, tz),
            id: e.id,
            capacity: e.capacity,
            title: e.details.title,
            place: e.details.place,
            status: e.status,
        })
        .collect();
    let filter_qs = serde_urlencoded_pairs(&[
        ("status", &query.status),
        ("q", &query.q),
        ("pending", &query.pending),
    ]);
    render(&EventsPage {
        chrome,
        rows,
        page: page.page,
        pages,
        total: page.total,
        query,
        filter_qs,
    })
}

/// `k=v&…` for non-empty values, URL-encoded.
pub fn serde_urlencoded_pairs(pairs: &[(&str, &str)]) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        out.append_pair(k, v);
    }
    out.finish()
}

/// The create / edit page.
#[derive(askama::Template)]
#[template(path = "web/events/form.html")]
pub struct EventFormPage {
    /// Layout.
    pub chrome: Chrome,
    /// Where the form posts.
    pub action: String,
    /// Values.
    pub form: EventForm,
    /// Errors: (field, message).
    pub errors: Vec<FieldError>,
}

impl EventFormPage {
    /// The message for `field`, if any.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

/// `GET /admin/events/new`.
pub async fn new_event(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/events", "新建活动").await?;
    render(&EventFormPage {
        chrome,
        action: "/admin/events".into(),
        form: EventForm::blank(),
        errors: Vec::new(),
    })
}

/// `GET /admin/events/{id}/edit`.
pub async fn edit_event(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let event = events::find_event(&state.db, *id).await?;
    let tz = state.association_settings().await?.time_zone;
    let chrome = Chrome::build(&state, &staff, "/admin/events", "编辑活动").await?;
    let form = EventForm::from_event(&event, tz);
    render(&EventFormPage {
        chrome,
        action: format!("/admin/events/{}", event.id),
        form,
        errors: Vec::new(),
    })
}

/// `POST /admin/events`: creates a draft.
pub async fn create_event(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    form: web::Form<EventForm>,
) -> Result<HttpResponse, PageError> {
    save(state, staff, None, form.into_inner()).await
}

/// `POST /admin/events/{id}`: saves changes.
pub async fn update_event(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
    form: web::Form<EventForm>,
) -> Result<HttpResponse, PageError> {
    save(state, staff, Some(*id), form.into_inner()).await
}

async fn save(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: Option<i64>,
    form: EventForm,
) -> Result<HttpResponse, PageError> {
    let tz = state.association_settings().await?.time_zone;
    let staff_id = staff.staff.id;
    let saved = match form.parse(tz) {
        Ok(input) => match id {
            None => events::create_event(&state.db, &state.clock, staff_id, input).await,
            Some(id) => {
                events::update_event(&state.db, &state.clock, tz, staff_id, id, input).await
            }
        },
        Err(e) => Err(e),
    };
    match saved {
        Ok(event) => {
            staff.flash("success", format!("已保存活动「{}」", event.title));
            Ok(redirect(&format!("/admin/events/{}", event.id)))
        }
        Err(AppError::Validation(errors)) => {
            let title = if id.is_some() { "编辑活动" } else { "新建活动" };
            let chrome = Chrome::build(&state, &staff, "/admin/events", title).await?;
            let action =
                id.map_or_else(|| "/admin/events".into(), |id| format!("/admin/events/{id}"));
            render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &EventFormPage { chrome, action, form, errors },
            )
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /admin/events/{id}/publish`.
pub async fn publish_event(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let event = events::publish_event(&state.db, &state.clock, staff.staff.id, *id).await?;
    staff.flash("success", format!("已发布活动「{}」", event.title));
    Ok(redirect(&format!("/admin/events/{}", event.id)))
}

/// `POST /admin/events/{id}/cancel`.
pub async fn cancel_event(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let event = events::cancel_event(&state.db, &state.clock, staff.staff.id, *id).await?;
    staff.flash("success", format!("已取消活动「{}」", event.title));
    Ok(redirect(&format!("/admin/events/{}", event.id)))
}

/// `POST /admin/events/{id}/rotate-codes`.
pub async fn rotate_codes(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let event = events::rotate_codes(&state.db, &state.clock, staff.staff.id, *id).await?;
    staff.flash("success", "已更换签到码和签退码，旧的二维码已失效，请重新打印海报");
    Ok(redirect(&format!("/admin/events/{}", event.id)))
}
