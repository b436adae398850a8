//! Queries of `enterprises`. Whether an enterprise is shown is decided in the query
//! itself — owner an active member (`members.status`), member type allowing enterprises
//! (`member_types.enterprise_profiles`), published (approved once, when the association
//! reviews enterprises), not hidden by staff, not deleted — a documented
//! cross-context read, so a resignation hides every enterprise at once and a rejoin
//! shows them again, with nothing to keep in step.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::Error;

use super::enterprises_model::{EnterpriseFields, EnterpriseRow};
use crate::db::DbConn;
use crate::db::schema::{enterprises, industries, member_types, members};
use crate::kernel::search::{self, SearchQuery, lower};

/// The search scope of enterprises (`kernel::search`): their names.
pub const SEARCH_SCOPE: &str = "enterprise";

type Backend = <DbConn as diesel::Connection>::Backend;

/// Inserts an enterprise of `owner`; `published` false while it waits for review.
pub fn insert(
    conn: &mut DbConn,
    owner: i64,
    fields: &EnterpriseFields,
    published: bool,
    at: NaiveDateTime,
) -> Result<i64, Error> {
    let id: i64 = crate::per_backend!(conn, |c| diesel::insert_into(enterprises::table)
        .values((
            fields,
            enterprises::owner_user_id.eq(owner),
            enterprises::published.eq(published),
            enterprises::created_at.eq(at),
            enterprises::updated_at.eq(at),
        ))
        .returning(enterprises::id)
        .get_result(c))?;
    search::reindex(conn, SEARCH_SCOPE, id, &[&fields.name])?;
    Ok(id)
}

/// Replaces the member's fields of enterprise `id`.
pub fn update(
    conn: &mut DbConn,
    id: i64,
    fields: &EnterpriseFields,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    search::reindex(conn, SEARCH_SCOPE, id, &[&fields.name])?;
    diesel::update(enterprises::table.find(id))
        .set((fields, enterprises::updated_at.eq(at)))
        .execute(conn)
}

