//! Event and registration rows, their states, and the pure rules: validation of an
//! event's fields, who gets a place, when the check-in window is open.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{event_registrations, events};
use crate::error::FieldError;

/// Event states.
pub mod status {
    /// Being prepared; not visible to users.
    pub const DRAFT: &str = "draft";
    /// Visible; users may register within the registration window.
    pub const PUBLISHED: &str = "published";
    /// Called off; registrations and scans are refused.
    pub const CANCELLED: &str = "cancelled";
}

/// Registration states.
pub mod reg {
    /// Holds a place, waiting for staff approval.
    pub const PENDING: &str = "pending";
    /// Holds a place.
    pub const REGISTERED: &str = "registered";
    /// On the waiting list (FIFO by `queued_at`, then id).
    pub const WAITING: &str = "waiting";
    /// Refused by staff.
    pub const REJECTED: &str = "rejected";
    /// Withdrawn by the user.
    pub const CANCELLED: &str = "cancelled";
    /// States that hold one of the event's places.
    pub const HOLDING_PLACE: [&str; 2] = [PENDING, REGISTERED];
    /// States that count as signed up (a second registration is refused).
    pub const ACTIVE: [&str; 3] = [PENDING, REGISTERED, WAITING];
}

/// Who may see and register for an event.
pub mod audience {
    /// Everyone signed in.
    pub const EVERYONE: &str = "everyone";
    /// Active members only.
    pub const MEMBERS: &str = "members";
}

/// Scan kinds in the log.
pub mod kind {
    /// Check-in.
    pub const CHECK_IN: &str = "check_in";
    /// Check-out.
    pub const CHECK_OUT: &str = "check_out";
}

/// Default minutes before the start that check-in opens.
pub const DEFAULT_CHECKIN_OPENS_MINUTES: i32 = 120;

/// A stored event: its [`EventDetails`] plus what the server keeps.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventRow {
    /// Id.
    pub id: i64,
    /// What staff wrote.
    #[diesel(embed)]
    pub details: EventDetails,
    /// Bumped to rotate the printed codes (old ones stop working).
    pub token_version: i32,
    /// See [`status`].
    pub status: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// An event reads as its details (`event.title`), in code and in templates.
impl std::ops::Deref for EventRow {
    type Target = EventDetails;

    fn deref(&self) -> &EventDetails {
        &self.details
    }
}

impl EventRow {
    /// The window in which scans are accepted: from `checkin_opens_minutes` before the
    /// start until the end.
    pub fn scan_window(&self) -> (NaiveDateTime, NaiveDateTime) {
        (self.starts_at - Duration::minutes(i64::from(self.checkin_opens_minutes)), self.ends_at)
    }

    /// Whether `now` is inside [`Self::scan_window`].
    pub fn scan_window_open(&self, now: NaiveDateTime) -> bool {
        let (from, to) = self.scan_window();
        from <= now && now <= to
    }

    /// Whether registration is open at `now`.
    pub fn registration_open(&self, now: NaiveDateTime) -> bool {
        self.status == status::PUBLISHED
            && self.registration_opens_at <= now
            && now <= self.registration_closes_at
            && now < self.starts_at
    }

    /// The fee for a member or non-member.
    pub fn fee_for(&self, member: bool) -> i64 {
        if member { self.member_fee_cents } else { self.non_member_fee_cents }
    }

    /// zh-CN label of the status.
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            status::PUBLISHED => "已发布",
            status::CANCELLED => "已取消",
            _ => "草稿",
        }
    }
}

/// A stored registration.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = event_registrations)]
pub struct RegistrationRow {
    /// Id.
    pub id: i64,
    /// Event.
    pub event_id: i64,
    /// User.
    pub user_id: i64,
    /// See [`reg`].
    pub status: String,
    /// Fee at the time of registration, cents.
    pub fee_cents: i64,
    /// The fee's order, once created.
    pub order_id: Option<i64>,
    /// Position in the waiting list (earlier first).
    pub queued_at: NaiveDateTime,
    /// Checked in.
    pub checked_in_at: Option<NaiveDateTime>,
    /// Checked out.
    pub checked_out_at: Option<NaiveDateTime>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// zh-CN label of a registration status.
pub fn registration_label(status: &str) -> &'static str {
    match status {
        reg::PENDING => "待审核",
        reg::REGISTERED => "已报名",
        reg::WAITING => "候补中",
        reg::REJECTED => "已驳回",
        reg::CANCELLED => "已取消",
        _ => "未知",
    }
}

/// The state a new sign-up gets: a place if one is free (pending when approval is
/// needed), else the waiting list.
pub fn status_for_new(taken: i64, capacity: i32, needs_approval: bool) -> &'static str {
    if taken >= i64::from(capacity) {
        reg::WAITING
    } else if needs_approval {
        reg::PENDING
    } else {
        reg::REGISTERED
    }
}

