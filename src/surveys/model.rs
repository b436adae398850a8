//! Survey and poll rows and the pure rules: what a valid survey and question are, who
//! may answer, and whether a set of answers is acceptable (every refusal names the
//! question).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema::{survey_options, survey_questions, surveys};
use crate::error::FieldError;
use crate::membership::MemberFacts;

/// `survey` or `poll` (one model; polls may show their results to respondents).
pub mod kind {
    /// 问卷.
    pub const SURVEY: &str = "survey";
    /// 投票.
    pub const POLL: &str = "poll";
    /// zh-CN label.
    pub fn label(kind: &str) -> &'static str {
        if kind == POLL { "投票" } else { "问卷" }
    }
}

/// Question types.
pub mod qkind {
    /// One option.
    pub const SINGLE: &str = "single";
    /// Between `min_choices` and `max_choices` options.
    pub const MULTIPLE: &str = "multiple";
    /// Free text up to `max_length` characters.
    pub const TEXT: &str = "text";
    /// 1..=`scale` (5 or 10).
    pub const RATING: &str = "rating";
    /// An integer in `min_number..=max_number`.
    pub const NUMBER: &str = "number";
    /// All, in the builder's order.
    pub const ALL: [&str; 5] = [SINGLE, MULTIPLE, TEXT, RATING, NUMBER];
    /// zh-CN label.
    pub fn label(kind: &str) -> &'static str {
        match kind {
            SINGLE => "单选",
            MULTIPLE => "多选",
            TEXT => "文本",
            RATING => "评分",
            _ => "数字",
        }
    }
    /// Whether answers are options.
    pub fn has_options(kind: &str) -> bool {
        kind == SINGLE || kind == MULTIPLE
    }
}

/// Who may answer.
pub mod audience {
    /// Everyone signed in.
    pub const EVERYONE: &str = "everyone";
    /// Active members.
    pub const MEMBERS: &str = "members";
    /// Active members holding one of `position_ids`.
    pub const POSITIONS: &str = "positions";
}

/// Survey states.
pub mod status {
    /// Being built; invisible to users.
    pub const DRAFT: &str = "draft";
    /// Visible to its audience; answerable within its window.
    pub const PUBLISHED: &str = "published";
}

/// What staff set on a survey (one definition for the row, the insert and the update).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = surveys, treat_none_as_null = true)]
pub struct SurveyDetails {
    /// See [`kind`].
    pub kind: String,
    /// Title.
    pub title: String,
    /// Introduction (plain text).
    pub intro: String,
    /// Cover image (an uploaded file).
    pub cover_file_id: Option<i64>,
    /// See [`audience`].
    pub audience: String,
    /// JSON array of position ids (audience `positions`).
    pub position_ids: String,
    /// Answers carry no link to the user.
    pub anonymous: bool,
    /// Respondents see the results after answering.
    pub results_public: bool,
    /// Opens (UTC); none: on publishing.
    pub opens_at: Option<NaiveDateTime>,
    /// Closes (UTC); none: open until changed.
    pub closes_at: Option<NaiveDateTime>,
}

/// A stored survey.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = surveys)]
pub struct SurveyRow {
    /// Id.
    pub id: i64,
    /// What staff set.
    #[diesel(embed)]
    pub details: SurveyDetails,
    /// See [`status`].
    pub status: String,
    /// Responses so far (questions are frozen from the first).
    pub response_count: i64,
    /// Who created it.
    pub created_by: i64,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

impl std::ops::Deref for SurveyRow {
    type Target = SurveyDetails;

    fn deref(&self) -> &SurveyDetails {
        &self.details
    }
}

impl SurveyRow {
    /// Questions may no longer change (someone answered).
    pub fn frozen(&self) -> bool {
        self.response_count > 0
    }

    /// Published and within its window at `now`.
    pub fn is_open(&self, now: NaiveDateTime) -> bool {
        self.status == status::PUBLISHED
            && self.opens_at.is_none_or(|t| t <= now)
            && self.closes_at.is_none_or(|t| now < t)
    }

    /// zh-CN state for lists.
    pub fn state_label(&self, now: NaiveDateTime) -> &'static str {
        if self.status == status::DRAFT {
            "草稿"
        } else if self.opens_at.is_some_and(|t| now < t) {
            "未开始"
        } else if self.closes_at.is_some_and(|t| t <= now) {
            "已结束"
        } else {
            "进行中"
        }
    }

    /// The positions of audience `positions`.
    pub fn positions(&self) -> Vec<i64> {
        serde_json::from_str(&self.position_ids).unwrap_or_default()
    }

    /// Whether a user with `member` facts (none: not an active member) may answer.
    pub fn admits(&self, member: Option<&MemberFacts>) -> bool {
        match self.audience.as_str() {
            audience::EVERYONE => true,
            audience::MEMBERS => member.is_some(),
            _ => member.is_some_and(|m| self.positions().contains(&m.position_id)),
        }
    }
}

