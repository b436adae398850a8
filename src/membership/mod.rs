//! Membership: member types, positions, industries, applications and members.

pub mod applications;
pub mod catalog;
pub mod decide;
pub mod excel;
pub mod import;
pub mod members;
pub mod model;
pub mod numbering;
pub mod queue;
pub mod store;

use crate::db::DbConn;
use crate::error::AppError;

pub use applications::{ApplicationInput, ApplicationView};
pub use members::{MembershipView, membership_of};
pub use model::ApplicationKind;
pub use model::status;

/// Whether `user_id` is an active member now (for member prices and members-only
/// content in other contexts).
pub fn is_active_member(conn: &mut DbConn, user_id: i64) -> Result<bool, AppError> {
    Ok(store::member_status(conn, user_id)?.as_deref() == Some(status::ACTIVE))
}
