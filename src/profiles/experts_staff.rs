//! Experts in the workbench: staff create, edit, assign and delete experts directly
//! (their versions are live at once), and browse every expert with its review state.

use chrono::NaiveDateTime;

use super::experts::{self, KIND, audit_expert};
use super::experts_model::{ExpertFields, ExpertRow};
use super::experts_store::{self as store, ExpertFilter, NewExpertRow};
use super::reviewed::{self, ImageOwner};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::Actor;
use crate::kernel::clock::SharedClock;
use crate::kernel::revisions::{self, Draft, ReviewState};

/// Rows per workbench page.
pub const PAGE_SIZE: i64 = 20;

/// An expert as the workbench lists it.
#[derive(Debug, Clone)]
pub struct StaffExpertItem {
    /// Id.
    pub id: i64,
    /// Live name, or the pending one for a new expert.
    pub name: String,
    /// 协会, or the member's name and number.
    pub owner: String,
    /// Live organisation.
    pub organisation: String,
    /// Live field tags.
    pub fields: Vec<String>,
    /// Review state.
    pub review: ReviewState,
    /// The pending revision, for the review link.
    pub pending_revision_id: Option<i64>,
    /// Last change (UTC).
    pub updated_at: NaiveDateTime,
}

/// A page of the workbench list.
#[derive(Debug, Clone)]
pub struct StaffExpertPage {
    /// Rows.
    pub items: Vec<StaffExpertItem>,
    /// Matching rows.
    pub total: i64,
}

/// An expert to edit in the workbench.
#[derive(Debug, Clone)]
pub struct StaffExpertDetail {
    /// The listing row.
    pub item: StaffExpertItem,
    /// The fields to edit: live, or the pending ones of a new expert.
    pub fields: ExpertFields,
    /// The owner's member number ("" for the association).
    pub owner_number: String,
}

fn item(conn: &mut DbConn, row: &ExpertRow) -> Result<(StaffExpertItem, ExpertFields), AppError> {
    let (review, _) = revisions::owner_state(conn, KIND, row.id, row.live_revision_id)?;
    let pending = revisions::pending_of(conn, KIND, row.id)?;
    let fields = match (row.live_fields()?, &pending) {
        (Some(live), _) => live,
        (None, Some(rev)) => rev.content()?,
        (None, None) => ExpertFields::default(),
    };
    let item = StaffExpertItem {
        id: row.id,
        name: fields.name.clone(),
        owner: reviewed::owner_label(conn, row.owner_user_id)?,
        organisation: fields.organisation.clone(),
        fields: fields.fields.clone(),
        review,
        pending_revision_id: pending.map(|r| r.id),
        updated_at: row.updated_at,
    };
    Ok((item, fields))
}

/// One page (1-based) of every expert, newest first.
pub async fn list(db: &Db, filter: ExpertFilter, page: i64) -> Result<StaffExpertPage, AppError> {
    let offset = (page.clamp(1, 100_000) - 1) * PAGE_SIZE;
    db.run(move |conn| {
        let rows = store::page(conn, &filter, offset, PAGE_SIZE)?;
        let total = store::count(conn, &filter)?;
        let items = rows.iter().map(|r| item(conn, r).map(|(i, _)| i)).collect::<Result<_, _>>()?;
        Ok(StaffExpertPage { items, total })
    })
    .await
}

/// One expert for the edit page.
pub async fn detail(db: &Db, id: i64) -> Result<StaffExpertDetail, AppError> {
    db.run(move |conn| {
        let row = store::by_id(conn, id)?.ok_or_else(|| AppError::not_found("专家信息"))?;
        let (item, fields) = item(conn, &row)?;
        let owner_number = match row.owner_user_id {
            Some(user) => crate::membership::member_of_user(conn, user)?.map(|m| m.member_number),
            None => None,
        };
        Ok(StaffExpertDetail { item, fields, owner_number: owner_number.unwrap_or_default() })
    })
    .await
}