/// What staff set on a question.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = survey_questions, treat_none_as_null = true)]
pub struct QuestionSpec {
    /// See [`qkind`].
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
    /// Rating: 5 or 10.
    pub scale: Option<i32>,
    /// Number: lowest.
    pub min_number: Option<i64>,
    /// Number: highest.
    pub max_number: Option<i64>,
}

/// A stored question.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = survey_questions)]
pub struct QuestionRow {
    /// Id.
    pub id: i64,
    /// Survey.
    pub survey_id: i64,
    /// Order (1-based).
    pub position: i32,
    /// What staff set.
    #[diesel(embed)]
    pub spec: QuestionSpec,
}

impl std::ops::Deref for QuestionRow {
    type Target = QuestionSpec;

    fn deref(&self) -> &QuestionSpec {
        &self.spec
    }
}

/// An option of a choice question.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = survey_options)]
pub struct OptionRow {
    /// Id.
    pub id: i64,
    /// Question.
    pub question_id: i64,
    /// Order (1-based).
    pub position: i32,
    /// Text.
    pub label: String,
}

/// A question with its options, in order.
#[derive(Debug, Clone)]
pub struct Question {
    /// The question.
    pub row: QuestionRow,
    /// Its options (choice questions).
    pub options: Vec<OptionRow>,
}

/// Limits of the builder.
pub const MAX_TITLE: usize = 100;
/// Most characters of a text answer that staff may allow.
pub const MAX_TEXT_LIMIT: i32 = 5000;

/// Every problem of a survey's settings.
pub fn check_details(d: &SurveyDetails) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if d.kind != kind::SURVEY && d.kind != kind::POLL {
        errors.push(FieldError::new("kind", "请选择问卷或投票"));
    }
    let title = d.title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE {
        errors.push(FieldError::new("title", "请填写标题（不超过 100 字）"));
    }
    if d.intro.chars().count() > 5000 {
        errors.push(FieldError::new("intro", "介绍不超过 5000 字"));
    }
    match d.audience.as_str() {
        audience::EVERYONE | audience::MEMBERS => {}
        audience::POSITIONS => {
            if serde_json::from_str::<Vec<i64>>(&d.position_ids).map_or(true, |p| p.is_empty()) {
                errors.push(FieldError::new("position_ids", "请至少选择一个职务"));
            }
        }
        _ => errors.push(FieldError::new("audience", "请选择答题对象")),
    }
    if let (Some(open), Some(close)) = (d.opens_at, d.closes_at)
        && close <= open
    {
        errors.push(FieldError::new("closes_at", "截止时间须晚于开始时间"));
    }
    errors
}

/// After the first response only texts and the closing time may change: the fields of
/// `new` that differ from `old` otherwise.
pub fn frozen_changes(old: &SurveyDetails, new: &SurveyDetails) -> Vec<FieldError> {
    let message = "已有人作答，此项已冻结（只能修改标题、介绍、封面和截止时间）";
    let mut errors = Vec::new();
    let mut check = |field: &str, same: bool| {
        if !same {
            errors.push(FieldError::new(field, message));
        }
    };
    check("kind", old.kind == new.kind);
    check("audience", old.audience == new.audience && old.position_ids == new.position_ids);
    check("anonymous", old.anonymous == new.anonymous);
    check("results_public", old.results_public == new.results_public);
    check("opens_at", old.opens_at == new.opens_at);
    errors
}

/// Every problem of a question and its option labels.
pub fn check_question(q: &QuestionSpec, options: &[String]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut fail = |field: &str, message: &str| errors.push(FieldError::new(field, message));
    let title = q.title.trim();
    if title.is_empty() || title.chars().count() > 500 {
        fail("title", "请填写题目（不超过 500 字）");
    }
    let n = i32::try_from(options.len()).unwrap_or(i32::MAX);
    match q.kind.as_str() {
        qkind::SINGLE | qkind::MULTIPLE => {
            if !(2..=50).contains(&n) {
                fail("options", "选择题须有 2 到 50 个选项（每行一个）");
            }
            if options.iter().any(|o| o.chars().count() > 200) {
                fail("options", "每个选项不超过 200 字");
            }
            if q.kind == qkind::MULTIPLE {
                let min = q.min_choices.unwrap_or(0);
                let max = q.max_choices.unwrap_or(n);
                if min < 0 || max < 1 || min > max || max > n.max(1) {
                    fail("max_choices", "最少、最多选择数须满足 0 ≤ 最少 ≤ 最多 ≤ 选项数");
                }
            }
        }
        qkind::TEXT => {
            if !q.max_length.is_some_and(|l| (1..=MAX_TEXT_LIMIT).contains(&l)) {
                fail("max_length", "字数上限须在 1 到 5000 之间");
            }
        }
        qkind::RATING => {
            if !matches!(q.scale, Some(5 | 10)) {
                fail("scale", "评分须为 1–5 分或 1–10 分");
            }
        }
        qkind::NUMBER => match (q.min_number, q.max_number) {
            (Some(lo), Some(hi)) if lo <= hi => {}
            _ => fail("max_number", "请填写数值范围（最小值 ≤ 最大值）"),
        },
        _ => fail("kind", "请选择题型"),
    }
    errors
}