// One definition for the stored row (embedded in `EventRow`), the input of creating and
// updating (already parsed, times in UTC) and the API's event view (RFC 3339 UTC times).
/// An event's fields as staff edit them.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Queryable,
    Selectable,
    Insertable,
    AsChangeset,
    serde::Serialize,
    utoipa::ToSchema,
)]
#[diesel(table_name = events, treat_none_as_null = true)]
pub struct EventDetails {
    /// Title.
    pub title: String,
    /// Cover image: an uploaded file's id.
    pub cover_file_id: Option<i64>,
    /// Description: sanitised HTML (sanitised when saved).
    pub description_html: String,
    /// Place.
    pub place: String,
    /// Starts (UTC).
    #[serde(serialize_with = "crate::kernel::clock::serialize_utc")]
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: NaiveDateTime,
    /// Ends (UTC).
    #[serde(serialize_with = "crate::kernel::clock::serialize_utc")]
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: NaiveDateTime,
    /// Registration opens (UTC).
    #[serde(serialize_with = "crate::kernel::clock::serialize_utc")]
    #[schema(value_type = String, format = DateTime)]
    pub registration_opens_at: NaiveDateTime,
    /// Registration closes (UTC).
    #[serde(serialize_with = "crate::kernel::clock::serialize_utc")]
    #[schema(value_type = String, format = DateTime)]
    pub registration_closes_at: NaiveDateTime,
    /// Places.
    pub capacity: i32,
    /// Fee for active members, cents.
    pub member_fee_cents: i64,
    /// Fee for everyone else, cents.
    pub non_member_fee_cents: i64,
    /// Registrations wait for staff approval.
    pub needs_approval: bool,
    /// Check-in by QR code is on.
    pub check_in_enabled: bool,
    /// Check-out by QR code is on.
    pub check_out_enabled: bool,
    /// `everyone` or `members` (see `audience`).
    pub audience: String,
    /// Minutes before the start that check-in opens.
    pub checkin_opens_minutes: i32,
    /// Only the screen-mode (rotating) code checks in.
    pub screen_only: bool,
}

/// Checks the rules between fields; every problem is reported at once.
pub fn validate(input: &EventDetails) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut fail = |field: &str, message: &str| errors.push(FieldError::new(field, message));
    let title_len = input.title.trim().chars().count();
    if title_len == 0 || title_len > 100 {
        fail("title", "请填写标题（不超过 100 字）");
    }
    if input.place.trim().is_empty() || input.place.chars().count() > 200 {
        fail("place", "请填写地点（不超过 200 字）");
    }
    if input.ends_at <= input.starts_at {
        fail("ends_at", "结束时间须晚于开始时间");
    }
    if input.registration_closes_at <= input.registration_opens_at {
        fail("registration_closes_at", "报名截止须晚于报名开始");
    }
    if input.registration_closes_at > input.starts_at {
        fail("registration_closes_at", "报名截止不能晚于活动开始");
    }
    if !(1..=100_000).contains(&input.capacity) {
        fail("capacity", "名额须在 1 到 100000 之间");
    }
    if input.member_fee_cents < 0 || input.non_member_fee_cents < 0 {
        fail("member_fee_cents", "费用不能为负数");
    }
    if input.audience != audience::EVERYONE && input.audience != audience::MEMBERS {
        fail("audience", "请选择参与对象");
    }
    if !(0..=24 * 60).contains(&input.checkin_opens_minutes) {
        fail("checkin_opens_minutes", "签到提前开放时间须在 0 到 1440 分钟之间");
    }
    if input.description_html.len() > 200_000 {
        fail("description_html", "活动介绍过长");
    }
    errors
}

/// Rich text as stored: sanitised by ammonia (no scripts, handlers or styles).
pub fn sanitize_description(html: &str) -> String {
    ammonia::clean(html)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn at(h: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(h, 0, 0).unwrap()
    }

    pub(crate) fn input() -> EventDetails {
        EventDetails {
            title: "年会".into(),
            cover_file_id: None,
            description_html: "<p>欢迎</p>".into(),
            place: "会议中心".into(),
            starts_at: at(10),
            ends_at: at(12),
            registration_opens_at: at(1),
            registration_closes_at: at(9),
            capacity: 50,
            member_fee_cents: 0,
            non_member_fee_cents: 5000,
            needs_approval: false,
            check_in_enabled: true,
            check_out_enabled: true,
            audience: audience::EVERYONE.into(),
            checkin_opens_minutes: DEFAULT_CHECKIN_OPENS_MINUTES,
            screen_only: false,
        }
    }

    #[test]
    fn a_valid_event_passes_and_broken_fields_are_named() {
        assert!(validate(&input()).is_empty());
        let bad = EventDetails {
            title: " ".into(),
            ends_at: at(9),
            capacity: 0,
            audience: "vip".into(),
            ..input()
        };
        let fields: Vec<_> = validate(&bad).into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["title", "ends_at", "capacity", "audience"]);
    }

    #[test]
    fn places_then_waiting_list() {
        assert_eq!(status_for_new(0, 1, false), reg::REGISTERED);
        assert_eq!(status_for_new(0, 1, true), reg::PENDING);
        assert_eq!(status_for_new(1, 1, false), reg::WAITING);
    }

    #[test]
    fn sanitising_removes_scripts_and_keeps_text() {
        let clean = sanitize_description("<p onclick=\"x()\">好<script>alert(1)</script></p>");
        assert_eq!(clean, "<p>好</p>");
    }
}
