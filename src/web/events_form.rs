//! The event form of the workbench: what staff type (local times, fees in yuan) and
//! how it becomes an `EventDetails`, with every unreadable field reported at once.

use chrono::{NaiveDateTime, TimeZone as _};
use serde::Deserialize;

use crate::error::{AppError, FieldError};
use crate::events::model::{DEFAULT_CHECKIN_OPENS_MINUTES, audience};
use crate::events::{EventDetails, EventRow};
use crate::kernel::money::{format_cents, parse_yuan};

/// The event form as typed (times as `datetime-local`, fees in yuan).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct EventForm {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Cover file id.
    #[serde(default)]
    pub cover_file_id: String,
    /// Description HTML.
    #[serde(default)]
    pub description_html: String,
    /// Place.
    #[serde(default)]
    pub place: String,
    /// Start.
    #[serde(default)]
    pub starts_at: String,
    /// End.
    #[serde(default)]
    pub ends_at: String,
    /// Registration opens.
    #[serde(default)]
    pub registration_opens_at: String,
    /// Registration closes.
    #[serde(default)]
    pub registration_closes_at: String,
    /// Places.
    #[serde(default)]
    pub capacity: String,
    /// Member fee in yuan.
    #[serde(default)]
    pub member_fee: String,
    /// Non-member fee in yuan.
    #[serde(default)]
    pub non_member_fee: String,
    /// Checkbox.
    #[serde(default)]
    pub needs_approval: Option<String>,
    /// Checkbox.
    #[serde(default)]
    pub check_in_enabled: Option<String>,
    /// Checkbox.
    #[serde(default)]
    pub check_out_enabled: Option<String>,
    /// `everyone` / `members`.
    #[serde(default)]
    pub audience: String,
    /// Minutes before the start.
    #[serde(default)]
    pub checkin_opens_minutes: String,
    /// Checkbox.
    #[serde(default)]
    pub screen_only: Option<String>,
}

fn local_input(t: NaiveDateTime, tz: chrono_tz::Tz) -> String {
    t.and_utc().with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
}

fn yuan(cents: i64) -> String {
    format_cents(cents).trim_start_matches('¥').to_owned()
}

impl EventForm {
    /// A blank form with sensible defaults.
    pub fn blank() -> Self {
        Self {
            capacity: "50".into(),
            member_fee: "0".into(),
            non_member_fee: "0".into(),
            check_in_enabled: Some("on".into()),
            audience: audience::EVERYONE.into(),
            checkin_opens_minutes: DEFAULT_CHECKIN_OPENS_MINUTES.to_string(),
            ..Self::default()
        }
    }

    /// The form filled from a stored event.
    pub fn from_event(e: &EventRow, tz: chrono_tz::Tz) -> Self {
        let on = |b: bool| b.then(|| "on".to_owned());
        Self {
            title: e.title.clone(),
            cover_file_id: e.cover_file_id.map(|i| i.to_string()).unwrap_or_default(),
            description_html: e.description_html.clone(),
            place: e.place.clone(),
            starts_at: local_input(e.starts_at, tz),
            ends_at: local_input(e.ends_at, tz),
            registration_opens_at: local_input(e.registration_opens_at, tz),
            registration_closes_at: local_input(e.registration_closes_at, tz),
            capacity: e.capacity.to_string(),
            member_fee: yuan(e.member_fee_cents),
            non_member_fee: yuan(e.non_member_fee_cents),
            needs_approval: on(e.needs_approval),
            check_in_enabled: on(e.check_in_enabled),
            check_out_enabled: on(e.check_out_enabled),
            audience: e.audience.clone(),
            checkin_opens_minutes: e.checkin_opens_minutes.to_string(),
            screen_only: on(e.screen_only),
        }
    }

    /// Parses the form; every unreadable field is reported at once.
    pub fn parse(&self, tz: chrono_tz::Tz) -> Result<EventDetails, AppError> {
        let mut errors = Vec::new();
        let mut time = |field: &str, text: &str| {
            let parsed = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M")
                .ok()
                .and_then(|local| tz.from_local_datetime(&local).earliest())
                .map(|t| t.naive_utc());
            parsed.unwrap_or_else(|| {
                errors.push(FieldError::new(field, "请填写正确的时间"));
                NaiveDateTime::default()
            })
        };
        let starts_at = time("starts_at", &self.starts_at);
        let ends_at = time("ends_at", &self.ends_at);
        let registration_opens_at = time("registration_opens_at", &self.registration_opens_at);
        let registration_closes_at = time("registration_closes_at", &self.registration_closes_at);
        let mut number = |field: &str, text: &str, message: &str| {
            text.trim().parse::<i32>().unwrap_or_else(|_| {
                errors.push(FieldError::new(field, message));
                0
            })
        };
        let capacity = number("capacity", &self.capacity, "名额须为整数");
        let checkin_opens_minutes = number(
            "checkin_opens_minutes",
            &self.checkin_opens_minutes,
            "签到提前时间须为整数（分钟）",
        );
        let mut money = |field: &str, text: &str| {
            parse_yuan(if text.trim().is_empty() { "0" } else { text }).unwrap_or_else(|| {
                errors.push(FieldError::new(field, "请填写正确的金额，如 12.50"));
                0
            })
        };
        let member_fee_cents = money("member_fee", &self.member_fee);
        let non_member_fee_cents = money("non_member_fee", &self.non_member_fee);
        let cover_file_id = match self.cover_file_id.trim() {
            "" => None,
            text => text.parse().map(Some).unwrap_or_else(|_| {
                errors.push(FieldError::new("cover_file_id", "封面须填写文件编号"));
                None
            }),
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(EventDetails {
            title: self.title.clone(),
            cover_file_id,
            description_html: self.description_html.clone(),
            place: self.place.clone(),
            starts_at,
            ends_at,
            registration_opens_at,
            registration_closes_at,
            capacity,
            member_fee_cents,
            non_member_fee_cents,
            needs_approval: self.needs_approval.is_some(),
            check_in_enabled: self.check_in_enabled.is_some(),
            check_out_enabled: self.check_out_enabled.is_some(),
            audience: self.audience.clone(),
            checkin_opens_minutes,
            screen_only: self.screen_only.is_some(),
        })
    }
}
