//! The outbox: messages that leave the process are rows written in the same
//! transaction as the change that causes them; `notify::worker` delivers them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::outbox;
use crate::error::AppError;

/// Delivery channel of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Text message to a mainland mobile number.
    Sms,
    /// WeChat subscription message to an openid.
    Wechat,
    /// E-mail.
    Email,
}

impl Channel {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Wechat => "wechat",
            Self::Email => "email",
        }
    }
}

/// Message states.
pub mod status {
    /// Waiting for (another) delivery attempt.
    pub const PENDING: &str = "pending";
    /// Delivered.
    pub const SENT: &str = "sent";
    /// Gave up after the last attempt.
    pub const FAILED: &str = "failed";
    /// Not sent: no provider is configured for its channel (development). Kept visible,
    /// never counted as delivered.
    pub const UNSENT: &str = "unsent";
    /// Its secret expired before it could be delivered; not sent.
    pub const EXPIRED: &str = "expired";
    /// Every state, for filters.
    pub const ALL: [&str; 5] = [PENDING, SENT, FAILED, UNSENT, EXPIRED];

    /// zh-CN label.
    pub fn label(status: &str) -> &'static str {
        match status {
            PENDING => "待发送",
            SENT => "已发送",
            FAILED => "发送失败",
            UNSENT => "未发送（渠道未配置）",
            EXPIRED => "已过期",
            _ => "未知",
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = outbox)]
struct NewOutboxRow<'a> {
    channel: &'a str,
    recipient: &'a str,
    template: &'a str,
    payload: String,
    status: &'a str,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
    expires_at: Option<NaiveDateTime>,
}

/// A stored message.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    /// Row id.
    pub id: i64,
    /// `sms`, `wechat`, `email`.
    pub channel: String,
    /// Phone, openid or address.
    pub recipient: String,
    /// Template name, e.g. `sms_code`.
    pub template: String,
    /// JSON parameters of the template.
    pub payload: String,
    /// See [`status`].
    pub status: String,
    /// Attempts made so far.
    pub attempts: i32,
    /// When the next attempt is due.
    pub next_attempt_at: NaiveDateTime,
    /// Error of the last failed attempt.
    pub last_error: Option<String>,
    /// When written.
    pub created_at: NaiveDateTime,
    /// When delivered.
    pub sent_at: Option<NaiveDateTime>,
    /// Set for secrets (sign-in codes): worthless after it.
    pub expires_at: Option<NaiveDateTime>,
}

impl OutboxRow {
    /// Whether staff may send it now instead of after the back-off: it failed an
    /// attempt and waits for the next one.
    pub fn retryable(&self, now: NaiveDateTime) -> bool {
        self.status == status::PENDING && self.attempts > 0 && self.next_attempt_at > now
    }
}

/// Queues a message; call it inside the transaction of the change that causes it.
pub fn enqueue(
    conn: &mut DbConn,
    at: NaiveDateTime,
    channel: Channel,
    recipient: &str,
    template: &str,
    payload: &impl Serialize,
) -> Result<(), AppError> {
    enqueue_secret(conn, at, channel, recipient, template, payload, None)
}

/// Queues a message whose payload holds a secret (a sign-in code) that is worthless
/// after `expires_at`: if it is not delivered by then it is never sent and its payload
/// is cleared.
pub fn enqueue_secret(
    conn: &mut DbConn,
    at: NaiveDateTime,
    channel: Channel,
    recipient: &str,
    template: &str,
    payload: &impl Serialize,
    expires_at: Option<NaiveDateTime>,
) -> Result<(), AppError> {
    let payload = serde_json::to_string(payload).map_err(AppError::internal)?;
    diesel::insert_into(outbox::table)
        .values(NewOutboxRow {
            channel: channel.as_str(),
            recipient,
            template,
            payload,
            status: status::PENDING,
            attempts: 0,
            next_attempt_at: at,
            created_at: at,
            expires_at,
        })
        .execute(conn)?;
    Ok(())
}

