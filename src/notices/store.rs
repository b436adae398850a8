//! Queries of `notices` (the only place with diesel queries for it).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::NoticeRow;
use crate::db::DbConn;
use crate::db::schema::notices;

type QResult<T> = Result<T, diesel::result::Error>;

/// Stores a notice.
pub fn insert(
    conn: &mut DbConn,
    user_id: i64,
    kind: &str,
    title: &str,
    body: &str,
    at: NaiveDateTime,
) -> QResult<()> {
    diesel::insert_into(notices::table)
        .values((
            notices::user_id.eq(user_id),
            notices::kind.eq(kind),
            notices::title.eq(title),
            notices::body.eq(body),
            notices::created_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A user's notices, newest first, and how many there are.
pub fn page_of(
    conn: &mut DbConn,
    user_id: i64,
    offset: i64,
    limit: i64,
) -> QResult<(Vec<NoticeRow>, i64)> {
    let rows = notices::table
        .filter(notices::user_id.eq(user_id))
        .order(notices::id.desc())
        .offset(offset)
        .limit(limit)
        .select(NoticeRow::as_select())
        .load(conn)?;
    let total = notices::table.filter(notices::user_id.eq(user_id)).count().get_result(conn)?;
    Ok((rows, total))
}

/// How many of a user's notices are unread.
pub fn unread(conn: &mut DbConn, user_id: i64) -> QResult<i64> {
    notices::table
        .filter(notices::user_id.eq(user_id))
        .filter(notices::read_at.is_null())
        .count()
        .get_result(conn)
}

/// Marks one of the user's notices read (compare and set: only an unread one of theirs);
/// answers the rows changed.
pub fn mark_read(conn: &mut DbConn, user_id: i64, id: i64, at: NaiveDateTime) -> QResult<usize> {
    diesel::update(
        notices::table
            .find(id)
            .filter(notices::user_id.eq(user_id))
            .filter(notices::read_at.is_null()),
    )
    .set(notices::read_at.eq(Some(at)))
    .execute(conn)
}

/// Whether the notice exists and is the user's.
pub fn is_theirs(conn: &mut DbConn, user_id: i64, id: i64) -> QResult<bool> {
    diesel::select(diesel::dsl::exists(
        notices::table.find(id).filter(notices::user_id.eq(user_id)),
    ))
    .get_result(conn)
}

/// Marks all of a user's notices read; answers how many were unread.
pub fn mark_all_read(conn: &mut DbConn, user_id: i64, at: NaiveDateTime) -> QResult<usize> {
    diesel::update(
        notices::table.filter(notices::user_id.eq(user_id)).filter(notices::read_at.is_null()),
    )
    .set(notices::read_at.eq(Some(at)))
    .execute(conn)
}
