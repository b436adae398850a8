//! Member profiles (会员风采): the owner reads and saves their profile; everyone else
//! sees the directory of active members who have not hidden themselves, through the
//! public view only.

use chrono::NaiveDate;

use super::member_profiles_model::{Gender, MyProfileView, ProfileInput, PublicMember};
use super::member_profiles_store::{self as store, DirectoryFilter, DirectoryRow};
use super::reviewed::{self, ImageOwner, ImageRef};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::clock::SharedClock;
use crate::kernel::page::{Page, PageRequest};
use crate::membership::members::NamedRef;

fn members_only() -> AppError {
    AppError::Refused { code: "members_only", message: "仅限正式会员".into() }
}

fn my_view(conn: &mut DbConn, user_id: i64) -> Result<MyProfileView, AppError> {
    let member = crate::membership::member_of_user(conn, user_id)?.ok_or_else(members_only)?;
    let fields = store::find(conn, user_id)?.map(|r| r.fields).unwrap_or_default();
    Ok(MyProfileView::new(member.name, fields))
}

/// The profile of `user_id` as they (or staff) see it; 403 `members_only` for visitors.
pub async fn my_profile(db: &Db, user_id: i64) -> Result<MyProfileView, AppError> {
    db.run(move |conn| my_view(conn, user_id)).await
}

/// The profile of member `member_id` for staff (private fields included); `None` when
/// the member never saved one.
pub async fn profile_for_staff(db: &Db, user_id: i64) -> Result<Option<MyProfileView>, AppError> {
    db.run(move |conn| {
        let Some(member) = crate::membership::member_of_user(conn, user_id)? else {
            return Ok(None);
        };
        Ok(store::find(conn, user_id)?.map(|r| MyProfileView::new(member.name, r.fields)))
    })
    .await
}

/// Saves the whole profile of an active member (`today` in the association's time
/// zone bounds the birth date). Nothing is written when anything is wrong.
pub async fn save_profile(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    today: NaiveDate,
    input: ProfileInput,
) -> Result<MyProfileView, AppError> {
    let (name, fields) = input.validated(today)?;
    let at = clock.now_naive();
    db.write(move |conn| {
        let member =
            crate::membership::lock_member_of_user(conn, user_id)?.ok_or_else(members_only)?;
        if !member.active {
            return Err(members_only());
        }
        let current = store::find(conn, user_id)?;
        let kept: Vec<i64> =
            current.as_ref().and_then(|c| c.fields.photo_file_id).into_iter().collect();
        let photo: Vec<i64> = fields.photo_file_id.into_iter().collect();
        let owner = ImageOwner::User(user_id, &kept);
        reviewed::fail_on(reviewed::check_images(conn, "photo_file_id", &photo, owner)?)?;
        crate::membership::set_member_name(conn, user_id, &name, at)?;
        store::save(conn, user_id, &fields, at)?;
        my_view(conn, user_id)
    })
    .await
}

fn public(row: DirectoryRow) -> PublicMember {
    let (m, member_type, position, industry, profile) = row;
    let p = profile;
    PublicMember {
        id: m.id,
        name: m.name,
        photo: p.photo_file_id.map(ImageRef::of),
        gender: p.gender.as_deref().and_then(Gender::parse),
        birth_date: p.birth_date,
        hometown: p.hometown.unwrap_or_default(),
        education: p.education.unwrap_or_default(),
        introduction: p.introduction.unwrap_or_default(),
        company: m.company,
        title: m.title,
        member_type: NamedRef { id: m.member_type_id, name: member_type },
        position: NamedRef { id: m.position_id, name: position },
        industry: m.industry_id.zip(industry).map(|(id, name)| NamedRef { id, name }),
    }
}

/// Normalises directory filters (blank → none, at most 50 characters).
pub fn directory_filter(
    q: Option<&str>,
    industry_id: Option<i64>,
    position_id: Option<i64>,
) -> DirectoryFilter {
    DirectoryFilter {
        q: q.map(str::trim).filter(|q| !q.is_empty()).map(|q| q.chars().take(50).collect()),
        industry_id,
        position_id,
    }
}

/// One page of the member directory.
pub async fn directory(
    db: &Db,
    filter: DirectoryFilter,
    page: i64,
) -> Result<Page<PublicMember>, AppError> {
    let want = PageRequest::new(page);
    db.run(move |conn| {
        let rows = store::directory(conn, &filter, want.offset(), want.limit())?;
        let total = store::directory_count(conn, &filter)?;
        Ok(want.answer(rows.into_iter().map(public).collect(), total))
    })
    .await
}

/// One member of the directory (404 for anyone the directory does not list).
pub async fn public_member(db: &Db, member_id: i64) -> Result<PublicMember, AppError> {
    db.run(move |conn| {
        store::directory_entry(conn, member_id)?
            .map(public)
            .ok_or_else(|| AppError::not_found("会员"))
    })
    .await
}

/// Active member `user_id` as the public sees them (hidden from the directory or not),
/// with the private phone and WeChat id their card may show when ticked; `None` unless
/// an active member.
pub fn card_source(
    conn: &mut DbConn,
    user_id: i64,
) -> Result<Option<(PublicMember, String, String)>, AppError> {
    let Some(row) = store::active_entry_of_user(conn, user_id)? else { return Ok(None) };
    let private = store::find(conn, user_id)?.map(|r| (r.fields.phone, r.fields.wechat_id));
    let (phone, wechat_id) = private.unwrap_or_default();
    Ok(Some((public(row), phone, wechat_id)))
}
