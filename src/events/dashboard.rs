//! What the workbench home shows of events: registrations awaiting approval across all
//! events (a pending queue), and the events of a time range with their live counts.

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::model::{EventRow, reg, status};
use super::store::{self, EventCounts};
use crate::db::DbConn;
use crate::db::schema::{event_registrations as regs, events};
use crate::error::AppError;

/// Most events one range lists (a busy week has a handful).
const RANGE_LIMIT: i64 = 50;
/// How long before a range an event may have started and still be running in it: the
/// start bounds the index range scan (events longer than this are not listed).
const LONGEST_EVENT_DAYS: i64 = 31;

/// Registrations awaiting approval over all events (the 活动报名审核 queue).
pub fn pending_registrations(conn: &mut DbConn) -> Result<i64, AppError> {
    Ok(regs::table.filter(regs::status.eq(reg::PENDING)).select(count_star()).first(conn)?)
}

/// An event of the range with its live counts.
#[derive(Debug, Clone)]
pub struct RangeEvent {
    /// The event.
    pub event: EventRow,
    /// Registrations, pending ones, check-ins so far.
    pub counts: EventCounts,
}

/// Published events running at some time in `[from, to)` (UTC), soonest first, with
/// their counts.
pub fn events_between(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<RangeEvent>, AppError> {
    let earliest = from - chrono::Duration::days(LONGEST_EVENT_DAYS);
    let rows: Vec<EventRow> = events::table
        .filter(events::status.eq(status::PUBLISHED))
        .filter(events::starts_at.ge(earliest))
        .filter(events::starts_at.lt(to))
        .filter(events::ends_at.ge(from))
        .order((events::starts_at.asc(), events::id.asc()))
        .limit(RANGE_LIMIT)
        .select(EventRow::as_select())
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for event in rows {
        let counts = store::counts(conn, event.id)?;
        out.push(RangeEvent { event, counts });
    }
    Ok(out)
}

/// The events running today `[day.0, day.1)` and the others of this week
/// `[week.0, week.1)` (UTC instants of the association's local days).
pub async fn today_and_week(
    db: &crate::db::Db,
    day: (NaiveDateTime, NaiveDateTime),
    week: (NaiveDateTime, NaiveDateTime),
) -> Result<(Vec<RangeEvent>, Vec<RangeEvent>), AppError> {
    db.run(move |conn| {
        let today = events_between(conn, day.0, day.1)?;
        let mut rest = events_between(conn, week.0, week.1)?;
        rest.retain(|e| today.iter().all(|t| t.event.id != e.event.id));
        Ok((today, rest))
    })
    .await
}
