//! The audit writer: who changed what, when — written inside the use case's transaction.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::audit_log;
use crate::error::AppError;

/// Who acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A workbench account.
    Staff(i64),
    /// A mini-program user.
    User(i64),
    /// The server itself (jobs, CLI).
    System,
}

impl Actor {
    /// The staff id, when a workbench account acted.
    pub fn staff_id(self) -> Option<i64> {
        match self {
            Self::Staff(id) => Some(id),
            _ => None,
        }
    }

    fn parts(self) -> (&'static str, Option<i64>) {
        match self {
            Self::Staff(id) => ("staff", Some(id)),
            Self::User(id) => ("user", Some(id)),
            Self::System => ("system", None),
        }
    }
}

/// One audit entry.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    /// Who.
    pub actor: Actor,
    /// What, as `noun.verb` (e.g. `staff.create`).
    pub action: &'a str,
    /// The kind of thing changed (a table name).
    pub subject_type: &'a str,
    /// Its id, when it has one.
    pub subject_id: Option<i64>,
    /// Client address, when a request caused it.
    pub ip: Option<&'a str>,
}

impl<'a> AuditEntry<'a> {
    /// `actor` did `action` to `subject_type` #`subject_id` (no client address).
    pub fn new(
        actor: Actor,
        action: &'a str,
        subject_type: &'a str,
        subject_id: impl Into<Option<i64>>,
    ) -> Self {
        Self { actor, action, subject_type, subject_id: subject_id.into(), ip: None }
    }

    /// The same entry, with the client address that caused it.
    pub fn from_ip(self, ip: &'a str) -> Self {
        Self { ip: Some(ip), ..self }
    }

    /// Writes the entry with JSON `details`; call it inside the transaction of the change.
    pub fn record(
        &self,
        conn: &mut DbConn,
        at: chrono::NaiveDateTime,
        details: &impl Serialize,
    ) -> Result<(), AppError> {
        record(conn, at, self, details)
    }
}

#[derive(Insertable)]
#[diesel(table_name = audit_log)]
struct NewAuditRow<'a> {
    actor_kind: &'a str,
    actor_id: Option<i64>,
    action: &'a str,
    subject_type: &'a str,
    subject_id: Option<i64>,
    details: String,
    ip: Option<&'a str>,
    created_at: chrono::NaiveDateTime,
}

/// A stored audit entry, for the workbench.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    /// Row id.
    pub id: i64,
    /// `staff`, `user` or `system`.
    pub actor_kind: String,
    /// Actor's id.
    pub actor_id: Option<i64>,
    /// `noun.verb`.
    pub action: String,
    /// Table name of the subject.
    pub subject_type: String,
    /// Subject id.
    pub subject_id: Option<i64>,
    /// JSON details.
    pub details: String,
    /// Client address.
    pub ip: Option<String>,
    /// When (UTC).
    pub created_at: chrono::NaiveDateTime,
}

/// Writes one entry with JSON `details`; call it inside the transaction of the change.
pub fn record(
    conn: &mut DbConn,
    at: chrono::NaiveDateTime,
    entry: &AuditEntry<'_>,
    details: &impl Serialize,
) -> Result<(), AppError> {
    debug_assert!(
        crate::kernel::audit_actions::label(entry.action).is_some(),
        "audit action {} has no label in kernel/audit_actions.rs",
        entry.action
    );
    let (actor_kind, actor_id) = entry.actor.parts();
    let details = serde_json::to_string(details).map_err(AppError::internal)?;
    diesel::insert_into(audit_log::table)
        .values(NewAuditRow {
            actor_kind,
            actor_id,
            action: entry.action,
            subject_type: entry.subject_type,
            subject_id: entry.subject_id,
            details,
            ip: entry.ip,
            created_at: at,
        })
        .execute(conn)?;
    Ok(())
}

/// The entries about one subject, oldest first (an object's audit trail).
pub fn for_subject(
    conn: &mut DbConn,
    subject_type: &str,
    subject_id: i64,
) -> Result<Vec<AuditRow>, AppError> {
    Ok(audit_log::table
        .filter(audit_log::subject_type.eq(subject_type).and(audit_log::subject_id.eq(subject_id)))
        .order(audit_log::id.asc())
        .select(AuditRow::as_select())
        .load(conn)?)
}

/// The newest `limit` entries, newest first (the workbench home's recent activity).
pub async fn recent(db: &crate::db::Db, limit: i64) -> Result<Vec<AuditRow>, AppError> {
    db.run(move |conn| {
        Ok(audit_log::table
            .order(audit_log::id.desc())
            .limit(limit)
            .select(AuditRow::as_select())
            .load(conn)?)
    })
    .await
}

/// Filters of the audit log page; every one optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// `staff`, `user` or `system`.
    pub actor_kind: Option<String>,
    /// One actor (with `actor_kind`).
    pub actor_id: Option<i64>,
    /// One action (`noun.verb`).
    pub action: Option<String>,
    /// One subject type (table).
    pub subject_type: Option<String>,
    /// One subject (with `subject_type`).
    pub subject_id: Option<i64>,
    /// From this moment (UTC, inclusive).
    pub from: Option<chrono::NaiveDateTime>,
    /// Before this moment (UTC).
    pub until: Option<chrono::NaiveDateTime>,
}

fn filtered(f: &AuditFilter) -> audit_log::BoxedQuery<'static, <DbConn as Connection>::Backend> {
    let mut query = audit_log::table.into_boxed();
    if let Some(kind) = &f.actor_kind {
        query = query.filter(audit_log::actor_kind.eq(kind.clone()));
    }
    if let Some(id) = f.actor_id {
        query = query.filter(audit_log::actor_id.eq(id));
    }
    if let Some(action) = &f.action {
        query = query.filter(audit_log::action.eq(action.clone()));
    }
    if let Some(subject) = &f.subject_type {
        query = query.filter(audit_log::subject_type.eq(subject.clone()));
    }
    if let Some(id) = f.subject_id {
        query = query.filter(audit_log::subject_id.eq(id));
    }
    if let Some(from) = f.from {
        query = query.filter(audit_log::created_at.ge(from));
    }
    if let Some(until) = f.until {
        query = query.filter(audit_log::created_at.lt(until));
    }
    query
}

/// A page of entries matching `f`, newest first, and how many match (counted up to
/// [`crate::kernel::page::COUNT_CAP`] + 1).
pub fn page(
    conn: &mut DbConn,
    f: &AuditFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<AuditRow>, i64), AppError> {
    let rows = filtered(f)
        .order(audit_log::id.desc())
        .offset(offset)
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)?;
    let ids: Vec<i64> =
        filtered(f).select(audit_log::id).limit(crate::kernel::page::COUNT_CAP + 1).load(conn)?;
    Ok((rows, i64::try_from(ids.len()).unwrap_or(i64::MAX)))
}
