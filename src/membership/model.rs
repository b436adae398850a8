//! Membership rows and pure rules: application kinds, member numbers, phone numbers.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{
    applications, industries, member_positions, member_types, members, positions,
};
use crate::kernel::review::ReviewStatus;

/// What an application asks for (`join`, `position`, `resign` in the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum ApplicationKind {
    /// 入会申请.
    Join,
    /// 职务申请.
    Position,
    /// 退会申请.
    Resign,
}

impl ApplicationKind {
    /// Every kind.
    pub const ALL: [Self; 3] = [Self::Join, Self::Position, Self::Resign];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Join => "join",
            Self::Position => "position",
            Self::Resign => "resign",
        }
    }

    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Join => "入会申请",
            Self::Position => "职务申请",
            Self::Resign => "退会申请",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Member states.
pub mod status {
    /// A member in good standing.
    pub const ACTIVE: &str = "active";
    /// Dues lapsed past the grace period.
    pub const EXPIRED: &str = "expired";
    /// Left the association.
    pub const RESIGNED: &str = "resigned";
    /// Every state.
    pub const ALL: [&str; 3] = [ACTIVE, EXPIRED, RESIGNED];

    /// zh-CN label.
    pub fn label(status: &str) -> &'static str {
        match status {
            ACTIVE => "正常",
            EXPIRED => "已过期",
            RESIGNED => "已退会",
            _ => "未知",
        }
    }
}

/// A member type.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = member_types)]
pub struct MemberTypeRow {
    /// Id.
    pub id: i64,
    /// 个人会员…
    pub name: String,
    /// Yearly dues in cents.
    pub dues_cents: i64,
    /// Whether members of this type keep enterprise profiles.
    pub enterprise_profiles: bool,
    /// Order in lists.
    pub sort_order: i32,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// A position and its permissions.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = positions)]
pub struct PositionRow {
    /// Id.
    pub id: i64,
    /// 会长…
    pub name: String,
    /// 1 is the highest.
    pub rank: i32,
    /// May review from the mini-program.
    pub can_review: bool,
    /// May see members' contact details.
    pub can_view_contacts: bool,
    /// May read members-only content.
    pub can_read_members_only: bool,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// An industry.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = industries)]
pub struct IndustryRow {
    /// Id.
    pub id: i64,
    /// GB/T 4754 section letter or the staff's own code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// What the roll says of a member: one definition for the stored row (embedded in
/// [`MemberRow`]), a new member (approval, import) and a rejoining one.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = members, treat_none_as_null = true)]
pub struct MemberDetails {
    /// Name on the roll.
    pub name: String,
    /// Member type.
    pub member_type_id: i64,
    /// Current position.
    pub position_id: i64,
    /// Industry.
    pub industry_id: Option<i64>,
    /// Company.
    pub company: String,
    /// Title in the company.
    pub title: String,
}

/// A member.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = members)]
pub struct MemberRow {
    /// Id.
    pub id: i64,
    /// The user.
    pub user_id: i64,
    /// e.g. HY00012.
    pub member_number: String,
    /// See [`status`].
    pub status: String,
    /// What the roll says.
    #[diesel(embed)]
    pub details: MemberDetails,
    /// Joined (UTC).
    pub joined_at: NaiveDateTime,
    /// Left (UTC).
    pub ended_at: Option<NaiveDateTime>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
    /// Dues paid up to and including this day (association time zone); none yet.
    pub paid_until: Option<chrono::NaiveDate>,
}

/// A member reads as its details (`member.name`), in code and in templates.
impl std::ops::Deref for MemberRow {
    type Target = MemberDetails;

