//! Queries of `events`, `event_registrations` and `event_scans` (the only place with
//! diesel queries for them). Staff lists join `users` read-only for names and phones.

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::model::{EventDetails, EventRow, RegistrationRow, reg, status};
use crate::db::DbConn;
use crate::db::schema::{event_registrations as regs, event_scans, events, users};
use crate::kernel::search::{like_pattern, lower};

type QResult<T> = Result<T, diesel::result::Error>;

/// Inserts a draft event.
pub fn insert_event(
    conn: &mut DbConn,
    details: &EventDetails,
    at: NaiveDateTime,
) -> QResult<EventRow> {
    let row = (
        details,
        events::updated_at.eq(at),
        events::status.eq(status::DRAFT),
        events::token_version.eq(1),
        events::created_at.eq(at),
    );
    crate::per_backend!(conn, |c| diesel::insert_into(events::table)
        .values(row)
        .returning(EventRow::as_returning())
        .get_result(c))
}

/// Overwrites an event's editable fields.
pub fn update_event(
    conn: &mut DbConn,
    id: i64,
    details: &EventDetails,
    at: NaiveDateTime,
) -> QResult<usize> {
    diesel::update(events::table.find(id)).set((details, events::updated_at.eq(at))).execute(conn)
}

/// Sets an event's status.
pub fn set_event_status(conn: &mut DbConn, id: i64, to: &str, at: NaiveDateTime) -> QResult<usize> {
    diesel::update(events::table.find(id))
        .set((events::status.eq(to), events::updated_at.eq(at)))
        .execute(conn)
}

/// Bumps the token version (old printed codes stop working).
pub fn bump_token_version(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QResult<usize> {
    diesel::update(events::table.find(id))
        .set((events::token_version.eq(events::token_version + 1), events::updated_at.eq(at)))
        .execute(conn)
}

/// An event by id.
pub fn event(conn: &mut DbConn, id: i64) -> QResult<Option<EventRow>> {
    events::table.find(id).select(EventRow::as_select()).first(conn).optional()
}

/// An event by id, locked for the rest of the transaction on PostgreSQL (SQLite's
/// `BEGIN IMMEDIATE` already holds the write lock): sign-ups for one event queue here.
pub fn lock_event(conn: &mut DbConn, id: i64) -> QResult<Option<EventRow>> {
    match conn {
        DbConn::Pg(c) => {
            events::table.find(id).for_update().select(EventRow::as_select()).first(c).optional()
        }
        DbConn::Sqlite(c) => {
            events::table.find(id).select(EventRow::as_select()).first(c).optional()
        }
    }
}

/// Workbench list filter.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Status, or all.
    pub status: Option<String>,
    /// Title contains.
    pub q: Option<String>,
    /// Only events with registrations awaiting approval (the home's queue link).
    pub pending: bool,
}

