//! Membership: member types, positions, industries, applications and members.

pub mod store;

use crate::db::DbConn;
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
