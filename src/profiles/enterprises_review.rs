//! Review of enterprises, when the association turns it on (setting `enterprise_review`):
//! the same edit-while-live mechanism as experts (`kernel::revisions`, kind
//! `enterprise`). A new enterprise stays unpublished until approved; an edit of a
//! published one waits as a pending revision while the row keeps the live version.
//! With review off, every save is recorded as an approved revision at once, so the
//! owner's review state stays true when the setting changes either way.

use chrono::NaiveDateTime;

use super::enterprises_model::{EnterpriseFields, EnterpriseRow};
use super::enterprises_store as store;
use crate::db::DbConn;
use crate::error::AppError;
use crate::kernel::revisions::{self, Draft, RevisionKind, RevisionRow, diff::Field};

/// The revision kind of enterprises.
pub const KIND: RevisionKind = RevisionKind::Enterprise;

fn draft<'a>(id: i64, fields: &'a EnterpriseFields) -> Draft<'a, EnterpriseFields> {
    Draft { kind: KIND, item_id: id, title: &fields.name, content: fields }
}

/// Saves `fields` as the new version of enterprise `row` (locked, or just inserted by
/// [`store::insert`] with `published = !review`): reviewed when `review`, live at once
/// otherwise.
pub fn save(
    conn: &mut DbConn,
    at: NaiveDateTime,
    user_id: i64,
    row: &EnterpriseRow,
    fields: &EnterpriseFields,
    review: bool,
) -> Result<(), AppError> {
    let changed = row.fields() != *fields;
    if review {
        // Until a first version is live, the row holds the newest submission (shown to
        // the owner and staff only); afterwards it keeps the live version.
        if !row.published && changed {
            store::update(conn, row.id, fields, at)?;
        }
        revisions::owner::submit(conn, at, user_id, &draft(row.id, fields))?;
    } else {
        if changed {
            store::update(conn, row.id, fields, at)?;
        }
        let rev = revisions::accept_unreviewed(conn, at, &draft(row.id, fields), user_id)?;
        store::set_live(conn, row.id, rev.id, at)?;
    }
    Ok(())
}

/// Locks an enterprise for a reviewer's decision (404 when it was deleted).
pub fn lock_for_review(conn: &mut DbConn, id: i64) -> Result<EnterpriseRow, AppError> {
    store::lock(conn, id)?.ok_or_else(|| AppError::not_found("企业"))
}

/// Copies an approved revision into the enterprise's columns and publishes it.
pub fn make_live(conn: &mut DbConn, at: NaiveDateTime, rev: &RevisionRow) -> Result<(), AppError> {
    let fields: EnterpriseFields = rev.content()?;
    store::update(conn, rev.item_id, &fields, at)?;
    store::set_live(conn, rev.item_id, rev.id, at)?;
    Ok(())
}

fn labelled(conn: &mut DbConn, fields: &EnterpriseFields) -> Result<Vec<Field>, AppError> {
    let industry = match fields.industry_id {
        Some(id) => crate::membership::industry_name(conn, id)?.unwrap_or_default(),
        None => String::new(),
    };
    Ok(fields.review_fields(&industry))
}

/// The reviewer's fields of a revision's snapshot.
pub fn review_fields(conn: &mut DbConn, rev: &RevisionRow) -> Result<Vec<Field>, AppError> {
    labelled(conn, &rev.content()?)
}

/// The owner and the live fields of an enterprise, for the reviewer's diff.
pub fn live_review_fields(
    conn: &mut DbConn,
    id: i64,
) -> Result<(Option<i64>, Option<Vec<Field>>), AppError> {
    let Some(row) = store::by_id(conn, id)? else { return Ok((None, None)) };
    let live = if row.published { Some(labelled(conn, &row.fields())?) } else { None };
    Ok((Some(row.owner_user_id), live))
}

/// The deletion of enterprise `id` voids its pending revision.
pub fn discard_pending(conn: &mut DbConn, at: NaiveDateTime, id: i64) -> Result<(), AppError> {
    revisions::discard_pending(conn, at, KIND, id)
}

/// Where the owner's enterprise stands, and the newest submission that is not live.
pub fn owner_state(
    conn: &mut DbConn,
    row: &EnterpriseRow,
) -> Result<(revisions::ReviewState, Option<EnterpriseFields>), AppError> {
    let (state, newest) =
        revisions::owner_state_of(conn, KIND, row.id, row.live_revision_id, row.published)?;
    let submitted = match newest {
        Some(rev) => Some(rev.content::<EnterpriseFields>()?),
        None => None,
    };
    Ok((state, submitted))
}
