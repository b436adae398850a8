//! Events: staff create, publish, cancel and rotate codes of events (this file); users
//! register and join waiting lists (`registrations`); QR scans record attendance
//! (`scans`, `codes`); registrations and attendance export to Excel (`export`).

pub mod changes;
pub mod codes;
pub mod dashboard;
pub mod export;
pub mod lottery;
pub mod lottery_mine;
pub mod lottery_model;
pub mod lottery_store;
pub mod model;
pub mod registrations;
pub mod scans;
pub mod store;

use chrono::NaiveDateTime;

pub use model::{EventDetails, EventRow, RegistrationRow};
pub use store::{EventCounts, EventFilter, RegistrationFilter, StaffRegistration};

use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;

use crate::kernel::page::PageRequest;
pub use crate::kernel::page::{PAGE_SIZE, Page};

fn audit_event(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    action: &str,
    id: i64,
    details: &serde_json::Value,
) -> Result<(), AppError> {
    AuditEntry::new(actor, action, "events", id).record(conn, at, details)
}

/// Validates staff input and makes it what is stored: trimmed, description sanitised.
fn checked(input: EventDetails) -> Result<EventDetails, AppError> {
    let errors = model::validate(&input);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(EventDetails {
        title: input.title.trim().to_owned(),
        place: input.place.trim().to_owned(),
        description_html: model::sanitize_description(&input.description_html),
        ..input
    })
}

/// Creates a draft event (audited). The cover, if any, must be an uploaded image.
pub async fn create_event(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    input: EventDetails,
) -> Result<EventRow, AppError> {
    let details = checked(input)?;
    check_cover(db, details.cover_file_id).await?;
    let at = clock.now_naive();
    db.write(move |conn| {
        let row = store::insert_event(conn, &details, at)?;
        audit_event(
            conn,
            at,
            Actor::Staff(staff_id),
            "event.create",
            row.id,
            &serde_json::json!({"title": row.title}),
        )?;
        Ok(row)
    })
    .await
}

async fn check_cover(db: &Db, cover: Option<i64>) -> Result<(), AppError> {
    if let Some(id) = cover {
        match crate::kernel::media::find(db, id).await {
            Ok(file) if file.kind == "image" => {}
            Ok(_) | Err(AppError::NotFound(_)) => {
                return Err(AppError::field("cover_file_id", "封面须为已上传的图片（文件编号）"));
            }
            Err(other) => return Err(other),
        }
    }
    Ok(())
}

/// Updates an event (audited); a larger capacity moves the waiting list up; a new time
/// or place is told to the registrants (times shown in `tz`).
pub async fn update_event(
    db: &Db,
    clock: &SharedClock,
    tz: chrono_tz::Tz,
    staff_id: i64,
    id: i64,
    input: EventDetails,
) -> Result<EventRow, AppError> {
    let details = checked(input)?;
    check_cover(db, details.cover_file_id).await?;
    let at = clock.now_naive();
    db.write(move |conn| {
        let before = store::lock_event(conn, id)?.ok_or_else(|| AppError::not_found("活动"))?;
        if before.status == model::status::CANCELLED {
            return Err(AppError::Conflict {
                code: "event_cancelled",
                message: "活动已取消，不能修改".into(),
            });
        }
        store::update_event(conn, id, &details, at)?;
        let event = store::event(conn, id)?.ok_or_else(|| AppError::not_found("活动"))?;
        registrations::fill_places(conn, at, &event)?;
        let told = changes::tell_of_change(conn, at, &before, &event, tz)?;
        audit_event(
            conn,
            at,
            Actor::Staff(staff_id),
            "event.update",
            id,
            &serde_json::json!({"title": event.title, "capacity": event.capacity, "told": told}),
        )?;
        Ok(event)
    })
    .await
}

/// Publishes a draft (audited).
pub async fn publish_event(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
) -> Result<EventRow, AppError> {
    change_status(db, clock, staff_id, id, model::status::PUBLISHED).await
}

/// Cancels an event (audited); registrations stay for the record, scans are refused,
/// each registration's order is closed or refunded (the billing setting) and every
/// registrant is told (`changes::settle_cancelled`).
pub async fn cancel_event(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
) -> Result<EventRow, AppError> {
    change_status(db, clock, staff_id, id, model::status::CANCELLED).await
}

async fn change_status(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    to: &'static str,
) -> Result<EventRow, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let event = store::lock_event(conn, id)?.ok_or_else(|| AppError::not_found("活动"))?;
        let allowed = match to {
            model::status::PUBLISHED => event.status == model::status::DRAFT,
            _ => event.status != model::status::CANCELLED,
        };
        if !allowed {
            return Err(AppError::Conflict {
                code: "invalid_transition",
                message: format!("活动当前为「{}」，不能执行此操作", event.status_label()),
            });
        }
        store::set_event_status(conn, id, to, at)?;
        let told = if to == model::status::CANCELLED {
            changes::settle_cancelled(conn, at, Actor::Staff(staff_id), &event)?
        } else {
            0
        };
        audit_event(
            conn,
            at,
            Actor::Staff(staff_id),
            &format!("event.{to}"),
            id,
            &serde_json::json!({"from": event.status, "told": told}),
        )?;
        store::event(conn, id)?.ok_or_else(|| AppError::not_found("活动"))
    })
    .await
}

