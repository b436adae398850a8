//! The survey and question forms of the workbench: what staff type and how it becomes
//! `SurveyDetails` / `QuestionSpec`, every unreadable field reported at once.

use chrono::{NaiveDateTime, TimeZone as _};
use serde::Deserialize;

use crate::error::{AppError, FieldError};
use crate::surveys::model::{audience, kind, qkind};
use crate::surveys::{Question, QuestionSpec, SurveyDetails, SurveyRow};

/// The survey settings as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct SurveyForm {
    /// `survey` / `poll`.
    #[serde(default)]
    pub kind: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Introduction.
    #[serde(default)]
    pub intro: String,
    /// Cover file id.
    #[serde(default)]
    pub cover_file_id: String,
    /// `everyone` / `members` / `positions`.
    #[serde(default)]
    pub audience: String,
    /// Position ids, comma separated.
    #[serde(default)]
    pub position_ids: String,
    /// Checkbox.
    #[serde(default)]
    pub anonymous: Option<String>,
    /// Checkbox.
    #[serde(default)]
    pub results_public: Option<String>,
    /// `datetime-local`.
    #[serde(default)]
    pub opens_at: String,
    /// `datetime-local`.
    #[serde(default)]
    pub closes_at: String,
}

fn local_input(t: Option<NaiveDateTime>, tz: chrono_tz::Tz) -> String {
    t.map(|t| t.and_utc().with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

fn optional<T: std::str::FromStr>(
    errors: &mut Vec<FieldError>,
    field: &str,
    text: &str,
    message: &str,
) -> Option<T> {
    match text.trim() {
        "" => None,
        t => t.parse().map(Some).unwrap_or_else(|_| {
            errors.push(FieldError::new(field, message));
            None
        }),
    }
}

impl SurveyForm {
    /// A blank form.
    pub fn blank() -> Self {
        Self { kind: kind::SURVEY.into(), audience: audience::EVERYONE.into(), ..Self::default() }
    }

    /// The form filled from a stored survey.
    pub fn from_row(s: &SurveyRow, tz: chrono_tz::Tz) -> Self {
        let on = |b: bool| b.then(|| "on".to_owned());
        Self {
            kind: s.kind.clone(),
            title: s.title.clone(),
            intro: s.intro.clone(),
            cover_file_id: s.cover_file_id.map(|i| i.to_string()).unwrap_or_default(),
            audience: s.audience.clone(),
            position_ids: s.positions().iter().map(i64::to_string).collect::<Vec<_>>().join(","),
            anonymous: on(s.anonymous),
            results_public: on(s.results_public),
            opens_at: local_input(s.opens_at, tz),
            closes_at: local_input(s.closes_at, tz),
        }
    }

    /// Parses the form.
    pub fn parse(&self, tz: chrono_tz::Tz) -> Result<SurveyDetails, AppError> {
        let mut errors = Vec::new();
        let mut time = |field: &str, text: &str| match text.trim() {
            "" => None,
            t => {
                let parsed = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
                    .ok()
                    .and_then(|local| tz.from_local_datetime(&local).earliest())
                    .map(|t| t.naive_utc());
                if parsed.is_none() {
                    errors.push(FieldError::new(field, "请填写正确的时间"));
                }
                parsed
            }
        };
        let opens_at = time("opens_at", &self.opens_at);
        let closes_at = time("closes_at", &self.closes_at);
        let cover_file_id =
            optional(&mut errors, "cover_file_id", &self.cover_file_id, "封面须填写文件编号");
        let mut positions = Vec::new();
        for part in self.position_ids.split([',', '，', ' ']).filter(|p| !p.trim().is_empty()) {
            match part.trim().parse::<i64>() {
                Ok(id) => positions.push(id),
                Err(_) => {
                    errors.push(FieldError::new("position_ids", "职务编号须为数字，用逗号分隔"))
                }
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(SurveyDetails {
            kind: self.kind.clone(),
            title: self.title.trim().to_owned(),
            intro: self.intro.trim().to_owned(),
            cover_file_id,
            audience: self.audience.clone(),
            position_ids: serde_json::to_string(&positions).unwrap_or_else(|_| "[]".into()),
            anonymous: self.anonymous.is_some(),
            results_public: self.results_public.is_some(),
            opens_at,
            closes_at,
        })
    }
}

/// A question as typed (options one per line).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct QuestionForm {
    /// See `qkind`.
    #[serde(default)]
    pub kind: String,
    /// The question.
    #[serde(default)]
    pub title: String,
    /// Checkbox.
    #[serde(default)]
    pub required: Option<String>,
    /// Multiple choice.
    #[serde(default)]
    pub min_choices: String,
    /// Multiple choice.
    #[serde(default)]
    pub max_choices: String,
    /// Text.
    #[serde(default)]
    pub max_length: String,
    /// Rating: 5 or 10.
    #[serde(default)]
    pub scale: String,
    /// Number.
    #[serde(default)]
    pub min_number: String,
    /// Number.
    #[serde(default)]
    pub max_number: String,
    /// One option per line.
    #[serde(default)]
    pub options: String,
}

impl QuestionForm {
    /// A blank question.
    pub fn blank() -> Self {
        Self {
            kind: qkind::SINGLE.into(),
            required: Some("on".into()),
            max_length: "200".into(),
            scale: "5".into(),
            ..Self::default()
        }
    }

    /// The form of a stored question.
    pub fn from_question(q: &Question) -> Self {
        let s = &q.row.spec;
        let text = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        Self {
            kind: s.kind.clone(),
            title: s.title.clone(),
            required: s.required.then(|| "on".to_owned()),
            min_choices: text(s.min_choices.map(i64::from)),
            max_choices: text(s.max_choices.map(i64::from)),
            max_length: text(s.max_length.map(i64::from)),
            scale: text(s.scale.map(i64::from)),
            min_number: text(s.min_number),
            max_number: text(s.max_number),
            options: q.options.iter().map(|o| o.label.as_str()).collect::<Vec<_>>().join("\n"),
        }
    }

    /// The spec and option lines; only the fields of the chosen type are kept.
    pub fn parse(&self) -> Result<(QuestionSpec, Vec<String>), AppError> {
        let mut errors = Vec::new();
        let k = self.kind.as_str();
        let int = |errors: &mut Vec<FieldError>, on: bool, field: &str, text: &str| {
            if on { optional::<i32>(errors, field, text, "须为整数") } else { None }
        };
        let min_choices = int(&mut errors, k == qkind::MULTIPLE, "min_choices", &self.min_choices);
        let max_choices = int(&mut errors, k == qkind::MULTIPLE, "max_choices", &self.max_choices);
        let max_length = int(&mut errors, k == qkind::TEXT, "max_length", &self.max_length);
        let scale = int(&mut errors, k == qkind::RATING, "scale", &self.scale);
        let big = |errors: &mut Vec<FieldError>, field: &str, text: &str| {
            if k == qkind::NUMBER {
                optional::<i64>(errors, field, text, "须为整数")
            } else {
                None
            }
        };
        let min_number = big(&mut errors, "min_number", &self.min_number);
        let max_number = big(&mut errors, "max_number", &self.max_number);
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let options = if qkind::has_options(k) {
            crate::surveys::option_lines(&self.options)
        } else {
            Vec::new()
        };
        let spec = QuestionSpec {
            kind: self.kind.clone(),
            title: self.title.trim().to_owned(),
            required: self.required.is_some(),
            min_choices,
            max_choices,
            max_length,
            scale,
            min_number,
            max_number,
        };
        Ok((spec, options))
    }
}
