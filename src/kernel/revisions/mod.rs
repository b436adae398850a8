//! Edit-while-live review: one mechanism for everything reviewed after publication
//! (experts, certificates, listings; enterprises when the association turns review on). An item has at most one live
//! (approved) revision and at most one pending revision; each revision is a JSON
//! snapshot of the item's typed fields. These are the steps a context's use case runs
//! inside its own transaction; the context copies an approved snapshot into its item.
//!
//! Races: every decision compares-and-sets `status = 'pending'`, so of two reviewers
//! exactly one wins (409 for the other), and an owner's edit supersedes the pending
//! revision instead of changing it — a reviewer never approves what they did not see,
//! and the owner never loses an edit (it simply stays pending).

pub mod diff;
pub mod owner;
pub mod store;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::db::DbConn;
use crate::db::schema::revisions;
use crate::error::AppError;
use crate::kernel::review::{self, Decision};
use store::NewRevisionRow;

/// What kind of item a revision belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevisionKind {
    /// 专家信息.
    Expert,
    /// 荣誉证书.
    Certificate,
    /// 供需信息.
    Listing,
    /// 企业风采 (reviewed only while the association setting says so).
    Enterprise,
}

impl RevisionKind {
    /// Every kind, in inbox order.
    pub const ALL: [Self; 4] = [Self::Expert, Self::Certificate, Self::Listing, Self::Enterprise];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expert => "expert",
            Self::Certificate => "certificate",
            Self::Listing => "listing",
            Self::Enterprise => "enterprise",
        }
    }

    /// The items' table: the audit log's subject type.
    pub fn table(self) -> &'static str {
        match self {
            Self::Expert => "experts",
            Self::Certificate => "certificates",
            Self::Listing => "listings",
            Self::Enterprise => "enterprises",
        }
    }

    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Expert => "专家信息",
            Self::Certificate => "荣誉证书",
            Self::Listing => "供需信息",
            Self::Enterprise => "企业风采",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Where a revision stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevisionStatus {
    /// 待审核.
    Pending,
    /// 已通过 (the live one is the newest approved).
    Approved,
    /// 已驳回.
    Rejected,
    /// 已撤回 by the owner.
    Withdrawn,
    /// 已被新的修改取代: the owner edited again before a decision.
    Superseded,
    /// 已随删除作废: the item was deleted while this was pending.
    Discarded,
}

impl RevisionStatus {
    /// Every status.
    pub const ALL: [Self; 6] = [
        Self::Pending,
        Self::Approved,
        Self::Rejected,
        Self::Withdrawn,
        Self::Superseded,
        Self::Discarded,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
            Self::Superseded => "superseded",
            Self::Discarded => "discarded",
        }
    }

    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "待审核",
            Self::Approved => "已通过",
            Self::Rejected => "已驳回",
            Self::Withdrawn => "已撤回",
            Self::Superseded => "已被新的修改取代",
            Self::Discarded => "已随删除作废",
        }
    }

    /// Reads a stored name (unknown → discarded, never shown as live).
    pub fn parse(text: &str) -> Self {
        Self::ALL.into_iter().find(|s| s.as_str() == text).unwrap_or(Self::Discarded)
    }
}

/// A stored revision.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = revisions)]
pub struct RevisionRow {
    /// Id.
    pub id: i64,
    /// [`RevisionKind`] name.
    pub kind: String,
    /// The item's id in its own table.
    pub item_id: i64,
    /// [`RevisionStatus`] name.
    pub status: String,
    /// `kind:item` while pending.
    pub open_key: Option<String>,
    /// What the inbox shows (e.g. the expert's name).
    pub title: String,
    /// The item's fields as JSON.
    pub snapshot: String,
    /// Submitting user.
    pub submitted_by_user_id: Option<i64>,
    /// Submitting staff.
    pub submitted_by_staff_id: Option<i64>,
    /// Note to the owner.
    pub decision_note: String,
    /// Deciding staff.
    pub reviewer_staff_id: Option<i64>,
    /// When decided.
    pub decided_at: Option<NaiveDateTime>,
    /// Submitted.
    pub created_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

impl RevisionRow {
    /// Its status.
    pub fn status(&self) -> RevisionStatus {
        RevisionStatus::parse(&self.status)
    }