/// Makes revision `revision_id` the live version of enterprise `id` (its fields are
/// already in the row, or written by [`update`] in the same transaction).
pub fn set_live(
    conn: &mut DbConn,
    id: i64,
    revision_id: i64,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(enterprises::table.find(id))
        .set((
            enterprises::published.eq(true),
            enterprises::live_revision_id.eq(Some(revision_id)),
            enterprises::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Marks enterprise `id` deleted (and drops it from the search index).
pub fn delete(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> Result<usize, Error> {
    search::remove(conn, SEARCH_SCOPE, id)?;
    diesel::update(enterprises::table.find(id).filter(enterprises::deleted_at.is_null()))
        .set((enterprises::deleted_at.eq(Some(at)), enterprises::updated_at.eq(at)))
        .execute(conn)
}

/// Hides (with `note`) or shows enterprise `id` as staff.
pub fn set_staff_hidden(
    conn: &mut DbConn,
    id: i64,
    hidden: bool,
    note: &str,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(enterprises::table.find(id).filter(enterprises::deleted_at.is_null()))
        .set((
            enterprises::staff_hidden.eq(hidden),
            enterprises::staff_note.eq(note),
            enterprises::updated_at.eq(at),
        ))
        .execute(conn)
}

/// An enterprise that is not deleted.
pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Option<EnterpriseRow>, Error> {
    enterprises::table
        .find(id)
        .filter(enterprises::deleted_at.is_null())
        .select(EnterpriseRow::as_select())
        .first(conn)
        .optional()
}

/// An enterprise that is not deleted, row-locked until the transaction ends.
pub fn lock(conn: &mut DbConn, id: i64) -> Result<Option<EnterpriseRow>, Error> {
    crate::lock_for_update!(
        conn,
        enterprises::table
            .find(id)
            .filter(enterprises::deleted_at.is_null())
            .select(EnterpriseRow::as_select())
    )
}

/// The enterprises of `owner`, oldest first.
pub fn of_owner(conn: &mut DbConn, owner: i64) -> Result<Vec<EnterpriseRow>, Error> {
    enterprises::table
        .filter(enterprises::owner_user_id.eq(owner))
        .filter(enterprises::deleted_at.is_null())
        .order(enterprises::id.asc())
        .select(EnterpriseRow::as_select())
        .load(conn)
}

/// An enterprise with its industry name, the owner's member id and name.
pub type ShownRow = (EnterpriseRow, Option<String>, i64, String);

/// Directory filters (also the staff list's search).
#[derive(Debug, Clone, Default)]
pub struct EnterpriseFilter {
    /// Name contains this (kernel::search).
    pub q: Option<String>,
    /// Industry.
    pub industry_id: Option<i64>,
    /// Only the enterprises of this owner.
    pub owner_user_id: Option<i64>,
}

/// Search (kernel::search): every gram of the query in the name, longer words
/// confirmed by LIKE.
macro_rules! by_name {
    ($query:expr, $q:expr) => {{
        let mut query = $query;
        for gram in $q.grams() {
            query = query
                .filter(enterprises::id.eq_any(search::item_ids(SEARCH_SCOPE, gram.to_owned())));
        }
        for p in $q.like_patterns() {
            query = query.filter(lower(enterprises::name).like(p).escape('\\'));
        }
        query
    }};
}

/// `members` once more, as the enterprise's owner: the owner rule's EXISTS probes
/// `members` itself, so the join for the owner's name needs another name.
mod aliases {
    use crate::db::schema::members;
    diesel::alias!(members as owners: OwnersAlias);
}
use aliases::owners;

macro_rules! shown_query {
    ($filter:expr) => {{
        let filter: &EnterpriseFilter = $filter;
        // The owner rule is an EXISTS probe per candidate; members is joined only for
        // the owner's name (see `active_member!` for why not a plain join filter).
        let allowing = member_types::table
            .filter(member_types::enterprise_profiles.eq(true))
            .select(member_types::id);
        let mut query = enterprises::table
            .inner_join(owners.on(owners.field(members::user_id).eq(enterprises::owner_user_id)))
            .left_join(industries::table)
            .filter(enterprises::deleted_at.is_null())
            .filter(enterprises::published.eq(true))
            .filter(enterprises::staff_hidden.eq(false))
            .filter(crate::active_member!(
                enterprises::owner_user_id,
                members::member_type_id.eq_any(allowing)
            ))
            .into_boxed::<Backend>();
        if let Some(q) = filter.q.as_deref().and_then(SearchQuery::parse) {
            query = by_name!(query, q);
        }
        if let Some(id) = filter.industry_id {
            query = query.filter(enterprises::industry_id.eq(id));
        }
        if let Some(id) = filter.owner_user_id {
            query = query.filter(enterprises::owner_user_id.eq(id));
        }
        query
    }};
}

macro_rules! shown_select {
    () => {
        (
            EnterpriseRow::as_select(),
            industries::name.nullable(),
            owners.field(members::id),
            owners.field(members::name),
        )
    };
}

/// A page of shown enterprises, by id.
pub fn shown(
    conn: &mut DbConn,
    filter: &EnterpriseFilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<ShownRow>, Error> {
    shown_query!(filter)
        .order(enterprises::id.asc())
        .select(shown_select!())
        .offset(offset)
        .limit(limit)
        .load(conn)
}

/// How many shown enterprises match.
pub fn shown_count(conn: &mut DbConn, filter: &EnterpriseFilter) -> Result<i64, Error> {
    shown_query!(filter).count().get_result(conn)
}

/// One shown enterprise.
pub fn shown_one(conn: &mut DbConn, id: i64) -> Result<Option<ShownRow>, Error> {
    shown_query!(&EnterpriseFilter::default())
        .filter(enterprises::id.eq(id))
        .select(shown_select!())
        .first(conn)
        .optional()
}

/// Whether enterprise `id` is shown now.
pub fn is_shown(conn: &mut DbConn, id: i64) -> Result<bool, Error> {
    Ok(shown_one(conn, id)?.is_some())
}

/// One row of the staff list: the enterprise and the owner's name.
pub type StaffRow = (EnterpriseRow, Option<String>);

macro_rules! staff_query {
    ($q:expr, $hidden:expr) => {{
        let mut query = enterprises::table
            .left_join(members::table.on(members::user_id.eq(enterprises::owner_user_id)))
            .filter(enterprises::deleted_at.is_null())
            .into_boxed::<Backend>();
        if let Some(q) = $q.and_then(SearchQuery::parse) {
            query = by_name!(query, q);
        }
        if let Some(hidden) = $hidden {
            query = query.filter(enterprises::staff_hidden.eq(hidden));
        }
        query
    }};
}

/// A page of every enterprise for staff, newest first.
pub fn staff_list(
    conn: &mut DbConn,
    q: Option<&str>,
    hidden: Option<bool>,
    offset: i64,
    limit: i64,
) -> Result<Vec<StaffRow>, Error> {
    staff_query!(q, hidden)
        .order(enterprises::id.desc())
        .select((EnterpriseRow::as_select(), members::name.nullable()))
        .offset(offset)
        .limit(limit)
        .load(conn)
}

/// How many enterprises the staff list has.
pub fn staff_count(conn: &mut DbConn, q: Option<&str>, hidden: Option<bool>) -> Result<i64, Error> {
    staff_query!(q, hidden).count().get_result(conn)
}
