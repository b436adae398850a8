//! The review inbox and the reviewer's decisions on revisions: every pending item of
//! every kind (membership applications included) oldest first, the diff of a pending
//! revision against the live one, and approve / reject, dispatched to the item's context.

use chrono::NaiveDateTime;

use super::{certificates, enterprises_review, experts};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::{self, Actor, AuditEntry};
use crate::kernel::clock::SharedClock;
use crate::kernel::review::Decision;
use crate::kernel::revisions::diff::{self, Field, FieldDiff};
use crate::kernel::revisions::{self, RevisionKind, RevisionRow, RevisionStatus};

/// Rows per inbox page.
pub const PAGE_SIZE: i64 = 20;

/// What the inbox may be filtered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxKind {
    /// 会员申请 (join, position, resignation).
    Application,
    /// A reviewed item's revision.
    Revision(RevisionKind),
}

impl InboxKind {
    /// Every kind, in menu order.
    pub fn all() -> Vec<Self> {
        let mut out = vec![Self::Application];
        out.extend(RevisionKind::ALL.into_iter().map(Self::Revision));
        out
    }

    /// `application`, `expert`, `certificate`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Application => "application",
            Self::Revision(kind) => kind.as_str(),
        }
    }

    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Application => "会员申请",
            Self::Revision(kind) => kind.label(),
        }
    }

    /// Reads a name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::all().into_iter().find(|k| k.as_str() == text)
    }
}

/// One waiting item.
#[derive(Debug, Clone)]
pub struct InboxItem {
    /// Its kind.
    pub kind: InboxKind,
    /// The application's id, or the revision's.
    pub id: i64,
    /// What it is about: 入会申请 · company, or the expert's / certificate's title.
    pub title: String,
    /// 新提交 or 修改 (revisions); the application's kind label otherwise.
    pub detail: String,
    /// Who submitted it.
    pub submitter: String,
    /// When (UTC).
    pub submitted_at: NaiveDateTime,
    /// The review page.
    pub href: String,
}

/// A page of the inbox.
#[derive(Debug, Clone)]
pub struct Inbox {
    /// Oldest first.
    pub items: Vec<InboxItem>,
    /// Waiting items under the filter.
    pub total: i64,
    /// Waiting items per kind.
    pub counts: Vec<(InboxKind, i64)>,
}

fn application_items(
    conn: &mut DbConn,
    offset: i64,
    limit: i64,
) -> Result<Vec<InboxItem>, AppError> {
    let rows = crate::membership::queue::pending_oldest(conn, offset, limit)?;
    Ok(rows
        .into_iter()
        .map(|q| InboxItem {
            kind: InboxKind::Application,
            id: q.application.id,
            title: [q.application.company.clone(), q.application.reason.chars().take(30).collect()]
                .into_iter()
                .find(|s| !s.is_empty())
                .unwrap_or_default(),
            detail: q.application.kind_label.clone(),
            submitter: q.applicant,
            submitted_at: q.application.submitted_at,
            href: format!("/admin/applications/{}", q.application.id),
        })
        .collect())
}

fn revision_items(
    conn: &mut DbConn,
    kind: Option<RevisionKind>,
    offset: i64,
    limit: i64,
) -> Result<Vec<InboxItem>, AppError> {
    let rows = revisions::pending_page(conn, kind, offset, limit)?;
    let mut out = Vec::new();
    for rev in rows {
        let Some(kind) = rev.kind() else { continue };
        let (owner, live) = owner_and_live(conn, kind, rev.item_id)?;
        out.push(InboxItem {
            kind: InboxKind::Revision(kind),
            id: rev.id,
            title: rev.title.clone(),
            detail: if live.is_some() { "修改".into() } else { "新提交".into() },
            submitter: super::reviewed::owner_label(conn, rev.submitted_by_user_id.or(owner))?,
            submitted_at: rev.created_at,
            href: format!("/admin/reviews/{}", rev.id),
        });
    }
    Ok(out)
}