    /// Its kind (None for a kind this build does not know).
    pub fn kind(&self) -> Option<RevisionKind> {
        RevisionKind::parse(&self.kind)
    }

    /// The snapshot as the context's type.
    pub fn content<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        serde_json::from_str(&self.snapshot).map_err(AppError::internal)
    }
}

/// Who submitted a revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitter {
    /// The owning member.
    User(i64),
    /// Staff (their revisions are approved at once).
    Staff(i64),
}

fn open_key(kind: RevisionKind, item_id: i64) -> String {
    format!("{}:{item_id}", kind.as_str())
}

/// A version of an item, ready to be stored as a revision.
#[derive(Debug, Clone, Copy)]
pub struct Draft<'a, T: Serialize> {
    /// Kind.
    pub kind: RevisionKind,
    /// The item's id.
    pub item_id: i64,
    /// What the inbox shows.
    pub title: &'a str,
    /// The item's fields.
    pub content: &'a T,
}

fn insert<T: Serialize>(
    conn: &mut DbConn,
    at: NaiveDateTime,
    draft: &Draft<'_, T>,
    by: Submitter,
    status: RevisionStatus,
) -> Result<RevisionRow, AppError> {
    let snapshot = serde_json::to_string(draft.content).map_err(AppError::internal)?;
    let (user, staff) = match by {
        Submitter::User(id) => (Some(id), None),
        Submitter::Staff(id) => (None, Some(id)),
    };
    let approved = status == RevisionStatus::Approved;
    let new = NewRevisionRow {
        kind: draft.kind.as_str(),
        item_id: draft.item_id,
        status: status.as_str(),
        open_key: (status == RevisionStatus::Pending).then(|| open_key(draft.kind, draft.item_id)),
        title: draft.title,
        snapshot: &snapshot,
        submitted_by_user_id: user,
        submitted_by_staff_id: staff,
        reviewer_staff_id: if approved { staff } else { None },
        decided_at: approved.then_some(at),
        created_at: at,
        updated_at: at,
    };
    store::insert(conn, &new).map_err(|e| {
        if crate::db::is_unique_violation(&e) { pending_exists() } else { AppError::from(e) }
    })
}

fn pending_exists() -> AppError {
    AppError::Conflict {
        code: "revision_pending",
        message: "已有一份修改在审核中，请稍后再试".into(),
    }
}

/// Submits `content` for review as the item's pending revision. A pending revision the
/// owner submitted before is superseded (never changed in place). The caller holds the
/// item's row lock, so two edits of one item queue up.
pub fn submit<T: Serialize>(
    conn: &mut DbConn,
    at: NaiveDateTime,
    draft: &Draft<'_, T>,
    by: Submitter,
) -> Result<RevisionRow, AppError> {
    let (kind, item) = (draft.kind.as_str(), draft.item_id);
    store::close_pending(conn, kind, item, RevisionStatus::Superseded, at)?;
    insert(conn, at, draft, by, RevisionStatus::Pending)
}

/// Records `content` as approved at once (staff publishing); a member's pending
/// revision stays pending and is compared with this one.
pub fn publish<T: Serialize>(
    conn: &mut DbConn,
    at: NaiveDateTime,
    draft: &Draft<'_, T>,
    staff_id: i64,
) -> Result<RevisionRow, AppError> {
    insert(conn, at, draft, Submitter::Staff(staff_id), RevisionStatus::Approved)
}

/// Records the owner's `content` as approved without review (the kind is not reviewed
/// now, e.g. enterprises while the association's setting is off). A pending revision
/// from when review was on is superseded: the owner's newer version wins.
pub fn accept_unreviewed<T: Serialize>(
    conn: &mut DbConn,
    at: NaiveDateTime,
    draft: &Draft<'_, T>,
    user_id: i64,
) -> Result<RevisionRow, AppError> {
    let (kind, item) = (draft.kind.as_str(), draft.item_id);
    store::close_pending(conn, kind, item, RevisionStatus::Superseded, at)?;
    insert(conn, at, draft, Submitter::User(user_id), RevisionStatus::Approved)
}

