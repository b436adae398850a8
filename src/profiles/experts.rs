//! Expert use cases: members submit and edit their experts (reviewed, edit-while-live),
//! withdraw a pending edit or delete; staff create, edit and assign experts directly;
//! the library lists only live experts of active members or of the association.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::experts_model::{ExpertFields, ExpertRow, ExpertView};
use super::experts_store::{self as store, ExpertFilter, LiveChanges, NewExpertRow};
use super::reviewed::{self, ImageOwner};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::Actor;
use crate::kernel::clock::{SharedClock, serialize_utc};
use crate::kernel::revisions::{self, Draft, ReviewState, RevisionKind, RevisionRow};

/// The revision kind of experts.
pub const KIND: RevisionKind = RevisionKind::Expert;

/// Library page size.
pub const PAGE_SIZE: i64 = 20;

/// A member's own expert, with where its review stands.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyExpertView {
    /// Id.
    pub id: i64,
    /// Review state (e.g. 修改审核中, or 已驳回 with the reviewer's note).
    pub review: ReviewState,
    /// What the library shows now (null until approved).
    pub live: Option<ExpertView>,
    /// The newest submission that is not live: pending, rejected or withdrawn.
    pub submitted: Option<ExpertView>,
    /// Last change (UTC).
    #[serde(serialize_with = "serialize_utc")]
    pub updated_at: NaiveDateTime,
}

/// An expert in the library.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicExpert {
    /// Id.
    pub id: i64,
    /// The approved fields.
    #[serde(flatten)]
    pub expert: ExpertView,
}

/// One page of the library.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExpertPage {
    /// Newest first.
    pub items: Vec<PublicExpert>,
    /// Matching experts in all pages.
    pub total: i64,
    /// This page (1-based).
    pub page: i64,
    /// Page size.
    pub page_size: i64,
}

/// Writes an audit row about expert `id`.
pub fn audit_expert(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    action: &str,
    id: i64,
    details: &serde_json::Value,
) -> Result<(), AppError> {
    revisions::owner::audit(conn, at, actor, KIND, action, id, details)
}

fn my_view(conn: &mut DbConn, row: &ExpertRow) -> Result<MyExpertView, AppError> {
    let (review, newest) = revisions::owner_state(conn, KIND, row.id, row.live_revision_id)?;
    let submitted = match newest {
        Some(rev) => Some(ExpertView::from(rev.content::<ExpertFields>()?)),
        None => None,
    };
    Ok(MyExpertView {
        id: row.id,
        review,
        live: row.live_fields()?.map(ExpertView::from),
        submitted,
        updated_at: row.updated_at,
    })
}

fn owned(conn: &mut DbConn, user_id: i64, id: i64) -> Result<ExpertRow, AppError> {
    match store::lock(conn, id)? {
        Some(row) if row.owner_user_id == Some(user_id) => Ok(row),
        _ => Err(AppError::not_found("专家信息")),
    }
}

/// Images the item already carries (live and pending), which its owner may keep.
fn kept_images(conn: &mut DbConn, row: &ExpertRow) -> Result<Vec<i64>, AppError> {
    let live = row.live_fields()?;
    revisions::owner::kept_images(conn, KIND, row.id, live, |f: ExpertFields| f.image_ids())
}

fn check_member_fields(
    conn: &mut DbConn,
    user_id: i64,
    input: ExpertFields,
    kept: &[i64],
) -> Result<ExpertFields, AppError> {
    reviewed::require_active_member(conn, user_id)?;
    let fields = input.validated()?;
    let owner = ImageOwner::User(user_id, kept);
    reviewed::fail_on(reviewed::check_images(conn, "photo_file_id", &fields.image_ids(), owner)?)?;
    Ok(fields)
}

fn submit_draft(
    conn: &mut DbConn,
    at: NaiveDateTime,
    user_id: i64,
    id: i64,
    fields: &ExpertFields,
) -> Result<RevisionRow, AppError> {
    let draft = Draft { kind: KIND, item_id: id, title: &fields.name, content: fields };
    revisions::owner::submit(conn, at, user_id, &draft)
}

/// A member submits a new expert; it waits for review, invisible in the library.
pub async fn submit_new(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    input: ExpertFields,
) -> Result<MyExpertView, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let fields = check_member_fields(conn, user_id, input, &[])?;
        let new = NewExpertRow {
            owner_user_id: Some(user_id),
            created_by_staff_id: None,
            created_at: at,
            updated_at: at,
        };
        let row = store::insert(conn, &new)?;
        submit_draft(conn, at, user_id, row.id, &fields)?;
        my_view(conn, &row)
    })
    .await
}

/// A member edits their expert: a pending revision (superseding an earlier pending
/// one) while the live one stays in the library.
pub async fn submit_edit(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    id: i64,
    input: ExpertFields,
) -> Result<MyExpertView, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let row = owned(conn, user_id, id)?;
        let kept = kept_images(conn, &row)?;
        let fields = check_member_fields(conn, user_id, input, &kept)?;
        submit_draft(conn, at, user_id, id, &fields)?;
        my_view(conn, &row)
    })
    .await
}

