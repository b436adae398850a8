//! Certificate use cases for members and the public: members submit, edit, withdraw and
//! delete their certificates (reviewed, edit-while-live) and choose which show on their
//! card; anyone signed in lists live ones; `/v/{code}` verifies one.

use chrono::{NaiveDate, NaiveDateTime};
use rand::Rng as _;
use serde::Serialize;

use super::certificates_model::{
    CertificateFields, CertificateRow, CertificateStatus, CertificateView,
};
use super::certificates_store::{self as store, CertificateFilter, NewCertificateRow, OwnerFilter};
use super::reviewed::{self, ImageOwner};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::Actor;
use crate::kernel::clock::{SharedClock, serialize_utc};
use crate::kernel::revisions::{self, Draft, ReviewState, RevisionKind, RevisionRow};

/// The revision kind of certificates.
pub const KIND: RevisionKind = RevisionKind::Certificate;

/// List page size.
pub const PAGE_SIZE: i64 = 20;

/// The association's date now.
pub fn today(clock: &SharedClock, tz: chrono_tz::Tz) -> NaiveDate {
    clock.now().with_timezone(&tz).date_naive()
}

/// A member's own certificate, with where its review stands.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyCertificateView {
    /// Id.
    pub id: i64,
    /// Review state (e.g. 修改审核中, or 已驳回 with the reviewer's note).
    pub review: ReviewState,
    /// What others see now (null until approved).
    pub live: Option<CertificateView>,
    /// The newest submission that is not live: pending, rejected or withdrawn.
    pub submitted: Option<CertificateView>,
    /// Shown on the member's card.
    pub show_on_card: bool,
    /// Valid, expired or revoked (null until approved).
    pub status: Option<CertificateStatus>,
    /// Why staff revoked it.
    pub revoke_reason: String,
    /// The public verification page (null until approved).
    pub verify_url: Option<String>,
    /// Last change (UTC).
    #[serde(serialize_with = "serialize_utc")]
    pub updated_at: NaiveDateTime,
}

/// A live certificate as anyone signed in sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicCertificate {
    /// Id.
    pub id: i64,
    /// `association` (协会荣誉) or `member` (会员荣誉).
    pub owner: &'static str,
    /// The approved fields.
    #[serde(flatten)]
    pub certificate: CertificateView,
    /// Valid or expired (revoked ones are not listed).
    pub status: CertificateStatus,
    /// The public verification page.
    pub verify_url: Option<String>,
}

/// One page of certificates.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CertificatePage {
    /// Newest first.
    pub items: Vec<PublicCertificate>,
    /// Matching certificates in all pages.
    pub total: i64,
    /// This page (1-based).
    pub page: i64,
    /// Page size.
    pub page_size: i64,
}

/// Where a verification code points.
pub fn verify_url(base_url: &str, code: &str) -> String {
    format!("{}/v/{code}", base_url.trim_end_matches('/'))
}

/// A new verification code: 12 characters without look-alikes (0/O, 1/I), ~60 bits.
pub fn new_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..12).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect()
}

/// Writes an audit row about certificate `id`.
pub fn audit_certificate(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    action: &str,
    id: i64,
    details: &serde_json::Value,
) -> Result<(), AppError> {
    revisions::owner::audit(conn, at, actor, KIND, action, id, details)
}

fn my_view(
    conn: &mut DbConn,
    row: &CertificateRow,
    today: NaiveDate,
    base_url: &str,
) -> Result<MyCertificateView, AppError> {
    let (review, newest) = revisions::owner_state(conn, KIND, row.id, row.live_revision_id)?;
    let submitted = match newest {
        Some(rev) => Some(CertificateView::from(rev.content::<CertificateFields>()?)),
        None => None,
    };
    let live = row.live_fields()?;
    Ok(MyCertificateView {
        id: row.id,
        review,
        status: live.as_ref().map(|f| row.status(f, today)),
        live: live.map(CertificateView::from),
        submitted,
        show_on_card: row.show_on_card,
        revoke_reason: row.revoke_reason.clone(),
        verify_url: row.verify_code.as_deref().map(|c| verify_url(base_url, c)),
        updated_at: row.updated_at,
    })
}

fn owned(conn: &mut DbConn, user_id: i64, id: i64) -> Result<CertificateRow, AppError> {
    match store::lock(conn, id)? {
        Some(row) if row.owner_user_id == Some(user_id) => Ok(row),
        _ => Err(AppError::not_found("证书")),
    }
}