/// The 409 for a revision that is no longer pending.
pub fn already_decided(current: RevisionStatus) -> AppError {
    AppError::Conflict {
        code: "already_decided",
        message: format!("该修改已处理（{}），不能重复操作", current.label()),
    }
}

/// Decides pending revision `id` of `kind`: compare-and-set on its status, so of two
/// reviewers (or a reviewer and the owner's newer edit or deletion) exactly one wins.
/// Returns the decided revision; the caller makes an approved one live.
pub fn decide(
    conn: &mut DbConn,
    at: NaiveDateTime,
    row: &RevisionRow,
    decision: Decision,
    note: &str,
    reviewer: crate::kernel::audit::Actor,
) -> Result<RevisionRow, AppError> {
    if row.status() != RevisionStatus::Pending {
        return Err(already_decided(row.status()));
    }
    let record = review::decide(review::ReviewStatus::Pending, decision, note, reviewer, at)?;
    let status = match decision {
        Decision::Approve => RevisionStatus::Approved,
        Decision::Reject => RevisionStatus::Rejected,
    };
    if store::record_decision(conn, row.id, status, &record.note, reviewer.staff_id(), at)? == 0 {
        let now = store::by_id(conn, row.id)?.map_or(RevisionStatus::Discarded, |r| r.status());
        return Err(already_decided(now));
    }
    store::by_id(conn, row.id)?.ok_or_else(|| AppError::not_found("修改"))
}

/// The owner takes back the item's pending revision; 409 `nothing_pending` when there
/// is none (it was decided meanwhile).
pub fn withdraw(
    conn: &mut DbConn,
    at: NaiveDateTime,
    kind: RevisionKind,
    item_id: i64,
) -> Result<(), AppError> {
    if store::close_pending(conn, kind.as_str(), item_id, RevisionStatus::Withdrawn, at)? == 0 {
        return Err(AppError::Conflict {
            code: "nothing_pending",
            message: "没有审核中的修改（可能刚刚已被处理）".into(),
        });
    }
    Ok(())
}

/// The item is being deleted: its pending revision is void (deletion wins).
pub fn discard_pending(
    conn: &mut DbConn,
    at: NaiveDateTime,
    kind: RevisionKind,
    item_id: i64,
) -> Result<(), AppError> {
    store::close_pending(conn, kind.as_str(), item_id, RevisionStatus::Discarded, at)?;
    Ok(())
}

/// The item's pending revision.
pub fn pending_of(
    conn: &mut DbConn,
    kind: RevisionKind,
    item_id: i64,
) -> Result<Option<RevisionRow>, AppError> {
    Ok(store::pending_of(conn, kind.as_str(), item_id)?)
}

/// One revision.
pub fn find(conn: &mut DbConn, id: i64) -> Result<Option<RevisionRow>, AppError> {
    Ok(store::by_id(conn, id)?)
}

/// What the owner sees about an item's review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReviewState {
    /// `published`, `pending` (new, waiting), `editing` (live, an edit waits),
    /// `rejected` (the newest submission was rejected), `withdrawn` (new, taken back).
    pub state: &'static str,
    /// zh-CN: 已发布, 待审核, 修改审核中, 已驳回, 修改未通过, 已撤回.
    pub label: &'static str,
    /// The reviewer's note on a rejection.
    pub note: String,
}

/// The owner's view of an item's review, and the submission it is about (pending,
/// rejected, or a withdrawn new item; None when only the live version counts).
pub fn owner_state(
    conn: &mut DbConn,
    kind: RevisionKind,
    item_id: i64,
    live_revision_id: Option<i64>,
) -> Result<(ReviewState, Option<RevisionRow>), AppError> {
    owner_state_of(conn, kind, item_id, live_revision_id, live_revision_id.is_some())
}

