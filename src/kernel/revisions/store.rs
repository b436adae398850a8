//! Queries of `revisions`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::Error;

use super::{RevisionRow, RevisionStatus};
use crate::db::DbConn;
use crate::db::schema::revisions;

/// A new revision.
#[derive(Debug, Insertable)]
#[diesel(table_name = revisions)]
pub struct NewRevisionRow<'a> {
    /// Kind.
    pub kind: &'a str,
    /// Item.
    pub item_id: i64,
    /// Status.
    pub status: &'a str,
    /// `kind:item` while pending.
    pub open_key: Option<String>,
    /// Title for the inbox.
    pub title: &'a str,
    /// JSON.
    pub snapshot: &'a str,
    /// Submitting user.
    pub submitted_by_user_id: Option<i64>,
    /// Submitting staff.
    pub submitted_by_staff_id: Option<i64>,
    /// Staff who approved (staff publishing directly).
    pub reviewer_staff_id: Option<i64>,
    /// When decided (staff publishing directly).
    pub decided_at: Option<NaiveDateTime>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Inserts a revision; a second pending one for the item is a unique violation.
pub fn insert(conn: &mut DbConn, new: &NewRevisionRow<'_>) -> Result<RevisionRow, Error> {
    crate::per_backend!(conn, |c| diesel::insert_into(revisions::table)
        .values(new)
        .returning(RevisionRow::as_returning())
        .get_result(c))
}

/// One revision.
pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Option<RevisionRow>, Error> {
    revisions::table.find(id).select(RevisionRow::as_select()).first(conn).optional()
}

/// The pending revision of an item.
pub fn pending_of(
    conn: &mut DbConn,
    kind: &str,
    item_id: i64,
) -> Result<Option<RevisionRow>, Error> {
    revisions::table
        .filter(revisions::kind.eq(kind))
        .filter(revisions::item_id.eq(item_id))
        .filter(revisions::status.eq(RevisionStatus::Pending.as_str()))
        .select(RevisionRow::as_select())
        .first(conn)
        .optional()
}

/// The newest revision of an item newer than `after` that is not superseded or
/// discarded.
pub fn newest_after(
    conn: &mut DbConn,
    kind: &str,
    item_id: i64,
    after: i64,
) -> Result<Option<RevisionRow>, Error> {
    revisions::table
        .filter(revisions::kind.eq(kind))
        .filter(revisions::item_id.eq(item_id))
        .filter(revisions::id.gt(after))
        .filter(
            revisions::status
                .ne_all([RevisionStatus::Superseded.as_str(), RevisionStatus::Discarded.as_str()]),
        )
        .order(revisions::id.desc())
        .select(RevisionRow::as_select())
        .first(conn)
        .optional()
}

/// Moves the item's pending revision to `to`; 0 when none is pending (any more).
pub fn close_pending(
    conn: &mut DbConn,
    kind: &str,
    item_id: i64,
    to: RevisionStatus,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(
        revisions::table
            .filter(revisions::kind.eq(kind))
            .filter(revisions::item_id.eq(item_id))
            .filter(revisions::status.eq(RevisionStatus::Pending.as_str())),
    )
    .set((
        revisions::status.eq(to.as_str()),
        revisions::open_key.eq(None::<String>),
        revisions::updated_at.eq(at),
    ))
    .execute(conn)
}

/// Records a decision on revision `id` if it is still pending; 0 when someone (a
/// reviewer, or the owner's newer edit) was faster.
pub fn record_decision(
    conn: &mut DbConn,
    id: i64,
    status: RevisionStatus,
    note: &str,
    staff_id: Option<i64>,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(
        revisions::table.find(id).filter(revisions::status.eq(RevisionStatus::Pending.as_str())),
    )
    .set((
        revisions::status.eq(status.as_str()),
        revisions::open_key.eq(None::<String>),
        revisions::decision_note.eq(note),
        revisions::reviewer_staff_id.eq(staff_id),
        revisions::decided_at.eq(Some(at)),
        revisions::updated_at.eq(at),
    ))
    .execute(conn)
}

/// Pending revisions, oldest first, optionally of one kind.
pub fn pending_page(
    conn: &mut DbConn,
    kind: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<Vec<RevisionRow>, Error> {
    let mut query = revisions::table
        .filter(revisions::status.eq(RevisionStatus::Pending.as_str()))
        .into_boxed();
    if let Some(kind) = kind {
        query = query.filter(revisions::kind.eq(kind.to_owned()));
    }
    query
        .order(revisions::id.asc())
        .offset(offset)
        .limit(limit)
        .select(RevisionRow::as_select())
        .load(conn)
}

/// (kind, count) of pending revisions.
pub fn pending_counts(conn: &mut DbConn) -> Result<Vec<(String, i64)>, Error> {
    revisions::table
        .filter(revisions::status.eq(RevisionStatus::Pending.as_str()))
        .group_by(revisions::kind)
        .select((revisions::kind, diesel::dsl::count_star()))
        .load(conn)
}

/// Every revision of an item, newest first (history).
pub fn history(conn: &mut DbConn, kind: &str, item_id: i64) -> Result<Vec<RevisionRow>, Error> {
    revisions::table
        .filter(revisions::kind.eq(kind))
        .filter(revisions::item_id.eq(item_id))
        .order(revisions::id.desc())
        .select(RevisionRow::as_select())
        .load(conn)
}
