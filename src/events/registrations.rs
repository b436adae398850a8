//! Registration: sign up (a place, or the FIFO waiting list when full), cancel before
//! the start (the first waiting user moves up in the same transaction and is notified
//! through the outbox), and staff approval or rejection. Capacity holds under parallel
//! sign-ups: every change runs in a write transaction that first locks the event row.

use chrono::NaiveDateTime;
use diesel::Connection as _;

use super::model::{self, EventRow, RegistrationRow, reg};
use super::store;
use crate::billing::{self, NewOrder, OrderKind};
use crate::db::{Db, DbConn, is_unique_violation};
use crate::error::AppError;
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;
use crate::notices::{Notice, NoticeKind};

fn conflict(code: &'static str, message: &str) -> AppError {
    AppError::Conflict { code, message: message.into() }
}

fn audit_reg(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    action: &str,
    row: &RegistrationRow,
) -> Result<(), AppError> {
    AuditEntry::new(actor, action, "event_registrations", row.id).record(
        conn,
        at,
        &serde_json::json!({"event_id": row.event_id, "user_id": row.user_id}),
    )
}

/// Signs `user_id` up for a published event: a place while any is free (pending when
/// the event needs approval), else the waiting list. A fee creates an order once the
/// user holds a confirmed place.
pub async fn register(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    event_id: i64,
) -> Result<RegistrationRow, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| register_in(conn, at, user_id, event_id)).await
}

