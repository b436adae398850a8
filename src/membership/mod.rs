//! Membership: member types, positions, industries, applications and members.

pub mod applications;
pub mod catalog;
pub mod decide;
pub mod dues;
pub mod edit;
pub mod excel;
pub mod import;
pub mod members;
pub mod model;
pub mod numbering;
pub mod queue;
pub mod stats;
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

/// Who a member is, for other contexts (owners of experts and certificates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRef {
    /// The member's id.
    pub member_id: i64,
    /// The member's user.
    pub user_id: i64,
    /// e.g. HY00012.
    pub member_number: String,
    /// Name on the roll.
    pub name: String,
    /// Whether the membership is active.
    pub active: bool,
}

impl From<model::MemberRow> for MemberRef {
    fn from(m: model::MemberRow) -> Self {
        Self {
            member_id: m.id,
            active: m.status == status::ACTIVE,
            user_id: m.user_id,
            member_number: m.member_number,
            name: m.details.name,
        }
    }
}

/// The member with `number` (e.g. `HY00012`), if any.
pub fn member_by_number(conn: &mut DbConn, number: &str) -> Result<Option<MemberRef>, AppError> {
    Ok(store::members::by_number(conn, number.trim())?.map(MemberRef::from))
}

/// The member record of user `user_id`, row-locked until the transaction ends
/// (PostgreSQL; SQLite's write transaction already serialises).
pub fn lock_member_of_user(conn: &mut DbConn, user_id: i64) -> Result<Option<MemberRef>, AppError> {
    use crate::db::schema::members;
    use diesel::{ExpressionMethods as _, SelectableHelper as _};
    let row: Option<model::MemberRow> = crate::lock_for_update!(
        conn,
        members::table.filter(members::user_id.eq(user_id)).select(model::MemberRow::as_select())
    )?;
    Ok(row.map(MemberRef::from))
}

/// Sets the name on the roll of the member `user_id` (the member edits it as the real
/// name of their profile).
pub fn set_member_name(
    conn: &mut DbConn,
    user_id: i64,
    name: &str,
    at: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    store::members::set_name(conn, user_id, name, at)?;
    Ok(())
}

/// Indexes for search the members written before the search index existed (run at
/// start; a no-op once done). Returns how many it indexed.
pub fn index_unindexed_members(conn: &mut DbConn) -> Result<usize, AppError> {
    let (mut done, mut after) = (0, 0);
    loop {
        // A cursor, so a member whose texts give no gram cannot keep the loop going.
        let ids = store::members::unindexed(conn, after, 500)?;
        let Some(&last) = ids.last() else { return Ok(done) };
        after = last;
        for id in &ids {
            store::members::reindex(conn, *id)?;
        }
        done += ids.len();
    }
}

/// Whether the member type of member `user_id` allows enterprise profiles.
pub fn type_allows_enterprises(conn: &mut DbConn, user_id: i64) -> Result<bool, AppError> {
    let Some(member) = store::members::by_user(conn, user_id)? else { return Ok(false) };
    let kind = store::catalog::member_type(conn, member.details.member_type_id)?;
    Ok(kind.is_some_and(|t| t.enterprise_profiles))
}

/// The name of industry `id`, when it exists.
pub fn industry_name(conn: &mut DbConn, id: i64) -> Result<Option<String>, AppError> {
    Ok(store::catalog::industry(conn, id)?.map(|i| i.name))
}

/// The member record of user `user_id`, if they are or were a member.
pub fn member_of_user(conn: &mut DbConn, user_id: i64) -> Result<Option<MemberRef>, AppError> {
    Ok(store::members::by_user(conn, user_id)?.map(MemberRef::from))
}

/// What other contexts may know of an active member: audiences and result filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberFacts {
    /// The user.
    pub user_id: i64,
    /// The member's name.
    pub name: String,
    /// Member type.
    pub member_type_id: i64,
    /// Industry.
    pub industry_id: Option<i64>,
    /// Current position.
    pub position_id: i64,
}

/// The facts of `user_id` when an active member, inside the caller's transaction.
pub fn active_member_facts(
    conn: &mut DbConn,
    user_id: i64,
) -> Result<Option<MemberFacts>, AppError> {
    Ok(store::members::by_user(conn, user_id)?.filter(|m| m.status == status::ACTIVE).map(|m| {
        MemberFacts {
            user_id,
            name: m.details.name.clone(),
            member_type_id: m.details.member_type_id,
            industry_id: m.details.industry_id,
            position_id: m.details.position_id,
        }
    }))
}

/// Every active member's facts, by user id.
pub fn all_active_member_facts(conn: &mut DbConn) -> Result<Vec<MemberFacts>, AppError> {
    Ok(store::members::active_facts(conn)?
        .into_iter()
        .map(|(user_id, name, member_type_id, industry_id, position_id)| MemberFacts {
            user_id,
            name,
            member_type_id,
            industry_id,
            position_id,
        })
        .collect())
}

/// What anyone may see of an active member who publishes something (the marketplace's
/// publisher summary): no contact or private fields.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PublicMemberSummary {
    /// Name on the roll.
    pub name: String,
    /// Company.
    pub company: String,
    /// Title in the company.
    pub title: String,
}

/// The public summary of `user_id` when an active member (None otherwise).
pub fn public_member_summary(
    conn: &mut DbConn,
    user_id: i64,
) -> Result<Option<PublicMemberSummary>, AppError> {
    Ok(store::members::by_user(conn, user_id)?.filter(|m| m.status == status::ACTIVE).map(|m| {
        PublicMemberSummary {
            name: m.details.name,
            company: m.details.company,
            title: m.details.title,
        }
    }))
}

/// Every position, highest rank first (content audiences and their forms).
pub fn all_positions(conn: &mut DbConn) -> Result<Vec<model::PositionRow>, AppError> {
    Ok(store::catalog::positions_all(conn)?)
}