/// Waiting items per kind, and in all.
pub fn counts(conn: &mut DbConn) -> Result<Vec<(InboxKind, i64)>, AppError> {
    let mut out = vec![(InboxKind::Application, crate::membership::queue::pending_count_in(conn)?)];
    out.extend(
        revisions::pending_counts(conn)?.into_iter().map(|(k, n)| (InboxKind::Revision(k), n)),
    );
    Ok(out)
}

/// Waiting items per kind (the workbench counts them through `workbench::pending`).
pub async fn pending_counts(db: &Db) -> Result<Vec<(InboxKind, i64)>, AppError> {
    db.run(counts).await
}

/// One page (1-based) of the inbox, oldest first, optionally of one kind.
pub async fn inbox(db: &Db, kind: Option<InboxKind>, page: i64) -> Result<Inbox, AppError> {
    let offset = (page.clamp(1, 100_000) - 1) * PAGE_SIZE;
    db.run(move |conn| {
        let counts = counts(conn)?;
        let total =
            counts.iter().filter(|(k, _)| kind.is_none_or(|f| f == *k)).map(|(_, n)| n).sum();
        let items = match kind {
            Some(InboxKind::Application) => application_items(conn, offset, PAGE_SIZE)?,
            Some(InboxKind::Revision(k)) => revision_items(conn, Some(k), offset, PAGE_SIZE)?,
            None => {
                // Merge the two oldest-first lists: the first offset+size of each suffice.
                let mut all = application_items(conn, 0, offset + PAGE_SIZE)?;
                all.extend(revision_items(conn, None, 0, offset + PAGE_SIZE)?);
                all.sort_by_key(|i| i.submitted_at);
                all.into_iter()
                    .skip(usize::try_from(offset).unwrap_or(0))
                    .take(PAGE_SIZE as usize)
                    .collect()
            }
        };
        Ok(Inbox { items, total, counts })
    })
    .await
}

fn owner_and_live(
    conn: &mut DbConn,
    kind: RevisionKind,
    item_id: i64,
) -> Result<(Option<i64>, Option<Vec<Field>>), AppError> {
    match kind {
        RevisionKind::Expert => experts::live_review_fields(conn, item_id),
        RevisionKind::Certificate => certificates::live_review_fields(conn, item_id),
        RevisionKind::Listing => crate::marketplace::staff::live_review_fields(conn, item_id),
        RevisionKind::Enterprise => enterprises_review::live_review_fields(conn, item_id),
    }
}

fn fields_of(
    conn: &mut DbConn,
    kind: RevisionKind,
    rev: &RevisionRow,
) -> Result<Vec<Field>, AppError> {
    match kind {
        RevisionKind::Expert => experts::review_fields(rev),
        RevisionKind::Certificate => certificates::review_fields(rev),
        RevisionKind::Listing => crate::marketplace::staff::review_fields(conn, rev),
        RevisionKind::Enterprise => enterprises_review::review_fields(conn, rev),
    }
}

/// What the review page shows.
#[derive(Debug, Clone)]
pub struct ReviewDetail {
    /// The revision.
    pub revision: RevisionRow,
    /// Its kind.
    pub kind: RevisionKind,
    /// Who submitted it.
    pub submitter: String,
    /// Whether a live version exists (an edit) or not (a new item).
    pub is_edit: bool,
    /// Field by field, live beside this revision.
    pub diff: Vec<FieldDiff>,
    /// The deciding staff's name.
    pub reviewer: Option<String>,
}

/// The review page of revision `id`.
pub async fn detail(db: &Db, id: i64) -> Result<ReviewDetail, AppError> {
    db.run(move |conn| {
        let revision = revisions::find(conn, id)?.ok_or_else(|| AppError::not_found("修改"))?;
        let kind = revision.kind().ok_or_else(|| AppError::not_found("修改"))?;
        let (owner, live) = owner_and_live(conn, kind, revision.item_id)?;
        let pending = fields_of(conn, kind, &revision)?;
        let diff = diff::compare(live.as_deref(), &pending);
        let submitter =
            super::reviewed::owner_label(conn, revision.submitted_by_user_id.or(owner))?;
        let reviewer = match revision.reviewer_staff_id {
            Some(staff) => crate::accounts::find_staff(conn, staff)?.map(|s| s.display_name),
            None => None,
        };
        Ok(ReviewDetail { revision, kind, submitter, is_edit: live.is_some(), diff, reviewer })
    })
    .await
}

