//! Queries of `surveys`, `survey_questions`, `survey_options`, `survey_participations`,
//! `survey_responses`, `survey_answers` and `survey_reminders`.

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::model::{AnswerValue, OptionRow, QuestionRow, QuestionSpec, SurveyDetails, SurveyRow};
use crate::db::DbConn;
use crate::db::schema::{
    survey_answers, survey_options, survey_participations, survey_questions, survey_reminders,
    survey_responses, surveys,
};

type QResult<T> = Result<T, diesel::result::Error>;

/// Inserts a draft survey.
pub fn insert_survey(
    conn: &mut DbConn,
    details: &SurveyDetails,
    staff_id: i64,
    at: NaiveDateTime,
) -> QResult<SurveyRow> {
    let row = (
        details,
        surveys::status.eq(super::model::status::DRAFT),
        surveys::response_count.eq(0),
        surveys::created_by.eq(staff_id),
        surveys::created_at.eq(at),
        surveys::updated_at.eq(at),
    );
    crate::per_backend!(conn, |c| diesel::insert_into(surveys::table)
        .values(row)
        .returning(SurveyRow::as_returning())
        .get_result(c))
}

/// A survey.
pub fn survey(conn: &mut DbConn, id: i64) -> QResult<Option<SurveyRow>> {
    surveys::table.find(id).select(SurveyRow::as_select()).first(conn).optional()
}

/// A survey locked for the transaction (builder changes and the first response queue here).
pub fn lock_survey(conn: &mut DbConn, id: i64) -> QResult<Option<SurveyRow>> {
    crate::lock_for_update!(conn, surveys::table.find(id).select(SurveyRow::as_select()))
}

/// Saves settings.
pub fn update_details(
    conn: &mut DbConn,
    id: i64,
    details: &SurveyDetails,
    at: NaiveDateTime,
) -> QResult<usize> {
    diesel::update(surveys::table.find(id)).set((details, surveys::updated_at.eq(at))).execute(conn)
}

/// Sets the status.
pub fn set_status(conn: &mut DbConn, id: i64, status: &str, at: NaiveDateTime) -> QResult<usize> {
    diesel::update(surveys::table.find(id))
        .set((surveys::status.eq(status), surveys::updated_at.eq(at)))
        .execute(conn)
}

/// Counts a response on a published survey, taking its row lock (0 rows: not published).
pub fn count_response(conn: &mut DbConn, id: i64) -> QResult<usize> {
    diesel::update(
        surveys::table
            .filter(surveys::id.eq(id))
            .filter(surveys::status.eq(super::model::status::PUBLISHED)),
    )
    .set(surveys::response_count.eq(surveys::response_count + 1))
    .execute(conn)
}

/// Surveys, newest first, optionally of one kind: one page and the total.
pub fn list(
    conn: &mut DbConn,
    kind: Option<&str>,
    offset: i64,
    limit: i64,
) -> QResult<(Vec<SurveyRow>, i64)> {
    let mut q = surveys::table.into_boxed();
    let mut c = surveys::table.into_boxed();
    if let Some(kind) = kind {
        q = q.filter(surveys::kind.eq(kind.to_owned()));
        c = c.filter(surveys::kind.eq(kind.to_owned()));
    }
    let rows = q
        .order(surveys::id.desc())
        .offset(offset)
        .limit(limit)
        .select(SurveyRow::as_select())
        .load(conn)?;
    Ok((rows, c.select(count_star()).first(conn)?))
}

/// Published surveys open at `now`, optionally of one kind, newest first.
pub fn open_surveys(
    conn: &mut DbConn,
    kind: Option<&str>,
    now: NaiveDateTime,
) -> QResult<Vec<SurveyRow>> {
    let mut q = surveys::table
        .filter(surveys::status.eq(super::model::status::PUBLISHED))
        .filter(surveys::opens_at.is_null().or(surveys::opens_at.le(now)))
        .filter(surveys::closes_at.is_null().or(surveys::closes_at.gt(now)))
        .into_boxed();
    if let Some(kind) = kind {
        q = q.filter(surveys::kind.eq(kind.to_owned()));
    }
    q.order(surveys::id.desc()).limit(500).select(SurveyRow::as_select()).load(conn)
}

/// Of `survey_ids`, those `user_id` answered.
pub fn answered_of(conn: &mut DbConn, user_id: i64, survey_ids: &[i64]) -> QResult<Vec<i64>> {
    survey_participations::table
        .filter(survey_participations::user_id.eq(user_id))
        .filter(survey_participations::survey_id.eq_any(survey_ids))
        .select(survey_participations::survey_id)
        .load(conn)
}

/// Questions in order.
pub fn questions(conn: &mut DbConn, survey_id: i64) -> QResult<Vec<QuestionRow>> {
    survey_questions::table
        .filter(survey_questions::survey_id.eq(survey_id))
        .order((survey_questions::position.asc(), survey_questions::id.asc()))
        .select(QuestionRow::as_select())
        .load(conn)
}