/// The owner a member number names: None for blank (the association), 422 for a
/// number that is not an active member's.
fn owner_of(conn: &mut DbConn, number: &str) -> Result<Option<i64>, AppError> {
    if number.trim().is_empty() {
        return Ok(None);
    }
    match crate::membership::member_by_number(conn, number)? {
        Some(m) if m.active => Ok(Some(m.user_id)),
        _ => Err(AppError::field("owner_number", "找不到该会员编号的在册会员")),
    }
}

fn publish(
    conn: &mut DbConn,
    at: NaiveDateTime,
    staff_id: i64,
    id: i64,
    fields: &ExpertFields,
) -> Result<(), AppError> {
    let draft = Draft { kind: KIND, item_id: id, title: &fields.name, content: fields };
    let rev = revisions::publish(conn, at, &draft, staff_id)?;
    experts::make_live(conn, at, &rev)?;
    let details = serde_json::json!({"revision_id": rev.id});
    audit_expert(conn, at, Actor::Staff(staff_id), "expert.publish", id, &details)
}

fn staff_fields(conn: &mut DbConn, input: ExpertFields) -> Result<ExpertFields, AppError> {
    let fields = input.validated()?;
    let errors =
        reviewed::check_images(conn, "photo_file_id", &fields.image_ids(), ImageOwner::Staff)?;
    reviewed::fail_on(errors)?;
    Ok(fields)
}

/// Staff create an expert, live at once, owned by the member with `owner_number`
/// (blank: the association). Returns its id.
pub async fn create(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    input: ExpertFields,
    owner_number: String,
) -> Result<i64, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let fields = staff_fields(conn, input)?;
        let owner = owner_of(conn, &owner_number)?;
        let new = NewExpertRow {
            owner_user_id: owner,
            created_by_staff_id: Some(staff_id),
            created_at: at,
            updated_at: at,
        };
        let row = store::insert(conn, &new)?;
        publish(conn, at, staff_id, row.id, &fields)?;
        if let Some(user) = owner {
            notify_assigned(conn, at, user, row.id, &fields.name)?;
        }
        Ok(row.id)
    })
    .await
}

/// Staff edit an expert: the new version is live at once; a member's pending edit
/// stays pending (the reviewer then compares it with this one).
pub async fn update(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    input: ExpertFields,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        experts::lock_for_review(conn, id)?;
        let fields = staff_fields(conn, input)?;
        publish(conn, at, staff_id, id, &fields)
    })
    .await
}

fn notify_assigned(
    conn: &mut DbConn,
    at: NaiveDateTime,
    user_id: i64,
    id: i64,
    name: &str,
) -> Result<(), AppError> {
    let payload = serde_json::json!({"expert_id": id, "name": name});
    let notice = crate::notices::Notice {
        kind: crate::notices::NoticeKind::ExpertAssigned,
        body: format!("协会已将专家信息「{name}」分配给您"),
        payload,
    };
    crate::notices::send(conn, at, user_id, &notice)
}

/// Staff give an expert to the member with `owner_number` (blank: the association).
pub async fn assign(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    owner_number: String,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let row = experts::lock_for_review(conn, id)?;
        let owner = owner_of(conn, &owner_number)?;
        store::set_owner(conn, id, owner, at)?;
        let details = serde_json::json!({"from": row.owner_user_id, "to": owner});
        audit_expert(conn, at, Actor::Staff(staff_id), "expert.assign", id, &details)?;
        match owner {
            Some(user) if row.owner_user_id != Some(user) => {
                let name = row.live_fields()?.map(|f| f.name).unwrap_or_default();
                notify_assigned(conn, at, user, id, &name)
            }
            _ => Ok(()),
        }
    })
    .await
}

/// Staff delete an expert (its pending revision is voided).
pub async fn delete(db: &Db, clock: &SharedClock, staff_id: i64, id: i64) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        experts::lock_for_review(conn, id)?;
        experts::delete_locked(conn, at, Actor::Staff(staff_id), id)
    })
    .await
}