/// A reviewer's decision on revision `id`. The item is locked first, then the revision
/// is compared-and-set: of two reviewers exactly one wins (409 `already_decided` for
/// the other); an owner's newer edit or a deletion also makes it 409. Audited, and the
/// owner is notified.
pub async fn decide(
    db: &Db,
    clock: &SharedClock,
    reviewer: Actor,
    id: i64,
    decision: Decision,
    note: String,
) -> Result<RevisionRow, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let rev = revisions::find(conn, id)?.ok_or_else(|| AppError::not_found("修改"))?;
        let kind = rev.kind().ok_or_else(|| AppError::not_found("修改"))?;
        if rev.status() != RevisionStatus::Pending {
            return Err(revisions::already_decided(rev.status()));
        }
        // Item first, then revision: the order every writer of an item takes.
        let locked = match kind {
            RevisionKind::Expert => {
                experts::lock_for_review(conn, rev.item_id).map(|r| r.owner_user_id)
            }
            RevisionKind::Certificate => {
                certificates::lock_for_review(conn, rev.item_id).map(|r| r.owner_user_id)
            }
            RevisionKind::Listing => crate::marketplace::staff::lock_for_review(conn, rev.item_id)
                .map(|r| Some(r.owner_user_id)),
            RevisionKind::Enterprise => enterprises_review::lock_for_review(conn, rev.item_id)
                .map(|r| Some(r.owner_user_id)),
        };
        let owner = match locked {
            Err(AppError::NotFound(_)) => {
                return Err(revisions::already_decided(RevisionStatus::Discarded));
            }
            other => other?,
        };
        let decided = revisions::decide(conn, at, &rev, decision, &note, reviewer)?;
        if decision == Decision::Approve {
            match kind {
                RevisionKind::Expert => experts::make_live(conn, at, &decided)?,
                RevisionKind::Certificate => certificates::make_live(conn, at, &decided)?,
                RevisionKind::Listing => crate::marketplace::staff::make_live(conn, at, &decided)?,
                RevisionKind::Enterprise => enterprises_review::make_live(conn, at, &decided)?,
            }
        }
        record_and_notify(conn, at, reviewer, kind, &decided, owner, decision)?;
        Ok(decided)
    })
    .await
}

fn record_and_notify(
    conn: &mut DbConn,
    at: NaiveDateTime,
    reviewer: Actor,
    kind: RevisionKind,
    rev: &RevisionRow,
    owner: Option<i64>,
    decision: Decision,
) -> Result<(), AppError> {
    let action = format!("{}.{}", kind.as_str(), decision.as_str());
    let subject_type = kind.table();
    let entry = AuditEntry {
        actor: reviewer,
        action: &action,
        subject_type,
        subject_id: Some(rev.item_id),
        ip: None,
    };
    let details = serde_json::json!({"revision_id": rev.id, "note": rev.decision_note});
    audit::record(conn, at, &entry, &details)?;
    let Some(user) = rev.submitted_by_user_id.or(owner) else { return Ok(()) };
    let payload = serde_json::json!({
        "kind": kind.label(),
        "item_id": rev.item_id,
        "title": rev.title,
        "status": rev.status().label(),
        "note": rev.decision_note,
    });
    let mut body = format!("您提交的{}「{}」{}", kind.label(), rev.title, rev.status().label());
    if !rev.decision_note.is_empty() {
        body.push_str(&format!("：{}", rev.decision_note));
    }
    let notice =
        crate::notices::Notice { kind: crate::notices::NoticeKind::ReviewDecided, body, payload };
    crate::notices::send(conn, at, user, &notice)
}
