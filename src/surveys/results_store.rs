//! Result queries: counts grouped in SQL, text answers by page, and the raw rows of the
//! export. `users` narrows to named responses of those users (result filters).

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{survey_answers, survey_responses};

type QResult<T> = Result<T, diesel::result::Error>;

/// How many answers have this (question, option, number value, seq).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct Tally {
    /// Question.
    pub question_id: i64,
    /// Chosen option (choice questions).
    pub option_id: Option<i64>,
    /// Rating or number.
    pub number: Option<i64>,
    /// 0 for a response's first answer to the question (so `seq = 0` counts respondents).
    pub seq: i32,
    /// Answers.
    pub count: i64,
}

/// Runs a grouped answers query over the answers to `question_ids` (the survey's); with
/// `users`, joined to the responses of those users. Without users the query reads only
/// the covering index `survey_answers_tally`. (Grouped queries cannot be boxed, so the
/// two shapes are spelled out by this macro.)
macro_rules! grouped {
    ($conn:expr, $question_ids:expr, $users:expr, |$q:ident| $finish:expr) => {{
        match $users {
            None => {
                let $q = survey_answers::table
                    .filter(survey_answers::question_id.eq_any($question_ids.to_vec()));
                $finish.load($conn)
            }
            Some(users) => {
                let $q = survey_answers::table
                    .inner_join(survey_responses::table)
                    .filter(survey_answers::question_id.eq_any($question_ids.to_vec()))
                    .filter(survey_responses::user_id.eq_any(users.to_vec()));
                $finish.load($conn)
            }
        }
    }};
}

/// Counts per (question, option, number value, seq), grouped in SQL in the order of the
/// covering index: one pass gives the bars and, from the `seq = 0` rows, how many
/// responses answered each question. Text answers come out as `(question, None, None, 0)`.
pub fn tallies(
    conn: &mut DbConn,
    question_ids: &[i64],
    users: Option<&[i64]>,
) -> QResult<Vec<Tally>> {
    grouped!(conn, question_ids, users, |q| q
        .group_by((
            survey_answers::question_id,
            survey_answers::option_id,
            survey_answers::number_value,
            survey_answers::seq,
        ))
        .select((
            survey_answers::question_id,
            survey_answers::option_id,
            survey_answers::number_value,
            survey_answers::seq,
            count_star(),
        )))
}

/// Text answers of a text question (the caller checked it belongs to the survey), one
/// page, by response key (no order of submission). Without `users` only the covering
/// index is walked (a text answer's option, value and seq are NULL, NULL, 0, so the
/// index order is the key order and nothing is sorted); with them, joined to responses.
pub fn texts(
    conn: &mut DbConn,
    question_id: i64,
    users: Option<&[i64]>,
    offset: i64,
    limit: i64,
) -> QResult<(Vec<String>, i64)> {
    let of_question = survey_answers::question_id.eq(question_id);
    let (rows, total): (Vec<Option<String>>, i64) = match users {
        None => {
            let total = survey_answers::table.filter(of_question).count().get_result(conn)?;
            let rows = survey_answers::table
                .filter(of_question)
                .order((
                    survey_answers::option_id,
                    survey_answers::number_value,
                    survey_answers::seq,
                    survey_answers::response_id,
                ))
                .offset(offset)
                .limit(limit)
                .select(survey_answers::text_value)
                .load(conn)?;
            (rows, total)
        }
        Some(users) => {
            let base = || {
                survey_answers::table
                    .inner_join(survey_responses::table)
                    .filter(of_question)
                    .filter(survey_responses::user_id.eq_any(users.to_vec()))
            };
            let total = base().count().get_result(conn)?;
            let rows = base()
                .order(survey_answers::response_id)
                .offset(offset)
                .limit(limit)
                .select(survey_answers::text_value)
                .load(conn)?;
            (rows, total)
        }
    };
    Ok((rows.into_iter().flatten().collect(), total))
}

/// When responses were stored, in order (for the total and the count over time; read
/// from the index `survey_responses_survey`).
pub fn submitted_times(
    conn: &mut DbConn,
    survey_id: i64,
    users: Option<&[i64]>,
) -> QResult<Vec<NaiveDateTime>> {
    let mut q = survey_responses::table
        .filter(survey_responses::survey_id.eq(survey_id))
        .order(survey_responses::submitted_at)
        .select(survey_responses::submitted_at)
        .into_boxed();
    if let Some(users) = users {
        q = q.filter(survey_responses::user_id.eq_any(users.to_vec()));
    }
    q.load(conn)
}

/// A response for the export: (key, user, stored at).
pub type ResponseHead = (String, Option<i64>, NaiveDateTime);
/// An answer for the export: (response key, question, option, text, number).
pub type AnswerCell = (String, i64, Option<i64>, Option<String>, Option<i64>);

/// Every response of a survey, by key.
pub fn all_responses(conn: &mut DbConn, survey_id: i64) -> QResult<Vec<ResponseHead>> {
    survey_responses::table
        .filter(survey_responses::survey_id.eq(survey_id))
        .order(survey_responses::id.asc())
        .select((survey_responses::id, survey_responses::user_id, survey_responses::submitted_at))
        .load(conn)
}

/// Every answer of a survey, in no particular order (the export groups them by response
/// key itself; sorting 20 answers × 20,000 responses in SQL cost more than the rest).
pub fn all_answers(conn: &mut DbConn, survey_id: i64) -> QResult<Vec<AnswerCell>> {
    survey_answers::table
        .inner_join(survey_responses::table)
        .filter(survey_responses::survey_id.eq(survey_id))
        .select((
            survey_answers::response_id,
            survey_answers::question_id,
            survey_answers::option_id,
            survey_answers::text_value,
            survey_answers::number_value,
        ))
        .load(conn)
}
