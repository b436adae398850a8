//! Events: staff create, publish, cancel and rotate codes of events (this file); users
//! register and join waiting lists (`registrations`); QR scans record attendance
//! (`scans`, `codes`); registrations and attendance export to Excel (`export`).

pub mod codes;
pub mod export;
pub mod lottery;
pub mod lottery_model;
pub mod lottery_store;
pub mod model;
pub mod registrations;
pub mod scans;
pub mod store;

use chrono::NaiveDateTime;

pub use model::{EventInput, EventRow, RegistrationRow};
pub use store::{EventCounts, EventFilter, RegistrationFilter, StaffRegistration};

use crate::db::{Db, DbConn, write_transaction};
use crate::error::AppError;
use crate::kernel::audit::{self, Actor, AuditEntry};
use crate::kernel::clock::SharedClock;

/// Rows per page in lists.
pub const PAGE_SIZE: i64 = 20;

/// A page of rows and how many there are in all.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The rows.
    pub rows: Vec<T>,
    /// All matching rows.
    pub total: i64,
    /// 1-based page number.
    pub page: i64,
}

impl<T> Page<T> {
    /// Number of pages (at least 1).
    pub fn pages(&self) -> i64 {
        ((self.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
    }
}

fn offset(page: i64) -> (i64, i64) {
    let page = page.clamp(1, 100_000);
    (page, (page - 1) * PAGE_SIZE)
}

fn audit_event(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    action: &str,
    id: i64,
    details: &serde_json::Value,
) -> Result<(), AppError> {
    let entry =
        AuditEntry { actor, action, subject_type: "events", subject_id: Some(id), ip: None };
    audit::record(conn, at, &entry, details)
}

fn fields<'a>(
    input: &'a EventInput,
    description: &'a str,
    at: NaiveDateTime,
) -> store::EventFields<'a> {
    store::EventFields {
        title: input.title.trim(),
        cover_file_id: input.cover_file_id,
        description_html: description,
        place: input.place.trim(),
        starts_at: input.starts_at,
        ends_at: input.ends_at,
        registration_opens_at: input.registration_opens_at,
        registration_closes_at: input.registration_closes_at,
        capacity: input.capacity,
        member_fee_cents: input.member_fee_cents,
        non_member_fee_cents: input.non_member_fee_cents,
        needs_approval: input.needs_approval,
        check_in_enabled: input.check_in_enabled,
        check_out_enabled: input.check_out_enabled,
        audience: &input.audience,
        checkin_opens_minutes: input.checkin_opens_minutes,
        screen_only: input.screen_only,
        updated_at: at,
    }
}

fn checked(input: &EventInput) -> Result<String, AppError> {
    let errors = model::validate(input);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(model::sanitize_description(&input.description_html))
}

/// Creates a draft event (audited). The cover, if any, must be an uploaded image.
pub async fn create_event(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    input: EventInput,
) -> Result<EventRow, AppError> {
    let description = checked(&input)?;
    check_cover(db, input.cover_file_id).await?;
    let at = clock.now_naive();
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let row = store::insert_event(conn, &fields(&input, &description, at), at)?;
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

/// Updates an event (audited); a larger capacity moves the waiting list up.
pub async fn update_event(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    input: EventInput,
) -> Result<EventRow, AppError> {
    let description = checked(&input)?;
    check_cover(db, input.cover_file_id).await?;
    let at = clock.now_naive();
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let before = store::lock_event(conn, id)?.ok_or_else(|| AppError::not_found("活动"))?;
            if before.status == model::status::CANCELLED {
                return Err(AppError::Conflict {
                    code: "event_cancelled",
                    message: "活动已取消，不能修改".into(),
                });
            }
            store::update_event(conn, id, &fields(&input, &description, at))?;
            let event = store::event(conn, id)?.ok_or_else(|| AppError::not_found("活动"))?;
            registrations::fill_places(conn, at, &event)?;
            audit_event(
                conn,
                at,
                Actor::Staff(staff_id),
                "event.update",
                id,
                &serde_json::json!({"title": event.title, "capacity": event.capacity}),
            )?;
            Ok(event)
        })
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

/// Cancels an event (audited); registrations stay for the record, scans are refused.
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
    db.run(move |conn| {
        write_transaction(conn, |conn| {
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
            audit_event(
                conn,
                at,
                Actor::Staff(staff_id),
                &format!("event.{to}"),
                id,
                &serde_json::json!({"from": event.status}),
            )?;
            store::event(conn, id)?.ok_or_else(|| AppError::not_found("活动"))
        })
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
    db.run(move |conn| {
        write_transaction(conn, |conn| {
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
    let (page, skip) = offset(page);
    db.run(move |conn| {
        let (rows, total) = store::list_events(conn, &filter, skip, PAGE_SIZE)?;
        Ok(Page { rows, total, page })
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
    let (page, skip) = offset(page);
    db.run(move |conn| {
        let (rows, total) =
            store::registrations_of_event(conn, id, &filter, skip, Some(PAGE_SIZE))?;
        Ok(Page { rows, total, page })
    })
    .await
}

/// Published events a user may see (members-only ones only for active members).
pub async fn visible_events(db: &Db, user_id: i64, page: i64) -> Result<Page<EventRow>, AppError> {
    let (page, skip) = offset(page);
    db.run(move |conn| {
        let member = crate::membership::is_active_member(conn, user_id)?;
        let (rows, total) = store::published_events(conn, member, skip, PAGE_SIZE)?;
        Ok(Page { rows, total, page })
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
