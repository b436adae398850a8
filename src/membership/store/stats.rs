//! Queries of the member statistics on the workbench home: GROUP BY over covering
//! indexes (`members (member_type_id, status)` and its siblings), never a row per member.

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use diesel::result::Error;
use diesel::sql_types::{BigInt, Text};

use crate::db::DbConn;
use crate::db::schema::members;

/// `(group id, status, members)`.
pub type GroupCount = (Option<i64>, String, i64);

/// Members per member type and status.
pub fn by_type(conn: &mut DbConn) -> Result<Vec<GroupCount>, Error> {
    let rows: Vec<(i64, String, i64)> = members::table
        .group_by((members::member_type_id, members::status))
        .select((members::member_type_id, members::status, count_star()))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, s, n)| (Some(id), s, n)).collect())
}

/// Members per position and status.
pub fn by_position(conn: &mut DbConn) -> Result<Vec<GroupCount>, Error> {
    let rows: Vec<(i64, String, i64)> = members::table
        .group_by((members::position_id, members::status))
        .select((members::position_id, members::status, count_star()))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, s, n)| (Some(id), s, n)).collect())
}

/// Members per industry (none: not given) and status.
pub fn by_industry(conn: &mut DbConn) -> Result<Vec<GroupCount>, Error> {
    members::table
        .group_by((members::industry_id, members::status))
        .select((members::industry_id, members::status, count_star()))
        .load(conn)
}

#[derive(QueryableByName)]
struct MonthCount {
    #[diesel(sql_type = Text)]
    month: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Members who joined at or after `since` (UTC) per month `YYYY-MM` of the local time
/// `offset_minutes` east of UTC. The month of a timestamp is the one place the two
/// backends spell differently.
pub fn joined_per_month(
    conn: &mut DbConn,
    since: NaiveDateTime,
    offset_minutes: i32,
) -> Result<Vec<(String, i64)>, Error> {
    let rows: Vec<MonthCount> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(
            "SELECT strftime('%Y-%m', joined_at, ? || ' minutes') AS month, COUNT(*) AS n \
             FROM members WHERE joined_at >= ? GROUP BY month",
        )
        .bind::<Text, _>(format!("{offset_minutes:+}"))
        .bind::<diesel::sql_types::Timestamp, _>(since)
        .load(c)?,
        DbConn::Pg(c) => diesel::sql_query(
            "SELECT to_char(joined_at + make_interval(mins => $1), 'YYYY-MM') AS month, \
             COUNT(*) AS n FROM members WHERE joined_at >= $2 GROUP BY 1",
        )
        .bind::<diesel::sql_types::Integer, _>(offset_minutes)
        .bind::<diesel::sql_types::Timestamp, _>(since)
        .load(c)?,
    };
    Ok(rows.into_iter().map(|r| (r.month, r.n)).collect())
}

/// Members per status.
pub fn by_status(conn: &mut DbConn) -> Result<Vec<(String, i64)>, Error> {
    members::table.group_by(members::status).select((members::status, count_star())).load(conn)
}
