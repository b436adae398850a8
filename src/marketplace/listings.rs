//! The member's own listings (`/me/listings`): create and edit (reviewed, edit-while-
//! live), withdraw a pending edit, list / unlist (no review), delete, and see status and
//! reviewer notes. Only the owner reaches a listing here; anyone else gets 404.

use chrono::{NaiveDate, NaiveDateTime, TimeZone as _};
use serde::Serialize;

use super::model::{HallState, ListingFields, ListingInput, ListingRow};
use super::store::{self, NewListingRow};
use super::views::{ListingView, Names};
use super::{KIND, audit_listing, catalog_store};
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::kernel::audit::Actor;
use crate::kernel::clock::{SharedClock, serialize_utc};
use crate::kernel::revisions::{self, Draft, ReviewState};
use crate::profiles::reviewed::{self, ImageOwner};

/// A member's own listing: review state, place in the hall, counters.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyListingView {
    /// Id.
    pub id: i64,
    /// Review state (修改审核中, or 已驳回 with the reviewer's note).
    pub review: ReviewState,
    /// Where it stands in the hall.
    pub hall: HallState,
    /// zh-CN: 已上架, 已下架, 已过期, 已被管理员下架, 未上线.
    pub hall_label: &'static str,
    /// The member's 上架 switch.
    pub listed: bool,
    /// Staff's note when they unlisted it.
    pub staff_note: String,
    /// What the hall shows (null until approved).
    pub live: Option<ListingView>,
    /// The newest submission that is not live: pending, rejected or withdrawn.
    pub submitted: Option<ListingView>,
    /// Detail views.
    pub view_count: i64,
    /// "N 人查看了联系方式".
    pub contact_count: i64,
    /// Last change (UTC).
    #[serde(serialize_with = "serialize_utc")]
    #[schema(value_type = String)]
    pub updated_at: NaiveDateTime,
}

/// `{"items": [...]}` of the member's listings.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyListingList {
    /// Newest first.
    pub items: Vec<MyListingView>,
}

/// The association's calendar: today, and the UTC end of a day.
#[derive(Debug, Clone, Copy)]
pub struct Calendar {
    /// The association's time zone.
    pub tz: chrono_tz::Tz,
    /// Now (UTC).
    pub now: NaiveDateTime,
}

impl Calendar {
    fn today(self) -> NaiveDate {
        self.tz.from_utc_datetime(&self.now).date_naive()
    }

    fn end_of(self, day: NaiveDate) -> NaiveDateTime {
        let next = day.succ_opt().unwrap_or(day).and_hms_opt(0, 0, 0).unwrap_or_default();
        self.tz.from_local_datetime(&next).earliest().map_or(next, |t| t.naive_utc())
    }
}

fn my_view(
    conn: &mut DbConn,
    now: NaiveDateTime,
    row: &ListingRow,
) -> Result<MyListingView, AppError> {
    let (review, newest) = revisions::owner_state(conn, KIND, row.id, row.live_revision_id)?;
    let mut names = Names::load(conn)?;
    let submitted = match newest {
        Some(rev) => Some(ListingView::build(conn, &mut names, rev.content()?)?),
        None => None,
    };
    let live = match row.live_fields()? {
        Some(f) => Some(ListingView::build(conn, &mut names, f)?),
        None => None,
    };
    let hall = row.hall_state(now);
    Ok(MyListingView {
        id: row.id,
        review,
        hall,
        hall_label: hall.label(),
        listed: row.listed,
        staff_note: if row.staff_unlisted_at.is_some() {
            row.staff_note.clone()
        } else {
            String::new()
        },
        live,
        submitted,
        view_count: row.view_count,
        contact_count: row.contact_count,
        updated_at: row.updated_at,
    })
}

fn owned(conn: &mut DbConn, user_id: i64, id: i64) -> Result<ListingRow, AppError> {
    match store::lock(conn, id)? {
        Some(row) if row.owner_user_id == user_id => Ok(row),
        _ => Err(AppError::not_found("供需信息")),
    }
}

fn fresh(conn: &mut DbConn, id: i64) -> Result<ListingRow, AppError> {
    store::by_id(conn, id)?.ok_or_else(|| AppError::not_found("供需信息"))
}

/// Images the listing already carries (live and pending), which its owner may keep.
fn kept_images(conn: &mut DbConn, row: &ListingRow) -> Result<Vec<i64>, AppError> {
    let live = row.live_fields()?;
    revisions::owner::kept_images(conn, KIND, row.id, live, |f: ListingFields| f.image_file_ids)
}

/// Checks a member's input: active membership, fields, references, image ownership.
fn check_input(
    conn: &mut DbConn,
    cal: Calendar,
    user_id: i64,
    input: ListingInput,
    kept: &[i64],
) -> Result<ListingFields, AppError> {
    reviewed::require_active_member(conn, user_id)?;
    let fields = input.validated(cal.today(), |d| cal.end_of(d))?;
    let mut errors: Vec<FieldError> = Vec::new();
    if let Some(id) = fields.category_id
        && catalog_store::category(conn, id)?.is_none()
    {
        errors.push(FieldError::new("category_id", "分类不存在"));
    }
    if let Some(id) = fields.industry_id
        && crate::membership::industry_name(conn, id)?.is_none()
    {
        errors.push(FieldError::new("industry_id", "行业不存在"));
    }
    let owner = ImageOwner::User(user_id, kept);
    errors.extend(reviewed::check_images(conn, "image_file_ids", &fields.image_file_ids, owner)?);
    reviewed::fail_on(errors)?;
    Ok(fields)
}