fn kept_images(conn: &mut DbConn, row: &CertificateRow) -> Result<Vec<i64>, AppError> {
    let live = row.live_fields()?;
    revisions::owner::kept_images(conn, KIND, row.id, live, |f: CertificateFields| f.image_file_ids)
}

/// Who submits, and when: the member, the association's date, the public base URL.
#[derive(Debug, Clone)]
pub struct MemberCtx {
    /// The member's user id.
    pub user_id: i64,
    /// The association's date.
    pub today: NaiveDate,
    /// For verification links.
    pub base_url: String,
}

fn check_member_fields(
    conn: &mut DbConn,
    ctx: &MemberCtx,
    input: CertificateFields,
    kept: &[i64],
) -> Result<CertificateFields, AppError> {
    reviewed::require_active_member(conn, ctx.user_id)?;
    let fields = input.validated(ctx.today, true)?;
    let owner = ImageOwner::User(ctx.user_id, kept);
    let errors = reviewed::check_images(conn, "image_file_ids", &fields.image_file_ids, owner)?;
    reviewed::fail_on(errors)?;
    Ok(fields)
}

fn submit_draft(
    conn: &mut DbConn,
    at: NaiveDateTime,
    user_id: i64,
    id: i64,
    fields: &CertificateFields,
) -> Result<(), AppError> {
    let draft = Draft { kind: KIND, item_id: id, title: &fields.title, content: fields };
    revisions::owner::submit(conn, at, user_id, &draft)?;
    Ok(())
}

/// A member submits a certificate; it waits for review.
pub async fn submit_new(
    db: &Db,
    clock: &SharedClock,
    ctx: MemberCtx,
    input: CertificateFields,
) -> Result<MyCertificateView, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let fields = check_member_fields(conn, &ctx, input, &[])?;
        let new = NewCertificateRow {
            owner_user_id: Some(ctx.user_id),
            created_by_staff_id: None,
            created_at: at,
            updated_at: at,
        };
        let row = store::insert(conn, &new)?;
        submit_draft(conn, at, ctx.user_id, row.id, &fields)?;
        my_view(conn, &row, ctx.today, &ctx.base_url)
    })
    .await
}

/// A member edits a certificate: pending while the live one stays shown.
pub async fn submit_edit(
    db: &Db,
    clock: &SharedClock,
    ctx: MemberCtx,
    id: i64,
    input: CertificateFields,
) -> Result<MyCertificateView, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let row = owned(conn, ctx.user_id, id)?;
        let kept = kept_images(conn, &row)?;
        let fields = check_member_fields(conn, &ctx, input, &kept)?;
        submit_draft(conn, at, ctx.user_id, id, &fields)?;
        my_view(conn, &row, ctx.today, &ctx.base_url)
    })
    .await
}

/// The owner takes back the pending revision.
pub async fn withdraw(
    db: &Db,
    clock: &SharedClock,
    ctx: MemberCtx,
    id: i64,
) -> Result<MyCertificateView, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let row = owned(conn, ctx.user_id, id)?;
        revisions::owner::withdraw(conn, at, ctx.user_id, KIND, id)?;
        my_view(conn, &row, ctx.today, &ctx.base_url)
    })
    .await
}

/// Deletes a certificate and voids its pending revision (deletion wins).
pub fn delete_locked(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    id: i64,
) -> Result<(), AppError> {
    revisions::discard_pending(conn, at, KIND, id)?;
    store::mark_deleted(conn, id, at)?;
    audit_certificate(conn, at, actor, "certificate.delete", id, &().into())
}

/// The owner deletes a certificate.
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

/// The owner shows or hides a certificate on their card (no review needed).
pub async fn set_show_on_card(
    db: &Db,
    ctx: MemberCtx,
    id: i64,
    show: bool,
) -> Result<MyCertificateView, AppError> {
    db.write(move |conn| {
        let row = owned(conn, ctx.user_id, id)?;
        store::set_show_on_card(conn, id, show)?;
        let row = CertificateRow { show_on_card: show, ..row };
        my_view(conn, &row, ctx.today, &ctx.base_url)
    })
    .await
}

/// A member's certificates, newest first.
pub async fn mine(db: &Db, ctx: MemberCtx) -> Result<Vec<MyCertificateView>, AppError> {
    db.run(move |conn| {
        let rows = store::of_owner(conn, ctx.user_id)?;
        rows.iter().map(|row| my_view(conn, row, ctx.today, &ctx.base_url)).collect()
    })
    .await
}

