//! Queries of `member_profiles`, and the member directory. The directory reads the
//! roll's public columns (`members`, its catalogue names) in the same query — a
//! documented cross-context read, so it filters, searches and pages in SQL; it never
//! selects a private profile column.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::Error;

use super::member_profiles_model::{ProfileFields, ProfileRow};
use crate::db::DbConn;
use crate::db::schema::{industries, member_profiles, member_types, members, positions};
use crate::kernel::search::{self, SearchQuery, like_pattern, lower};
use crate::membership::status;
use crate::membership::store::members::SEARCH_SCOPE;

type Backend = <DbConn as diesel::Connection>::Backend;

/// The profile of `user_id`, if they saved one.
pub fn find(conn: &mut DbConn, user_id: i64) -> Result<Option<ProfileRow>, Error> {
    member_profiles::table
        .filter(member_profiles::user_id.eq(user_id))
        .select(ProfileRow::as_select())
        .first(conn)
        .optional()
}

/// Writes the profile of `user_id` (the caller holds the member row's lock, so the
/// first save of two parallel ones cannot both insert).
pub fn save(
    conn: &mut DbConn,
    user_id: i64,
    fields: &ProfileFields,
    at: NaiveDateTime,
) -> Result<(), Error> {
    let updated =
        diesel::update(member_profiles::table.filter(member_profiles::user_id.eq(user_id)))
            .set((fields, member_profiles::updated_at.eq(at)))
            .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(member_profiles::table)
            .values((
                fields,
                member_profiles::user_id.eq(user_id),
                member_profiles::created_at.eq(at),
                member_profiles::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The public columns of a profile (each `None` when the member saved none).
#[derive(Debug, Clone, Queryable)]
pub struct PublicProfileCols {
    /// Photo.
    pub photo_file_id: Option<i64>,
    /// Gender.
    pub gender: Option<String>,
    /// Birth date.
    pub birth_date: Option<chrono::NaiveDate>,
    /// Hometown.
    pub hometown: Option<String>,
    /// Education.
    pub education: Option<String>,
    /// Introduction.
    pub introduction: Option<String>,
}

/// The roll's public columns of a member.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = members)]
pub struct PublicMemberCols {
    /// Member id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Company.
    pub company: String,
    /// Title.
    pub title: String,
    /// Type.
    pub member_type_id: i64,
    /// Position.
    pub position_id: i64,
    /// Industry.
    pub industry_id: Option<i64>,
}

/// One directory entry: roll columns, type / position / industry names, profile.
pub type DirectoryRow = (PublicMemberCols, String, String, Option<String>, PublicProfileCols);

/// Directory filters.
#[derive(Debug, Clone, Default)]
pub struct DirectoryFilter {
    /// Name or company contains this (case-insensitive).
    pub q: Option<String>,
    /// Industry.
    pub industry_id: Option<i64>,
    /// Position.
    pub position_id: Option<i64>,
}

macro_rules! directory_query {
    () => {
        members::table
            .inner_join(member_types::table)
            .inner_join(positions::table)
            .left_join(industries::table)
            .left_join(member_profiles::table.on(member_profiles::user_id.eq(members::user_id)))
            .filter(members::status.eq(status::ACTIVE))
            .filter(member_profiles::id.nullable().is_null().or(member_profiles::hidden.eq(false)))
            .into_boxed::<Backend>()
    };
}

macro_rules! directory_select {
    () => {
        (
            PublicMemberCols::as_select(),
            member_types::name,
            positions::name,
            industries::name.nullable(),
            (
                member_profiles::photo_file_id.nullable(),
                member_profiles::gender.nullable(),
                member_profiles::birth_date.nullable(),
                member_profiles::hometown.nullable(),
                member_profiles::education.nullable(),
                member_profiles::introduction.nullable(),
            ),
        )
    };
}

macro_rules! directory_filtered {
    ($filter:expr) => {{
        let filter: &DirectoryFilter = $filter;
        let mut query = directory_query!();
        // Search (kernel::search): every gram of the query, then each word confirmed in
        // name or company (the index also holds member numbers, which are not public).
        if let Some(q) = filter.q.as_deref().and_then(SearchQuery::parse) {
            for gram in q.grams() {
                query = query
                    .filter(members::id.eq_any(search::item_ids(SEARCH_SCOPE, gram.to_owned())));
            }
            for word in filter.q.as_deref().unwrap_or_default().split_whitespace() {
                let p = like_pattern(word);
                query = query.filter(
                    lower(members::name)
                        .like(p.clone())
                        .escape('\\')
                        .or(lower(members::company).like(p).escape('\\')),
                );
            }
        }
        if let Some(id) = filter.industry_id {
            query = query.filter(members::industry_id.eq(id));
        }
        if let Some(id) = filter.position_id {
            query = query.filter(members::position_id.eq(id));
        }
        query
    }};
}

/// A page of the directory, by member id.
pub fn directory(
    conn: &mut DbConn,
    filter: &DirectoryFilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<DirectoryRow>, Error> {
    directory_filtered!(filter)
        .order(members::id.asc())
        .select(directory_select!())
        .offset(offset)
        .limit(limit)
        .load(conn)
}

/// How many entries match.
pub fn directory_count(conn: &mut DbConn, filter: &DirectoryFilter) -> Result<i64, Error> {
    directory_filtered!(filter).count().get_result(conn)
}

/// One directory entry by member id (none unless the directory lists it).
pub fn directory_entry(conn: &mut DbConn, member_id: i64) -> Result<Option<DirectoryRow>, Error> {
    directory_query!()
        .filter(members::id.eq(member_id))
        .select(directory_select!())
        .first(conn)
        .optional()
}

/// The public entry of active member `user_id`, whether or not they hid themselves
/// from the directory (their card is theirs to share).
pub fn active_entry_of_user(
    conn: &mut DbConn,
    user_id: i64,
) -> Result<Option<DirectoryRow>, Error> {
    members::table
        .inner_join(member_types::table)
        .inner_join(positions::table)
        .left_join(industries::table)
        .left_join(member_profiles::table.on(member_profiles::user_id.eq(members::user_id)))
        .filter(members::status.eq(status::ACTIVE))
        .filter(members::user_id.eq(user_id))
        .select(directory_select!())
        .first(conn)
        .optional()
}
