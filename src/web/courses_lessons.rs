//! The lesson editor of a course (`/admin/courses/{id}/lessons/…`): add, edit, delete
//! (only while nobody studied the lesson).

use actix_web::{HttpResponse, web};

use super::courses_form::LessonForm;
use super::error::PageError;
use super::render::{Chrome, redirect, render, render_with};
use super::session::{Editors, RequireRole};
use crate::app::AppState;
use crate::error::{AppError, FieldError};
use crate::learning::courses;

/// The lesson form page.
#[derive(askama::Template)]
#[template(path = "web/courses/lesson_form.html")]
pub struct LessonFormPage {
    /// Layout.
    pub chrome: Chrome,
    /// The course.
    pub course_id: i64,
    /// The course's title.
    pub course_title: String,
    /// Where the form posts.
    pub action: String,
    /// Values.
    pub form: LessonForm,
    /// Field errors.
    pub errors: Vec<FieldError>,
}

impl LessonFormPage {
    /// The message for `field`, if any.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

async fn page(
    state: &AppState,
    staff: &RequireRole<Editors>,
    course_id: i64,
    lesson_id: Option<i64>,
    form: LessonForm,
    errors: Vec<FieldError>,
) -> Result<LessonFormPage, PageError> {
    let d = courses::detail(&state.db, course_id).await?;
    let title = if lesson_id.is_some() { "编辑课时" } else { "添加课时" };
    let chrome = Chrome::build(state, staff, "/admin/courses", title).await?;
    let action = match lesson_id {
        Some(id) => format!("/admin/courses/{course_id}/lessons/{id}"),
        None => format!("/admin/courses/{course_id}/lessons"),
    };
    Ok(LessonFormPage { chrome, course_id, course_title: d.course.title, action, form, errors })
}

/// `GET /admin/courses/{id}/lessons/new`.
pub async fn new_lesson(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    render(&page(&state, &staff, *id, None, LessonForm::blank(), vec![]).await?)
}

/// `GET /admin/courses/{id}/lessons/{lesson_id}`.
pub async fn edit_lesson(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, PageError> {
    let (course_id, lesson_id) = path.into_inner();
    let d = courses::detail(&state.db, course_id).await?;
    let lesson =
        d.lessons.iter().find(|l| l.id == lesson_id).ok_or_else(|| AppError::not_found("课时"))?;
    let form = LessonForm::from_lesson(lesson);
    render(&page(&state, &staff, course_id, Some(lesson_id), form, vec![]).await?)
}

async fn save(
    state: &AppState,
    staff: &RequireRole<Editors>,
    course_id: i64,
    lesson_id: Option<i64>,
    form: LessonForm,
) -> Result<HttpResponse, PageError> {
    let result = match form.parse() {
        Ok(input) => {
            courses::save_lesson(
                &state.db,
                &state.clock,
                staff.staff.id,
                course_id,
                lesson_id,
                input,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            staff.flash("success", "课时已保存");
            Ok(redirect(&format!("/admin/courses/{course_id}")))
        }
        Err(e @ AppError::Validation(_)) => {
            let p = page(state, staff, course_id, lesson_id, form, e.fields().to_vec()).await?;
            render_with(e.status(), &p)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/courses/{id}/lessons`.
pub async fn create_lesson(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
    form: web::Form<LessonForm>,
) -> Result<HttpResponse, PageError> {
    save(&state, &staff, *id, None, form.into_inner()).await
}

/// `POST /admin/courses/{id}/lessons/{lesson_id}`.
pub async fn update_lesson(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    path: web::Path<(i64, i64)>,
    form: web::Form<LessonForm>,
) -> Result<HttpResponse, PageError> {
    let (course_id, lesson_id) = path.into_inner();
    save(&state, &staff, course_id, Some(lesson_id), form.into_inner()).await
}

/// `POST /admin/courses/{id}/lessons/{lesson_id}/delete` (409 once studied).
pub async fn delete_lesson(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, PageError> {
    let (course_id, lesson_id) = path.into_inner();
    courses::delete_lesson(&state.db, &state.clock, staff.staff.id, course_id, lesson_id).await?;
    staff.flash("success", "课时已删除");
    Ok(redirect(&format!("/admin/courses/{course_id}")))
}
