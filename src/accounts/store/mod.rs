//! Queries of `staff`, `users` and `api_tokens` (and, in `sms`, of `sms_codes`).

pub mod email;
pub mod sessions;
pub mod sms;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{StaffRow, UserRow};
use crate::db::DbConn;
use crate::db::schema::{api_tokens, staff, users};

type QResult<T> = Result<T, diesel::result::Error>;

/// A new staff row.
#[derive(Debug, Insertable)]
#[diesel(table_name = staff)]
pub struct NewStaff<'a> {
    /// Sign-in name.
    pub username: &'a str,
    /// Shown name.
    pub display_name: &'a str,
    /// argon2id hash.
    pub password_hash: &'a str,
    /// Role name.
    pub role: &'a str,
    /// Enabled.
    pub active: bool,
    /// Starts at 0.
    pub session_epoch: i32,
    /// True when an admin's action made the password.
    pub must_change_password: bool,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Inserts a staff row.
pub fn insert_staff(
    conn: &mut DbConn,
    new: &NewStaff<'_>,
) -> Result<StaffRow, diesel::result::Error> {
    crate::per_backend!(conn, |c| diesel::insert_into(staff::table)
        .values(new)
        .returning(StaffRow::as_returning())
        .get_result(c))
}

/// Staff by id.
pub fn staff_by_id(conn: &mut DbConn, id: i64) -> QResult<Option<StaffRow>> {
    staff::table.find(id).select(StaffRow::as_select()).first(conn).optional()
}

/// Staff by username.
pub fn staff_by_username(conn: &mut DbConn, username: &str) -> QResult<Option<StaffRow>> {
    staff::table
        .filter(staff::username.eq(username))
        .select(StaffRow::as_select())
        .first(conn)
        .optional()
}

/// All staff, by id.
pub fn all_staff(conn: &mut DbConn) -> QResult<Vec<StaffRow>> {
    staff::table.order(staff::id.asc()).select(StaffRow::as_select()).load(conn)
}

