//! Surveys and polls (问卷 / 投票): staff build them (this module), users answer once
//! (`answer`), staff read results, remind and export (`results`). The rules of
//! anonymity are in `docs/surveys.md`.

pub mod answer;
pub mod export;
pub mod model;
pub mod results;
pub mod results_store;
pub mod store;

use chrono::NaiveDateTime;

use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;
use crate::kernel::page::{Page, PageRequest};
pub use model::{Question, QuestionSpec, SurveyDetails, SurveyRow};

/// A survey with its questions and options.
#[derive(Debug, Clone)]
pub struct SurveyFull {
    /// The survey.
    pub survey: SurveyRow,
    /// Questions in order, each with its options.
    pub questions: Vec<Question>,
}

fn frozen_error() -> AppError {
    AppError::Conflict {
        code: "survey_frozen",
        message: "已有人作答，题目已冻结：只能修改题目和选项的文字、问卷的文字和截止时间".into(),
    }
}

fn not_found() -> AppError {
    AppError::not_found("问卷")
}

/// Loads a survey's questions and options inside a transaction.
pub fn load_full(conn: &mut DbConn, survey: SurveyRow) -> Result<SurveyFull, AppError> {
    let rows = store::questions(conn, survey.id)?;
    let mut options = store::options(conn, survey.id)?;
    let questions = rows
        .into_iter()
        .map(|row| {
            let mine: Vec<_> =
                options.iter().filter(|o| o.question_id == row.id).cloned().collect();
            options.retain(|o| o.question_id != row.id);
            Question { row, options: mine }
        })
        .collect();
    Ok(SurveyFull { survey, questions })
}

/// A survey with everything (staff).
pub async fn find(db: &Db, id: i64) -> Result<SurveyFull, AppError> {
    db.run(move |conn| {
        let survey = store::survey(conn, id)?.ok_or_else(not_found)?;
        load_full(conn, survey)
    })
    .await
}

/// Surveys for the workbench list, newest first.
pub async fn list(db: &Db, kind: Option<String>, page: i64) -> Result<Page<SurveyRow>, AppError> {
    let req = PageRequest::new(page);
    db.run(move |conn| {
        let (rows, total) = store::list(conn, kind.as_deref(), req.offset(), req.limit())?;
        Ok(req.answer(rows, total))
    })
    .await
}

fn audit(
    conn: &mut DbConn,
    staff_id: i64,
    action: &str,
    id: i64,
    at: NaiveDateTime,
    details: &impl serde::Serialize,
) -> Result<(), AppError> {
    AuditEntry::new(Actor::Staff(staff_id), action, "surveys", id).record(conn, at, details)
}

/// Creates a draft (audited).
pub async fn create(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    details: SurveyDetails,
) -> Result<SurveyRow, AppError> {
    let errors = model::check_details(&details);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let at = clock.now_naive();
    db.write(move |conn| {
        let row = store::insert_survey(conn, &details, staff_id, at)?;
        audit(conn, staff_id, "survey.create", row.id, at, &details)?;
        Ok(row)
    })
    .await
}

/// Saves settings (audited). Once answered, only texts and the closing time may change.
pub async fn update(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    details: SurveyDetails,
) -> Result<SurveyRow, AppError> {
    let errors = model::check_details(&details);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let at = clock.now_naive();
    db.write(move |conn| {
        let old = store::lock_survey(conn, id)?.ok_or_else(not_found)?;
        if old.frozen() {
            let errors = model::frozen_changes(&old.details, &details);
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
        }
        store::update_details(conn, id, &details, at)?;
        audit(conn, staff_id, "survey.update", id, at, &details)?;
        store::survey(conn, id)?.ok_or_else(not_found)
    })
    .await
}

/// Publishes a draft that has questions (audited).
pub async fn publish(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
) -> Result<SurveyRow, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let survey = store::lock_survey(conn, id)?.ok_or_else(not_found)?;
        if survey.status != model::status::DRAFT {
            return Err(AppError::Conflict {
                code: "already_published", message: "已发布".into()
            });
        }
        if store::questions(conn, id)?.is_empty() {
            return Err(AppError::Conflict {
                code: "no_questions",
                message: "请先添加至少一道题目再发布".into(),
            });
        }
        store::set_status(conn, id, model::status::PUBLISHED, at)?;
        audit(conn, staff_id, "survey.publish", id, at, &serde_json::json!({}))?;
        store::survey(conn, id)?.ok_or_else(not_found)
    })
    .await
}

/// Copies a survey and its questions into a new draft (audited).
pub async fn duplicate(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
) -> Result<SurveyRow, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let source = store::survey(conn, id)?.ok_or_else(not_found)?;
        let full = load_full(conn, source)?;
        let mut details = full.survey.details.clone();
        let title: String = details.title.chars().take(model::MAX_TITLE - 4).collect();
        details.title = format!("{title}（副本）");
        let copy = store::insert_survey(conn, &details, staff_id, at)?;
        for q in &full.questions {
            let new = store::insert_question(conn, copy.id, q.row.position, &q.row.spec)?;
            for o in &q.options {
                store::insert_option(conn, new.id, o.position, &o.label)?;
            }
        }
        audit(conn, staff_id, "survey.duplicate", copy.id, at, &serde_json::json!({"from": id}))?;
        Ok(copy)
    })
    .await
}

