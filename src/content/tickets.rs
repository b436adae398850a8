//! Support tickets (客户支持): a user opens one (subject, message, images), staff answer
//! in the workbench, both see the thread, the user is told of each answer
//! (`TicketAnswered`), and either side closes it. Each write locks the ticket row.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::tickets_store::{self as store, MessageRow, TicketRow};
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;
use crate::kernel::page::{Page, PageRequest};
use crate::notices::{self, Notice, NoticeKind};
use crate::profiles::reviewed::ImageRef;

/// Ticket states.
pub mod status {
    /// Waiting for an answer or a reply.
    pub const OPEN: &str = "open";
    /// Closed by the user or staff; no more messages.
    pub const CLOSED: &str = "closed";

    /// zh-CN label.
    pub fn label(s: &str) -> &'static str {
        if s == OPEN { "处理中" } else { "已关闭" }
    }
}

/// Longest subject.
pub const MAX_SUBJECT: usize = 60;
/// Longest message.
pub const MAX_BODY: usize = 2000;
/// Most images per message.
pub const MAX_IMAGES: usize = 6;

/// A ticket as both sides see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TicketView {
    /// Id.
    pub id: i64,
    /// Subject.
    pub subject: String,
    /// `open` or `closed`.
    pub status: String,
    /// The last message is the user's (staff have not answered it yet).
    pub awaiting_staff: bool,
    /// Opened (UTC).
    #[serde(serialize_with = "crate::kernel::clock::serialize_utc")]
    pub created_at: NaiveDateTime,
    /// Last activity (UTC).
    #[serde(serialize_with = "crate::kernel::clock::serialize_utc")]
    pub updated_at: NaiveDateTime,
    /// Closed (UTC).
    #[serde(serialize_with = "crate::kernel::clock::serialize_utc_opt")]
    pub closed_at: Option<NaiveDateTime>,
    /// Who opened it (staff views only).
    #[serde(skip)]
    pub user_id: i64,
}

/// A message of the thread.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MessageView {
    /// Id.
    pub id: i64,
    /// `user` or `staff`.
    pub from: String,
    /// Text.
    pub body: String,
    /// Images.
    pub images: Vec<ImageRef>,
    /// Sent (UTC).
    #[serde(serialize_with = "crate::kernel::clock::serialize_utc")]
    pub created_at: NaiveDateTime,
}

/// A ticket with its thread.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ThreadView {
    /// The ticket.
    pub ticket: TicketView,
    /// Messages, oldest first.
    pub messages: Vec<MessageView>,
}

fn ticket_view(t: TicketRow) -> TicketView {
    TicketView {
        id: t.id,
        subject: t.subject,
        status: t.status,
        awaiting_staff: t.awaiting_staff,
        created_at: t.created_at,
        updated_at: t.updated_at,
        closed_at: t.closed_at,
        user_id: t.user_id,
    }
}

fn message_view(m: MessageRow) -> MessageView {
    let images = m.images().into_iter().map(ImageRef::of).collect();
    MessageView {
        id: m.id,
        from: if m.author_staff_id.is_some() { "staff" } else { "user" }.into(),
        body: m.body,
        images,
        created_at: m.created_at,
    }
}

fn thread(conn: &mut DbConn, t: TicketRow) -> Result<ThreadView, AppError> {
    let messages = store::messages(conn, t.id)?.into_iter().map(message_view).collect();
    Ok(ThreadView { ticket: ticket_view(t), messages })
}

fn check_body(body: &str) -> Result<String, FieldError> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > MAX_BODY {
        return Err(FieldError::new("body", format!("请填写内容（不超过 {MAX_BODY} 字）")));
    }
    Ok(body.to_owned())
}

/// Images of a user's message: their own uploaded images, at most [`MAX_IMAGES`].
fn check_images(conn: &mut DbConn, user_id: i64, ids: &[i64]) -> Result<String, AppError> {
    if ids.len() > MAX_IMAGES {
        return Err(AppError::field("image_file_ids", "图片最多 6 张"));
    }
    for id in ids {
        let file = crate::kernel::media::store::find(conn, *id)?;
        if file.is_none_or(|f| f.kind != "image" || f.uploaded_by_user_id != Some(user_id)) {
            return Err(AppError::field("image_file_ids", "图片须为您上传的图片"));
        }
    }
    serde_json::to_string(ids).map_err(AppError::internal)
}

fn audit(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    action: &str,
    id: i64,
) -> Result<(), AppError> {
    AuditEntry::new(actor, action, "support_tickets", Some(id)).record(
        conn,
        at,
        &serde_json::Value::Null,
    )
}

/// A user opens a ticket; returns its thread.
pub async fn open(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    subject: &str,
    body: &str,
    images: Vec<i64>,
) -> Result<ThreadView, AppError> {
    let mut errors = Vec::new();
    let subject = subject.trim().to_owned();
    if subject.is_empty() || subject.chars().count() > MAX_SUBJECT {
        errors.push(FieldError::new("subject", format!("请填写主题（不超过 {MAX_SUBJECT} 字）")));
    }
    let body = check_body(body).map_err(|e| errors.push(e)).unwrap_or_default();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let at = clock.now_naive();
    db.write(move |conn| {
        let images = check_images(conn, user_id, &images)?;
        let t = store::insert(conn, user_id, &subject, at)?;
        store::insert_message(conn, t.id, (Some(user_id), None), &body, &images, at)?;
        audit(conn, at, Actor::User(user_id), "ticket.open", t.id)?;
        thread(conn, t)
    })
    .await
}