    fn deref(&self) -> &MemberDetails {
        &self.details
    }
}

/// An application.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = applications)]
pub struct ApplicationRow {
    /// Id.
    pub id: i64,
    /// Applicant.
    pub user_id: i64,
    /// See [`ApplicationKind`].
    pub kind: String,
    /// See [`ReviewStatus`].
    pub status: String,
    /// `user:kind` while pending.
    pub open_key: Option<String>,
    /// Requested member type (join).
    pub member_type_id: Option<i64>,
    /// Company (join).
    pub company: String,
    /// Title in the company (join).
    pub title: String,
    /// Industry (join).
    pub industry_id: Option<i64>,
    /// Requested position (join, position).
    pub position_id: Option<i64>,
    /// Referrer's name.
    pub referrer_name: String,
    /// Referrer's phone.
    pub referrer_phone: String,
    /// Application letter.
    pub letter_file_id: Option<i64>,
    /// Free text (resignation reason).
    pub reason: String,
    /// Reviewer's note.
    pub decision_note: String,
    /// Reviewer.
    pub reviewer_staff_id: Option<i64>,
    /// Decided.
    pub decided_at: Option<NaiveDateTime>,
    /// Dues order created on approval.
    pub dues_order_id: Option<i64>,
    /// Submitted.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

impl ApplicationRow {
    /// The kind (unknown stored values read as `join`, which cannot happen: we write them).
    pub fn kind(&self) -> ApplicationKind {
        ApplicationKind::parse(&self.kind).unwrap_or(ApplicationKind::Join)
    }

    /// The review status (unknown stored values read as pending).
    pub fn review_status(&self) -> ReviewStatus {
        ReviewStatus::parse(&self.status).unwrap_or(ReviewStatus::Pending)
    }
}

/// One position a member held.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = member_positions)]
pub struct MemberPositionRow {
    /// Id.
    pub id: i64,
    /// Member.
    pub member_id: i64,
    /// Position.
    pub position_id: i64,
    /// From.
    pub started_at: NaiveDateTime,
    /// Until (open while held).
    pub ended_at: Option<NaiveDateTime>,
}

/// The unique key that keeps one open application per user per kind.
pub fn open_key(user_id: i64, kind: ApplicationKind) -> String {
    format!("{user_id}:{}", kind.as_str())
}

/// A member number: prefix + the sequence number zero-padded to `width` digits.
pub fn format_member_number(prefix: &str, width: i32, sequence: i64) -> String {
    let width = usize::try_from(width).unwrap_or(0);
    format!("{prefix}{sequence:0width$}")
}

/// Checks a number prefix: 0–8 letters, digits or `-`.
pub fn valid_number_prefix(prefix: &str) -> bool {
    prefix.chars().count() <= 8 && prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// A mainland mobile number: 11 digits starting with 1[3-9].
pub fn valid_phone(phone: &str) -> bool {
    let bytes = phone.as_bytes();
    bytes.len() == 11
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1])
        && bytes.iter().all(u8::is_ascii_digit)
}

/// The period (calendar year in the association's zone) a dues order is for.
pub fn dues_period(at: NaiveDateTime, tz: chrono_tz::Tz) -> String {
    use chrono::Datelike as _;
    at.and_utc().with_timezone(&tz).year().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_numbers_are_prefixed_and_padded() {
        assert_eq!(format_member_number("HY", 5, 12), "HY00012");
        assert_eq!(format_member_number("", 3, 12345), "12345");
        assert!(valid_number_prefix("SZ-2026"));
        assert!(!valid_number_prefix("会员"));
        assert!(!valid_number_prefix("TOOLONGPREFIX"));
    }

    #[test]
    fn phones_are_mainland_mobiles() {
        assert!(valid_phone("13800138000"));
        assert!(!valid_phone("12800138000"));
        assert!(!valid_phone("1380013800"));
        assert!(!valid_phone("1380013800x"));
    }

    #[test]
    fn kinds_round_trip_and_keys_name_user_and_kind() {
        for kind in ApplicationKind::ALL {
            assert_eq!(ApplicationKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(open_key(7, ApplicationKind::Resign), "7:resign");
        assert_eq!(status::label("resigned"), "已退会");
    }

    #[test]
    fn dues_periods_follow_the_association_zone() {
        let at =
            chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap().and_hms_opt(17, 0, 0).unwrap();
        assert_eq!(dues_period(at, chrono_tz::Asia::Shanghai), "2027");
        assert_eq!(dues_period(at, chrono_tz::UTC), "2026");
    }
}