fn submit_draft(
    conn: &mut DbConn,
    at: NaiveDateTime,
    user_id: i64,
    id: i64,
    fields: &ListingFields,
) -> Result<(), AppError> {
    let draft = Draft { kind: KIND, item_id: id, title: &fields.title, content: fields };
    revisions::owner::submit(conn, at, user_id, &draft)?;
    Ok(())
}

/// A member submits a new listing; it waits for review, invisible in the hall.
pub async fn create(
    db: &Db,
    clock: &SharedClock,
    tz: chrono_tz::Tz,
    user_id: i64,
    input: ListingInput,
) -> Result<MyListingView, AppError> {
    let cal = Calendar { tz, now: clock.now_naive() };
    let at = cal.now;
    db.write(move |conn| {
        let fields = check_input(conn, cal, user_id, input, &[])?;
        let new = NewListingRow { owner_user_id: user_id, created_at: at, updated_at: at };
        let row = store::insert(conn, &new)?;
        submit_draft(conn, at, user_id, row.id, &fields)?;
        my_view(conn, at, &row)
    })
    .await
}

/// A member edits their listing (every field): a pending revision, superseding an
/// earlier pending one, while the approved version stays in the hall. Relisting an
/// expired listing with a new end date is such an edit.
pub async fn edit(
    db: &Db,
    clock: &SharedClock,
    tz: chrono_tz::Tz,
    user_id: i64,
    id: i64,
    input: ListingInput,
) -> Result<MyListingView, AppError> {
    let cal = Calendar { tz, now: clock.now_naive() };
    let at = cal.now;
    db.write(move |conn| {
        let row = owned(conn, user_id, id)?;
        let kept = kept_images(conn, &row)?;
        let fields = check_input(conn, cal, user_id, input, &kept)?;
        submit_draft(conn, at, user_id, id, &fields)?;
        my_view(conn, at, &row)
    })
    .await
}

/// The owner takes back the pending submission (409 `nothing_pending` if none).
pub async fn withdraw(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    id: i64,
) -> Result<MyListingView, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let row = owned(conn, user_id, id)?;
        revisions::owner::withdraw(conn, at, user_id, KIND, id)?;
        my_view(conn, at, &row)
    })
    .await
}

/// 上架 / 下架 without review: only an approved listing that staff did not unlist
/// (409 `not_approved` / `unlisted_by_staff`).
pub async fn set_listed(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    id: i64,
    listed: bool,
) -> Result<MyListingView, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let row = owned(conn, user_id, id)?;
        if store::set_listed(conn, id, listed, at)? == 0 {
            return Err(if row.live_revision_id.is_none() {
                AppError::Conflict {
                    code: "not_approved",
                    message: "审核通过后才能上架或下架".into(),
                }
            } else {
                AppError::Conflict {
                    code: "unlisted_by_staff",
                    message: "该信息已被管理员下架，请修改后重新提交审核".into(),
                }
            });
        }
        let action = if listed { "listing.list" } else { "listing.unlist" };
        audit_listing(conn, at, Actor::User(user_id), action, id, &().into())?;
        let row = fresh(conn, id)?;
        my_view(conn, at, &row)
    })
    .await
}

/// Deletes a listing and voids its pending revision (deletion wins).
pub fn delete_locked(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    id: i64,
) -> Result<(), AppError> {
    revisions::discard_pending(conn, at, KIND, id)?;
    store::mark_deleted(conn, id, at)?;
    store::unindex(conn, id)?;
    audit_listing(conn, at, actor, "listing.delete", id, &().into())
}

/// The owner deletes their listing.
pub async fn delete(db: &Db, clock: &SharedClock, user_id: i64, id: i64) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        owned(conn, user_id, id)?;
        delete_locked(conn, at, Actor::User(user_id), id)
    })
    .await
}

/// A member's listings, newest first, with pending and rejected submissions.
pub async fn mine(db: &Db, clock: &SharedClock, user_id: i64) -> Result<MyListingList, AppError> {
    let now = clock.now_naive();
    db.run(move |conn| {
        let rows = store::of_owner(conn, user_id)?;
        let items = rows.iter().map(|row| my_view(conn, now, row)).collect::<Result<_, _>>()?;
        Ok(MyListingList { items })
    })
    .await
}

/// One of the member's listings (anyone else's is 404).
pub async fn one(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    id: i64,
) -> Result<MyListingView, AppError> {
    let now = clock.now_naive();
    db.run(move |conn| match store::by_id(conn, id)? {
        Some(row) if row.owner_user_id == user_id => my_view(conn, now, &row),
        _ => Err(AppError::not_found("供需信息")),
    })
    .await
}
