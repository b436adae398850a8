//! Staff notices: when new items wait in a review queue, the staff who may decide them
//! get an e-mail (when they gave an address) and, when linked to a user, the notice in
//! the mini-program (in-app, and WeChat when a grant is left) — at most one per queue
//! per [`BATCH_MINUTES`], however many items arrive.

use chrono::NaiveDateTime;

use super::store;
use crate::accounts::Role;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::clock::SharedClock;
use crate::kernel::outbox::{self, Channel};
use crate::notices::{self, Notice, NoticeKind, catalog, render};
use crate::profiles::reviews::InboxKind;

/// At most one notice per queue in this many minutes.
pub const BATCH_MINUTES: i64 = 10;

/// The staff roles that may decide items of `queue` (the browser queues' roles).
pub fn deciding_roles(_queue: InboxKind) -> &'static [Role] {
    &[Role::Admin, Role::Secretary]
}

/// The newest pending item of each queue with pending items: (queue, count, its id).
pub fn queue_heads(conn: &mut DbConn) -> Result<Vec<(InboxKind, i64, i64)>, AppError> {
    let mut out = Vec::new();
    for (queue, count) in crate::profiles::reviews::counts(conn)? {
        if count == 0 {
            continue;
        }
        let newest = match queue {
            InboxKind::Application => crate::membership::queue::pending_oldest(conn, count - 1, 1)?
                .first()
                .map(|q| q.application.id),
            InboxKind::Revision(kind) => {
                crate::kernel::revisions::pending_page(conn, Some(kind), count - 1, 1)?
                    .first()
                    .map(|r| r.id)
            }
        };
        if let Some(newest) = newest {
            out.push((queue, count, newest));
        }
    }
    Ok(out)
}

/// One pass: tells staff about queues with items newer than their last notice, unless
/// that notice is younger than [`BATCH_MINUTES`]. Answers the queues notified.
pub async fn notify_queues(db: &Db, clock: &SharedClock) -> Result<usize, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let mut notified = 0;
        for (queue, count, newest) in queue_heads(conn)? {
            let mark = store::queue_mark(conn, queue.as_str())?;
            if let Some((sent, seen_newest)) = mark
                && (newest <= seen_newest || at - sent < chrono::Duration::minutes(BATCH_MINUTES))
            {
                continue;
            }
            if !store::move_queue_mark(conn, queue.as_str(), mark.map(|m| m.0), at, newest)? {
                continue;
            }
            tell_staff(conn, at, queue, count)?;
            notified += 1;
        }
        Ok(notified)
    })
    .await
}

fn tell_staff(
    conn: &mut DbConn,
    at: NaiveDateTime,
    queue: InboxKind,
    count: i64,
) -> Result<(), AppError> {
    let body = format!("「{}」有 {count} 项待审核", queue.label());
    let payload =
        serde_json::json!({"queue": queue.as_str(), "queue_label": queue.label(), "count": count});
    let notice = Notice { kind: NoticeKind::QueueItems, body: body.clone(), payload };
    let roles: Vec<&str> = deciding_roles(queue).iter().map(|r| r.as_str()).collect();
    let settings = catalog::load(conn, NoticeKind::QueueItems)?;
    let time = notices::local_time(conn, at)?;
    let fields = render::fields(NoticeKind::QueueItems.title(), &body, &time, &notice.payload);
    for (_, email, user_id) in store::staff_of_roles(conn, &roles)? {
        if let Some(address) = email.filter(|e| !e.is_empty()) {
            let mail = render::email(&settings, &fields);
            outbox::enqueue(
                conn,
                at,
                Channel::Email,
                &address,
                NoticeKind::QueueItems.key(),
                &mail,
            )?;
        }
        if let Some(user_id) = user_id {
            notices::send(conn, at, user_id, &notice)?;
        }
    }
    Ok(())
}

/// A staff member's notice e-mail.
pub fn staff_email(conn: &mut DbConn, staff_id: i64) -> Result<Option<String>, AppError> {
    Ok(store::staff_email(conn, staff_id)?)
}

/// Sets (or clears, when blank) a staff member's notice e-mail, audited.
pub async fn set_staff_email(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    email: &str,
) -> Result<(), AppError> {
    let email = email.trim().to_owned();
    if !email.is_empty() && (email.len() > 200 || email.parse::<lettre::Address>().is_err()) {
        return Err(AppError::field("email", "邮箱地址无效"));
    }
    let at = clock.now_naive();
    db.write(move |conn| {
        let value = (!email.is_empty()).then_some(email.clone());
        store::set_staff_email(conn, staff_id, value.as_deref())?;
        crate::kernel::audit::AuditEntry::new(
            crate::kernel::audit::Actor::Staff(staff_id),
            "staff.email",
            "staff",
            staff_id,
        )
        .record(conn, at, &serde_json::json!({"email": email}))
    })
    .await
}

/// "发送测试": a notice of `kind` to the staff member — to their linked user (in-app and
/// whatever channel the kind's settings choose) and to their e-mail. Answers the ways
/// it went (empty: none).
pub async fn send_test(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    kind: NoticeKind,
) -> Result<Vec<&'static str>, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let staff = crate::accounts::find_staff(conn, staff_id)?
            .ok_or_else(|| AppError::not_found("员工"))?;
        let body = format!("这是一条「{}」测试通知", kind.title());
        let notice =
            Notice { kind, body: body.clone(), payload: serde_json::json!({"test": true}) };
        let mut reached = Vec::new();
        if let Some(user_id) = staff.user_id {
            notices::send(conn, at, user_id, &notice)?;
            reached.push("小程序");
        }
        if let Some(address) = store::staff_email(conn, staff_id)? {
            let settings = catalog::load(conn, kind)?;
            let time = notices::local_time(conn, at)?;
            let fields = render::fields(kind.title(), &body, &time, &notice.payload);
            outbox::enqueue(
                conn,
                at,
                Channel::Email,
                &address,
                kind.key(),
                &render::email(&settings, &fields),
            )?;
            reached.push("邮件");
        }
        Ok(reached)
    })
    .await
}