/// Rotates an event's printed codes: the old check-in and check-out codes (and screen
/// codes) stop working at once (audited).
pub async fn rotate_codes(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
) -> Result<EventRow, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        if store::bump_token_version(conn, id, at)? == 0 {
            return Err(AppError::not_found("活动"));
        }
        let event = store::event(conn, id)?.ok_or_else(|| AppError::not_found("活动"))?;
        audit_event(
            conn,
            at,
            Actor::Staff(staff_id),
            "event.rotate_codes",
            id,
            &serde_json::json!({"version": event.token_version}),
        )?;
        Ok(event)
    })
    .await
}

/// An event by id (any status; for staff).
pub async fn find_event(db: &Db, id: i64) -> Result<EventRow, AppError> {
    db.run(move |conn| store::event(conn, id)?.ok_or_else(|| AppError::not_found("活动"))).await
}

/// A page of events for staff.
pub async fn list_events(
    db: &Db,
    filter: EventFilter,
    page: i64,
) -> Result<Page<EventRow>, AppError> {
    let want = PageRequest::new(page);
    db.run(move |conn| {
        let (rows, total) = store::list_events(conn, &filter, want.offset(), want.limit())?;
        Ok(want.answer(rows, total))
    })
    .await
}

/// The live counts of an event.
pub async fn event_counts(db: &Db, id: i64) -> Result<EventCounts, AppError> {
    db.run(move |conn| Ok(store::counts(conn, id)?)).await
}

/// A page of an event's registrations for staff.
pub async fn event_registrations(
    db: &Db,
    id: i64,
    filter: RegistrationFilter,
    page: i64,
) -> Result<Page<StaffRegistration>, AppError> {
    let want = PageRequest::new(page);
    db.run(move |conn| {
        let (rows, total) =
            store::registrations_of_event(conn, id, &filter, want.offset(), Some(want.limit()))?;
        Ok(want.answer(rows, total))
    })
    .await
}

/// Published events a user may see (members-only ones only for active members).
pub async fn visible_events(db: &Db, user_id: i64, page: i64) -> Result<Page<EventRow>, AppError> {
    let want = PageRequest::new(page);
    db.run(move |conn| {
        let member = crate::membership::is_active_member(conn, user_id)?;
        let (rows, total) = store::published_events(conn, member, want.offset(), want.limit())?;
        Ok(want.answer(rows, total))
    })
    .await
}

/// One published event a user may see, with the user's own registration and whether
/// they count as a member (for the fee shown).
pub async fn visible_event(
    db: &Db,
    user_id: i64,
    id: i64,
) -> Result<(EventRow, Option<RegistrationRow>, bool), AppError> {
    db.run(move |conn| {
        let member = crate::membership::is_active_member(conn, user_id)?;
        let event = store::event(conn, id)?
            .filter(|e| e.status != model::status::DRAFT)
            .filter(|e| member || e.audience == model::audience::EVERYONE)
            .ok_or_else(|| AppError::not_found("活动"))?;
        let mine = store::registration_of(conn, id, user_id)?;
        Ok((event, mine, member))
    })
    .await
}

/// Users checked in to an event (benchmark verification and reports).
pub async fn checked_in_user_ids(db: &Db, id: i64) -> Result<Vec<i64>, AppError> {
    let filter = RegistrationFilter { status: None, attendance: Some("in".into()) };
    db.run(move |conn| {
        let (rows, _) = store::registrations_of_event(conn, id, &filter, 0, None)?;
        Ok(rows.into_iter().map(|(r, ..)| r.user_id).collect())
    })
    .await
}

/// An upcoming event as the mini-program home lists it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct UpcomingEvent {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Cover image.
    pub cover: Option<crate::profiles::reviewed::ImageRef>,
    /// Place.
    pub place: String,
    /// Starts (UTC).
    pub starts_at: chrono::NaiveDateTime,
}

/// Published events not yet over, soonest first; members-only ones only for `member`.
pub fn upcoming_events(
    conn: &mut DbConn,
    now: chrono::NaiveDateTime,
    member: bool,
    limit: i64,
) -> Result<Vec<UpcomingEvent>, AppError> {
    Ok(store::upcoming(conn, now, member, limit)?
        .into_iter()
        .map(|(id, title, cover, place, starts_at)| UpcomingEvent {
            id,
            title,
            cover: cover.map(crate::profiles::reviewed::ImageRef::of),
            place,
            starts_at,
        })
        .collect())
}
