//! Queries of `support_tickets` and `ticket_messages`.

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use diesel::result::Error;

use crate::db::DbConn;
use crate::db::schema::{support_tickets, ticket_messages};

/// A ticket.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = support_tickets)]
pub struct TicketRow {
    /// Id.
    pub id: i64,
    /// Who opened it.
    pub user_id: i64,
    /// Subject.
    pub subject: String,
    /// `open` or `closed`.
    pub status: String,
    /// The last message is the user's.
    pub awaiting_staff: bool,
    /// Closed.
    pub closed_at: Option<NaiveDateTime>,
    /// Opened.
    pub created_at: NaiveDateTime,
    /// Last activity.
    pub updated_at: NaiveDateTime,
}

/// A message of a ticket.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ticket_messages)]
pub struct MessageRow {
    /// Id.
    pub id: i64,
    /// Ticket.
    pub ticket_id: i64,
    /// The user's message.
    pub author_user_id: Option<i64>,
    /// Staff's answer.
    pub author_staff_id: Option<i64>,
    /// Text.
    pub body: String,
    /// JSON array of image file ids.
    pub image_file_ids: String,
    /// Sent.
    pub created_at: NaiveDateTime,
}

impl MessageRow {
    /// The images' file ids.
    pub fn images(&self) -> Vec<i64> {
        serde_json::from_str(&self.image_file_ids).unwrap_or_default()
    }
}

/// Opens a ticket.
pub fn insert(
    conn: &mut DbConn,
    user_id: i64,
    subject: &str,
    at: NaiveDateTime,
) -> Result<TicketRow, Error> {
    let values = (
        support_tickets::user_id.eq(user_id),
        support_tickets::subject.eq(subject),
        support_tickets::status.eq(super::tickets::status::OPEN),
        support_tickets::awaiting_staff.eq(true),
        support_tickets::created_at.eq(at),
        support_tickets::updated_at.eq(at),
    );
    crate::per_backend!(conn, |c| diesel::insert_into(support_tickets::table)
        .values(values)
        .returning(TicketRow::as_returning())
        .get_result(c))
}

/// Adds a message.
pub fn insert_message(
    conn: &mut DbConn,
    ticket_id: i64,
    author: (Option<i64>, Option<i64>),
    body: &str,
    images: &str,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::insert_into(ticket_messages::table)
        .values((
            ticket_messages::ticket_id.eq(ticket_id),
            ticket_messages::author_user_id.eq(author.0),
            ticket_messages::author_staff_id.eq(author.1),
            ticket_messages::body.eq(body),
            ticket_messages::image_file_ids.eq(images),
            ticket_messages::created_at.eq(at),
        ))
        .execute(conn)
}

/// A ticket, row-locked until the transaction ends (PostgreSQL).
pub fn lock(conn: &mut DbConn, id: i64) -> Result<Option<TicketRow>, Error> {
    crate::lock_for_update!(conn, support_tickets::table.find(id).select(TicketRow::as_select()))
}

/// A ticket.
pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Option<TicketRow>, Error> {
    support_tickets::table.find(id).select(TicketRow::as_select()).first(conn).optional()
}

/// Records activity on ticket `id`: who spoke last, and the state.
pub fn touch(
    conn: &mut DbConn,
    id: i64,
    awaiting_staff: bool,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(support_tickets::table.find(id))
        .set((
            support_tickets::awaiting_staff.eq(awaiting_staff),
            support_tickets::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Closes ticket `id` when open (compare and set: 0 rows when already closed).
pub fn close(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> Result<usize, Error> {
    diesel::update(
        support_tickets::table
            .find(id)
            .filter(support_tickets::status.eq(super::tickets::status::OPEN)),
    )
    .set((
        support_tickets::status.eq(super::tickets::status::CLOSED),
        support_tickets::awaiting_staff.eq(false),
        support_tickets::closed_at.eq(Some(at)),
        support_tickets::updated_at.eq(at),
    ))
    .execute(conn)
}

/// The messages of ticket `id`, oldest first.
pub fn messages(conn: &mut DbConn, id: i64) -> Result<Vec<MessageRow>, Error> {
    ticket_messages::table
        .filter(ticket_messages::ticket_id.eq(id))
        .order(ticket_messages::id.asc())
        .select(MessageRow::as_select())
        .load(conn)
}

/// A page of tickets: the user's (`user_id`), or the queue (`status`, unanswered first).
pub fn page(
    conn: &mut DbConn,
    user_id: Option<i64>,
    status: Option<&str>,
    unanswered_only: bool,
    offset: i64,
    limit: i64,
) -> Result<(Vec<TicketRow>, i64), Error> {
    let query = || {
        let mut q = support_tickets::table.into_boxed();
        if let Some(uid) = user_id {
            q = q.filter(support_tickets::user_id.eq(uid));
        }
        if let Some(s) = status {
            q = q.filter(support_tickets::status.eq(s.to_owned()));
        }
        if unanswered_only {
            q = q.filter(support_tickets::awaiting_staff.eq(true));
        }
        q
    };
    let total = query().select(count_star()).first(conn)?;
    let rows = query()
        .order((
            support_tickets::awaiting_staff.desc(),
            support_tickets::updated_at.desc(),
            support_tickets::id.desc(),
        ))
        .offset(offset)
        .limit(limit)
        .select(TicketRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Open tickets whose last message is the user's (the workbench badge).
pub fn unanswered(conn: &mut DbConn) -> Result<i64, Error> {
    support_tickets::table
        .filter(support_tickets::status.eq(super::tickets::status::OPEN))
        .filter(support_tickets::awaiting_staff.eq(true))
        .select(count_star())
        .first(conn)
}