fn closed() -> AppError {
    AppError::Conflict { code: "ticket_closed", message: "该留言已关闭".into() }
}

/// The user adds a message to their open ticket.
pub async fn user_reply(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    id: i64,
    body: &str,
    images: Vec<i64>,
) -> Result<ThreadView, AppError> {
    let body = check_body(body).map_err(|e| AppError::Validation(vec![e]))?;
    let at = clock.now_naive();
    db.write(move |conn| {
        let t = store::lock(conn, id)?
            .filter(|t| t.user_id == user_id)
            .ok_or_else(|| AppError::not_found("留言"))?;
        if t.status != status::OPEN {
            return Err(closed());
        }
        let images = check_images(conn, user_id, &images)?;
        store::insert_message(conn, id, (Some(user_id), None), &body, &images, at)?;
        store::touch(conn, id, true, at)?;
        let t = store::by_id(conn, id)?.ok_or_else(|| AppError::not_found("留言"))?;
        thread(conn, t)
    })
    .await
}

/// Staff answer an open ticket; the user is notified (`TicketAnswered`).
pub async fn answer(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    body: &str,
) -> Result<(), AppError> {
    let body = check_body(body).map_err(|e| AppError::Validation(vec![e]))?;
    let at = clock.now_naive();
    db.write(move |conn| {
        let t = store::lock(conn, id)?.ok_or_else(|| AppError::not_found("留言"))?;
        if t.status != status::OPEN {
            return Err(closed());
        }
        store::insert_message(conn, id, (None, Some(staff_id)), &body, "[]", at)?;
        store::touch(conn, id, false, at)?;
        audit(conn, at, Actor::Staff(staff_id), "ticket.answer", id)?;
        let notice = Notice {
            kind: NoticeKind::TicketAnswered,
            body: format!("您的留言“{}”有了新回复", t.subject),
            payload: serde_json::json!({"ticket_id": id, "subject": t.subject}),
        };
        notices::send(conn, at, t.user_id, &notice)
    })
    .await
}

/// Closes ticket `id`: by its user (`Actor::User`, only their own) or staff; 409
/// `ticket_closed` when it already is.
pub async fn close(db: &Db, clock: &SharedClock, actor: Actor, id: i64) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let t = store::lock(conn, id)?.ok_or_else(|| AppError::not_found("留言"))?;
        if let Actor::User(uid) = actor
            && t.user_id != uid
        {
            return Err(AppError::not_found("留言"));
        }
        if store::close(conn, id, at)? == 0 {
            return Err(closed());
        }
        audit(conn, at, actor, "ticket.close", id)
    })
    .await
}

/// The user's tickets, latest activity first.
pub async fn mine(db: &Db, user_id: i64, page: i64) -> Result<Page<TicketView>, AppError> {
    let want = PageRequest::new(page);
    db.run(move |conn| {
        let (rows, total) =
            store::page(conn, Some(user_id), None, false, want.offset(), want.limit())?;
        Ok(want.answer(rows.into_iter().map(ticket_view).collect(), total))
    })
    .await
}

/// One of the user's tickets with its thread.
pub async fn my_thread(db: &Db, user_id: i64, id: i64) -> Result<ThreadView, AppError> {
    db.run(move |conn| {
        let t = store::by_id(conn, id)?
            .filter(|t| t.user_id == user_id)
            .ok_or_else(|| AppError::not_found("留言"))?;
        thread(conn, t)
    })
    .await
}

/// The workbench queue: unanswered first, then latest activity.
pub async fn queue(
    db: &Db,
    status_: Option<String>,
    unanswered_only: bool,
    page: i64,
) -> Result<Page<TicketView>, AppError> {
    let want = PageRequest::new(page);
    db.run(move |conn| {
        let (rows, total) = store::page(
            conn,
            None,
            status_.as_deref(),
            unanswered_only,
            want.offset(),
            want.limit(),
        )?;
        Ok(want.answer(rows.into_iter().map(ticket_view).collect(), total))
    })
    .await
}

/// One ticket with its thread, for staff.
pub async fn staff_thread(db: &Db, id: i64) -> Result<ThreadView, AppError> {
    db.run(move |conn| {
        let t = store::by_id(conn, id)?.ok_or_else(|| AppError::not_found("留言"))?;
        thread(conn, t)
    })
    .await
}

/// Open tickets waiting for staff (the menu badge).
pub async fn unanswered(db: &Db) -> Result<i64, AppError> {
    db.run(unanswered_in).await
}

/// Open tickets waiting for staff, inside a connection (the pending counts).
pub fn unanswered_in(conn: &mut DbConn) -> Result<i64, AppError> {
    Ok(store::unanswered(conn)?)
}
