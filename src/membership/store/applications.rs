//! Queries of `applications`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::Error;

use crate::db::DbConn;
use crate::db::schema::{applications, users};
use crate::kernel::review::{ReviewRecord, ReviewStatus};
use crate::membership::model::ApplicationRow;

type Backend = <DbConn as diesel::Connection>::Backend;

/// A new application.
#[derive(Debug, Insertable)]
#[diesel(table_name = applications)]
pub struct NewApplicationRow<'a> {
    /// Applicant.
    pub user_id: i64,
    /// Kind.
    pub kind: &'a str,
    /// `pending`.
    pub status: &'a str,
    /// `user:kind`.
    pub open_key: Option<String>,
    /// Member type.
    pub member_type_id: Option<i64>,
    /// Company.
    pub company: &'a str,
    /// Title.
    pub title: &'a str,
    /// Industry.
    pub industry_id: Option<i64>,
    /// Position.
    pub position_id: Option<i64>,
    /// Referrer name.
    pub referrer_name: &'a str,
    /// Referrer phone.
    pub referrer_phone: &'a str,
    /// Letter.
    pub letter_file_id: Option<i64>,
    /// Reason.
    pub reason: &'a str,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Inserts an application.
pub fn insert(conn: &mut DbConn, new: &NewApplicationRow<'_>) -> Result<ApplicationRow, Error> {
    crate::per_backend!(conn, |c| diesel::insert_into(applications::table)
        .values(new)
        .returning(ApplicationRow::as_returning())
        .get_result(c))
}

/// An application by id.
pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Option<ApplicationRow>, Error> {
    applications::table.find(id).select(ApplicationRow::as_select()).first(conn).optional()
}

/// A user's applications, newest first.
pub fn for_user(conn: &mut DbConn, user_id: i64) -> Result<Vec<ApplicationRow>, Error> {
    applications::table
        .filter(applications::user_id.eq(user_id))
        .order(applications::id.desc())
        .select(ApplicationRow::as_select())
        .load(conn)
}

/// Records a decision on a still-pending application; 0 when someone was faster.
pub fn record_decision(conn: &mut DbConn, id: i64, record: &ReviewRecord) -> Result<usize, Error> {
    diesel::update(
        applications::table
            .find(id)
            .filter(applications::status.eq(ReviewStatus::Pending.as_str())),
    )
    .set((
        applications::status.eq(record.status.as_str()),
        applications::open_key.eq(None::<String>),
        applications::decision_note.eq(&record.note),
        applications::reviewer_staff_id.eq(record.reviewer.staff_id()),
        applications::decided_at.eq(Some(record.decided_at)),
        applications::updated_at.eq(record.decided_at),
    ))
    .execute(conn)
}

/// Marks a pending application of `user_id` withdrawn; 0 when it is not pending.
pub fn withdraw(
    conn: &mut DbConn,
    id: i64,
    user_id: i64,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(
        applications::table
            .find(id)
            .filter(applications::user_id.eq(user_id))
            .filter(applications::status.eq(ReviewStatus::Pending.as_str())),
    )
    .set((
        applications::status.eq(ReviewStatus::Withdrawn.as_str()),
        applications::open_key.eq(None::<String>),
        applications::updated_at.eq(at),
    ))
    .execute(conn)
}

/// Links the dues order created on approval.
pub fn set_dues_order(conn: &mut DbConn, id: i64, order_id: i64) -> Result<usize, Error> {
    diesel::update(applications::table.find(id))
        .set(applications::dues_order_id.eq(Some(order_id)))
        .execute(conn)
}

/// Filters of the review queue.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Kind.
    pub kind: Option<String>,
    /// Status.
    pub status: Option<String>,
    /// Oldest first (the review inbox) instead of newest first.
    pub oldest_first: bool,
}

fn filtered(filter: &QueueFilter) -> applications::BoxedQuery<'static, Backend> {
    let mut query = applications::table.into_boxed();
    if let Some(kind) = &filter.kind {
        query = query.filter(applications::kind.eq(kind.clone()));
    }
    if let Some(status) = &filter.status {
        query = query.filter(applications::status.eq(status.clone()));
    }
    query
}

/// An application with its applicant's (nickname, phone).
pub type QueueRow = (ApplicationRow, Option<String>, Option<String>);

/// One page of the queue with the applicant's (nickname, phone), oldest pending first.
pub fn queue(
    conn: &mut DbConn,
    filter: &QueueFilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<QueueRow>, Error> {
    let query = filtered(filter);
    let query = if filter.oldest_first {
        query.order(applications::id.asc())
    } else {
        query.order(applications::id.desc())
    };
    let rows: Vec<ApplicationRow> =
        query.offset(offset).limit(limit).select(ApplicationRow::as_select()).load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.user_id).collect();
    let people: Vec<(i64, Option<String>, Option<String>)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::nickname, users::phone))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let person = people.iter().find(|p| p.0 == row.user_id);
            let (nick, phone) = person.map(|p| (p.1.clone(), p.2.clone())).unwrap_or_default();
            (row, nick, phone)
        })
        .collect())
}

/// How many applications match.
pub fn count(conn: &mut DbConn, filter: &QueueFilter) -> Result<i64, Error> {
    filtered(filter).count().get_result(conn)
}

/// Pending applications (the menu badge).
pub fn pending_count(conn: &mut DbConn) -> Result<i64, Error> {
    applications::table
        .filter(applications::status.eq(ReviewStatus::Pending.as_str()))
        .count()
        .get_result(conn)
}

/// (status, count) over applications of `kind` (all kinds when `None`).
pub fn counts_by_status(
    conn: &mut DbConn,
    kind: Option<&str>,
) -> Result<Vec<(String, i64)>, Error> {
    let counted = (applications::status, diesel::dsl::count_star());
    match kind {
        Some(kind) => applications::table
            .filter(applications::kind.eq(kind))
            .group_by(applications::status)
            .select(counted)
            .load(conn),
        None => applications::table.group_by(applications::status).select(counted).load(conn),
    }
}
