//! Workbench surveys and polls: the list, the builder page (settings, questions with
//! their options, reordering by buttons), publish and duplicate. Results, export and
//! reminders are in `surveys_results` and `surveys_reminders`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::pager::{Pager, pager};
use super::render::{Chrome, redirect, render_with};
use super::session::{RequireRole, Secretaries};
use super::surveys_form::{QuestionForm, SurveyForm};
use crate::app::AppState;
use crate::error::{AppError, FieldError};
use crate::kernel::clock::display_minutes;
use crate::kernel::page::PAGE_SIZE;
use crate::surveys::model::{kind, qkind};
use crate::surveys::{self, Direction, Question, SurveyRow};

/// A row of the list.
#[derive(Debug)]
pub struct SurveyListRow {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// 问卷 / 投票.
    pub kind_label: &'static str,
    /// 草稿 / 未开始 / 进行中 / 已结束.
    pub state_label: &'static str,
    /// Responses.
    pub responses: i64,
    /// Closing time, formatted.
    pub closes: String,
}

/// `?kind=&page=`.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// Kind filter.
    #[serde(default)]
    pub kind: String,
    /// Page.
    #[serde(default)]
    pub page: Option<i64>,
}

/// `GET /admin/surveys`.
#[derive(askama::Template)]
#[template(path = "web/surveys/index.html")]
pub struct SurveysPage {
    /// Layout.
    pub chrome: Chrome,
    /// Rows.
    pub rows: Vec<SurveyListRow>,
    /// Kind filter.
    pub kind: String,
    /// Pages (the shared workbench pager, which keeps the filter in its links).
    pub pager: Pager,
}

/// `GET /admin/surveys`.
pub async fn list_surveys(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/surveys", "问卷投票").await?;
    let tz = state.association_settings().await?.time_zone;
    let now = state.clock.now_naive();
    let filter = Some(query.kind.clone()).filter(|k| k == kind::SURVEY || k == kind::POLL);
    let page = surveys::list(&state.db, filter, query.page.unwrap_or(1)).await?;
    let rows = page
        .rows
        .iter()
        .map(|s| SurveyListRow {
            id: s.id,
            title: s.title.clone(),
            kind_label: kind::label(&s.kind),
            state_label: s.state_label(now),
            responses: s.response_count,
            closes: s.closes_at.map(|t| display_minutes(t, tz)).unwrap_or_else(|| "—".into()),
        })
        .collect();
    let pairs = [("kind", query.kind.clone())];
    let pager = pager("/admin/surveys", &pairs, page.page, page.total, PAGE_SIZE);
    render_with(StatusCode::OK, &SurveysPage { chrome, rows, kind: query.kind.clone(), pager })
}

/// The builder page (also the "new" page when `survey` is none).
#[derive(askama::Template)]
#[template(path = "web/surveys/show.html")]
pub struct SurveyPage {
    /// Layout.
    pub chrome: Chrome,
    /// The survey, once created.
    pub survey: Option<SurveyRow>,
    /// Its questions.
    pub questions: Vec<(Question, QuestionForm)>,
    /// Settings.
    pub form: SurveyForm,
    /// The add-question form.
    pub new_question: QuestionForm,
    /// Errors.
    pub errors: Vec<FieldError>,
    /// Question types: (value, label).
    pub kinds: Vec<(&'static str, &'static str)>,
}

