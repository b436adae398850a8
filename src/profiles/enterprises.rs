//! Enterprises (企业风采): members whose type allows them keep any number; the public
//! directory shows those of active members only; staff hide one with a note; new and
//! edited ones are reviewed when the association says so (`enterprises_review`).

use chrono::{Datelike as _, NaiveDateTime};

use super::enterprises_model::{
    EnterpriseInput, EnterpriseRow, MyEnterpriseView, PublicEnterprise,
};
use super::enterprises_review as review;
use super::enterprises_store::{self as store, EnterpriseFilter, ShownRow};
use super::reviewed::{self, ImageOwner};
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;
use crate::kernel::page::{Page, PageRequest};
use crate::membership::members::NamedRef;

/// 403 unless `user_id` is an active member whose type allows enterprises.
fn require_allowed(conn: &mut DbConn, user_id: i64) -> Result<(), AppError> {
    reviewed::require_active_member(conn, user_id)?;
    if !crate::membership::type_allows_enterprises(conn, user_id)? {
        return Err(AppError::Refused {
            code: "enterprises_not_allowed",
            message: "您的会员类型不能发布企业风采".into(),
        });
    }
    Ok(())
}

fn my_view(conn: &mut DbConn, row: EnterpriseRow) -> Result<MyEnterpriseView, AppError> {
    let visible = store::is_shown(conn, row.id)?;
    let industry = match row.industry_id {
        Some(id) => crate::membership::industry_name(conn, id)?,
        None => None,
    };
    let owner = crate::membership::member_of_user(conn, row.owner_user_id)?
        .map(|m| NamedRef { id: m.member_id, name: m.name })
        .unwrap_or(NamedRef { id: 0, name: String::new() });
    let (staff_hidden, staff_note) = (row.staff_hidden, row.staff_note.clone());
    let (review, newest) = review::owner_state(conn, &row)?;
    let submitted = match newest {
        Some(fields) => {
            let industry = match fields.industry_id {
                Some(id) => crate::membership::industry_name(conn, id)?,
                None => None,
            };
            Some(PublicEnterprise::new(row.with_fields(fields), industry, owner.clone()))
        }
        None => None,
    };
    let enterprise = PublicEnterprise::new(row, industry, owner);
    Ok(MyEnterpriseView { enterprise, visible, staff_hidden, staff_note, review, submitted })
}

fn public(row: ShownRow) -> PublicEnterprise {
    let (row, industry, member_id, name) = row;
    PublicEnterprise::new(row, industry, NamedRef { id: member_id, name })
}

/// Validates `input` for `user_id` inside the transaction: images their own (or kept
/// from `current`), industry existing.
fn checked(
    conn: &mut DbConn,
    user_id: i64,
    input: &EnterpriseInput,
    current: Option<&EnterpriseRow>,
    this_year: i32,
) -> Result<super::enterprises_model::EnterpriseFields, AppError> {
    let fields = input.validated(this_year)?;
    let mut kept: Vec<i64> = current.map(EnterpriseRow::images).unwrap_or_default();
    kept.extend(current.and_then(|c| c.logo_file_id));
    let owner = ImageOwner::User(user_id, &kept);
    let logo: Vec<i64> = input.logo_file_id.into_iter().collect();
    let mut errors = reviewed::check_images(conn, "logo_file_id", &logo, owner)?;
    errors.extend(reviewed::check_images(conn, "image_file_ids", &input.image_file_ids, owner)?);
    if let Some(id) = input.industry_id
        && crate::membership::industry_name(conn, id)?.is_none()
    {
        errors.push(FieldError::new("industry_id", "行业不存在"));
    }
    reviewed::fail_on(errors)?;
    Ok(fields)
}

fn year(at: NaiveDateTime) -> i32 {
    at.year()
}

/// Adds an enterprise (active members whose type allows them): shown at once, or
/// after approval when the association reviews enterprises.
pub async fn create(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    input: EnterpriseInput,
) -> Result<MyEnterpriseView, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        require_allowed(conn, user_id)?;
        let fields = checked(conn, user_id, &input, None, year(at))?;
        let reviewed = crate::kernel::settings::enterprise_review(conn)?;
        let id = store::insert(conn, user_id, &fields, !reviewed, at)?;
        let row = store::by_id(conn, id)?.ok_or_else(|| AppError::not_found("企业"))?;
        review::save(conn, at, user_id, &row, &fields, reviewed)?;
        let row = store::by_id(conn, id)?.ok_or_else(|| AppError::not_found("企业"))?;
        my_view(conn, row)
    })
    .await
}

fn lock_mine(conn: &mut DbConn, user_id: i64, id: i64) -> Result<EnterpriseRow, AppError> {
    store::lock(conn, id)?
        .filter(|r| r.owner_user_id == user_id)
        .ok_or_else(|| AppError::not_found("企业"))
}

/// Replaces the fields of one of the member's enterprises (the staff note stays); when
/// the association reviews enterprises, the edit waits while the live version stays.
pub async fn update(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    id: i64,
    input: EnterpriseInput,
) -> Result<MyEnterpriseView, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        require_allowed(conn, user_id)?;
        let current = lock_mine(conn, user_id, id)?;
        let fields = checked(conn, user_id, &input, Some(&current), year(at))?;
        let reviewed = crate::kernel::settings::enterprise_review(conn)?;
        review::save(conn, at, user_id, &current, &fields, reviewed)?;
        let row = store::by_id(conn, id)?.ok_or_else(|| AppError::not_found("企业"))?;
        my_view(conn, row)
    })
    .await
}

