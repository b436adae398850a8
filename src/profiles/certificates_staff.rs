//! Certificates in the workbench: staff publish the association's honours directly,
//! browse every certificate with its review state, revoke one with a reason, delete.

use chrono::{NaiveDate, NaiveDateTime};

use super::certificates::{self, KIND, audit_certificate};
use super::certificates_model::{CertificateFields, CertificateRow, CertificateStatus};
use super::certificates_store::{self as store, CertificateFilter, NewCertificateRow, OwnerFilter};
use super::reviewed::{self, ImageOwner};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::Actor;
use crate::kernel::clock::SharedClock;
use crate::kernel::revisions::{self, Draft, ReviewState};

/// Rows per workbench page.
pub const PAGE_SIZE: i64 = 20;

/// A certificate as the workbench shows it.
#[derive(Debug, Clone)]
pub struct StaffCertificate {
    /// Id.
    pub id: i64,
    /// Live fields, or the pending ones of a new certificate.
    pub fields: Option<CertificateFields>,
    /// 协会, or the member's name and number.
    pub owner: String,
    /// Whether it is an association honour.
    pub is_association: bool,
    /// Review state.
    pub review: ReviewState,
    /// The pending revision, for the review link.
    pub pending_revision_id: Option<i64>,
    /// Valid, expired or revoked (None until approved).
    pub status: Option<CertificateStatus>,
    /// Verification code.
    pub verify_code: Option<String>,
    /// Revocation reason.
    pub revoke_reason: String,
    /// Shown on the member's card.
    pub show_on_card: bool,
    /// Last change (UTC).
    pub updated_at: NaiveDateTime,
}

/// A page of the workbench list.
#[derive(Debug, Clone)]
pub struct StaffCertificatePage {
    /// Rows.
    pub items: Vec<StaffCertificate>,
    /// Matching rows.
    pub total: i64,
}

fn staff_view(
    conn: &mut DbConn,
    row: &CertificateRow,
    today: NaiveDate,
) -> Result<StaffCertificate, AppError> {
    let (review, _) = revisions::owner_state(conn, KIND, row.id, row.live_revision_id)?;
    let pending = revisions::pending_of(conn, KIND, row.id)?;
    let live = row.live_fields()?;
    let status = live.as_ref().map(|f| row.status(f, today));
    let fields = match (live, &pending) {
        (Some(live), _) => Some(live),
        (None, Some(rev)) => Some(rev.content()?),
        (None, None) => None,
    };
    Ok(StaffCertificate {
        id: row.id,
        fields,
        owner: reviewed::owner_label(conn, row.owner_user_id)?,
        is_association: row.owner_user_id.is_none(),
        review,
        pending_revision_id: pending.map(|r| r.id),
        status,
        verify_code: row.verify_code.clone(),
        revoke_reason: row.revoke_reason.clone(),
        show_on_card: row.show_on_card,
        updated_at: row.updated_at,
    })
}

/// One page (1-based) of every certificate, newest first.
pub async fn list(
    db: &Db,
    owner: OwnerFilter,
    page: i64,
    today: NaiveDate,
) -> Result<StaffCertificatePage, AppError> {
    let offset = (page.clamp(1, 100_000) - 1) * PAGE_SIZE;
    let filter = CertificateFilter { owner, public: false, card_of: None };
    db.run(move |conn| {
        let rows = store::page(conn, &filter, offset, PAGE_SIZE)?;
        let total = store::count(conn, &filter)?;
        let items = rows.iter().map(|r| staff_view(conn, r, today)).collect::<Result<_, _>>()?;
        Ok(StaffCertificatePage { items, total })
    })
    .await
}

/// One certificate.
pub async fn detail(db: &Db, id: i64, today: NaiveDate) -> Result<StaffCertificate, AppError> {
    db.run(move |conn| {
        let row = store::by_id(conn, id)?.ok_or_else(|| AppError::not_found("证书"))?;
        staff_view(conn, &row, today)
    })
    .await
}

