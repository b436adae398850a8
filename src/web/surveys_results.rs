//! Workbench results of a survey (统计结果): counts and percentages per option as SVG
//! bars, averages and distributions of ratings and numbers, the first text answers (all
//! of them one page at a time on their own page), responses per day, filters by member
//! type / industry / position for named surveys, and the Excel export.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::charts::{BAR_X, Bar, BarChart, ColumnChart, WIDTH, bar_chart, column_chart};
use super::error::PageError;
use super::pager::{Pager, pager, query_string};
use super::render::{Chrome, render};
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::kernel::page::PAGE_SIZE;
use crate::membership::catalog::{self, Catalogue};
use crate::surveys::model::{SurveyRow, qkind};
use crate::surveys::results::{self, QuestionResult, ResultFilter};
use crate::surveys::{self, export};

/// `?member_type=&industry=&position=` (ids; ignored for anonymous surveys).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ResultsQuery {
    /// Member type id.
    #[serde(default)]
    pub member_type: String,
    /// Industry id.
    #[serde(default)]
    pub industry: String,
    /// Position id.
    #[serde(default)]
    pub position: String,
    /// Page (text answers page).
    #[serde(default)]
    pub page: Option<i64>,
}

impl ResultsQuery {
    /// The filter; always empty for anonymous surveys (no answer may be narrowed to a
    /// group of people there).
    fn filter(&self, survey: &SurveyRow) -> ResultFilter {
        if survey.anonymous {
            return ResultFilter::default();
        }
        let id = |s: &str| s.trim().parse::<i64>().ok();
        ResultFilter {
            member_type_id: id(&self.member_type),
            industry_id: id(&self.industry),
            position_id: id(&self.position),
        }
    }

    fn pairs(&self, survey: &SurveyRow) -> Vec<(&'static str, String)> {
        if survey.anonymous {
            return Vec::new();
        }
        vec![
            ("member_type", self.member_type.trim().to_owned()),
            ("industry", self.industry.trim().to_owned()),
            ("position", self.position.trim().to_owned()),
        ]
    }
}

/// Text answers shown on the results page (the rest a page at a time behind a link).
const TEXT_PREVIEW: usize = 5;

/// The first text answers of a question on the results page.
#[derive(Debug)]
pub struct TextsPreview {
    /// Answers.
    pub rows: Vec<String>,
    /// All answers.
    pub total: i64,
    /// Link to every answer, paginated.
    pub href: String,
}

/// One question on the results page.
#[derive(Debug)]
pub struct QuestionView {
    /// 1-based number.
    pub number: usize,
    /// The question.
    pub title: String,
    /// 单选题 / 多选题 / …
    pub kind_label: &'static str,
    /// Multiple choice (percentages add up to more than 100 %).
    pub multiple: bool,
    /// Responses that answered it.
    pub answered: i64,
    /// Mean (rating, number), formatted.
    pub average: Option<String>,
    /// Bars (choice, rating, number).
    pub chart: Option<BarChart>,
    /// Text answers.
    pub texts: Option<TextsPreview>,
}

/// `GET /admin/surveys/{id}/results`.
#[derive(askama::Template)]
#[template(path = "web/surveys/results.html")]
pub struct SurveyResultsPage {
    /// Layout.
    pub chrome: Chrome,
    /// The survey.
    pub survey: SurveyRow,
    /// Responses counted (after the filter).
    pub total: i64,
    /// A filter narrows the numbers.
    pub filtered: bool,
    /// Per question.
    pub questions: Vec<QuestionView>,
    /// Responses per day.
    pub per_day: ColumnChart,
    /// Filter choices (named surveys only).
    pub catalogue: Option<Catalogue>,
    /// Filters as typed.
    pub query: ResultsQuery,
    /// Chart width.
    pub width: u32,
    /// Where bars start.
    pub bar_x: u32,
}

/// The chart values of survey bars.
fn chart_bars(bars: &[results::Bar]) -> Vec<Bar> {
    bars.iter()
        .map(|b| Bar { label: b.label.clone(), count: b.count, percent: b.percent })
        .collect()
}

fn question_view(number: usize, q: QuestionResult, texts: Option<TextsPreview>) -> QuestionView {
    let kind = q.question.row.kind.as_str();
    QuestionView {
        number,
        title: q.question.row.title.clone(),
        kind_label: qkind::label(kind),
        multiple: kind == qkind::MULTIPLE,
        answered: q.answered,
        average: q.average.map(|a| format!("{a:.2}")),
        chart: (!q.bars.is_empty()).then(|| bar_chart(&chart_bars(&q.bars))),
        texts,
    }
}

