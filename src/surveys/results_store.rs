//! Result queries: counts grouped in SQL, text answers by page, and the raw rows of the
//! export. `users` narrows to named responses of those users (result filters).

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{survey_answers, survey_responses};

type QResult<T> = Result<T, diesel::result::Error>;
type Backend = <DbConn as diesel::Connection>::Backend;

/// Answer counts per (question, option, number value) of a survey.
pub type Tally = (i64, Option<i64>, Option<i64>, i64);

macro_rules! answers_of {
    ($survey_id:expr, $users:expr) => {{
        let mut q = survey_answers::table
            .inner_join(survey_responses::table)
            .filter(survey_responses::survey_id.eq($survey_id))
            .into_boxed::<Backend>();
        if let Some(users) = $users {
            q = q.filter(survey_responses::user_id.eq_any(users.to_vec()));
        }
        q
    }};
}

/// Number of responses (of `users`, when given).
pub fn count_responses(conn: &mut DbConn, survey_id: i64, users: Option<&[i64]>) -> QResult<i64> {
    let mut q = survey_responses::table
        .filter(survey_responses::survey_id.eq(survey_id))
        .select(count_star())
        .into_boxed();
    if let Some(users) = users {
        q = q.filter(survey_responses::user_id.eq_any(users.to_vec()));
    }
    q.first(conn)
}

/// Runs a grouped answers query of a survey, narrowed to `users` when given (grouped
/// queries cannot be boxed, so the two shapes are spelled out by this macro).
macro_rules! grouped {
    ($conn:expr, $survey_id:expr, $users:expr, |$q:ident| $finish:expr) => {{
        let base = survey_answers::table
            .inner_join(survey_responses::table)
            .filter(survey_responses::survey_id.eq($survey_id));
        match $users {
            None => {
                let $q = base;
                $finish.load($conn)
            }
            Some(users) => {
                let $q = base.filter(survey_responses::user_id.eq_any(users.to_vec()));
                $finish.load($conn)
            }
        }
    }};
}

/// Counts of options and numbers per question, grouped in SQL.
pub fn tallies(conn: &mut DbConn, survey_id: i64, users: Option<&[i64]>) -> QResult<Vec<Tally>> {
    grouped!(conn, survey_id, users, |q| q
        .filter(survey_answers::text_value.is_null())
        .group_by((
            survey_answers::question_id,
            survey_answers::option_id,
            survey_answers::number_value,
        ))
        .select((
            survey_answers::question_id,
            survey_answers::option_id,
            survey_answers::number_value,
            count_star(),
        )))
}

/// How many responses answered each question.
pub fn answered_counts(
    conn: &mut DbConn,
    survey_id: i64,
    users: Option<&[i64]>,
) -> QResult<Vec<(i64, i64)>> {
    grouped!(conn, survey_id, users, |q| q
        .filter(survey_answers::seq.eq(0))
        .group_by(survey_answers::question_id)
        .select((survey_answers::question_id, count_star())))
}

/// Text answers of a question, one page (by response key: no order of submission).
pub fn texts(
    conn: &mut DbConn,
    survey_id: i64,
    question_id: i64,
    users: Option<&[i64]>,
    offset: i64,
    limit: i64,
) -> QResult<(Vec<String>, i64)> {
    let base = || {
        answers_of!(survey_id, users)
            .filter(survey_answers::question_id.eq(question_id))
            .filter(survey_answers::text_value.is_not_null())
    };
    let total = base().select(count_star()).first(conn)?;
    let rows: Vec<Option<String>> = base()
        .order(survey_answers::response_id.asc())
        .offset(offset)
        .limit(limit)
        .select(survey_answers::text_value)
        .load(conn)?;
    Ok((rows.into_iter().flatten().collect(), total))
}

/// When responses were stored (for the count over time).
pub fn submitted_times(
    conn: &mut DbConn,
    survey_id: i64,
    users: Option<&[i64]>,
) -> QResult<Vec<NaiveDateTime>> {
    let mut q = survey_responses::table
        .filter(survey_responses::survey_id.eq(survey_id))
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

/// Every answer of a survey, by response key.
pub fn all_answers(conn: &mut DbConn, survey_id: i64) -> QResult<Vec<AnswerCell>> {
    survey_answers::table
        .inner_join(survey_responses::table)
        .filter(survey_responses::survey_id.eq(survey_id))
        .order((survey_answers::response_id.asc(), survey_answers::question_id.asc()))
        .select((
            survey_answers::response_id,
            survey_answers::question_id,
            survey_answers::option_id,
            survey_answers::text_value,
            survey_answers::number_value,
        ))
        .load(conn)
}