/// Lines of an options textarea, trimmed, empty lines dropped.
pub fn option_lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// Adds a question at the end (refused once answered; audited).
pub async fn add_question(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    survey_id: i64,
    spec: QuestionSpec,
    options: Vec<String>,
) -> Result<i64, AppError> {
    let errors = model::check_question(&spec, &options);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let at = clock.now_naive();
    db.write(move |conn| {
        let survey = store::lock_survey(conn, survey_id)?.ok_or_else(not_found)?;
        if survey.frozen() {
            return Err(frozen_error());
        }
        let position = store::questions(conn, survey_id)?.last().map_or(1, |q| q.position + 1);
        let row = store::insert_question(conn, survey_id, position, &spec)?;
        if model::qkind::has_options(&spec.kind) {
            for (p, label) in (1..).zip(&options) {
                store::insert_option(conn, row.id, p, label)?;
            }
        }
        audit(conn, staff_id, "survey.question_add", survey_id, at, &spec)?;
        Ok(row.id)
    })
    .await
}

/// Saves a question. Before the first response anything may change (options are
/// replaced); after it only the title and the option texts (same number of options).
pub async fn update_question(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    survey_id: i64,
    question_id: i64,
    spec: QuestionSpec,
    options: Vec<String>,
) -> Result<(), AppError> {
    let errors = model::check_question(&spec, &options);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let at = clock.now_naive();
    db.write(move |conn| {
        let survey = store::lock_survey(conn, survey_id)?.ok_or_else(not_found)?;
        let full = load_full(conn, survey)?;
        let q = full
            .questions
            .iter()
            .find(|q| q.row.id == question_id)
            .ok_or_else(|| AppError::not_found("题目"))?;
        if full.survey.frozen() {
            let same = QuestionSpec { title: spec.title.clone(), ..q.row.spec.clone() } == spec;
            if !same || q.options.len() != options.len() {
                return Err(frozen_error());
            }
            store::update_question(conn, question_id, &spec)?;
            for (o, label) in q.options.iter().zip(&options) {
                store::set_option_label(conn, o.id, label)?;
            }
        } else {
            store::update_question(conn, question_id, &spec)?;
            store::delete_options(conn, question_id)?;
            if model::qkind::has_options(&spec.kind) {
                for (p, label) in (1..).zip(&options) {
                    store::insert_option(conn, question_id, p, label)?;
                }
            }
        }
        audit(conn, staff_id, "survey.question_update", survey_id, at, &spec)?;
        Ok(())
    })
    .await
}

/// Deletes a question (refused once answered; audited).
pub async fn delete_question(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    survey_id: i64,
    question_id: i64,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let survey = store::lock_survey(conn, survey_id)?.ok_or_else(not_found)?;
        if survey.frozen() {
            return Err(frozen_error());
        }
        if !store::questions(conn, survey_id)?.iter().any(|q| q.id == question_id) {
            return Err(AppError::not_found("题目"));
        }
        store::delete_question(conn, question_id)?;
        let details = serde_json::json!({"question_id": question_id});
        audit(conn, staff_id, "survey.question_delete", survey_id, at, &details)
    })
    .await
}

/// Where a move goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Earlier.
    Up,
    /// Later.
    Down,
}

fn swap_index(len: usize, i: usize, dir: Direction) -> Option<usize> {
    match dir {
        Direction::Up => i.checked_sub(1),
        Direction::Down => Some(i + 1).filter(|j| *j < len),
    }
}

/// Moves a question or, with `option_id`, one of its options (refused once answered).
pub async fn move_item(
    db: &Db,
    survey_id: i64,
    question_id: i64,
    option_id: Option<i64>,
    dir: Direction,
) -> Result<(), AppError> {
    db.write(move |conn| {
        let survey = store::lock_survey(conn, survey_id)?.ok_or_else(not_found)?;
        if survey.frozen() {
            return Err(frozen_error());
        }
        let full = load_full(conn, survey)?;
        let qi = full
            .questions
            .iter()
            .position(|q| q.row.id == question_id)
            .ok_or_else(|| AppError::not_found("题目"))?;
        let Some(option_id) = option_id else {
            let ids: Vec<i64> = full.questions.iter().map(|q| q.row.id).collect();
            return reorder(ids, qi, dir, |id, p| store::set_question_position(conn, id, p));
        };
        let options = &full.questions[qi].options;
        let oi = options
            .iter()
            .position(|o| o.id == option_id)
            .ok_or_else(|| AppError::not_found("选项"))?;
        let ids: Vec<i64> = options.iter().map(|o| o.id).collect();
        reorder(ids, oi, dir, |id, p| store::set_option_position(conn, id, p))
    })
    .await
}

fn reorder(
    mut ids: Vec<i64>,
    i: usize,
    dir: Direction,
    mut save: impl FnMut(i64, i32) -> Result<usize, diesel::result::Error>,
) -> Result<(), AppError> {
    if let Some(j) = swap_index(ids.len(), i, dir) {
        ids.swap(i, j);
    }
    for (p, id) in (1..).zip(ids) {
        save(id, p)?;
    }
    Ok(())
}
