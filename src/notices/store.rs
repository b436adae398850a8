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

/// The e-mail address a user gave, if any.
pub fn user_email(conn: &mut DbConn, user_id: i64) -> QResult<Option<String>> {
    use crate::db::schema::users;
    Ok(users::table.find(user_id).select(users::email).first(conn).optional()?.flatten())
}

/// One `wx.requestSubscribeMessage` result: `accept` adds a grant, `reject` keeps the
/// grants (the user declined this once), `ban` (the user switched the template off)
/// drops them. Insert-if-absent then one UPDATE: no read-then-write.
pub fn record_subscription(
    conn: &mut DbConn,
    user_id: i64,
    template_id: &str,
    result: &str,
    max_grants: i32,
    at: NaiveDateTime,
) -> QResult<()> {
    use crate::db::schema::wechat_subscriptions as ws;
    crate::per_backend!(&mut *conn, |c| diesel::insert_into(ws::table)
        .values((
            ws::user_id.eq(user_id),
            ws::template_id.eq(template_id),
            ws::grants.eq(0),
            ws::status.eq(result),
            ws::updated_at.eq(at),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    let row = ws::table.filter(ws::user_id.eq(user_id)).filter(ws::template_id.eq(template_id));
    match result {
        "accept" => diesel::update(row.filter(ws::grants.lt(max_grants)))
            .set((ws::grants.eq(ws::grants + 1), ws::status.eq(result), ws::updated_at.eq(at)))
            .execute(conn)?,
        "ban" => diesel::update(row)
            .set((ws::grants.eq(0), ws::status.eq(result), ws::updated_at.eq(at)))
            .execute(conn)?,
        _ => {
            diesel::update(row).set((ws::status.eq(result), ws::updated_at.eq(at))).execute(conn)?
        }
    };
    Ok(())
}

/// Spends one grant (compare and set: only while one is left); whether it did.
pub fn spend_grant(conn: &mut DbConn, user_id: i64, template_id: &str) -> QResult<bool> {
    use crate::db::schema::wechat_subscriptions as ws;
    let n = diesel::update(
        ws::table
            .filter(ws::user_id.eq(user_id))
            .filter(ws::template_id.eq(template_id))
            .filter(ws::grants.gt(0)),
    )
    .set(ws::grants.eq(ws::grants - 1))
    .execute(conn)?;
    Ok(n == 1)
}

/// WeChat said the user has no grant left (43101): forget the ones we counted.
pub fn drop_grants(conn: &mut DbConn, user_id: i64, template_id: &str) -> QResult<()> {
    use crate::db::schema::wechat_subscriptions as ws;
    diesel::update(
        ws::table.filter(ws::user_id.eq(user_id)).filter(ws::template_id.eq(template_id)),
    )
    .set(ws::grants.eq(0))
    .execute(conn)?;
    Ok(())
}

/// A user's grants: (template id, grants, last result).
pub fn subscriptions_of(conn: &mut DbConn, user_id: i64) -> QResult<Vec<(String, i32, String)>> {
    use crate::db::schema::wechat_subscriptions as ws;
    ws::table
        .filter(ws::user_id.eq(user_id))
        .order(ws::template_id.asc())
        .select((ws::template_id, ws::grants, ws::status))
        .load(conn)
}
