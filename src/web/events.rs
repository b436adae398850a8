//! Workbench events: the list (filters in the query string, paginated), the create and
//! edit form, publish, cancel and code rotation.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{NaiveDateTime, TimeZone as _};
use serde::{Deserialize, Serialize};

use super::error::PageError;
use super::render::{Chrome, redirect, render, render_with};
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::error::{AppError, FieldError};
use crate::events::model::{DEFAULT_CHECKIN_OPENS_MINUTES, audience};
use crate::events::{self, EventFilter, EventInput, EventRow};
use crate::kernel::clock::display_minutes;
use crate::kernel::money::{format_cents, parse_yuan};

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
            title: e.title,
            place: e.place,
            capacity: e.capacity,
            status: e.status,
        })
        .collect();
    let filter_qs = serde_urlencoded_pairs(&[("status", &query.status), ("q", &query.q)]);
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

/// The event form as typed (times as `datetime-local`, fees in yuan).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct EventForm {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Cover file id.
    #[serde(default)]
    pub cover_file_id: String,
    /// Description HTML.
    #[serde(default)]
    pub description_html: String,
    /// Place.
    #[serde(default)]
    pub place: String,
    /// Start.
    #[serde(default)]
    pub starts_at: String,
    /// End.
    #[serde(default)]
    pub ends_at: String,
    /// Registration opens.
    #[serde(default)]
    pub registration_opens_at: String,
    /// Registration closes.
    #[serde(default)]
    pub registration_closes_at: String,
    /// Places.
    #[serde(default)]
    pub capacity: String,
    /// Member fee in yuan.
    #[serde(default)]
    pub member_fee: String,
    /// Non-member fee in yuan.
    #[serde(default)]
    pub non_member_fee: String,
    /// Checkbox.
    #[serde(default)]
    pub needs_approval: Option<String>,
    /// Checkbox.
    #[serde(default)]
    pub check_in_enabled: Option<String>,
    /// Checkbox.
    #[serde(default)]
    pub check_out_enabled: Option<String>,
    /// `everyone` / `members`.
    #[serde(default)]
    pub audience: String,
    /// Minutes before the start.
    #[serde(default)]
    pub checkin_opens_minutes: String,
    /// Checkbox.
    #[serde(default)]
    pub screen_only: Option<String>,
}

fn local_input(t: NaiveDateTime, tz: chrono_tz::Tz) -> String {
    t.and_utc().with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
}

fn yuan(cents: i64) -> String {
    format_cents(cents).trim_start_matches('¥').to_owned()
}

impl EventForm {
    /// A blank form with sensible defaults.
    pub fn blank() -> Self {
        Self {
            capacity: "50".into(),
            member_fee: "0".into(),
            non_member_fee: "0".into(),
            check_in_enabled: Some("on".into()),
            audience: audience::EVERYONE.into(),
            checkin_opens_minutes: DEFAULT_CHECKIN_OPENS_MINUTES.to_string(),
            ..Self::default()
        }
    }

    /// The form filled from a stored event.
    pub fn from_event(e: &EventRow, tz: chrono_tz::Tz) -> Self {
        let on = |b: bool| b.then(|| "on".to_owned());
        Self {
            title: e.title.clone(),
            cover_file_id: e.cover_file_id.map(|i| i.to_string()).unwrap_or_default(),
            description_html: e.description_html.clone(),
            place: e.place.clone(),
            starts_at: local_input(e.starts_at, tz),
            ends_at: local_input(e.ends_at, tz),
            registration_opens_at: local_input(e.registration_opens_at, tz),
            registration_closes_at: local_input(e.registration_closes_at, tz),
            capacity: e.capacity.to_string(),
            member_fee: yuan(e.member_fee_cents),
            non_member_fee: yuan(e.non_member_fee_cents),
            needs_approval: on(e.needs_approval),
            check_in_enabled: on(e.check_in_enabled),
            check_out_enabled: on(e.check_out_enabled),
            audience: e.audience.clone(),
            checkin_opens_minutes: e.checkin_opens_minutes.to_string(),
            screen_only: on(e.screen_only),
        }
    }

    /// Parses the form; every unreadable field is reported at once.
    pub fn parse(&self, tz: chrono_tz::Tz) -> Result<EventInput, AppError> {
        let mut errors = Vec::new();
        let mut time = |field: &str, text: &str| {
            let parsed = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M")
                .ok()
                .and_then(|local| tz.from_local_datetime(&local).earliest())
                .map(|t| t.naive_utc());
            parsed.unwrap_or_else(|| {
                errors.push(FieldError::new(field, "请填写正确的时间"));
                NaiveDateTime::default()
            })
        };
        let starts_at = time("starts_at", &self.starts_at);
        let ends_at = time("ends_at", &self.ends_at);
        let registration_opens_at = time("registration_opens_at", &self.registration_opens_at);
        let registration_closes_at = time("registration_closes_at", &self.registration_closes_at);
        let mut number = |field: &str, text: &str, message: &str| {
            text.trim().parse::<i32>().unwrap_or_else(|_| {
                errors.push(FieldError::new(field, message));
                0
            })
        };
        let capacity = number("capacity", &self.capacity, "名额须为整数");
        let checkin_opens_minutes = number(
            "checkin_opens_minutes",
            &self.checkin_opens_minutes,
            "签到提前时间须为整数（分钟）",
        );
        let mut money = |field: &str, text: &str| {
            parse_yuan(if text.trim().is_empty() { "0" } else { text }).unwrap_or_else(|| {
                errors.push(FieldError::new(field, "请填写正确的金额，如 12.50"));
                0
            })
        };
        let member_fee_cents = money("member_fee", &self.member_fee);
        let non_member_fee_cents = money("non_member_fee", &self.non_member_fee);
        let cover_file_id = match self.cover_file_id.trim() {
            "" => None,
            text => text.parse().map(Some).unwrap_or_else(|_| {
                errors.push(FieldError::new("cover_file_id", "封面须填写文件编号"));
                None
            }),
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(EventInput {
            title: self.title.clone(),
            cover_file_id,
            description_html: self.description_html.clone(),
            place: self.place.clone(),
            starts_at,
            ends_at,
            registration_opens_at,
            registration_closes_at,
            capacity,
            member_fee_cents,
            non_member_fee_cents,
            needs_approval: self.needs_approval.is_some(),
            check_in_enabled: self.check_in_enabled.is_some(),
            check_out_enabled: self.check_out_enabled.is_some(),
            audience: self.audience.clone(),
            checkin_opens_minutes,
            screen_only: self.screen_only.is_some(),
        })
    }
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
            Some(id) => events::update_event(&state.db, &state.clock, staff_id, id, input).await,
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
