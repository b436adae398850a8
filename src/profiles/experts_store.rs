//! Queries of `experts`. The library shows only experts of active members: the owner
//! check reads `members.status` in the same query (a documented cross-context read, so
//! the library pages in SQL).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::Error;

use super::experts_model::ExpertRow;
use crate::db::DbConn;
use crate::db::schema::experts;
use crate::kernel::search::{like_escape, like_pattern, lower};

type Backend = <DbConn as diesel::Connection>::Backend;

/// A new expert (not live yet).
#[derive(Debug, Insertable)]
#[diesel(table_name = experts)]
pub struct NewExpertRow {
    /// Owner.
    pub owner_user_id: Option<i64>,
    /// Creating staff.
    pub created_by_staff_id: Option<i64>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Inserts an expert.
pub fn insert(conn: &mut DbConn, new: &NewExpertRow) -> Result<ExpertRow, Error> {
    crate::per_backend!(conn, |c| diesel::insert_into(experts::table)
        .values(new)
        .returning(ExpertRow::as_returning())
        .get_result(c))
}

/// An expert that is not deleted.
pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Option<ExpertRow>, Error> {
    experts::table
        .find(id)
        .filter(experts::deleted_at.is_null())
        .select(ExpertRow::as_select())
        .first(conn)
        .optional()
}

/// An expert that is not deleted, row-locked until the transaction ends (PostgreSQL;
/// SQLite's write transaction already serialises).
pub fn lock(conn: &mut DbConn, id: i64) -> Result<Option<ExpertRow>, Error> {
    crate::lock_for_update!(
        conn,
        experts::table
            .find(id)
            .filter(experts::deleted_at.is_null())
            .select(ExpertRow::as_select())
    )
}

/// The live columns after an approval.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = experts)]
pub struct LiveChanges<'a> {
    /// The approved revision.
    pub live_revision_id: Option<i64>,
    /// Its JSON.
    pub live: &'a str,
    /// Name.
    pub name: &'a str,
    /// Organisation.
    pub organisation: &'a str,
    /// `|tag|`.
    pub field_tags: &'a str,
    /// When.
    pub updated_at: NaiveDateTime,
}

/// Makes a revision live.
pub fn set_live(conn: &mut DbConn, id: i64, changes: &LiveChanges<'_>) -> Result<usize, Error> {
    diesel::update(experts::table.find(id)).set(changes).execute(conn)
}

/// Marks an expert deleted.
pub fn mark_deleted(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> Result<usize, Error> {
    diesel::update(experts::table.find(id).filter(experts::deleted_at.is_null()))
        .set((experts::deleted_at.eq(Some(at)), experts::updated_at.eq(at)))
        .execute(conn)
}

/// Gives an expert to another owner (None: the association).
pub fn set_owner(
    conn: &mut DbConn,
    id: i64,
    owner: Option<i64>,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(experts::table.find(id))
        .set((experts::owner_user_id.eq(owner), experts::updated_at.eq(at)))
        .execute(conn)
}

/// A user's experts, newest first.
pub fn of_owner(conn: &mut DbConn, user_id: i64) -> Result<Vec<ExpertRow>, Error> {
    experts::table
        .filter(experts::owner_user_id.eq(user_id))
        .filter(experts::deleted_at.is_null())
        .order(experts::id.desc())
        .select(ExpertRow::as_select())
        .load(conn)
}

/// Filters of expert lists.
#[derive(Debug, Clone, Default)]
pub struct ExpertFilter {
    /// Words in name, field or organisation.
    pub text: Option<String>,
    /// One field tag, exactly.
    pub field: Option<String>,
    /// Only what the library shows (live, owner active or the association).
    pub library: bool,
}

fn filtered(filter: &ExpertFilter) -> experts::BoxedQuery<'static, Backend> {
    let mut query = experts::table.filter(experts::deleted_at.is_null()).into_boxed();
    if filter.library {
        query = query.filter(experts::live_revision_id.is_not_null()).filter(
            experts::owner_user_id
                .is_null()
                .or(crate::active_member!(nullable experts::owner_user_id)),
        );
    }
    if let Some(text) = &filter.text {
        let p = like_pattern(text);
        query = query.filter(
            lower(experts::name)
                .like(p.clone())
                .escape('\\')
                .or(lower(experts::organisation).like(p.clone()).escape('\\'))
                .or(lower(experts::field_tags).like(p).escape('\\')),
        );
    }
    if let Some(field) = &filter.field {
        let p = format!("%|{}|%", like_escape(field));
        query = query.filter(lower(experts::field_tags).like(p).escape('\\'));
    }
    query
}

/// One page of experts, newest first.
pub fn page(
    conn: &mut DbConn,
    filter: &ExpertFilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<ExpertRow>, Error> {
    filtered(filter)
        .order(experts::id.desc())
        .offset(offset)
        .limit(limit)
        .select(ExpertRow::as_select())
        .load(conn)
}

/// How many experts match.
pub fn count(conn: &mut DbConn, filter: &ExpertFilter) -> Result<i64, Error> {
    filtered(filter).count().get_result(conn)
}
