//! Surveys and polls for the mini-program: what the user may answer, one survey, the
//! one response, and a poll's results (when shown to respondents, after answering).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::auth::BearerUser;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::surveys::model::{AnswerInput, OptionRow, kind as survey_kind};
use crate::surveys::results::{Bar, SurveyResults};
use crate::surveys::{SurveyFull, SurveyRow, answer, results};

/// A survey in a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SurveyItemView {
    /// Id.
    pub id: i64,
    /// `survey` or `poll`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Introduction.
    pub intro: String,
    /// Cover file id.
    pub cover_file_id: Option<i64>,
    /// Answers carry no link to the user.
    pub anonymous: bool,
    /// Respondents may see the results after answering.
    pub results_public: bool,
    /// Opens (UTC).
    pub opens_at: Option<DateTime<Utc>>,
    /// Closes (UTC).
    pub closes_at: Option<DateTime<Utc>>,
    /// The caller has answered.
    pub answered: bool,
}

impl SurveyItemView {
    fn new(s: &SurveyRow, answered: bool) -> Self {
        Self {
            id: s.id,
            kind: s.kind.clone(),
            title: s.title.clone(),
            intro: s.intro.clone(),
            cover_file_id: s.cover_file_id,
            anonymous: s.anonymous,
            results_public: s.results_public,
            opens_at: s.opens_at.map(|t| t.and_utc()),
            closes_at: s.closes_at.map(|t| t.and_utc()),
            answered,
        }
    }
}

/// One page of surveys.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SurveyPageView {
    /// Surveys, newest first.
    pub items: Vec<SurveyItemView>,
    /// Page (1-based).
    pub page: i64,
    /// Pages.
    pub pages: i64,
    /// Surveys.
    pub total: i64,
}

/// A question as users see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QuestionView {
    /// Id.
    pub id: i64,
    /// `single`, `multiple`, `text`, `rating`, `number`.
    pub kind: String,
    /// The question.
    pub title: String,
    /// Must be answered.
    pub required: bool,
    /// Multiple choice: fewest options.
    pub min_choices: Option<i32>,
    /// Multiple choice: most options.
    pub max_choices: Option<i32>,
    /// Text: most characters.
    pub max_length: Option<i32>,
    /// Rating: 5 or 10 (answers 1..=scale).
    pub scale: Option<i32>,
    /// Number: lowest.
    pub min_number: Option<i64>,
    /// Number: highest.
    pub max_number: Option<i64>,
    /// Options in order (choice questions).
    pub options: Vec<OptionRow>,
}

/// A survey with its questions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SurveyDetailView {
    /// The survey.
    pub survey: SurveyItemView,
    /// Open for answers now.
    pub open: bool,
    /// Questions in order.
    pub questions: Vec<QuestionView>,
}

/// `?kind=&page=`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SurveyQuery {
    /// `survey` or `poll`; both when absent or empty.
    #[param(pattern = "^(survey|poll)?$")]
    pub kind: Option<String>,
    /// 1-based page.
    pub page: Option<i64>,
}

/// A response.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ResponseRequest {
    /// One entry per answered question.
    pub answers: Vec<AnswerInput>,
}

/// A stored response (nothing identifying it is returned).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResponseAccepted {
    /// Always true.
    pub answered: bool,
}

/// The results of one question.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QuestionResultView {
    /// Question id.
    pub question_id: i64,
    /// The question.
    pub title: String,
    /// Type.
    pub kind: String,
    /// Responses that answered it.
    pub answered: i64,
    /// Options or values with counts and percentages (text questions: none).
    pub bars: Vec<Bar>,
    /// Mean of ratings and numbers.
    pub average: Option<f64>,
}

/// A survey's results.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SurveyResultsView {
    /// Survey id.
    pub survey_id: i64,
    /// Responses.
    pub total: i64,
    /// Per question.
    pub questions: Vec<QuestionResultView>,
}