/// One of the member's certificates (someone else's is 404).
pub async fn one_of_mine(db: &Db, ctx: MemberCtx, id: i64) -> Result<MyCertificateView, AppError> {
    db.run(move |conn| match store::by_id(conn, id)? {
        Some(row) if row.owner_user_id == Some(ctx.user_id) => {
            my_view(conn, &row, ctx.today, &ctx.base_url)
        }
        _ => Err(AppError::not_found("证书")),
    })
    .await
}

fn public(
    row: &CertificateRow,
    today: NaiveDate,
    base_url: &str,
) -> Result<Option<PublicCertificate>, AppError> {
    Ok(row.live_fields()?.map(|f| PublicCertificate {
        id: row.id,
        owner: if row.owner_user_id.is_some() { "member" } else { "association" },
        status: row.status(&f, today),
        certificate: CertificateView::from(f),
        verify_url: row.verify_code.as_deref().map(|c| verify_url(base_url, c)),
    }))
}

fn load_public(
    conn: &mut DbConn,
    filter: &CertificateFilter,
    offset: i64,
    today: NaiveDate,
    base_url: &str,
) -> Result<Vec<PublicCertificate>, AppError> {
    let mut items = Vec::new();
    for row in store::page(conn, filter, offset, PAGE_SIZE)? {
        items.extend(public(&row, today, base_url)?);
    }
    Ok(items)
}

/// One page (1-based) of live certificates: the association's, members' (active
/// members only) or both; revoked ones are left out.
pub async fn list(
    db: &Db,
    owner: OwnerFilter,
    page: i64,
    today: NaiveDate,
    base_url: String,
) -> Result<CertificatePage, AppError> {
    let page = page.clamp(1, 100_000);
    let filter = CertificateFilter { owner, public: true, card_of: None };
    db.run(move |conn| {
        let items = load_public(conn, &filter, (page - 1) * PAGE_SIZE, today, &base_url)?;
        let total = store::count(conn, &filter)?;
        Ok(CertificatePage { items, total, page, page_size: PAGE_SIZE })
    })
    .await
}

/// One live certificate (404 unless lists show it).
pub async fn public_one(
    db: &Db,
    id: i64,
    today: NaiveDate,
    base_url: String,
) -> Result<PublicCertificate, AppError> {
    db.run(move |conn| {
        let row = store::by_id(conn, id)?.ok_or_else(|| AppError::not_found("证书"))?;
        let visible = row.revoked_at.is_none()
            && match row.owner_user_id {
                None => true,
                Some(user) => crate::membership::is_active_member(conn, user)?,
            };
        match public(&row, today, &base_url)? {
            Some(view) if visible => Ok(view),
            _ => Err(AppError::not_found("证书")),
        }
    })
    .await
}

/// The certificates member `user_id` marked for their card (for the card page).
pub async fn for_card(
    db: &Db,
    user_id: i64,
    today: NaiveDate,
    base_url: String,
) -> Result<Vec<PublicCertificate>, AppError> {
    db.run(move |conn| for_card_in(conn, user_id, today, &base_url)).await
}

/// The certificates `user_id` marked for the card, inside the caller's connection.
pub fn for_card_in(
    conn: &mut DbConn,
    user_id: i64,
    today: NaiveDate,
    base_url: &str,
) -> Result<Vec<PublicCertificate>, AppError> {
    let filter =
        CertificateFilter { owner: OwnerFilter::Members, public: true, card_of: Some(user_id) };
    load_public(conn, &filter, 0, today, base_url)
}

/// Locks a certificate for a reviewer's decision (404 when it was deleted).
pub fn lock_for_review(conn: &mut DbConn, id: i64) -> Result<CertificateRow, AppError> {
    store::lock(conn, id)?.ok_or_else(|| AppError::not_found("证书"))
}

/// Makes an approved revision live (a first approval gives the verification code).
pub fn make_live(conn: &mut DbConn, at: NaiveDateTime, rev: &RevisionRow) -> Result<(), AppError> {
    let fields: CertificateFields = rev.content()?;
    store::set_live(conn, rev.item_id, rev.id, &rev.snapshot, &fields.title, &new_code(), at)?;
    Ok(())
}

/// The reviewer's fields of a revision's snapshot.
pub fn review_fields(rev: &RevisionRow) -> Result<Vec<revisions::diff::Field>, AppError> {
    Ok(rev.content::<CertificateFields>()?.review_fields())
}

/// The owner and live fields of a certificate, for the reviewer's diff.
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
