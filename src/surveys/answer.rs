//! Answering: what a user may answer, one survey, and the one response per user.
//!
//! One response per user holds on both backends because the participation row is
//! unique per (survey, user) and is inserted in the same transaction as the answers;
//! a lost race is a 409 and the transaction (answers included) rolls back. The
//! response counter's `UPDATE` takes the survey row's lock first, so the builder's
//! "frozen once answered" check never races the first response.

use chrono::NaiveDateTime;
use diesel::Connection as _;

use super::model::{self, AnswerInput, SurveyRow};
use super::{SurveyFull, load_full, store};
use crate::db::{Db, DbConn, is_unique_violation};
use crate::error::AppError;
use crate::kernel::clock::SharedClock;
use crate::kernel::page::{Page, PageRequest};

/// A survey as its audience sees it in a list.
#[derive(Debug, Clone)]
pub struct Answerable {
    /// The survey.
    pub survey: SurveyRow,
    /// The caller answered it.
    pub answered: bool,
}

fn not_found() -> AppError {
    AppError::not_found("问卷")
}

fn admitted(conn: &mut DbConn, user_id: i64, survey: &SurveyRow) -> Result<bool, AppError> {
    if survey.audience == model::audience::EVERYONE {
        return Ok(true);
    }
    let facts = crate::membership::active_member_facts(conn, user_id)?;
    Ok(survey.admits(facts.as_ref()))
}

/// Open surveys the user may answer (optionally of one kind), with `answered`.
pub async fn answerable(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    kind: Option<String>,
    page: i64,
) -> Result<Page<Answerable>, AppError> {
    let now = clock.now_naive();
    let req = PageRequest::new(page);
    db.run(move |conn| {
        let facts = crate::membership::active_member_facts(conn, user_id)?;
        let open: Vec<SurveyRow> = store::open_surveys(conn, kind.as_deref(), now)?
            .into_iter()
            .filter(|s| s.admits(facts.as_ref()))
            .collect();
        let ids: Vec<i64> = open.iter().map(|s| s.id).collect();
        let answered = store::answered_of(conn, user_id, &ids)?;
        let total = i64::try_from(open.len()).unwrap_or(i64::MAX);
        let rows = open
            .into_iter()
            .skip(usize::try_from(req.offset()).unwrap_or(usize::MAX))
            .take(usize::try_from(req.limit()).unwrap_or(0))
            .map(|survey| Answerable { answered: answered.contains(&survey.id), survey })
            .collect();
        Ok(req.answer(rows, total))
    })
    .await
}

/// One published survey the user belongs to the audience of, with `answered`.
pub async fn for_user(db: &Db, user_id: i64, id: i64) -> Result<(SurveyFull, bool), AppError> {
    db.run(move |conn| {
        let survey = store::survey(conn, id)?
            .filter(|s| s.status == model::status::PUBLISHED)
            .ok_or_else(not_found)?;
        if !admitted(conn, user_id, &survey)? {
            return Err(not_found());
        }
        let answered = !store::answered_of(conn, user_id, &[id])?.is_empty();
        Ok((load_full(conn, survey)?, answered))
    })
    .await
}

/// When a response is stored: the exact time for named surveys, the day (00:00 UTC)
/// for anonymous ones, so the time cannot single out a respondent.
pub fn stored_time(anonymous: bool, now: NaiveDateTime) -> NaiveDateTime {
    if anonymous { now.date().and_time(chrono::NaiveTime::MIN) } else { now }
}

/// Submits the user's one response.
pub async fn submit(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    id: i64,
    answers: Vec<AnswerInput>,
) -> Result<(), AppError> {
    let now = clock.now_naive();
    db.write(move |conn| {
        // Takes the survey row's lock and counts the response (rolled back on refusal).
        if store::count_response(conn, id)? == 0 {
            return Err(not_found());
        }
        let survey = store::survey(conn, id)?.ok_or_else(not_found)?;
        if !admitted(conn, user_id, &survey)? {
            return Err(AppError::Invalid {
                code: "not_in_audience",
                message: "您不在本问卷的答题对象之内".into(),
            });
        }
        if survey.opens_at.is_some_and(|t| now < t) {
            return Err(AppError::Conflict {
                code: "survey_not_open",
                message: "尚未开始，暂不能作答".into(),
            });
        }
        if !survey.is_open(now) {
            return Err(AppError::Conflict {
                code: "survey_closed",
                message: "已截止，不能再作答".into(),
            });
        }
        let full = load_full(conn, survey)?;
        let values =
            model::check_answers(&full.questions, &answers).map_err(AppError::Validation)?;
        match conn.transaction(|c| store::insert_participation(c, id, user_id)) {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(AppError::Conflict {
                    code: "already_answered",
                    message: "您已提交过，每人只能作答一次".into(),
                });
            }
            Err(e) => return Err(e.into()),
        }
        let anonymous = full.survey.anonymous;
        let key = crate::kernel::tokens::random_token(16);
        let who = (!anonymous).then_some(user_id);
        store::insert_response(conn, &key, id, who, stored_time(anonymous, now), &values)?;
        Ok(())
    })
    .await
}
