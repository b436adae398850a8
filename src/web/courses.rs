//! Courses in the workbench (`/admin/courses`): the list, the course form, the course
//! page with its lessons and the pass-score warning, publishing, and the learners with
//! progress, score, pass date and certificate number (paged, and as Excel).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::courses_form::CourseForm;
use super::error::PageError;
use super::pager::{Pager, pager};
use super::render::{Chrome, redirect, render, render_with};
use super::session::{Editors, RequireRole};
use crate::app::AppState;
use crate::error::{AppError, FieldError};
use crate::kernel::clock::display_minutes;
use crate::kernel::money::format_cents;
use crate::kernel::page::{PAGE_SIZE, PageRequest};
use crate::learning::courses::{self, CourseDetail, Learner};
use crate::learning::model::{audience, enrolment, kind, status};

/// Page number.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    /// Page.
    pub page: Option<i64>,
}

/// Labels for templates.
pub struct Labels;

impl Labels {
    /// Course status.
    pub fn status(&self, s: &str) -> &'static str {
        status::label(s)
    }
    /// Audience.
    pub fn audience(&self, s: &str) -> &'static str {
        audience::label(s)
    }
    /// Lesson kind.
    pub fn kind(&self, s: &str) -> &'static str {
        kind::label(s)
    }
    /// Enrolment state.
    pub fn enrolment(&self, s: &str) -> &'static str {
        enrolment::label(s)
    }
    /// Money.
    pub fn money(&self, cents: &i64) -> String {
        if *cents == 0 { "免费".into() } else { format_cents(*cents) }
    }
}

/// `GET /admin/courses`.
#[derive(askama::Template)]
#[template(path = "web/courses/index.html")]
pub struct CoursesPage {
    /// Layout.
    pub chrome: Chrome,
    /// Courses.
    pub rows: Vec<CourseDetail>,
    /// Pages.
    pub pager: Pager,
    /// Labels.
    pub l: Labels,
}

/// `GET /admin/courses`: newest first.
pub async fn list_courses(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/courses", "学习平台").await?;
    let page = courses::courses(&state.db, PageRequest::new(query.page.unwrap_or(1))).await?;
    let pager = pager("/admin/courses", &[], page.page, page.total, PAGE_SIZE);
    render(&CoursesPage { chrome, rows: page.rows, pager, l: Labels })
}

/// The course form page.
#[derive(askama::Template)]
#[template(path = "web/courses/form.html")]
pub struct CourseFormPage {
    /// Layout.
    pub chrome: Chrome,
    /// Where the form posts.
    pub action: String,
    /// Values.
    pub form: CourseForm,
    /// Field errors.
    pub errors: Vec<FieldError>,
}