impl SurveyPage {
    /// The message for `field`, if any.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

async fn page(
    state: &AppState,
    staff: &RequireRole<Secretaries>,
    id: Option<i64>,
    form: Option<SurveyForm>,
    new_question: QuestionForm,
    errors: Vec<FieldError>,
) -> Result<SurveyPage, PageError> {
    let tz = state.association_settings().await?.time_zone;
    let full = match id {
        Some(id) => Some(surveys::find(&state.db, id).await?),
        None => None,
    };
    let title = full.as_ref().map_or("新建问卷/投票".to_owned(), |f| f.survey.title.clone());
    let chrome = Chrome::build(state, staff, "/admin/surveys", &title).await?;
    let form = form.unwrap_or_else(|| {
        full.as_ref().map_or_else(SurveyForm::blank, |f| SurveyForm::from_row(&f.survey, tz))
    });
    let (survey, questions) = match full {
        Some(f) => {
            let qs = f.questions.into_iter().map(|q| (QuestionForm::from_question(&q), q));
            (Some(f.survey), qs.map(|(form, q)| (q, form)).collect())
        }
        None => (None, Vec::new()),
    };
    let kinds = qkind::ALL.iter().map(|k| (*k, qkind::label(k))).collect();
    Ok(SurveyPage { chrome, survey, questions, form, new_question, errors, kinds })
}

/// `GET /admin/surveys/new`.
pub async fn new_survey(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
) -> Result<HttpResponse, PageError> {
    let p = page(&state, &staff, None, None, QuestionForm::blank(), Vec::new()).await?;
    render_with(StatusCode::OK, &p)
}

/// `GET /admin/surveys/{id}`.
pub async fn show_survey(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let p = page(&state, &staff, Some(*id), None, QuestionForm::blank(), Vec::new()).await?;
    render_with(StatusCode::OK, &p)
}

/// `POST /admin/surveys`: creates a draft.
pub async fn create_survey(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    form: web::Form<SurveyForm>,
) -> Result<HttpResponse, PageError> {
    save(state, staff, None, form.into_inner()).await
}

/// `POST /admin/surveys/{id}`: saves settings.
pub async fn update_survey(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
    form: web::Form<SurveyForm>,
) -> Result<HttpResponse, PageError> {
    save(state, staff, Some(*id), form.into_inner()).await
}

async fn save(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: Option<i64>,
    form: SurveyForm,
) -> Result<HttpResponse, PageError> {
    let tz = state.association_settings().await?.time_zone;
    let staff_id = staff.staff.id;
    let saved = match form.parse(tz) {
        Ok(d) => match id {
            None => surveys::create(&state.db, &state.clock, staff_id, d).await,
            Some(id) => surveys::update(&state.db, &state.clock, staff_id, id, d).await,
        },
        Err(e) => Err(e),
    };
    match saved {
        Ok(s) => {
            staff.flash("success", format!("已保存「{}」", s.title));
            Ok(redirect(&format!("/admin/surveys/{}", s.id)))
        }
        Err(AppError::Validation(errors)) => {
            let p = page(&state, &staff, id, Some(form), QuestionForm::blank(), errors).await?;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(other) => Err(other.into()),
    }
}

/// Answers a builder action: back to the page, a refusal as a flash message.
fn back(
    staff: &RequireRole<Secretaries>,
    id: i64,
    done: Result<String, AppError>,
) -> Result<HttpResponse, PageError> {
    match done {
        Ok(message) => staff.flash("success", message),
        Err(AppError::Conflict { message, .. }) => staff.flash("error", message),
        Err(other) => return Err(other.into()),
    }
    Ok(redirect(&format!("/admin/surveys/{id}")))
}

/// `POST /admin/surveys/{id}/publish`.
pub async fn publish_survey(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let done = surveys::publish(&state.db, &state.clock, staff.staff.id, *id).await;
    back(&staff, *id, done.map(|s| format!("已发布「{}」", s.title)))
}

/// `POST /admin/surveys/{id}/duplicate`.
pub async fn duplicate_survey(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let copy = surveys::duplicate(&state.db, &state.clock, staff.staff.id, *id).await?;
    staff.flash("success", format!("已复制为草稿「{}」", copy.title));
    Ok(redirect(&format!("/admin/surveys/{}", copy.id)))
}

async fn question_saved(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: i64,
    form: QuestionForm,
    question_id: Option<i64>,
) -> Result<HttpResponse, PageError> {
    let staff_id = staff.staff.id;
    let saved = match form.parse() {
        Ok((spec, options)) => match question_id {
            None => surveys::add_question(&state.db, &state.clock, staff_id, id, spec, options)
                .await
                .map(|_| "已添加题目".to_owned()),
            Some(q) => {
                surveys::update_question(&state.db, &state.clock, staff_id, id, q, spec, options)
                    .await
                    .map(|()| "已保存题目".to_owned())
            }
        },
        Err(e) => Err(e),
    };
    match saved {
        Err(AppError::Validation(errors)) => {
            let p = page(&state, &staff, Some(id), None, form, errors).await?;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        other => back(&staff, id, other),
    }
}

/// `POST /admin/surveys/{id}/questions`.
pub async fn add_question(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
    form: web::Form<QuestionForm>,
) -> Result<HttpResponse, PageError> {
    question_saved(state, staff, *id, form.into_inner(), None).await
}

/// `POST /admin/surveys/{id}/questions/{question_id}`.
pub async fn update_question(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    path: web::Path<(i64, i64)>,
    form: web::Form<QuestionForm>,
) -> Result<HttpResponse, PageError> {
    let (id, q) = path.into_inner();
    question_saved(state, staff, id, form.into_inner(), Some(q)).await
}

/// `POST /admin/surveys/{id}/questions/{question_id}/delete`.
pub async fn delete_question(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, PageError> {
    let (id, q) = path.into_inner();
    let done = surveys::delete_question(&state.db, &state.clock, staff.staff.id, id, q).await;
    back(&staff, id, done.map(|()| "已删除题目".to_owned()))
}

/// `dir=up|down`, `option_id` to move an option instead of the question.
#[derive(Debug, Deserialize)]
pub struct MoveForm {
    /// `up` or `down`.
    pub dir: String,
    /// The option to move.
    #[serde(default)]
    pub option_id: Option<i64>,
}

/// `POST /admin/surveys/{id}/questions/{question_id}/move`.
pub async fn move_question(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    path: web::Path<(i64, i64)>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse, PageError> {
    let (id, q) = path.into_inner();
    let dir = if form.dir == "up" { Direction::Up } else { Direction::Down };
    let done = surveys::move_item(&state.db, id, q, form.option_id, dir).await;
    back(&staff, id, done.map(|()| "已调整顺序".to_owned()))
}
