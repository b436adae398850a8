//! Results for staff (filters by member facts on named surveys), the public poll
//! results for respondents, who has not answered, reminders, and the Excel export.

use std::collections::HashMap;

use diesel::Connection as _;

use super::model::{self, qkind};
use super::results_store as rs;
use super::{SurveyFull, load_full, store};
use crate::db::{Db, DbConn, is_unique_violation};
use crate::error::AppError;
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;
use crate::kernel::page::{Page, PageRequest};
use crate::membership::MemberFacts;

/// Narrows named results to members of a type, industry and/or position.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResultFilter {
    /// Member type.
    pub member_type_id: Option<i64>,
    /// Industry.
    pub industry_id: Option<i64>,
    /// Position.
    pub position_id: Option<i64>,
}

impl ResultFilter {
    fn is_empty(self) -> bool {
        self == Self::default()
    }

    fn admits(self, m: &MemberFacts) -> bool {
        self.member_type_id.is_none_or(|t| m.member_type_id == t)
            && self.industry_id.is_none_or(|i| m.industry_id == Some(i))
            && self.position_id.is_none_or(|p| m.position_id == p)
    }
}

/// One bar: a label, a count and its share of the question's respondents.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Bar {
    /// Option text or value.
    pub label: String,
    /// Answers.
    pub count: i64,
    /// Percent of the question's respondents (0–100, one decimal).
    pub percent: f64,
}

/// The results of one question.
#[derive(Debug, Clone)]
pub struct QuestionResult {
    /// The question.
    pub question: model::Question,
    /// Responses that answered it.
    pub answered: i64,
    /// Options (choice) or values (rating, number).
    pub bars: Vec<Bar>,
    /// Mean (rating, number).
    pub average: Option<f64>,
}

/// A survey's results.
#[derive(Debug, Clone)]
pub struct SurveyResults {
    /// The survey.
    pub full: SurveyFull,
    /// Responses counted.
    pub total: i64,
    /// Per question.
    pub questions: Vec<QuestionResult>,
    /// Responses per day (local dates).
    pub per_day: Vec<Bar>,
}

fn percent(count: i64, of: i64) -> f64 {
    if of == 0 { 0.0 } else { (count as f64 * 1000.0 / of as f64).round() / 10.0 }
}

/// User ids behind a filter on a named survey; `None`: no narrowing.
fn filter_users(
    conn: &mut DbConn,
    survey: &model::SurveyRow,
    filter: ResultFilter,
) -> Result<Option<Vec<i64>>, AppError> {
    if survey.anonymous || filter.is_empty() {
        return Ok(None);
    }
    let members = crate::membership::all_active_member_facts(conn)?;
    Ok(Some(members.into_iter().filter(|m| filter.admits(m)).map(|m| m.user_id).collect()))
}

/// Counts, bars and responses per day of a loaded survey (narrowed to `users` when given).
pub(super) fn compute(
    conn: &mut DbConn,
    full: SurveyFull,
    users: Option<&[i64]>,
    tz: chrono_tz::Tz,
) -> Result<SurveyResults, AppError> {
    let id = full.survey.id;
    // Stored times in order (from the index), cut into local days.
    let times = rs::submitted_times(conn, id, users)?;
    let total = i64::try_from(times.len()).unwrap_or(i64::MAX);
    let mut days: Vec<(chrono::NaiveDate, i64)> = Vec::new();
    for t in times {
        let day = t.and_utc().with_timezone(&tz).date_naive();
        match days.last_mut() {
            Some((d, n)) if *d == day => *n += 1,
            _ => days.push((day, 1)),
        }
    }
    let question_ids: Vec<i64> = full.questions.iter().map(|q| q.row.id).collect();
    let tallies = rs::tallies(conn, &question_ids, users)?;
    let mut answered: HashMap<i64, i64> = HashMap::new();
    for t in tallies.iter().filter(|t| t.seq == 0) {
        *answered.entry(t.question_id).or_default() += t.count;
    }
    let questions = full
        .questions
        .iter()
        .map(|q| question_result(q, answered.get(&q.row.id).copied().unwrap_or(0), &tallies))
        .collect();
    let per_day = days.into_iter().map(|(day, count)| Bar {
        percent: percent(count, total),
        label: day.format("%Y-%m-%d").to_string(),
        count,
    });
    Ok(SurveyResults { per_day: per_day.collect(), full, total, questions })
}

fn question_result(q: &model::Question, answered: i64, tallies: &[rs::Tally]) -> QuestionResult {
    let mine = tallies.iter().filter(|t| t.question_id == q.row.id);
    let bar = |label: String, count: i64| Bar { percent: percent(count, answered), label, count };
    if qkind::has_options(&q.row.kind) {
        let bars = q
            .options
            .iter()
            .map(|o| {
                let count =
                    mine.clone().filter(|t| t.option_id == Some(o.id)).map(|t| t.count).sum();
                bar(o.label.clone(), count)
            })
            .collect();
        return QuestionResult { question: q.clone(), answered, bars, average: None };
    }
    let values: Vec<(i64, i64)> = mine.filter_map(|t| t.number.map(|v| (v, t.count))).collect();
    let n: i64 = values.iter().map(|v| v.1).sum();
    let sum: f64 = values.iter().map(|(v, c)| *v as f64 * *c as f64).sum();
    let average = (n > 0).then(|| (sum / n as f64 * 100.0).round() / 100.0);
    let (lo, hi) = match q.row.kind.as_str() {
        qkind::RATING => (1, i64::from(q.row.scale.unwrap_or(5))),
        qkind::NUMBER => (q.row.min_number.unwrap_or(0), q.row.max_number.unwrap_or(0)),
        _ => return QuestionResult { question: q.clone(), answered, bars: Vec::new(), average },
    };
    let span = hi.saturating_sub(lo).saturating_add(1).max(1);
    let buckets = span.min(10);
    let width = (span + buckets - 1) / buckets;
    let bars = (0..buckets)
        .map(|b| {
            let from = lo + b * width;
            let to = (from + width - 1).min(hi);
            let count = values.iter().filter(|(v, _)| (from..=to).contains(v)).map(|v| v.1).sum();
            let label = if from == to { from.to_string() } else { format!("{from}–{to}") };
            bar(label, count)
        })
        .collect();
    QuestionResult { question: q.clone(), answered, bars, average }
}