/// One page of events for staff (newest start first) and the total.
pub fn list_events(
    conn: &mut DbConn,
    f: &EventFilter,
    offset: i64,
    limit: i64,
) -> QResult<(Vec<EventRow>, i64)> {
    let query = || {
        let mut q = events::table.into_boxed();
        if let Some(s) = &f.status {
            q = q.filter(events::status.eq(s.clone()));
        }
        if let Some(text) = &f.q {
            q = q.filter(lower(events::title).like(like_pattern(text)).escape('\\'));
        }
        if f.pending {
            let pending = regs::table.filter(regs::status.eq(reg::PENDING)).select(regs::event_id);
            q = q.filter(events::id.eq_any(pending));
        }
        q
    };
    let total = query().select(count_star()).first(conn)?;
    let rows = query()
        .order((events::starts_at.desc(), events::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// One page of published events users may see (members also see members-only ones).
pub fn published_events(
    conn: &mut DbConn,
    member: bool,
    offset: i64,
    limit: i64,
) -> QResult<(Vec<EventRow>, i64)> {
    let query = || {
        let mut q = events::table.filter(events::status.eq(status::PUBLISHED)).into_boxed();
        if !member {
            q = q.filter(events::audience.eq(super::model::audience::EVERYONE));
        }
        q
    };
    let total = query().select(count_star()).first(conn)?;
    let rows = query()
        .order((events::starts_at.desc(), events::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Registrations of an event holding a place.
pub fn count_holding(conn: &mut DbConn, event_id: i64) -> QResult<i64> {
    regs::table
        .filter(regs::event_id.eq(event_id))
        .filter(regs::status.eq_any(reg::HOLDING_PLACE))
        .select(count_star())
        .first(conn)
}

/// A user's registration for an event.
pub fn registration_of(
    conn: &mut DbConn,
    event_id: i64,
    user_id: i64,
) -> QResult<Option<RegistrationRow>> {
    regs::table
        .filter(regs::event_id.eq(event_id))
        .filter(regs::user_id.eq(user_id))
        .select(RegistrationRow::as_select())
        .first(conn)
        .optional()
}

/// A registration by id.
pub fn registration(conn: &mut DbConn, id: i64) -> QResult<Option<RegistrationRow>> {
    regs::table.find(id).select(RegistrationRow::as_select()).first(conn).optional()
}

/// A new registration.
#[derive(Debug, Insertable)]
#[diesel(table_name = regs)]
pub struct NewRegistration<'a> {
    /// Event.
    pub event_id: i64,
    /// User.
    pub user_id: i64,
    /// Status.
    pub status: &'a str,
    /// Fee.
    pub fee_cents: i64,
    /// Queue position.
    pub queued_at: NaiveDateTime,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Inserts a registration.
pub fn insert_registration(
    conn: &mut DbConn,
    new: &NewRegistration<'_>,
) -> QResult<RegistrationRow> {
    crate::per_backend!(conn, |c| diesel::insert_into(regs::table)
        .values(new)
        .returning(RegistrationRow::as_returning())
        .get_result(c))
}

/// Puts a withdrawn or refused registration back in line (a sign-up again).
pub fn requeue(
    conn: &mut DbConn,
    id: i64,
    to: &str,
    fee: i64,
    at: NaiveDateTime,
) -> QResult<usize> {
    diesel::update(regs::table.find(id))
        .set((
            regs::status.eq(to),
            regs::fee_cents.eq(fee),
            regs::queued_at.eq(at),
            // Attendance stays: it mirrors the scan log, which keeps every scan.
            regs::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Sets a registration's status.
pub fn set_registration_status(
    conn: &mut DbConn,
    id: i64,
    to: &str,
    at: NaiveDateTime,
) -> QResult<usize> {
    diesel::update(regs::table.find(id))
        .set((regs::status.eq(to), regs::updated_at.eq(at)))
        .execute(conn)
}

/// Links the fee's order.
pub fn set_order(conn: &mut DbConn, id: i64, order_id: i64) -> QResult<usize> {
    diesel::update(regs::table.find(id)).set(regs::order_id.eq(Some(order_id))).execute(conn)
}

/// The first user on the waiting list.
pub fn first_waiting(conn: &mut DbConn, event_id: i64) -> QResult<Option<RegistrationRow>> {
    regs::table
        .filter(regs::event_id.eq(event_id))
        .filter(regs::status.eq(reg::WAITING))
        .order((regs::queued_at.asc(), regs::id.asc()))
        .select(RegistrationRow::as_select())
        .first(conn)
        .optional()
}

/// A user's registrations with their events, newest first.
pub fn registrations_of_user(
    conn: &mut DbConn,
    user_id: i64,
) -> QResult<Vec<(RegistrationRow, EventRow)>> {
    regs::table
        .inner_join(events::table)
        .filter(regs::user_id.eq(user_id))
        .order(regs::id.desc())
        .select((RegistrationRow::as_select(), EventRow::as_select()))
        .load(conn)
}

/// Staff filter of an event's registrations.
#[derive(Debug, Clone, Default)]
pub struct RegistrationFilter {
    /// Status, or all.
    pub status: Option<String>,
    /// `in` (checked in) / `out` (checked out) / `absent` (not checked in).
    pub attendance: Option<String>,
}

/// A registration with the user's nickname and phone (staff only).
pub type StaffRegistration = (RegistrationRow, Option<String>, Option<String>);

/// A page of an event's registrations (queue order) and the total; `limit` `None` = all.
pub fn registrations_of_event(
    conn: &mut DbConn,
    event_id: i64,
    f: &RegistrationFilter,
    offset: i64,
    limit: Option<i64>,
) -> QResult<(Vec<StaffRegistration>, i64)> {
    let query = || {
        let mut q =
            regs::table.inner_join(users::table).filter(regs::event_id.eq(event_id)).into_boxed();
        if let Some(s) = &f.status {
            q = q.filter(regs::status.eq(s.clone()));
        }
        match f.attendance.as_deref() {
            Some("in") => q = q.filter(regs::checked_in_at.is_not_null()),
            Some("out") => q = q.filter(regs::checked_out_at.is_not_null()),
            Some("absent") => q = q.filter(regs::checked_in_at.is_null()),
            _ => {}
        }
        q
    };
    let total = query().select(count_star()).first(conn)?;
    // SQLite has no OFFSET without LIMIT, so "all" is the largest limit.
    let rows = query()
        .order((regs::queued_at.asc(), regs::id.asc()))
        .select((RegistrationRow::as_select(), users::nickname, users::phone))
        .limit(limit.unwrap_or(i64::MAX))
        .offset(offset)
        .load(conn)?;
    Ok((rows, total))
}

/// Per-status counts and attendance of an event.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct EventCounts {
    /// Holding a place (registered or pending).
    pub registered: i64,
    /// Pending approval (included in `registered`).
    pub pending: i64,
    /// On the waiting list.
    pub waiting: i64,
    /// Checked in.
    pub checked_in: i64,
    /// Checked out.
    pub checked_out: i64,
}

/// The live counts of an event.
pub fn counts(conn: &mut DbConn, event_id: i64) -> QResult<EventCounts> {
    let by_status: Vec<(String, i64)> = regs::table
        .filter(regs::event_id.eq(event_id))
        .group_by(regs::status)
        .select((regs::status, count_star()))
        .load(conn)?;
    let of = |s: &str| by_status.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
    let scans: Vec<(String, i64)> = event_scans::table
        .filter(event_scans::event_id.eq(event_id))
        .group_by(event_scans::kind)
        .select((event_scans::kind, count_star()))
        .load(conn)?;
    let scanned = |k: &str| scans.iter().find(|(s, _)| s == k).map_or(0, |(_, n)| *n);
    Ok(EventCounts {
        registered: of(reg::REGISTERED) + of(reg::PENDING),
        pending: of(reg::PENDING),
        waiting: of(reg::WAITING),
        checked_in: scanned(super::model::kind::CHECK_IN),
        checked_out: scanned(super::model::kind::CHECK_OUT),
    })
}

/// A scan log entry.
#[derive(Debug, Insertable)]
#[diesel(table_name = event_scans)]
pub struct NewScan<'a> {
    /// Event.
    pub event_id: i64,
    /// Registration.
    pub registration_id: i64,
    /// `check_in` / `check_out`.
    pub kind: &'a str,
    /// `qr`, `screen` or `staff`.
    pub via: &'a str,
    /// Staff who recorded it by hand.
    pub staff_id: Option<i64>,
    /// When.
    pub created_at: NaiveDateTime,
}

/// Records a check-in or check-out: the registration's timestamp, compared and set (only
/// a registered place without that mark, and a check-out only after a check-in), then
/// the scan row. Answers false, changing nothing, when the registration did not qualify
/// (the caller re-reads it to say why). The registration's timestamps mirror the scan
/// log, which is never deleted; the unique (registration, kind) key is the last word.
pub fn record_scan(conn: &mut DbConn, scan: &NewScan<'_>) -> QResult<bool> {
    let target = regs::table
        .find(scan.registration_id)
        .filter(regs::status.eq(super::model::reg::REGISTERED));
    let marked = if scan.kind == super::model::kind::CHECK_IN {
        diesel::update(target.filter(regs::checked_in_at.is_null()))
            .set(regs::checked_in_at.eq(Some(scan.created_at)))
            .execute(conn)?
    } else {
        diesel::update(
            target.filter(regs::checked_in_at.is_not_null()).filter(regs::checked_out_at.is_null()),
        )
        .set(regs::checked_out_at.eq(Some(scan.created_at)))
        .execute(conn)?
    };
    if marked == 0 {
        return Ok(false);
    }
    diesel::insert_into(event_scans::table).values(scan).execute(conn)?;
    Ok(true)
}

/// The registrations still in play (pending, registered, waiting) of an event, in queue
/// order: who hears of a change or a cancellation.
pub fn active_registrations(conn: &mut DbConn, event_id: i64) -> QResult<Vec<RegistrationRow>> {
    regs::table
        .filter(regs::event_id.eq(event_id))
        .filter(regs::status.eq_any(reg::ACTIVE))
        .order((regs::queued_at.asc(), regs::id.asc()))
        .select(RegistrationRow::as_select())
        .load(conn)
}

/// An upcoming event's list columns: `(id, title, cover_file_id, place, starts_at)`.
pub type UpcomingRow = (i64, String, Option<i64>, String, chrono::NaiveDateTime);

/// Published events not ended by `now`, soonest first (the mini-program home).
pub fn upcoming(
    conn: &mut DbConn,
    now: chrono::NaiveDateTime,
    member: bool,
    limit: i64,
) -> QResult<Vec<UpcomingRow>> {
    let mut q = events::table
        .filter(events::status.eq(status::PUBLISHED))
        .filter(events::ends_at.ge(now))
        .into_boxed();
    if !member {
        q = q.filter(events::audience.eq(super::model::audience::EVERYONE));
    }
    q.order((events::starts_at.asc(), events::id.asc()))
        .limit(limit)
        .select((
            events::id,
            events::title,
            events::cover_file_id,
            events::place,
            events::starts_at,
        ))
        .load(conn)
}