/// Deletes one of the member's enterprises (any member, even a former one).
pub async fn delete(db: &Db, clock: &SharedClock, user_id: i64, id: i64) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        lock_mine(conn, user_id, id)?;
        review::discard_pending(conn, at, id)?;
        store::delete(conn, id, at)?;
        Ok(())
    })
    .await
}

/// The member's enterprises, shown or not, with staff notes.
pub async fn mine(db: &Db, user_id: i64) -> Result<Vec<MyEnterpriseView>, AppError> {
    db.run(move |conn| {
        let rows = store::of_owner(conn, user_id)?;
        rows.into_iter().map(|r| my_view(conn, r)).collect()
    })
    .await
}

/// One of the member's enterprises.
pub async fn one_of_mine(db: &Db, user_id: i64, id: i64) -> Result<MyEnterpriseView, AppError> {
    db.run(move |conn| {
        let row = store::by_id(conn, id)?
            .filter(|r| r.owner_user_id == user_id)
            .ok_or_else(|| AppError::not_found("企业"))?;
        my_view(conn, row)
    })
    .await
}

/// Normalises directory filters.
pub fn directory_filter(q: Option<&str>, industry_id: Option<i64>) -> EnterpriseFilter {
    EnterpriseFilter {
        q: q.map(str::trim).filter(|q| !q.is_empty()).map(|q| q.chars().take(50).collect()),
        industry_id,
        owner_user_id: None,
    }
}

/// One page of the enterprise directory.
pub async fn directory(
    db: &Db,
    filter: EnterpriseFilter,
    page: i64,
) -> Result<Page<PublicEnterprise>, AppError> {
    let want = PageRequest::new(page);
    db.run(move |conn| {
        let rows = store::shown(conn, &filter, want.offset(), want.limit())?;
        let total = store::shown_count(conn, &filter)?;
        Ok(want.answer(rows.into_iter().map(public).collect(), total))
    })
    .await
}

/// One shown enterprise (404 otherwise).
pub async fn public_one(db: &Db, id: i64) -> Result<PublicEnterprise, AppError> {
    db.run(move |conn| {
        store::shown_one(conn, id)?.map(public).ok_or_else(|| AppError::not_found("企业"))
    })
    .await
}

/// The shown enterprises of `user_id` (at most one page), for their card.
pub fn shown_of(conn: &mut DbConn, user_id: i64) -> Result<Vec<PublicEnterprise>, AppError> {
    let filter = EnterpriseFilter { owner_user_id: Some(user_id), ..EnterpriseFilter::default() };
    Ok(store::shown(conn, &filter, 0, crate::kernel::page::PAGE_SIZE)?
        .into_iter()
        .map(public)
        .collect())
}

/// The enterprises of user `user_id`, for the staff member detail.
pub async fn of_member(db: &Db, user_id: i64) -> Result<Vec<MyEnterpriseView>, AppError> {
    mine(db, user_id).await
}

/// A page of every enterprise for staff (`hidden`: only hidden / only shown by staff).
pub async fn staff_list(
    db: &Db,
    q: Option<String>,
    hidden: Option<bool>,
    page: i64,
) -> Result<Page<store::StaffRow>, AppError> {
    let want = PageRequest::new(page);
    let q = q.map(|q| q.trim().chars().take(50).collect::<String>()).filter(|q| !q.is_empty());
    db.run(move |conn| {
        let rows = store::staff_list(conn, q.as_deref(), hidden, want.offset(), want.limit())?;
        let total = store::staff_count(conn, q.as_deref(), hidden)?;
        Ok(want.answer(rows, total))
    })
    .await
}

/// Staff hide enterprise `id` with `note` (required) or show it again; audited, and
/// the member is told.
pub async fn set_hidden(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    hidden: bool,
    note: String,
) -> Result<(), AppError> {
    let note = note.trim().chars().take(200).collect::<String>();
    if hidden && note.is_empty() {
        return Err(AppError::field("note", "请填写隐藏原因（会员可见）"));
    }
    let at = clock.now_naive();
    db.write(move |conn| {
        let row = store::lock(conn, id)?.ok_or_else(|| AppError::not_found("企业"))?;
        if row.staff_hidden == hidden {
            return Ok(());
        }
        store::set_staff_hidden(conn, id, hidden, &note, at)?;
        let action = if hidden { "enterprise.hide" } else { "enterprise.unhide" };
        let details = serde_json::json!({"name": row.name, "note": note,
            "before": {"staff_hidden": row.staff_hidden}, "after": {"staff_hidden": hidden}});
        AuditEntry::new(Actor::Staff(staff_id), action, "enterprises", id)
            .record(conn, at, &details)?;
        let body = if hidden {
            format!("您的企业「{}」已被隐藏：{note}", row.name)
        } else {
            format!("您的企业「{}」已恢复展示", row.name)
        };
        let notice = crate::notices::Notice {
            kind: crate::notices::NoticeKind::EnterpriseHidden,
            body,
            payload: serde_json::json!({"enterprise_id": id, "name": row.name, "hidden": hidden}),
        };
        crate::notices::send(conn, at, row.owner_user_id, &notice)
    })
    .await
}