/// Records a successful sign-in.
pub fn touch_staff_login(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QResult<()> {
    diesel::update(staff::table.find(id)).set(staff::last_login_at.eq(Some(at))).execute(conn)?;
    Ok(())
}

/// Enables or disables; every change ends the account's sessions.
pub fn set_staff_active(
    conn: &mut DbConn,
    id: i64,
    active: bool,
    at: NaiveDateTime,
) -> QResult<()> {
    diesel::update(staff::table.find(id))
        .set((
            staff::active.eq(active),
            staff::session_epoch.eq(staff::session_epoch + 1),
            staff::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Replaces the password hash if it is still `expected` (compare and set), ending the
/// account's sessions; answers the rows changed (0 when someone changed it meanwhile).
pub fn swap_staff_password(
    conn: &mut DbConn,
    id: i64,
    expected: &str,
    hash: &str,
    at: NaiveDateTime,
) -> Result<usize, diesel::result::Error> {
    diesel::update(staff::table.find(id).filter(staff::password_hash.eq(expected)))
        .set((
            staff::password_hash.eq(hash),
            staff::session_epoch.eq(staff::session_epoch + 1),
            staff::must_change_password.eq(false),
            staff::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Replaces the password hash with one an admin made (the account must change it at
/// its next sign-in) and ends the account's sessions.
pub fn set_staff_password(
    conn: &mut DbConn,
    id: i64,
    hash: &str,
    at: NaiveDateTime,
) -> QResult<()> {
    diesel::update(staff::table.find(id))
        .set((
            staff::password_hash.eq(hash),
            staff::session_epoch.eq(staff::session_epoch + 1),
            staff::must_change_password.eq(true),
            staff::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The ids of every active admin, locked for the rest of the write transaction on
/// PostgreSQL (SQLite's `BEGIN IMMEDIATE` already holds the write lock).
pub fn lock_active_admins(conn: &mut DbConn) -> Result<Vec<i64>, diesel::result::Error> {
    let admins = || {
        staff::table
            .filter(staff::role.eq("admin"))
            .filter(staff::active.eq(true))
            .select(staff::id)
            .order(staff::id)
    };
    match conn {
        DbConn::Pg(c) => admins().for_update().load(c),
        DbConn::Sqlite(c) => admins().load(c),
    }
}

/// Inserts a bare user (nickname only); sign-in flows add phone or openid.
pub fn insert_user(
    conn: &mut DbConn,
    nickname: Option<&str>,
    at: NaiveDateTime,
) -> QResult<UserRow> {
    crate::per_backend!(conn, |c| diesel::insert_into(users::table)
        .values((
            users::nickname.eq(nickname),
            users::status.eq("active"),
            users::created_at.eq(at),
            users::updated_at.eq(at),
        ))
        .returning(UserRow::as_returning())
        .get_result(c))
}

/// User by phone.
pub fn user_by_phone(conn: &mut DbConn, phone: &str) -> QResult<Option<UserRow>> {
    users::table.filter(users::phone.eq(phone)).select(UserRow::as_select()).first(conn).optional()
}

/// User by WeChat openid.
pub fn user_by_openid(conn: &mut DbConn, openid: &str) -> QResult<Option<UserRow>> {
    users::table
        .filter(users::wechat_openid.eq(openid))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// Inserts a user identified by phone or by WeChat.
pub fn insert_user_with(
    conn: &mut DbConn,
    phone: Option<&str>,
    openid: Option<&str>,
    unionid: Option<&str>,
    at: NaiveDateTime,
) -> Result<UserRow, diesel::result::Error> {
    crate::per_backend!(conn, |c| diesel::insert_into(users::table)
        .values((
            users::phone.eq(phone),
            users::wechat_openid.eq(openid),
            users::wechat_unionid.eq(unionid),
            users::status.eq("active"),
            users::created_at.eq(at),
            users::updated_at.eq(at),
        ))
        .returning(UserRow::as_returning())
        .get_result(c))
}

/// Sets a user's phone.
pub fn set_user_phone(
    conn: &mut DbConn,
    id: i64,
    phone: &str,
    at: NaiveDateTime,
) -> Result<(), diesel::result::Error> {
    diesel::update(users::table.find(id))
        .set((users::phone.eq(Some(phone)), users::updated_at.eq(at)))
        .execute(conn)
        .map(|_| ())
}

/// Sets a user's WeChat identity (unionid only replaced when WeChat sent one).
pub fn set_user_wechat(
    conn: &mut DbConn,
    id: i64,
    openid: &str,
    unionid: Option<&str>,
    at: NaiveDateTime,
) -> Result<(), diesel::result::Error> {
    diesel::update(users::table.find(id))
        .set((users::wechat_openid.eq(Some(openid)), users::updated_at.eq(at)))
        .execute(conn)?;
    if let Some(unionid) = unionid {
        diesel::update(users::table.find(id))
            .set(users::wechat_unionid.eq(Some(unionid)))
            .execute(conn)?;
    }
    Ok(())
}

/// Updates nickname and avatar.
pub fn set_user_profile(
    conn: &mut DbConn,
    id: i64,
    nickname: Option<&str>,
    avatar_file_id: Option<i64>,
    at: NaiveDateTime,
) -> QResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::nickname.eq(nickname),
            users::avatar_file_id.eq(avatar_file_id),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The staff account linked to a user.
pub fn staff_of_user(conn: &mut DbConn, user_id: i64) -> QResult<Option<StaffRow>> {
    staff::table
        .filter(staff::user_id.eq(user_id))
        .select(StaffRow::as_select())
        .first(conn)
        .optional()
}

/// Links (or with `None` unlinks) a staff account to a user.
pub fn set_staff_user(
    conn: &mut DbConn,
    staff_id: i64,
    user_id: Option<i64>,
    at: NaiveDateTime,
) -> Result<(), diesel::result::Error> {
    diesel::update(staff::table.find(staff_id))
        .set((staff::user_id.eq(user_id), staff::updated_at.eq(at)))
        .execute(conn)
        .map(|_| ())
}

/// User by id.
pub fn user_by_id(conn: &mut DbConn, id: i64) -> QResult<Option<UserRow>> {
    users::table.find(id).select(UserRow::as_select()).first(conn).optional()
}

/// (id, nickname) of the users among `ids` (in chunks under every bind limit).
pub fn nicknames(conn: &mut DbConn, ids: &[i64]) -> QResult<Vec<(i64, Option<String>)>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let rows: Vec<(i64, Option<String>)> = users::table
            .filter(users::id.eq_any(chunk))
            .select((users::id, users::nickname))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// Stores a token hash.
pub fn insert_token(
    conn: &mut DbConn,
    user_id: i64,
    token_hash: &str,
    at: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QResult<()> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(user_id),
            api_tokens::token_hash.eq(token_hash),
            api_tokens::created_at.eq(at),
            api_tokens::last_used_at.eq(at),
            api_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// A live token's (token id, last use, expiry, user).
pub fn live_token(
    conn: &mut DbConn,
    token_hash: &str,
    now: NaiveDateTime,
) -> QResult<Option<(i64, NaiveDateTime, NaiveDateTime, UserRow)>> {
    api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.gt(now))
        .filter(users::status.eq("active"))
        .select((
            api_tokens::id,
            api_tokens::last_used_at,
            api_tokens::expires_at,
            UserRow::as_select(),
        ))
        .first(conn)
        .optional()
}

/// Slides a token's expiry.
pub fn extend_token(
    conn: &mut DbConn,
    id: i64,
    at: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QResult<()> {
    diesel::update(api_tokens::table.find(id))
        .set((api_tokens::last_used_at.eq(at), api_tokens::expires_at.eq(expires_at)))
        .execute(conn)?;
    Ok(())
}

/// Revokes a token by hash.
pub fn revoke_token(conn: &mut DbConn, token_hash: &str, at: NaiveDateTime) -> QResult<usize> {
    diesel::update(api_tokens::table.filter(api_tokens::token_hash.eq(token_hash)))
        .set(api_tokens::revoked_at.eq(Some(at)))
        .execute(conn)
}
