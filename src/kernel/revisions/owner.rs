//! The owner's side of a reviewed item, one shape for every kind: submit a version for
//! review, take it back, and which images the owner may keep. The context supplies the
//! item's row lock, its validation and its view; these steps run inside its transaction
//! and write the audit rows (`<kind>.submit`, `<kind>.withdraw`) the same way for all.

use chrono::NaiveDateTime;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Draft, RevisionKind, RevisionRow, Submitter};
use crate::db::DbConn;
use crate::error::AppError;
use crate::kernel::audit::{Actor, AuditEntry};

/// Writes an audit row `action` (e.g. `expert.delete`) about item `id` of `kind`.
pub fn audit(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    kind: RevisionKind,
    action: &str,
    id: i64,
    details: &serde_json::Value,
) -> Result<(), AppError> {
    AuditEntry::new(actor, action, kind.table(), id).record(conn, at, details)
}

/// Member `user_id` submits `draft` for review (superseding their earlier pending
/// version), audited as `<kind>.submit` with the new revision's id.
pub fn submit<T: Serialize>(
    conn: &mut DbConn,
    at: NaiveDateTime,
    user_id: i64,
    draft: &Draft<'_, T>,
) -> Result<RevisionRow, AppError> {
    let rev = super::submit(conn, at, draft, Submitter::User(user_id))?;
    let action = format!("{}.submit", draft.kind.as_str());
    let details = serde_json::json!({"revision_id": rev.id});
    audit(conn, at, Actor::User(user_id), draft.kind, &action, draft.item_id, &details)?;
    Ok(rev)
}

/// Member `user_id` takes back the pending version of item `id` (409 `nothing_pending`
/// when it was decided meanwhile), audited as `<kind>.withdraw`.
pub fn withdraw(
    conn: &mut DbConn,
    at: NaiveDateTime,
    user_id: i64,
    kind: RevisionKind,
    id: i64,
) -> Result<(), AppError> {
    super::withdraw(conn, at, kind, id)?;
    let action = format!("{}.withdraw", kind.as_str());
    audit(conn, at, Actor::User(user_id), kind, &action, id, &().into())
}

/// The images item `id` carries now — its live version's (`live`) and its pending
/// version's — which its owner may keep in an edit without owning the uploads.
pub fn kept_images<T: DeserializeOwned>(
    conn: &mut DbConn,
    kind: RevisionKind,
    id: i64,
    live: Option<T>,
    images: impl Fn(T) -> Vec<i64>,
) -> Result<Vec<i64>, AppError> {
    let mut kept = live.map(&images).unwrap_or_default();
    if let Some(rev) = super::pending_of(conn, kind, id)? {
        kept.extend(images(rev.content::<T>()?));
    }
    Ok(kept)
}
