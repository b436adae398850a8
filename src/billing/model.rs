//! Order rows and their kinds and states.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::orders;

/// What an order is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderKind {
    /// Membership dues of a period.
    Dues,
    /// An event's fee.
    EventFee,
    /// A course's fee.
    CourseFee,
}

impl OrderKind {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dues => "dues",
            Self::EventFee => "event_fee",
            Self::CourseFee => "course_fee",
        }
    }
}

/// Order states.
pub mod status {
    /// Created, not paid.
    pub const UNPAID: &str = "unpaid";
    /// Paid.
    pub const PAID: &str = "paid";
    /// Cancelled before payment.
    pub const CANCELLED: &str = "cancelled";
    /// Paid, then refunded.
    pub const REFUNDED: &str = "refunded";
}

/// A stored order.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = orders)]
pub struct OrderRow {
    /// Id.
    pub id: i64,
    /// Who owes.
    pub user_id: i64,
    /// `dues`, `event_fee`, `course_fee`.
    pub kind: String,
    /// What the user sees, e.g. 2026 年度会费.
    pub title: String,
    /// Amount in cents.
    pub amount_cents: i64,
    /// See [`status`].
    pub status: String,
    /// What it pays for (table name).
    pub subject_type: Option<String>,
    /// Its id.
    pub subject_id: Option<i64>,
    /// Dues period, e.g. `2026`.
    pub period: Option<String>,
    /// Unique key that makes creation idempotent (e.g. `dues:2026:user:5`).
    pub dedupe_key: Option<String>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
    /// Paid.
    pub paid_at: Option<NaiveDateTime>,
}
