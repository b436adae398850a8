//! Membership: member types, positions, industries, applications and members.

pub mod store;

use serde::Serialize;

use crate::db::{Db, DbConn};
use crate::error::AppError;

/// Member states.
pub mod status {
    /// A member in good standing.
    pub const ACTIVE: &str = "active";
    /// Dues lapsed past the grace period.
    pub const EXPIRED: &str = "expired";
    /// Left the association.
    pub const RESIGNED: &str = "resigned";
}

/// Whether `user_id` is an active member now (for member prices and members-only
/// content in other contexts).
pub fn is_active_member(conn: &mut DbConn, user_id: i64) -> Result<bool, AppError> {
    Ok(store::member_status(conn, user_id)?.as_deref() == Some(status::ACTIVE))
}

/// A user's membership as the mini-program shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MembershipView {
    /// Member number, e.g. `HY000123`.
    pub member_number: String,
    /// `active`, `expired` or `resigned`.
    pub status: String,
    /// Date of joining (association-local), `YYYY-MM-DD`.
    pub joined_on: String,
}

/// The membership of `user_id`, or `None` while they are a visitor.
pub async fn membership_of(
    db: &Db,
    user_id: i64,
    tz: chrono_tz::Tz,
) -> Result<Option<MembershipView>, AppError> {
    let row = db.run(move |conn| Ok(store::member_of(conn, user_id)?)).await?;
    Ok(row.map(|(member_number, status, joined_at)| MembershipView {
        member_number,
        status,
        joined_on: joined_at.and_utc().with_timezone(&tz).format("%Y-%m-%d").to_string(),
    }))
}