impl CourseFormPage {
    /// The message for `field`, if any.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

async fn form_page(
    state: &AppState,
    staff: &RequireRole<Editors>,
    action: String,
    form: CourseForm,
    errors: Vec<FieldError>,
) -> Result<CourseFormPage, PageError> {
    let title = if action == "/admin/courses" { "新建课程" } else { "编辑课程" };
    let chrome = Chrome::build(state, staff, "/admin/courses", title).await?;
    Ok(CourseFormPage { chrome, action, form, errors })
}

/// `GET /admin/courses/new`.
pub async fn new_course(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
) -> Result<HttpResponse, PageError> {
    let page =
        form_page(&state, &staff, "/admin/courses".into(), CourseForm::blank(), vec![]).await?;
    render(&page)
}

async fn save(
    state: &AppState,
    staff: &RequireRole<Editors>,
    id: Option<i64>,
    form: CourseForm,
) -> Result<HttpResponse, PageError> {
    let tz = state.association_settings().await?.time_zone;
    let result = match form.parse(tz) {
        Ok(input) => match id {
            Some(id) => courses::update_course(&state.db, &state.clock, staff.staff.id, id, input)
                .await
                .map(|()| id),
            None => courses::create_course(&state.db, &state.clock, staff.staff.id, input)
                .await
                .map(|row| row.id),
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => {
            staff.flash("success", "课程已保存");
            Ok(redirect(&format!("/admin/courses/{id}")))
        }
        Err(e @ AppError::Validation(_)) => {
            let action =
                id.map_or_else(|| "/admin/courses".into(), |id| format!("/admin/courses/{id}"));
            let page = form_page(state, staff, action, form, e.fields().to_vec()).await?;
            render_with(e.status(), &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/courses`.
pub async fn create_course(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    form: web::Form<CourseForm>,
) -> Result<HttpResponse, PageError> {
    save(&state, &staff, None, form.into_inner()).await
}

/// `GET /admin/courses/{id}/edit`.
pub async fn edit_course(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let tz = state.association_settings().await?.time_zone;
    let d = courses::detail(&state.db, *id).await?;
    let form = CourseForm::from_course(&d.course, tz);
    render(&form_page(&state, &staff, format!("/admin/courses/{}", *id), form, vec![]).await?)
}

/// `POST /admin/courses/{id}`.
pub async fn update_course(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
    form: web::Form<CourseForm>,
) -> Result<HttpResponse, PageError> {
    save(&state, &staff, Some(*id), form.into_inner()).await
}

/// `GET /admin/courses/{id}`.
#[derive(askama::Template)]
#[template(path = "web/courses/show.html")]
pub struct CoursePage {
    /// Layout.
    pub chrome: Chrome,
    /// The course.
    pub d: CourseDetail,
    /// Windows as text: (enrolment, study).
    pub windows: (String, String),
    /// Labels.
    pub l: Labels,
}

fn window_text(
    s: Option<chrono::NaiveDateTime>,
    e: Option<chrono::NaiveDateTime>,
    tz: chrono_tz::Tz,
) -> String {
    match (s, e) {
        (None, None) => "不限".into(),
        (s, e) => format!(
            "{} 至 {}",
            s.map_or_else(|| "不限".into(), |t| display_minutes(t, tz)),
            e.map_or_else(|| "不限".into(), |t| display_minutes(t, tz))
        ),
    }
}

/// `GET /admin/courses/{id}`.
pub async fn show_course(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let tz = state.association_settings().await?.time_zone;
    let d = courses::detail(&state.db, *id).await?;
    let chrome = Chrome::build(&state, &staff, "/admin/courses", &d.course.title).await?;
    let c = &d.course;
    let windows = (
        window_text(c.enrol_starts_at, c.enrol_ends_at, tz),
        window_text(c.study_starts_at, c.study_ends_at, tz),
    );
    render(&CoursePage { chrome, d, windows, l: Labels })
}

/// `POST /admin/courses/{id}/publish`.
pub async fn publish_course(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    courses::set_published(&state.db, &state.clock, staff.staff.id, *id, true).await?;
    staff.flash("success", "课程已发布");
    Ok(redirect(&format!("/admin/courses/{}", *id)))
}

/// `POST /admin/courses/{id}/unpublish`.
pub async fn unpublish_course(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    courses::set_published(&state.db, &state.clock, staff.staff.id, *id, false).await?;
    staff.flash("success", "课程已改回草稿");
    Ok(redirect(&format!("/admin/courses/{}", *id)))
}

/// A learner row as shown.
pub struct LearnerView {
    /// The learner.
    pub item: Learner,
    /// Enrolled, formatted.
    pub enrolled: String,
    /// Passed, formatted.
    pub passed: String,
}

/// `GET /admin/courses/{id}/learners`.
#[derive(askama::Template)]
#[template(path = "web/courses/learners.html")]
pub struct LearnersPage {
    /// Layout.
    pub chrome: Chrome,
    /// The course.
    pub d: CourseDetail,
    /// Learners.
    pub rows: Vec<LearnerView>,
    /// Pages.
    pub pager: Pager,
    /// Labels.
    pub l: Labels,
}

/// `GET /admin/courses/{id}/learners`: in enrolment order.
pub async fn list_learners(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, PageError> {
    let tz = state.association_settings().await?.time_zone;
    let d = courses::detail(&state.db, *id).await?;
    let chrome = Chrome::build(&state, &staff, "/admin/courses", "学员学习情况").await?;
    let page = courses::learners(&state.db, *id, PageRequest::new(query.page.unwrap_or(1))).await?;
    let path = format!("/admin/courses/{}/learners", *id);
    let pager = pager(&path, &[], page.page, page.total, PAGE_SIZE);
    let when =
        |t: Option<chrono::NaiveDateTime>| t.map(|t| display_minutes(t, tz)).unwrap_or_default();
    let rows = page
        .rows
        .into_iter()
        .map(|item| LearnerView {
            enrolled: when(item.enrolment.enrolled_at),
            passed: when(item.enrolment.passed_at),
            item,
        })
        .collect();
    render(&LearnersPage { chrome, d, rows, pager, l: Labels })
}

/// `GET /admin/courses/{id}/learners.xlsx`.
pub async fn export_learners(
    state: web::Data<AppState>,
    _staff: RequireRole<Editors>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let tz = state.association_settings().await?.time_zone;
    let bytes = courses::export_learners(&state.db, *id, tz).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"course-{}-learners.xlsx\"", *id),
        ))
        .body(bytes))
}