/// Options of a survey's questions, in order.
pub fn options(conn: &mut DbConn, survey_id: i64) -> QResult<Vec<OptionRow>> {
    survey_options::table
        .inner_join(survey_questions::table)
        .filter(survey_questions::survey_id.eq(survey_id))
        .order((survey_options::question_id.asc(), survey_options::position.asc()))
        .select(OptionRow::as_select())
        .load(conn)
}

/// Inserts a question.
pub fn insert_question(
    conn: &mut DbConn,
    survey_id: i64,
    position: i32,
    spec: &QuestionSpec,
) -> QResult<QuestionRow> {
    let row =
        (survey_questions::survey_id.eq(survey_id), survey_questions::position.eq(position), spec);
    crate::per_backend!(conn, |c| diesel::insert_into(survey_questions::table)
        .values(row)
        .returning(QuestionRow::as_returning())
        .get_result(c))
}

/// Saves a question's settings.
pub fn update_question(conn: &mut DbConn, id: i64, spec: &QuestionSpec) -> QResult<usize> {
    diesel::update(survey_questions::table.find(id)).set(spec).execute(conn)
}

/// Moves a question.
pub fn set_question_position(conn: &mut DbConn, id: i64, position: i32) -> QResult<usize> {
    diesel::update(survey_questions::table.find(id))
        .set(survey_questions::position.eq(position))
        .execute(conn)
}

/// Deletes a question and its options.
pub fn delete_question(conn: &mut DbConn, id: i64) -> QResult<usize> {
    diesel::delete(survey_options::table.filter(survey_options::question_id.eq(id)))
        .execute(conn)?;
    diesel::delete(survey_questions::table.find(id)).execute(conn)
}

/// Inserts an option.
pub fn insert_option(
    conn: &mut DbConn,
    question_id: i64,
    position: i32,
    label: &str,
) -> QResult<usize> {
    diesel::insert_into(survey_options::table)
        .values((
            survey_options::question_id.eq(question_id),
            survey_options::position.eq(position),
            survey_options::label.eq(label),
        ))
        .execute(conn)
}

/// Renames an option.
pub fn set_option_label(conn: &mut DbConn, id: i64, label: &str) -> QResult<usize> {
    diesel::update(survey_options::table.find(id))
        .set(survey_options::label.eq(label))
        .execute(conn)
}

/// Moves an option.
pub fn set_option_position(conn: &mut DbConn, id: i64, position: i32) -> QResult<usize> {
    diesel::update(survey_options::table.find(id))
        .set(survey_options::position.eq(position))
        .execute(conn)
}

/// Deletes the options of a question.
pub fn delete_options(conn: &mut DbConn, question_id: i64) -> QResult<usize> {
    diesel::delete(survey_options::table.filter(survey_options::question_id.eq(question_id)))
        .execute(conn)
}

/// Records that a user answered (unique per survey and user).
pub fn insert_participation(conn: &mut DbConn, survey_id: i64, user_id: i64) -> QResult<usize> {
    diesel::insert_into(survey_participations::table)
        .values((
            survey_participations::survey_id.eq(survey_id),
            survey_participations::user_id.eq(user_id),
        ))
        .execute(conn)
}

/// Stores a response and its answers.
pub fn insert_response(
    conn: &mut DbConn,
    key: &str,
    survey_id: i64,
    user_id: Option<i64>,
    at: NaiveDateTime,
    answers: &[AnswerValue],
) -> QResult<()> {
    diesel::insert_into(survey_responses::table)
        .values((
            survey_responses::id.eq(key),
            survey_responses::survey_id.eq(survey_id),
            survey_responses::user_id.eq(user_id),
            survey_responses::submitted_at.eq(at),
        ))
        .execute(conn)?;
    let rows: Vec<_> = answers
        .iter()
        .map(|a| {
            (
                survey_answers::response_id.eq(key),
                survey_answers::question_id.eq(a.question_id),
                survey_answers::seq.eq(a.seq),
                survey_answers::option_id.eq(a.option_id),
                survey_answers::text_value.eq(a.text.as_deref()),
                survey_answers::number_value.eq(a.number),
            )
        })
        .collect();
    if !rows.is_empty() {
        crate::per_backend!(conn, |c| diesel::insert_into(survey_answers::table)
            .values(rows)
            .execute(c))?;
    }
    Ok(())
}

/// Users who answered a survey.
pub fn participants(conn: &mut DbConn, survey_id: i64) -> QResult<Vec<i64>> {
    survey_participations::table
        .filter(survey_participations::survey_id.eq(survey_id))
        .select(survey_participations::user_id)
        .load(conn)
}

/// Records today's reminder to a user (unique per survey, user and day).
pub fn insert_reminder(
    conn: &mut DbConn,
    survey_id: i64,
    user_id: i64,
    day: &str,
) -> QResult<usize> {
    diesel::insert_into(survey_reminders::table)
        .values((
            survey_reminders::survey_id.eq(survey_id),
            survey_reminders::user_id.eq(user_id),
            survey_reminders::day.eq(day),
        ))
        .execute(conn)
}