/// One answer as the mini-program sends it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct AnswerInput {
    /// The question.
    pub question_id: i64,
    /// Chosen options (single: one; multiple: within the question's bounds).
    #[serde(default)]
    pub option_ids: Vec<i64>,
    /// Text answer.
    #[serde(default)]
    pub text: Option<String>,
    /// Rating or number answer.
    #[serde(default)]
    pub value: Option<i64>,
}

/// One stored answer row: (question, seq, option, text, number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerValue {
    /// Question.
    pub question_id: i64,
    /// 0.. within the question.
    pub seq: i32,
    /// Chosen option.
    pub option_id: Option<i64>,
    /// Text.
    pub text: Option<String>,
    /// Rating or number.
    pub number: Option<i64>,
}

fn refuse(i: usize, q: &QuestionRow, message: &str) -> FieldError {
    FieldError::new(
        format!("answers.{}", q.id),
        format!("第 {} 题「{}」：{message}", i + 1, q.title),
    )
}

/// Checks `answers` against `questions`; every refusal names its question.
pub fn check_answers(
    questions: &[Question],
    answers: &[AnswerInput],
) -> Result<Vec<AnswerValue>, Vec<FieldError>> {
    let mut errors = Vec::new();
    for a in answers {
        if !questions.iter().any(|q| q.row.id == a.question_id) {
            errors.push(FieldError::new(
                format!("answers.{}", a.question_id),
                format!("题目 {} 不属于本问卷", a.question_id),
            ));
        }
    }
    let mut out = Vec::new();
    for (i, q) in questions.iter().enumerate() {
        let given: Vec<&AnswerInput> =
            answers.iter().filter(|a| a.question_id == q.row.id).collect();
        if given.len() > 1 {
            errors.push(refuse(i, &q.row, "重复作答"));
            continue;
        }
        let a = given.first().copied();
        match check_one(q, a) {
            Ok(values) if values.is_empty() && q.row.required => {
                errors.push(refuse(i, &q.row, "此题必答"));
            }
            Ok(values) => out.extend(values),
            Err(message) => errors.push(refuse(i, &q.row, &message)),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

fn check_one(q: &Question, a: Option<&AnswerInput>) -> Result<Vec<AnswerValue>, String> {
    let Some(a) = a else { return Ok(Vec::new()) };
    let id = q.row.id;
    let value = |seq, option_id, text, number| AnswerValue {
        question_id: id,
        seq,
        option_id,
        text,
        number,
    };
    match q.row.kind.as_str() {
        qkind::SINGLE | qkind::MULTIPLE => {
            let mut chosen = a.option_ids.clone();
            chosen.sort_unstable();
            chosen.dedup();
            if chosen.len() != a.option_ids.len() {
                return Err("同一选项只能选一次".into());
            }
            if let Some(bad) = chosen.iter().find(|o| !q.options.iter().any(|x| x.id == **o)) {
                return Err(format!("选项 {bad} 不属于此题"));
            }
            let n = chosen.len();
            if q.row.kind == qkind::SINGLE && n > 1 {
                return Err("只能选择一项".into());
            }
            if q.row.kind == qkind::MULTIPLE && n > 0 {
                let min = usize::try_from(q.row.min_choices.unwrap_or(0)).unwrap_or(0);
                let max = usize::try_from(q.row.max_choices.unwrap_or(i32::MAX)).unwrap_or(0);
                if n > max {
                    return Err(format!("最多选择 {max} 项"));
                }
                if n < min {
                    return Err(format!("至少选择 {min} 项"));
                }
            }
            Ok((0..).zip(chosen).map(|(seq, o)| value(seq, Some(o), None, None)).collect())
        }
        qkind::TEXT => {
            let text = a.text.as_deref().map(str::trim).unwrap_or_default();
            if text.is_empty() {
                return Ok(Vec::new());
            }
            let limit = usize::try_from(q.row.max_length.unwrap_or(0)).unwrap_or(0);
            if text.chars().count() > limit {
                return Err(format!("不超过 {limit} 字"));
            }
            Ok(vec![value(0, None, Some(text.to_owned()), None)])
        }
        kind => {
            let Some(v) = a.value else { return Ok(Vec::new()) };
            let (lo, hi) = if kind == qkind::RATING {
                (1, i64::from(q.row.scale.unwrap_or(5)))
            } else {
                (q.row.min_number.unwrap_or(i64::MIN), q.row.max_number.unwrap_or(i64::MAX))
            };
            if !(lo..=hi).contains(&v) {
                return Err(format!("须在 {lo} 到 {hi} 之间"));
            }
            Ok(vec![value(0, None, None, Some(v))])
        }
    }
}

#[cfg(test)]
mod tests;