fn register_in(
    conn: &mut DbConn,
    at: NaiveDateTime,
    user_id: i64,
    event_id: i64,
) -> Result<RegistrationRow, AppError> {
    let event = store::lock_event(conn, event_id)?
        .filter(|e| e.status != model::status::DRAFT)
        .ok_or_else(|| AppError::not_found("活动"))?;
    let member = crate::membership::is_active_member(conn, user_id)?;
    if event.audience == model::audience::MEMBERS && !member {
        return Err(conflict("members_only", "本活动仅限会员报名"));
    }
    if event.status == model::status::CANCELLED {
        return Err(conflict("event_cancelled", "活动已取消"));
    }
    if !event.registration_open(at) {
        return Err(conflict("registration_closed", "不在报名时间内"));
    }
    let existing = store::registration_of(conn, event_id, user_id)?;
    if existing.as_ref().is_some_and(|r| reg::ACTIVE.contains(&r.status.as_str())) {
        return Err(conflict("already_registered", "您已报名本活动"));
    }
    let taken = store::count_holding(conn, event_id)?;
    let to = model::status_for_new(taken, event.capacity, event.needs_approval);
    let fee = event.fee_for(member);
    let id = match existing {
        Some(old) => {
            store::requeue(conn, old.id, to, fee, at)?;
            old.id
        }
        None => {
            let new = store::NewRegistration {
                event_id,
                user_id,
                status: to,
                fee_cents: fee,
                queued_at: at,
                created_at: at,
                updated_at: at,
            };
            // A savepoint, so a lost race ends as a clear conflict, not a broken transaction.
            match conn.transaction(|c| store::insert_registration(c, &new)) {
                Ok(row) => row.id,
                Err(e) if is_unique_violation(&e) => {
                    return Err(conflict("already_registered", "您已报名本活动"));
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    if to == reg::REGISTERED {
        charge(conn, at, &event, id)?;
    }
    let row = store::registration(conn, id)?.ok_or_else(|| AppError::not_found("报名"))?;
    audit_reg(conn, at, Actor::User(user_id), "registration.create", &row)?;
    Ok(row)
}

/// Creates the fee's order (idempotent by `event:{id}:user:{id}`) for a confirmed place.
fn charge(
    conn: &mut DbConn,
    at: NaiveDateTime,
    event: &EventRow,
    registration_id: i64,
) -> Result<(), AppError> {
    let row =
        store::registration(conn, registration_id)?.ok_or_else(|| AppError::not_found("报名"))?;
    if row.fee_cents <= 0 || row.order_id.is_some() {
        return Ok(());
    }
    let order = billing::create_order(
        conn,
        at,
        Actor::User(row.user_id),
        &NewOrder {
            user_id: row.user_id,
            kind: OrderKind::EventFee,
            title: format!("活动报名费：{}", event.title),
            amount_cents: row.fee_cents,
            subject: Some(("events", event.id)),
            period: None,
            dedupe_key: Some(format!("event:{}:user:{}", event.id, row.user_id)),
        },
    )?;
    store::set_order(conn, row.id, order.id)?;
    Ok(())
}

/// Gives free places to the waiting list, first come first served, and notifies each
/// user who moves up. Runs inside the transaction that freed the places.
pub fn fill_places(
    conn: &mut DbConn,
    at: NaiveDateTime,
    event: &EventRow,
) -> Result<Vec<i64>, AppError> {
    let mut promoted = Vec::new();
    while store::count_holding(conn, event.id)? < i64::from(event.capacity) {
        let Some(next) = store::first_waiting(conn, event.id)? else { break };
        let to = if event.needs_approval { reg::PENDING } else { reg::REGISTERED };
        store::set_registration_status(conn, next.id, to, at)?;
        if to == reg::REGISTERED {
            charge(conn, at, event, next.id)?;
        }
        notify(conn, at, next.user_id, event, NoticeKind::WaitlistPromoted, to)?;
        audit_reg(conn, at, Actor::System, "registration.promote", &next)?;
        promoted.push(next.id);
    }
    Ok(promoted)
}

/// Queues a service notice to the user (WeChat if bound, else SMS; none without either).
fn notify(
    conn: &mut DbConn,
    at: NaiveDateTime,
    user_id: i64,
    event: &EventRow,
    kind: NoticeKind,
    status: &str,
) -> Result<(), AppError> {
    let label = model::registration_label(status);
    let payload = serde_json::json!({
        "event_id": event.id,
        "event_title": event.title,
        "status": status,
        "status_label": label,
    });
    let body = match kind {
        NoticeKind::WaitlistPromoted => format!("您已从候补转为{label}：「{}」", event.title),
        _ => format!("您报名的活动「{}」：{label}", event.title),
    };
    crate::notices::send(conn, at, user_id, &Notice { kind, body, payload })
}

/// The user cancels their own registration or waiting-list place before the event
/// starts; a freed place goes to the first waiting user in the same transaction.
pub async fn cancel_registration(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    registration_id: i64,
) -> Result<RegistrationRow, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let mine = store::registration(conn, registration_id)?
            .filter(|r| r.user_id == user_id)
            .ok_or_else(|| AppError::not_found("报名"))?;
        let event =
            store::lock_event(conn, mine.event_id)?.ok_or_else(|| AppError::not_found("活动"))?;
        // Re-read under the lock: a parallel cancel may have changed it.
        let mine = store::registration(conn, registration_id)?
            .ok_or_else(|| AppError::not_found("报名"))?;
        if !reg::ACTIVE.contains(&mine.status.as_str()) {
            return Err(conflict("not_cancellable", "该报名已取消或已被驳回"));
        }
        if at >= event.starts_at {
            return Err(conflict("event_started", "活动已开始，不能取消报名"));
        }
        // Whoever is at the venue keeps the place: the scan log says they came.
        if mine.checked_in_at.is_some() {
            return Err(conflict("already_checked_in", "您已签到，不能取消报名"));
        }
        store::set_registration_status(conn, mine.id, reg::CANCELLED, at)?;
        audit_reg(conn, at, Actor::User(user_id), "registration.cancel", &mine)?;
        if let Some(order_id) = mine.order_id {
            billing::orders::cancel_for_subject(conn, at, Actor::User(user_id), order_id)?;
        }
        fill_places(conn, at, &event)?;
        store::registration(conn, mine.id)?.ok_or_else(|| AppError::not_found("报名"))
    })
    .await
}

/// Staff decision on a pending registration: approve (confirms the place and creates
/// the fee's order) or reject (frees the place for the waiting list). Audited; the
/// user is notified.
pub async fn decide_registration(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    event_id: i64,
    registration_id: i64,
    approve: bool,
) -> Result<RegistrationRow, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let event =
            store::lock_event(conn, event_id)?.ok_or_else(|| AppError::not_found("活动"))?;
        let row = store::registration(conn, registration_id)?
            .filter(|r| r.event_id == event_id)
            .ok_or_else(|| AppError::not_found("报名"))?;
        if row.status != reg::PENDING {
            return Err(conflict("already_decided", "该报名不是待审核状态"));
        }
        let to = if approve { reg::REGISTERED } else { reg::REJECTED };
        store::set_registration_status(conn, row.id, to, at)?;
        let action = if approve { "registration.approve" } else { "registration.reject" };
        audit_reg(conn, at, Actor::Staff(staff_id), action, &row)?;
        notify(conn, at, row.user_id, &event, NoticeKind::RegistrationDecided, to)?;
        if approve {
            charge(conn, at, &event, row.id)?;
        } else {
            fill_places(conn, at, &event)?;
        }
        store::registration(conn, row.id)?.ok_or_else(|| AppError::not_found("报名"))
    })
    .await
}

/// A user's registrations with their events, newest first.
pub async fn registrations_of_user(
    db: &Db,
    user_id: i64,
) -> Result<Vec<(RegistrationRow, EventRow)>, AppError> {
    db.run(move |conn| Ok(store::registrations_of_user(conn, user_id)?)).await
}
