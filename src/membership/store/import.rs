//! Bulk writes of the Excel import: users by phone, members and their first position,
//! in chunks that stay under both backends' bind-parameter limits.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::Error;

use super::members::NewMemberRow;
use crate::db::DbConn;
use crate::db::schema::{member_positions, members, users};

/// Rows per INSERT statement (13 columns × 500 stays under SQLite's 32,766 binds).
const CHUNK: usize = 500;

/// Users with one of `phones`: (user id, phone, already a member).
pub fn users_by_phone(
    conn: &mut DbConn,
    phones: &[String],
) -> Result<Vec<(i64, String, bool)>, Error> {
    let mut out = Vec::new();
    for chunk in phones.chunks(CHUNK * 4) {
        let found: Vec<(i64, Option<String>, Option<i64>)> = users::table
            .left_join(members::table)
            .filter(users::phone.eq_any(chunk))
            .select((users::id, users::phone, members::id.nullable()))
            .load(conn)?;
        out.extend(
            found
                .into_iter()
                .filter_map(|(id, phone, member)| phone.map(|p| (id, p, member.is_some()))),
        );
    }
    Ok(out)
}

/// Creates users for `(name, phone)` pairs; returns (user id, phone).
pub fn insert_users(
    conn: &mut DbConn,
    people: &[(String, String)],
    at: NaiveDateTime,
) -> Result<Vec<(i64, String)>, Error> {
    for chunk in people.chunks(CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(name, phone)| {
                (
                    users::nickname.eq(Some(name.as_str())),
                    users::phone.eq(Some(phone.as_str())),
                    users::status.eq("active"),
                    users::created_at.eq(at),
                    users::updated_at.eq(at),
                )
            })
            .collect();
        crate::per_backend!(&mut *conn, |c| diesel::insert_into(users::table)
            .values(&rows)
            .execute(c))?;
    }
    let phones: Vec<String> = people.iter().map(|p| p.1.clone()).collect();
    Ok(users_by_phone(conn, &phones)?.into_iter().map(|(id, phone, _)| (id, phone)).collect())
}

/// Inserts members and opens each one's position at `at`.
pub fn insert_members(
    conn: &mut DbConn,
    rows: &[NewMemberRow],
    at: NaiveDateTime,
) -> Result<(), Error> {
    for chunk in rows.chunks(CHUNK) {
        crate::per_backend!(&mut *conn, |c| diesel::insert_into(members::table)
            .values(chunk)
            .execute(c))?;
        let user_ids: Vec<i64> = chunk.iter().map(|r| r.user_id).collect();
        let created: Vec<(i64, i64)> = members::table
            .filter(members::user_id.eq_any(user_ids))
            .select((members::id, members::position_id))
            .load(conn)?;
        let history: Vec<_> = created
            .iter()
            .copied()
            .map(|(id, position)| {
                (
                    member_positions::member_id.eq(id),
                    member_positions::position_id.eq(position),
                    member_positions::started_at.eq(at),
                )
            })
            .collect();
        crate::per_backend!(&mut *conn, |c| diesel::insert_into(member_positions::table)
            .values(&history)
            .execute(c))?;
        for (id, ..) in &created {
            super::members::reindex(conn, *id)?;
        }
    }
    Ok(())
}

/// Which of `numbers` are already member numbers.
pub fn existing_numbers(conn: &mut DbConn, numbers: &[String]) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for chunk in numbers.chunks(CHUNK * 4) {
        out.extend(
            members::table
                .filter(members::member_number.eq_any(chunk))
                .select(members::member_number)
                .load::<String>(conn)?,
        );
    }
    Ok(out)
}