fn detail_view(full: SurveyFull, answered: bool, now: chrono::NaiveDateTime) -> SurveyDetailView {
    SurveyDetailView {
        survey: SurveyItemView::new(&full.survey, answered),
        open: full.survey.is_open(now),
        questions: full
            .questions
            .into_iter()
            .map(|q| {
                let s = q.row.spec;
                QuestionView {
                    id: q.row.id,
                    kind: s.kind,
                    title: s.title,
                    required: s.required,
                    min_choices: s.min_choices,
                    max_choices: s.max_choices,
                    max_length: s.max_length,
                    scale: s.scale,
                    min_number: s.min_number,
                    max_number: s.max_number,
                    options: q.options,
                }
            })
            .collect(),
    }
}

/// Open surveys and polls the user may answer, with `answered`.
#[utoipa::path(get, path = "/api/v1/surveys", tag = "surveys", params(SurveyQuery),
    responses((status = 200, body = SurveyPageView), (status = 401, body = ErrorBody),
        (status = 422, description = "Unknown `kind`", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_surveys(
    state: web::Data<AppState>,
    user: BearerUser,
    query: web::Query<SurveyQuery>,
) -> Result<HttpResponse, ApiError> {
    let kind = match query.kind.as_deref() {
        None | Some("") => None,
        Some(k @ (survey_kind::SURVEY | survey_kind::POLL)) => Some(k.to_owned()),
        Some(_) => {
            return Err(crate::error::AppError::field("kind", "kind 须为 survey 或 poll").into());
        }
    };
    let page =
        answer::answerable(&state.db, &state.clock, user.user.id, kind, query.page.unwrap_or(1))
            .await?;
    let pages = page.pages();
    Ok(HttpResponse::Ok().json(SurveyPageView {
        items: page.rows.iter().map(|a| SurveyItemView::new(&a.survey, a.answered)).collect(),
        page: page.page,
        pages,
        total: page.total,
    }))
}

/// One survey with its questions (published, within the user's audience).
#[utoipa::path(get, path = "/api/v1/surveys/{id}", tag = "surveys",
    responses((status = 200, body = SurveyDetailView), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_survey(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (full, answered) = answer::for_user(&state.db, user.user.id, *id).await?;
    Ok(HttpResponse::Ok().json(detail_view(full, answered, state.clock.now_naive())))
}

/// Submits the user's one response. Refusals name the question in `fields`
/// (`answers.{question_id}`, 422); `survey_closed`, `survey_not_open`,
/// `already_answered` (409); `not_in_audience` (400).
#[utoipa::path(post, path = "/api/v1/surveys/{id}/responses", tag = "surveys",
    request_body = ResponseRequest,
    responses((status = 201, body = ResponseAccepted), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_response(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
    body: web::Json<ResponseRequest>,
) -> Result<HttpResponse, ApiError> {
    let answers = body.into_inner().answers;
    answer::submit(&state.db, &state.clock, user.user.id, *id, answers).await?;
    Ok(HttpResponse::Created().json(ResponseAccepted { answered: true }))
}

/// Results for respondents, when the survey shows them (`results_not_public`) and the
/// caller has answered (`answer_first`).
#[utoipa::path(get, path = "/api/v1/surveys/{id}/results", tag = "surveys",
    responses((status = 200, body = SurveyResultsView), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_results(
    state: web::Data<AppState>,
    user: BearerUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let tz = state.association_settings().await?.time_zone;
    let r = results::public_results(&state.db, tz, user.user.id, *id).await?;
    Ok(HttpResponse::Ok().json(results_view(r)))
}

fn results_view(r: SurveyResults) -> SurveyResultsView {
    SurveyResultsView {
        survey_id: r.full.survey.id,
        total: r.total,
        questions: r
            .questions
            .into_iter()
            .map(|q| QuestionResultView {
                question_id: q.question.row.id,
                title: q.question.row.spec.title,
                kind: q.question.row.spec.kind,
                answered: q.answered,
                bars: q.bars,
                average: q.average,
            })
            .collect(),
    }
}