/// `GET /admin/surveys/{id}/results`.
pub async fn show_results(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
    query: web::Query<ResultsQuery>,
) -> Result<HttpResponse, PageError> {
    let id = *id;
    let query = query.into_inner();
    let tz = state.association_settings().await?.time_zone;
    let survey = surveys::find(&state.db, id).await?.survey;
    let filter = query.filter(&survey);
    let res = results::results(&state.db, tz, id, filter).await?;
    let chrome =
        Chrome::build(&state, &staff, "/admin/surveys", &format!("统计结果：{}", survey.title))
            .await?;
    let pairs = query.pairs(&survey);
    let mut questions = Vec::with_capacity(res.questions.len());
    for (i, q) in res.questions.into_iter().enumerate() {
        let texts = if q.question.row.kind == qkind::TEXT {
            let qid = q.question.row.id;
            let page = results::text_answers(&state.db, id, qid, filter, 1).await?;
            let qs = query_string(&pairs);
            let sep = if qs.is_empty() { "" } else { "?" };
            let href = format!("/admin/surveys/{id}/results/questions/{qid}/texts{sep}{qs}");
            let rows = page.rows.into_iter().take(TEXT_PREVIEW).collect();
            Some(TextsPreview { rows, total: page.total, href })
        } else {
            None
        };
        questions.push(question_view(i + 1, q, texts));
    }
    let catalogue =
        if survey.anonymous { None } else { Some(catalog::catalogue(&state.db).await?) };
    render(&SurveyResultsPage {
        chrome,
        filtered: !filter_is_empty(filter),
        total: res.total,
        per_day: column_chart(&chart_bars(&res.per_day)),
        questions,
        catalogue,
        survey,
        query,
        width: WIDTH,
        bar_x: BAR_X,
    })
}

fn filter_is_empty(f: ResultFilter) -> bool {
    f == ResultFilter::default()
}

/// `GET /admin/surveys/{id}/results/questions/{question_id}/texts`.
#[derive(askama::Template)]
#[template(path = "web/surveys/texts.html")]
pub struct TextAnswersPage {
    /// Layout.
    pub chrome: Chrome,
    /// The survey.
    pub survey: SurveyRow,
    /// The question.
    pub title: String,
    /// Answers of this page.
    pub rows: Vec<String>,
    /// Pages.
    pub pager: Pager,
    /// Number of this page's first answer.
    pub start: i64,
    /// Back to the results (with the filter).
    pub back: String,
}

/// `GET /admin/surveys/{id}/results/questions/{question_id}/texts`: every text answer,
/// one page at a time (in the order of the random response keys).
pub async fn show_text_answers(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    path: web::Path<(i64, i64)>,
    query: web::Query<ResultsQuery>,
) -> Result<HttpResponse, PageError> {
    let (id, qid) = path.into_inner();
    let full = surveys::find(&state.db, id).await?;
    let title = full
        .questions
        .iter()
        .find(|q| q.row.id == qid && q.row.kind == qkind::TEXT)
        .map(|q| q.row.title.clone())
        .ok_or_else(|| crate::error::AppError::not_found("题目"))?;
    let survey = full.survey;
    let filter = query.filter(&survey);
    let page_no = query.page.unwrap_or(1);
    let page = results::text_answers(&state.db, id, qid, filter, page_no).await?;
    let pairs = query.pairs(&survey);
    let path = format!("/admin/surveys/{id}/results/questions/{qid}/texts");
    let qs = query_string(&pairs);
    let back = format!("/admin/surveys/{id}/results{}{qs}", if qs.is_empty() { "" } else { "?" });
    let chrome =
        Chrome::build(&state, &staff, "/admin/surveys", &format!("文字答案：{title}")).await?;
    render(&TextAnswersPage {
        chrome,
        pager: pager(&path, &pairs, page.page, page.total, PAGE_SIZE),
        start: (page.page - 1) * PAGE_SIZE + 1,
        rows: page.rows,
        survey,
        title,
        back,
    })
}

/// `GET /admin/surveys/{id}/export.xlsx`: responses and summary (staff only; no user
/// columns for anonymous surveys).
pub async fn export_survey(
    state: web::Data<AppState>,
    _staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let tz = state.association_settings().await?.time_zone;
    let data = export::load(&state.db, tz, *id).await?;
    let bytes = crate::kernel::blocking::cpu(move || export::build(&data, tz)).await?;
    let name = format!("survey-{id}.xlsx");
    Ok(super::download::xlsx(bytes, &name, &name))
}
