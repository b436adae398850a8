//! Queries of `members` and `member_positions` (and the few `users` columns the roll
//! shows: phone, nickname — read here so the list can search and sort in one query).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::Error;

use crate::db::DbConn;
use crate::db::schema::{industries, member_positions, member_types, members, positions, users};
use crate::kernel::search::{self, SearchQuery, lower};
use crate::membership::model::{MemberDetails, MemberPositionRow, MemberRow, status};

type Backend = <DbConn as diesel::Connection>::Backend;

/// A new member.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = members)]
pub struct NewMemberRow {
    /// User.
    pub user_id: i64,
    /// Number.
    pub member_number: String,
    /// Status.
    pub status: String,
    /// What the roll says.
    #[diesel(embed)]
    pub details: MemberDetails,
    /// Joined.
    pub joined_at: NaiveDateTime,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// A member by user.
pub fn by_user(conn: &mut DbConn, user_id: i64) -> Result<Option<MemberRow>, Error> {
    members::table
        .filter(members::user_id.eq(user_id))
        .select(MemberRow::as_select())
        .first(conn)
        .optional()
}

/// A member by member number.
pub fn by_number(conn: &mut DbConn, number: &str) -> Result<Option<MemberRow>, Error> {
    members::table
        .filter(members::member_number.eq(number))
        .select(MemberRow::as_select())
        .first(conn)
        .optional()
}

/// A member by id.
pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Option<MemberRow>, Error> {
    members::table.find(id).select(MemberRow::as_select()).first(conn).optional()
}

/// The search scope of members (`kernel::search`): name, company and member number.
/// The roll matches any of them; the directory confirms each word against name and
/// company only (numbers are not public there).
pub const SEARCH_SCOPE: &str = "member";

/// Re-indexes member `id` for search (call after writing name, company or number).
pub fn reindex(conn: &mut DbConn, id: i64) -> Result<(), Error> {
    let (name, company, number): (String, String, String) = members::table
        .find(id)
        .select((members::name, members::company, members::member_number))
        .first(conn)?;
    crate::kernel::search::reindex(conn, SEARCH_SCOPE, id, &[&name, &company, &number])
}

/// Sets the name on the roll of the member `user_id`.
pub fn set_name(
    conn: &mut DbConn,
    user_id: i64,
    name: &str,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    let n = diesel::update(members::table.filter(members::user_id.eq(user_id)))
        .set((members::name.eq(name), members::updated_at.eq(at)))
        .execute(conn)?;
    if let Some(m) = by_user(conn, user_id)? {
        reindex(conn, m.id)?;
    }
    Ok(n)
}

/// Replaces what the roll says of member `id` (staff edit).
pub fn update_details(
    conn: &mut DbConn,
    id: i64,
    details: &MemberDetails,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(members::table.find(id)).set((details, members::updated_at.eq(at))).execute(conn)
}

/// Sets the status of member `id` (`active` or `expired`; resigning is [`resign`]).
pub fn set_status(conn: &mut DbConn, id: i64, to: &str, at: NaiveDateTime) -> Result<usize, Error> {
    diesel::update(members::table.find(id))
        .set((
            members::status.eq(to),
            members::ended_at.eq(None::<NaiveDateTime>),
            members::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Inserts a member.
pub fn insert(conn: &mut DbConn, new: &NewMemberRow) -> Result<MemberRow, Error> {
    crate::per_backend!(conn, |c| diesel::insert_into(members::table)
        .values(new)
        .returning(MemberRow::as_returning())
        .get_result(c))
}

/// Brings a former member back (number kept, `ended_at` cleared).
pub fn rejoin(conn: &mut DbConn, id: i64, fields: &NewMemberRow) -> Result<usize, Error> {
    diesel::update(members::table.find(id))
        .set((
            members::status.eq(status::ACTIVE),
            &fields.details,
            members::joined_at.eq(fields.joined_at),
            members::ended_at.eq(None::<NaiveDateTime>),
            members::updated_at.eq(fields.updated_at),
        ))
        .execute(conn)
}

/// Closes the member's open position and opens `position_id` from `at`.
pub fn change_position(
    conn: &mut DbConn,
    member_id: i64,
    position_id: i64,
    at: NaiveDateTime,
) -> Result<(), Error> {
    end_positions(conn, member_id, at)?;
    diesel::update(members::table.find(member_id))
        .set((members::position_id.eq(position_id), members::updated_at.eq(at)))
        .execute(conn)?;
    diesel::insert_into(member_positions::table)
        .values((
            member_positions::member_id.eq(member_id),
            member_positions::position_id.eq(position_id),
            member_positions::started_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Closes open position rows.
pub fn end_positions(conn: &mut DbConn, member_id: i64, at: NaiveDateTime) -> Result<usize, Error> {
    diesel::update(
        member_positions::table
            .filter(member_positions::member_id.eq(member_id))
            .filter(member_positions::ended_at.is_null()),
    )
    .set(member_positions::ended_at.eq(Some(at)))
    .execute(conn)
}

/// Ends a membership (history kept).
pub fn resign(conn: &mut DbConn, member_id: i64, at: NaiveDateTime) -> Result<usize, Error> {
    end_positions(conn, member_id, at)?;
    diesel::update(members::table.find(member_id))
        .set((
            members::status.eq(status::RESIGNED),
            members::ended_at.eq(Some(at)),
            members::updated_at.eq(at),
        ))
        .execute(conn)
}

/// The positions a member held, newest first, with the position's name.
pub fn position_history(
    conn: &mut DbConn,
    member_id: i64,
) -> Result<Vec<(MemberPositionRow, String)>, Error> {
    member_positions::table
        .inner_join(positions::table)
        .filter(member_positions::member_id.eq(member_id))
        .order(member_positions::id.desc())
        .select((MemberPositionRow::as_select(), positions::name))
        .load(conn)
}

/// Filters of the member list.
#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    /// Name, company, phone or number contains this.
    pub q: Option<String>,
    /// Type.
    pub member_type_id: Option<i64>,
    /// Position.
    pub position_id: Option<i64>,
    /// Industry.
    pub industry_id: Option<i64>,
    /// Status.
    pub status: Option<String>,
}

/// One row of the roll: member, phone, type, position and industry names.
pub type RollRow = (MemberRow, Option<String>, String, String, Option<String>);

/// Applies the roll's filters to a boxed query over `members` (joined or not): they
/// read `members` columns only (the phone through a sub-select), so the count needs
/// no join.
macro_rules! roll_filters {
    ($conn:expr, $query:expr, $filter:expr) => {{
        let filter: &MemberFilter = $filter;
        let mut query = $query;
        // Search (kernel::search): a full mobile number finds its owner; anything else
        // needs every gram of the query in name, company or number, longer words
        // confirmed by LIKE.
        let phone = filter.q.as_deref().and_then(crate::kernel::phone::normalize_mobile);
        if let Some(phone) = phone {
            let owner: Option<i64> = users::table
                .filter(users::phone.eq(phone))
                .select(users::id)
                .first($conn)
                .optional()?;
            query = query.filter(members::user_id.eq(owner.unwrap_or(0)));
        } else if let Some(q) = filter.q.as_deref().and_then(SearchQuery::parse) {
            for gram in q.grams() {
                query = query
                    .filter(members::id.eq_any(search::item_ids(SEARCH_SCOPE, gram.to_owned())));
            }
            for p in q.like_patterns() {
                query = query.filter(
                    lower(members::name)
                        .like(p.clone())
                        .escape('\\')
                        .or(lower(members::company).like(p.clone()).escape('\\'))
                        .or(lower(members::member_number).like(p).escape('\\')),
                );
            }
        }
        if let Some(id) = filter.member_type_id {
            query = query.filter(members::member_type_id.eq(id));
        }
        if let Some(id) = filter.position_id {
            query = query.filter(members::position_id.eq(id));
        }
        if let Some(id) = filter.industry_id {
            query = query.filter(members::industry_id.eq(id));
        }
        if let Some(s) = filter.status.clone() {
            query = query.filter(members::status.eq(s));
        }
        query
    }};
}

macro_rules! roll_query {
    ($conn:expr, $filter:expr) => {{
        let query = members::table
            .inner_join(users::table)
            .inner_join(member_types::table)
            .inner_join(positions::table)
            .left_join(industries::table)
            .into_boxed::<Backend>();
        roll_filters!($conn, query, $filter)
    }};
}

/// The roll counts at most this many matches ("10000+"), and pages no further: a count
/// or an offset over a whole large roll is what made it slow; staff narrow the search.
pub const ROLL_COUNT_CAP: i64 = crate::kernel::page::COUNT_CAP;

macro_rules! roll_select {
    () => {
        (
            MemberRow::as_select(),
            users::phone,
            member_types::name,
            positions::name,
            industries::name.nullable(),
        )
    };
}

/// A page of the roll (all rows when `limit` is `None`), by member number.
///
/// A page is found over `members` alone (filters and offset walk its id index), then
/// only that page's rows are joined for the phone and catalogue names: on PostgreSQL
/// an offset of 10,000 through the joins took 250 ms, over the index alone it is an
/// index walk. (Every member has its user, type and position: the inner joins drop
/// nobody.)
pub fn roll(
    conn: &mut DbConn,
    filter: &MemberFilter,
    offset: i64,
    limit: Option<i64>,
) -> Result<Vec<RollRow>, Error> {
    let Some(limit) = limit else {
        return roll_query!(&mut *conn, filter)
            .order(members::id.asc())
            .select(roll_select!())
            .load(conn);
    };
    let ids: Vec<i64> = roll_filters!(&mut *conn, members::table.into_boxed::<Backend>(), filter)
        .order(members::id.asc())
        .select(members::id)
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    members::table
        .inner_join(users::table)
        .inner_join(member_types::table)
        .inner_join(positions::table)
        .left_join(industries::table)
        .filter(members::id.eq_any(ids))
        .order(members::id.asc())
        .select(roll_select!())
        .load(conn)
}

/// Up to `limit` rows of the roll after member id `after_id`, by id (the export reads
/// the roll in such chunks).
pub fn roll_after(
    conn: &mut DbConn,
    filter: &MemberFilter,
    after_id: i64,
    limit: i64,
) -> Result<Vec<RollRow>, Error> {
    roll_query!(&mut *conn, filter)
        .filter(members::id.gt(after_id))
        .order(members::id.asc())
        .select(roll_select!())
        .limit(limit)
        .load(conn)
}

/// How many members match, up to [`ROLL_COUNT_CAP`] + 1 (members only, no join; an
/// index-only walk that stops at the cap).
pub fn roll_count(conn: &mut DbConn, filter: &MemberFilter) -> Result<i64, Error> {
    let query = roll_filters!(&mut *conn, members::table.into_boxed::<Backend>(), filter);
    let ids: Vec<i64> = query.select(members::id).limit(ROLL_COUNT_CAP + 1).load(conn)?;
    Ok(i64::try_from(ids.len()).unwrap_or(i64::MAX))
}

/// Members after id `after` not yet in the search index (those written before it
/// existed).
pub fn unindexed(conn: &mut DbConn, after: i64, limit: i64) -> Result<Vec<i64>, Error> {
    let indexed = crate::db::schema::search_grams::table
        .filter(crate::db::schema::search_grams::scope.eq(SEARCH_SCOPE))
        .select(crate::db::schema::search_grams::item_id);
    members::table
        .filter(members::id.gt(after))
        .filter(members::id.ne_all(indexed))
        .order(members::id.asc())
        .select(members::id)
        .limit(limit)
        .load(conn)
}

/// An active member as (user id, name, member type, industry, position).
pub type FactsRow = (i64, String, i64, Option<i64>, i64);

/// Active members, by user id.
pub fn active_facts(conn: &mut DbConn) -> Result<Vec<FactsRow>, Error> {
    members::table
        .filter(members::status.eq(status::ACTIVE))
        .order(members::user_id.asc())
        .select((
            members::user_id,
            members::name,
            members::member_type_id,
            members::industry_id,
            members::position_id,
        ))
        .load(conn)
}