/// The owner takes back the pending revision (409 `nothing_pending` if none).
pub async fn withdraw(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    id: i64,
) -> Result<MyExpertView, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let row = owned(conn, user_id, id)?;
        revisions::owner::withdraw(conn, at, user_id, KIND, id)?;
        my_view(conn, &row)
    })
    .await
}

/// Deletes an expert and voids its pending revision (deletion wins over a pending edit
/// and over a reviewer deciding it at the same moment).
pub fn delete_locked(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    id: i64,
) -> Result<(), AppError> {
    revisions::discard_pending(conn, at, KIND, id)?;
    store::mark_deleted(conn, id, at)?;
    audit_expert(conn, at, actor, "expert.delete", id, &().into())
}

/// The owner deletes their expert.
pub async fn delete_mine(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    id: i64,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        owned(conn, user_id, id)?;
        delete_locked(conn, at, Actor::User(user_id), id)
    })
    .await
}

/// A member's experts, newest first, with pending and rejected submissions.
pub async fn mine(db: &Db, user_id: i64) -> Result<Vec<MyExpertView>, AppError> {
    db.run(move |conn| {
        let rows = store::of_owner(conn, user_id)?;
        rows.iter().map(|row| my_view(conn, row)).collect()
    })
    .await
}

/// One of the member's experts (someone else's is 404).
pub async fn one_of_mine(db: &Db, user_id: i64, id: i64) -> Result<MyExpertView, AppError> {
    db.run(move |conn| match store::by_id(conn, id)? {
        Some(row) if row.owner_user_id == Some(user_id) => my_view(conn, &row),
        _ => Err(AppError::not_found("专家信息")),
    })
    .await
}

fn public(row: &ExpertRow) -> Result<Option<PublicExpert>, AppError> {
    Ok(row.live_fields()?.map(|f| PublicExpert { id: row.id, expert: ExpertView::from(f) }))
}

/// Reads the library filters (blank → none).
pub fn library_filter(text: Option<&str>, field: Option<&str>, library: bool) -> ExpertFilter {
    let clean = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    ExpertFilter { text: clean(text), field: clean(field), library }
}

/// One page (1-based) of the library: live experts of active members or the
/// association, searched by name, field or organisation, filtered by a field tag.
pub async fn library(db: &Db, filter: ExpertFilter, page: i64) -> Result<ExpertPage, AppError> {
    let page = page.clamp(1, 100_000);
    let filter = ExpertFilter { library: true, ..filter };
    db.run(move |conn| {
        let rows = store::page(conn, &filter, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
        let total = store::count(conn, &filter)?;
        let mut items = Vec::new();
        for row in &rows {
            items.extend(public(row)?);
        }
        Ok(ExpertPage { items, total, page, page_size: PAGE_SIZE })
    })
    .await
}

/// One expert of the library (404 unless the library shows it).
pub async fn public_one(db: &Db, id: i64) -> Result<PublicExpert, AppError> {
    db.run(move |conn| {
        let row = store::by_id(conn, id)?.ok_or_else(|| AppError::not_found("专家"))?;
        let visible = match row.owner_user_id {
            None => true,
            Some(user) => crate::membership::is_active_member(conn, user)?,
        };
        match public(&row)? {
            Some(expert) if visible => Ok(expert),
            _ => Err(AppError::not_found("专家")),
        }
    })
    .await
}

/// Locks an expert for a reviewer's decision (404 when it was deleted).
pub fn lock_for_review(conn: &mut DbConn, id: i64) -> Result<ExpertRow, AppError> {
    store::lock(conn, id)?.ok_or_else(|| AppError::not_found("专家信息"))
}

/// Copies an approved revision into the expert's live columns.
pub fn make_live(conn: &mut DbConn, at: NaiveDateTime, rev: &RevisionRow) -> Result<(), AppError> {
    let fields: ExpertFields = rev.content()?;
    let changes = LiveChanges {
        live_revision_id: Some(rev.id),
        live: &rev.snapshot,
        name: &fields.name,
        organisation: &fields.organisation,
        field_tags: &fields.tag_index(),
        updated_at: at,
    };
    store::set_live(conn, rev.item_id, &changes)?;
    Ok(())
}

/// The reviewer's fields of a revision's snapshot.
pub fn review_fields(rev: &RevisionRow) -> Result<Vec<revisions::diff::Field>, AppError> {
    Ok(rev.content::<ExpertFields>()?.review_fields())
}

/// The live fields of an expert, for the reviewer's diff.
pub fn live_review_fields(
    conn: &mut DbConn,
    id: i64,
) -> Result<(Option<i64>, Option<Vec<revisions::diff::Field>>), AppError> {
    let row = store::by_id(conn, id)?;
    let owner = row.as_ref().and_then(|r| r.owner_user_id);
    let live = match row {
        Some(row) => row.live_fields()?.map(|f| f.review_fields()),
        None => None,
    };
    Ok((owner, live))
}
