//! Queries of `member_types`, `positions`, `industries` and `membership_settings`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::Error;

use crate::db::DbConn;
use crate::db::schema::{
    applications, industries, member_positions, member_types, members, membership_settings,
    positions,
};
use crate::membership::model::{IndustryRow, MemberTypeRow, PositionRow};

/// Member types in list order.
pub fn member_types_all(conn: &mut DbConn) -> Result<Vec<MemberTypeRow>, Error> {
    member_types::table
        .order((member_types::sort_order.asc(), member_types::id.asc()))
        .select(MemberTypeRow::as_select())
        .load(conn)
}

/// Positions, highest rank first.
pub fn positions_all(conn: &mut DbConn) -> Result<Vec<PositionRow>, Error> {
    positions::table
        .order((positions::rank.asc(), positions::id.asc()))
        .select(PositionRow::as_select())
        .load(conn)
}

/// Industries by code.
pub fn industries_all(conn: &mut DbConn) -> Result<Vec<IndustryRow>, Error> {
    industries::table
        .order((industries::code.asc(), industries::id.asc()))
        .select(IndustryRow::as_select())
        .load(conn)
}

/// A member type by id.
pub fn member_type(conn: &mut DbConn, id: i64) -> Result<Option<MemberTypeRow>, Error> {
    member_types::table.find(id).select(MemberTypeRow::as_select()).first(conn).optional()
}

/// A position by id.
pub fn position(conn: &mut DbConn, id: i64) -> Result<Option<PositionRow>, Error> {
    positions::table.find(id).select(PositionRow::as_select()).first(conn).optional()
}

/// An industry by id.
pub fn industry(conn: &mut DbConn, id: i64) -> Result<Option<IndustryRow>, Error> {
    industries::table.find(id).select(IndustryRow::as_select()).first(conn).optional()
}

/// Member type fields as the staff edit them.
#[derive(Debug, Clone, AsChangeset, Insertable)]
#[diesel(table_name = member_types)]
pub struct MemberTypeFields {
    /// Name.
    pub name: String,
    /// Yearly dues.
    pub dues_cents: i64,
    /// Enterprise profiles apply.
    pub enterprise_profiles: bool,
    /// Order in lists.
    pub sort_order: i32,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Position fields as the staff edit them.
#[derive(Debug, Clone, AsChangeset, Insertable)]
#[diesel(table_name = positions)]
pub struct PositionFields {
    /// Name.
    pub name: String,
    /// Rank.
    pub rank: i32,
    /// Review from the mini-program.
    pub can_review: bool,
    /// See contact details.
    pub can_view_contacts: bool,
    /// Read members-only content.
    pub can_read_members_only: bool,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Industry fields as the staff edit them.
#[derive(Debug, Clone, AsChangeset, Insertable)]
#[diesel(table_name = industries)]
pub struct IndustryFields {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Inserts or updates a member type (`id` = None inserts).
pub fn save_member_type(
    conn: &mut DbConn,
    id: Option<i64>,
    fields: &MemberTypeFields,
) -> Result<usize, Error> {
    match id {
        Some(id) => diesel::update(member_types::table.find(id)).set(fields).execute(conn),
        None => diesel::insert_into(member_types::table)
            .values((fields, member_types::created_at.eq(fields.updated_at)))
            .execute(conn),
    }
}

/// Inserts or updates a position.
pub fn save_position(
    conn: &mut DbConn,
    id: Option<i64>,
    fields: &PositionFields,
) -> Result<usize, Error> {
    match id {
        Some(id) => diesel::update(positions::table.find(id)).set(fields).execute(conn),
        None => diesel::insert_into(positions::table)
            .values((fields, positions::created_at.eq(fields.updated_at)))
            .execute(conn),
    }
}

/// Inserts or updates an industry.
pub fn save_industry(
    conn: &mut DbConn,
    id: Option<i64>,
    fields: &IndustryFields,
) -> Result<usize, Error> {
    match id {
        Some(id) => diesel::update(industries::table.find(id)).set(fields).execute(conn),
        None => diesel::insert_into(industries::table)
            .values((fields, industries::created_at.eq(fields.updated_at)))
            .execute(conn),
    }
}

/// Where a catalogue entry is used: (members, applications, position history rows).
pub fn member_type_usage(conn: &mut DbConn, id: i64) -> Result<(i64, i64, i64), Error> {
    let m = members::table.filter(members::member_type_id.eq(id)).count().get_result(conn)?;
    let a =
        applications::table.filter(applications::member_type_id.eq(id)).count().get_result(conn)?;
    Ok((m, a, 0))
}

/// Where a position is used.
pub fn position_usage(conn: &mut DbConn, id: i64) -> Result<(i64, i64, i64), Error> {
    let m = members::table.filter(members::position_id.eq(id)).count().get_result(conn)?;
    let a =
        applications::table.filter(applications::position_id.eq(id)).count().get_result(conn)?;
    let h = member_positions::table
        .filter(member_positions::position_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok((m, a, h))
}

/// Where an industry is used.
pub fn industry_usage(conn: &mut DbConn, id: i64) -> Result<(i64, i64, i64), Error> {
    let m = members::table.filter(members::industry_id.eq(id)).count().get_result(conn)?;
    let a =
        applications::table.filter(applications::industry_id.eq(id)).count().get_result(conn)?;
    Ok((m, a, 0))
}

/// Deletes a member type.
pub fn delete_member_type(conn: &mut DbConn, id: i64) -> Result<usize, Error> {
    diesel::delete(member_types::table.find(id)).execute(conn)
}

/// Deletes a position.
pub fn delete_position(conn: &mut DbConn, id: i64) -> Result<usize, Error> {
    diesel::delete(positions::table.find(id)).execute(conn)
}

/// Deletes an industry.
pub fn delete_industry(conn: &mut DbConn, id: i64) -> Result<usize, Error> {
    diesel::delete(industries::table.find(id)).execute(conn)
}

/// The numbering row: (prefix, width, next number).
pub fn numbering(conn: &mut DbConn) -> Result<(String, i32, i64), Error> {
    membership_settings::table
        .find(1_i64)
        .select((
            membership_settings::number_prefix,
            membership_settings::number_width,
            membership_settings::next_number,
        ))
        .first(conn)
}

/// Changes the prefix and width of future member numbers.
pub fn set_numbering(
    conn: &mut DbConn,
    prefix: &str,
    width: i32,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(membership_settings::table.find(1_i64))
        .set((
            membership_settings::number_prefix.eq(prefix),
            membership_settings::number_width.eq(width),
            membership_settings::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Reserves `count` sequence numbers and returns the first. The UPDATE takes the row
/// lock first (PostgreSQL) or runs under the write lock (SQLite `BEGIN IMMEDIATE`), so
/// parallel approvals never get the same number.
pub fn reserve_numbers(conn: &mut DbConn, count: i64) -> Result<(String, i32, i64), Error> {
    diesel::update(membership_settings::table.find(1_i64))
        .set(membership_settings::next_number.eq(membership_settings::next_number + count))
        .execute(conn)?;
    let (prefix, width, next) = numbering(conn)?;
    Ok((prefix, width, next - count))
}