/// Gives up on pending messages whose secret expired by `now`, clearing their
/// payloads; returns how many.
pub fn expire(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize, AppError> {
    Ok(diesel::update(
        outbox::table.filter(outbox::status.eq(status::PENDING)).filter(outbox::expires_at.le(now)),
    )
    .set((
        outbox::status.eq(status::EXPIRED),
        outbox::payload.eq("{}"),
        outbox::last_error.eq(Some("expired before delivery")),
    ))
    .execute(conn)?)
}

/// Pending messages due at `now`, oldest first.
pub fn due(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> Result<Vec<OutboxRow>, AppError> {
    Ok(outbox::table
        .filter(outbox::status.eq(status::PENDING))
        .filter(outbox::next_attempt_at.le(now))
        .order(outbox::id.asc())
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(conn)?)
}

/// How long a message claimed by one instance's worker is invisible to the others. A
/// crash while sending lets it come back after this (delivery stays at least once).
pub const CLAIM_MINUTES: i64 = 5;

/// Claims the pending messages due at `now`, oldest first, for this worker. On
/// PostgreSQL (several instances) the rows are locked with `FOR UPDATE SKIP LOCKED` and
/// their next attempt moved [`CLAIM_MINUTES`] ahead in one transaction, so another
/// instance's worker neither waits for them nor sends them too; the outcome (sent,
/// failed with its back-off, …) overwrites the claim. On SQLite one worker runs: [`due`].
pub fn claim_due(
    conn: &mut DbConn,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<OutboxRow>, AppError> {
    let DbConn::Pg(pg) = conn else { return due(conn, now, limit) };
    let claimed = pg.transaction(|c| {
        let rows: Vec<OutboxRow> = outbox::table
            .filter(outbox::status.eq(status::PENDING))
            .filter(outbox::next_attempt_at.le(now))
            .order(outbox::id.asc())
            .limit(limit)
            .select(OutboxRow::as_select())
            .for_update()
            .skip_locked()
            .load(c)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let until = now + chrono::Duration::minutes(CLAIM_MINUTES);
        diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
            .set(outbox::next_attempt_at.eq(until))
            .execute(c)?;
        Ok::<_, diesel::result::Error>(rows)
    })?;
    Ok(claimed)
}

/// Records a successful delivery. The payload (which may hold a sign-in code) is
/// cleared: once sent it is not needed, and the audit log keeps the business record.
pub fn mark_sent(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> Result<(), AppError> {
    diesel::update(outbox::table.find(id).filter(outbox::status.eq(status::PENDING)))
        .set((
            outbox::status.eq(status::SENT),
            outbox::payload.eq("{}"),
            outbox::sent_at.eq(Some(at)),
            outbox::attempts.eq(outbox::attempts + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records that a message was not sent because its channel has no provider; its
/// payload is cleared (it may hold a sign-in code).
pub fn mark_unsent(conn: &mut DbConn, id: i64, reason: &str) -> Result<(), AppError> {
    diesel::update(outbox::table.find(id).filter(outbox::status.eq(status::PENDING)))
        .set((
            outbox::status.eq(status::UNSENT),
            outbox::payload.eq("{}"),
            outbox::last_error.eq(Some(reason)),
            outbox::attempts.eq(outbox::attempts + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a failed attempt: retried at `retry_at`, or given up when `None` (the
/// payload, which may hold a secret, is cleared then: only the reason stays).
pub fn mark_failed(
    conn: &mut DbConn,
    id: i64,
    error: &str,
    retry_at: Option<NaiveDateTime>,
) -> Result<(), AppError> {
    let target = outbox::table.find(id).filter(outbox::status.eq(status::PENDING));
    let error: String = error.chars().take(1000).collect();
    if let Some(at) = retry_at {
        diesel::update(target)
            .set((
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::next_attempt_at.eq(at),
                outbox::last_error.eq(Some(error)),
            ))
            .execute(conn)?;
        return Ok(());
    }
    diesel::update(target)
        .set((
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::status.eq(status::FAILED),
            outbox::payload.eq("{}"),
            outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Gives a message up at once (the provider refused it for good): failed, payload
/// cleared, the reason kept. Compare-and-set on `pending`: whether this call did it.
pub fn give_up(conn: &mut DbConn, id: i64, reason: &str) -> Result<bool, AppError> {
    let reason: String = reason.chars().take(1000).collect();
    let n = diesel::update(outbox::table.find(id).filter(outbox::status.eq(status::PENDING)))
        .set((
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::status.eq(status::FAILED),
            outbox::payload.eq("{}"),
            outbox::last_error.eq(Some(reason)),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Makes a message that failed an attempt and waits for its next one due at `now`
/// (staff fixed the provider and do not want to wait out the back-off). A message
/// given up has no payload any more and cannot be retried. Compare-and-set: `false`
/// when the message is not (any more) waiting after a failure.
pub fn retry(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> Result<bool, AppError> {
    let n = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq(status::PENDING))
            .filter(outbox::attempts.gt(0))
            .filter(outbox::next_attempt_at.gt(now)),
    )
    .set(outbox::next_attempt_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}

/// One message.
pub fn find(conn: &mut DbConn, id: i64) -> Result<Option<OutboxRow>, AppError> {
    Ok(outbox::table.find(id).select(OutboxRow::as_select()).first(conn).optional()?)
}

/// A page of messages (of one status, or all), newest first, and how many there are.
pub fn page(
    conn: &mut DbConn,
    status: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<OutboxRow>, i64), AppError> {
    let query = || {
        let mut q = outbox::table.into_boxed();
        if let Some(s) = status {
            q = q.filter(outbox::status.eq(s.to_owned()));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order(outbox::id.desc())
        .offset(offset)
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Messages per status.
pub fn counts(conn: &mut DbConn) -> Result<Vec<(String, i64)>, AppError> {
    Ok(outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .load(conn)?)
}

/// All messages to `recipient`, newest first (tests and the workbench).
pub fn for_recipient(conn: &mut DbConn, recipient: &str) -> Result<Vec<OutboxRow>, AppError> {
    Ok(outbox::table
        .filter(outbox::recipient.eq(recipient))
        .order(outbox::id.desc())
        .select(OutboxRow::as_select())
        .load(conn)?)
}

/// Messages given up (发送失败), for the admins' pending count.
pub fn failed_count(conn: &mut DbConn) -> Result<i64, AppError> {
    Ok(outbox::table
        .filter(outbox::status.eq(status::FAILED))
        .select(diesel::dsl::count_star())
        .first(conn)?)
}