/// Staff publish an association honour (协会荣誉): live at once, with its code.
pub async fn publish_honour(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    today: NaiveDate,
    input: CertificateFields,
) -> Result<i64, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let fields = input.validated(today, false)?;
        let ids = &fields.image_file_ids;
        reviewed::fail_on(reviewed::check_images(conn, "image_file_ids", ids, ImageOwner::Staff)?)?;
        let new = NewCertificateRow {
            owner_user_id: None,
            created_by_staff_id: Some(staff_id),
            created_at: at,
            updated_at: at,
        };
        let row = store::insert(conn, &new)?;
        let draft = Draft { kind: KIND, item_id: row.id, title: &fields.title, content: &fields };
        let rev = revisions::publish(conn, at, &draft, staff_id)?;
        certificates::make_live(conn, at, &rev)?;
        let details = serde_json::json!({"revision_id": rev.id});
        audit_certificate(
            conn,
            at,
            Actor::Staff(staff_id),
            "certificate.publish",
            row.id,
            &details,
        )?;
        Ok(row.id)
    })
    .await
}

/// Staff revoke a certificate with a reason; the verification page then says so and
/// lists leave it out. Revoking twice is 409 `already_revoked`. The owner is notified.
pub async fn revoke(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    reason: String,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    let reason = reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::field("reason", "请填写撤销原因（不超过 200 字）"));
    }
    db.write(move |conn| {
        let row = certificates::lock_for_review(conn, id)?;
        if row.live_revision_id.is_none() {
            return Err(AppError::Conflict {
                code: "not_published",
                message: "证书尚未通过审核，无需撤销".into(),
            });
        }
        if store::revoke(conn, id, &reason, staff_id, at)? == 0 {
            return Err(AppError::Conflict {
                code: "already_revoked",
                message: "证书已撤销".into(),
            });
        }
        let details = serde_json::json!({"reason": reason});
        audit_certificate(conn, at, Actor::Staff(staff_id), "certificate.revoke", id, &details)?;
        let Some(user) = row.owner_user_id else { return Ok(()) };
        let payload =
            serde_json::json!({"certificate_id": id, "title": row.title, "reason": reason});
        let notice = crate::notices::Notice {
            kind: crate::notices::NoticeKind::CertificateRevoked,
            body: format!("您的证书「{}」已被撤销：{reason}", row.title),
            payload,
        };
        crate::notices::send(conn, at, user, &notice)
    })
    .await
}

/// Staff delete a certificate (its pending revision is voided).
pub async fn delete(db: &Db, clock: &SharedClock, staff_id: i64, id: i64) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        certificates::lock_for_review(conn, id)?;
        certificates::delete_locked(conn, at, Actor::Staff(staff_id), id)
    })
    .await
}

/// What the public verification page shows.
#[derive(Debug, Clone)]
pub struct Verification {
    /// The recorded fields.
    pub fields: CertificateFields,
    /// Valid, expired or revoked.
    pub status: CertificateStatus,
    /// Why it was revoked.
    pub revoke_reason: String,
    /// 协会荣誉 or 会员荣誉.
    pub is_association: bool,
    /// When it was approved / last changed (UTC).
    pub recorded_at: NaiveDateTime,
}

/// The certificate with verification code `code`, as the association recorded it;
/// None for an unknown code or a deleted certificate.
pub async fn verify(
    db: &Db,
    code: String,
    today: NaiveDate,
) -> Result<Option<Verification>, AppError> {
    let code = code.trim().to_uppercase();
    if code.is_empty() || code.len() > 32 {
        return Ok(None);
    }
    db.run(move |conn| {
        let Some(row) = store::by_code(conn, &code)? else { return Ok(None) };
        if row.deleted_at.is_some() {
            return Ok(None);
        }
        let Some(fields) = row.live_fields()? else { return Ok(None) };
        Ok(Some(Verification {
            status: row.status(&fields, today),
            fields,
            revoke_reason: row.revoke_reason.clone(),
            is_association: row.owner_user_id.is_none(),
            recorded_at: row.updated_at,
        }))
    })
    .await
}