/// Results for staff.
pub async fn results(
    db: &Db,
    tz: chrono_tz::Tz,
    id: i64,
    filter: ResultFilter,
) -> Result<SurveyResults, AppError> {
    db.run(move |conn| {
        let survey = store::survey(conn, id)?.ok_or_else(|| AppError::not_found("问卷"))?;
        let users = filter_users(conn, &survey, filter)?;
        let full = load_full(conn, survey)?;
        compute(conn, full, users.as_deref(), tz)
    })
    .await
}

/// Results a respondent may see: only when the survey shows them and they answered.
pub async fn public_results(
    db: &Db,
    tz: chrono_tz::Tz,
    user_id: i64,
    id: i64,
) -> Result<SurveyResults, AppError> {
    db.run(move |conn| {
        let survey = store::survey(conn, id)?
            .filter(|s| s.status == model::status::PUBLISHED)
            .ok_or_else(|| AppError::not_found("问卷"))?;
        if !survey.results_public {
            return Err(AppError::Invalid {
                code: "results_not_public",
                message: "本问卷的结果不公开".into(),
            });
        }
        if store::answered_of(conn, user_id, &[id])?.is_empty() {
            return Err(AppError::Invalid {
                code: "answer_first",
                message: "作答后才能查看结果".into(),
            });
        }
        let full = load_full(conn, survey)?;
        compute(conn, full, None, tz)
    })
    .await
}

/// One page of a text question's answers.
pub async fn text_answers(
    db: &Db,
    id: i64,
    question_id: i64,
    filter: ResultFilter,
    page: i64,
) -> Result<Page<String>, AppError> {
    let req = PageRequest::new(page);
    db.run(move |conn| {
        let survey = store::survey(conn, id)?.ok_or_else(|| AppError::not_found("问卷"))?;
        if !store::questions(conn, id)?.iter().any(|q| q.id == question_id && q.kind == qkind::TEXT)
        {
            return Err(AppError::not_found("题目"));
        }
        let users = filter_users(conn, &survey, filter)?;
        let (rows, total) =
            rs::texts(conn, question_id, users.as_deref(), req.offset(), req.limit())?;
        Ok(req.answer(rows, total))
    })
    .await
}

fn audience_members(
    conn: &mut DbConn,
    survey: &model::SurveyRow,
) -> Result<Vec<MemberFacts>, AppError> {
    if survey.audience == model::audience::EVERYONE {
        return Err(AppError::Invalid {
            code: "audience_everyone",
            message: "面向所有人的问卷没有确定的名单，无法统计未作答者".into(),
        });
    }
    let answered = store::participants(conn, survey.id)?;
    Ok(crate::membership::all_active_member_facts(conn)?
        .into_iter()
        .filter(|m| survey.admits(Some(m)) && !answered.contains(&m.user_id))
        .collect())
}

/// Members of the audience who have not answered, by user id.
pub async fn non_respondents(db: &Db, id: i64, page: i64) -> Result<Page<MemberFacts>, AppError> {
    let req = PageRequest::new(page);
    db.run(move |conn| {
        let survey = store::survey(conn, id)?.ok_or_else(|| AppError::not_found("问卷"))?;
        let all = audience_members(conn, &survey)?;
        let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
        let rows = all
            .into_iter()
            .skip(usize::try_from(req.offset()).unwrap_or(usize::MAX))
            .take(usize::try_from(req.limit()).unwrap_or(0))
            .collect();
        Ok(req.answer(rows, total))
    })
    .await
}

/// Queues a reminder to every member of the audience who has not answered, at most one
/// per person, survey and (local) day; answers how many were queued (audited).
pub async fn remind(
    db: &Db,
    clock: &SharedClock,
    tz: chrono_tz::Tz,
    staff_id: i64,
    id: i64,
) -> Result<usize, AppError> {
    let at = clock.now_naive();
    let day = at.and_utc().with_timezone(&tz).format("%Y-%m-%d").to_string();
    db.write(move |conn| {
        let survey = store::lock_survey(conn, id)?.ok_or_else(|| AppError::not_found("问卷"))?;
        if !survey.is_open(at) {
            return Err(AppError::Conflict {
                code: "survey_not_open",
                message: "问卷未在作答期内，无需提醒".into(),
            });
        }
        let mut sent = 0;
        for m in audience_members(conn, &survey)? {
            match conn.transaction(|c| store::insert_reminder(c, id, m.user_id, &day)) {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => continue,
                Err(e) => return Err(e.into()),
            }
            let notice = crate::notices::Notice {
                kind: crate::notices::NoticeKind::SurveyReminder,
                body: format!("「{}」还在等您参与，请在截止前作答", survey.title),
                payload: serde_json::json!({"survey_id": id, "title": survey.title}),
            };
            crate::notices::send(conn, at, m.user_id, &notice)?;
            sent += 1;
        }
        AuditEntry::new(Actor::Staff(staff_id), "survey.remind", "surveys", id).record(
            conn,
            at,
            &serde_json::json!({"queued": sent, "day": day}),
        )?;
        Ok(sent)
    })
    .await
}