/// [`owner_state`] for an item that can be live without a live revision (`has_live`:
/// enterprises published before review existed).
pub fn owner_state_of(
    conn: &mut DbConn,
    kind: RevisionKind,
    item_id: i64,
    live_revision_id: Option<i64>,
    has_live: bool,
) -> Result<(ReviewState, Option<RevisionRow>), AppError> {
    let newest = store::newest_after(conn, kind.as_str(), item_id, live_revision_id.unwrap_or(0))?;
    let state = state_of(has_live, newest.as_ref());
    // A withdrawn edit of a live item is history; the owner sees only the live one.
    let newest = if state.state == "published" { None } else { newest };
    Ok((state, newest))
}

/// The owner's state from whether a live revision exists and the newest one after it.
pub fn state_of(has_live: bool, newest: Option<&RevisionRow>) -> ReviewState {
    let status = newest.map(RevisionRow::status);
    let note = newest.map(|r| r.decision_note.clone()).unwrap_or_default();
    let (state, label) = match (status, has_live) {
        (Some(RevisionStatus::Pending), false) => ("pending", "待审核"),
        (Some(RevisionStatus::Pending), true) => ("editing", "修改审核中"),
        (Some(RevisionStatus::Rejected), false) => ("rejected", "已驳回"),
        (Some(RevisionStatus::Rejected), true) => ("rejected", "修改未通过"),
        (_, true) => ("published", "已发布"),
        (_, false) => ("withdrawn", "已撤回"),
    };
    let note = if state == "rejected" { note } else { String::new() };
    ReviewState { state, label, note }
}

/// Pending revisions, oldest first, optionally of one kind.
pub fn pending_page(
    conn: &mut DbConn,
    kind: Option<RevisionKind>,
    offset: i64,
    limit: i64,
) -> Result<Vec<RevisionRow>, AppError> {
    Ok(store::pending_page(conn, kind.map(RevisionKind::as_str), offset, limit)?)
}

/// Pending revisions per kind, in [`RevisionKind::ALL`] order.
pub fn pending_counts(conn: &mut DbConn) -> Result<Vec<(RevisionKind, i64)>, AppError> {
    let stored = store::pending_counts(conn)?;
    Ok(RevisionKind::ALL
        .into_iter()
        .map(|k| (k, stored.iter().find(|(s, _)| s == k.as_str()).map_or(0, |(_, n)| *n)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: RevisionStatus, note: &str) -> RevisionRow {
        let at = chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap().naive_utc();
        RevisionRow {
            id: 2,
            kind: "expert".into(),
            item_id: 1,
            status: status.as_str().into(),
            open_key: None,
            title: String::new(),
            snapshot: "{}".into(),
            submitted_by_user_id: Some(1),
            submitted_by_staff_id: None,
            decision_note: note.into(),
            reviewer_staff_id: None,
            decided_at: None,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn the_owner_sees_where_the_item_stands() {
        let pending = row(RevisionStatus::Pending, "");
        assert_eq!(state_of(false, Some(&pending)).label, "待审核");
        assert_eq!(state_of(true, Some(&pending)).label, "修改审核中");
        let rejected = row(RevisionStatus::Rejected, "照片不清晰");
        let state = state_of(true, Some(&rejected));
        assert_eq!((state.state, state.note.as_str()), ("rejected", "照片不清晰"));
        assert_eq!(state_of(true, None).state, "published");
        assert_eq!(state_of(false, Some(&row(RevisionStatus::Withdrawn, ""))).state, "withdrawn");
    }

    #[test]
    fn names_round_trip() {
        for s in RevisionStatus::ALL {
            assert_eq!(RevisionStatus::parse(s.as_str()), s);
        }
        for k in RevisionKind::ALL {
            assert_eq!(RevisionKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(RevisionKind::parse("enterprise"), Some(RevisionKind::Enterprise));
        assert_eq!(RevisionKind::parse("member"), None);
    }
}
