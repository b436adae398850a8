//! The review machinery: one status machine (pending → approved | rejected; pending →
//! withdrawn) shared by everything that waits for a staff decision — applications now,
//! listings, certificates and experts later.

use chrono::NaiveDateTime;

use crate::error::AppError;

/// Where a reviewed item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReviewStatus {
    /// 待审核: waiting for a decision.
    Pending,
    /// 已通过.
    Approved,
    /// 已驳回.
    Rejected,
    /// 已撤回: the submitter took it back before a decision.
    Withdrawn,
}

impl ReviewStatus {
    /// Every status, in the order the workbench lists them.
    pub const ALL: [Self; 4] = [Self::Pending, Self::Approved, Self::Rejected, Self::Withdrawn];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// The zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "待审核",
            Self::Approved => "已通过",
            Self::Rejected => "已驳回",
            Self::Withdrawn => "已撤回",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether no decision has been made yet.
    pub fn is_open(self) -> bool {
        self == Self::Pending
    }
}

/// A staff decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// 通过.
    Approve,
    /// 驳回.
    Reject,
}

impl Decision {
    /// Reads `approve` / `reject`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "approve" => Some(Self::Approve),
            "reject" => Some(Self::Reject),
            _ => None,
        }
    }

    /// The status the decision leads to.
    pub fn outcome(self) -> ReviewStatus {
        match self {
            Self::Approve => ReviewStatus::Approved,
            Self::Reject => ReviewStatus::Rejected,
        }
    }

    /// `approve` / `reject`, for audit actions.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Reject => "reject",
        }
    }
}

/// Longest decision note kept.
pub const MAX_NOTE_CHARS: usize = 500;

/// A decision as it is recorded on the reviewed item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRecord {
    /// The new status.
    pub status: ReviewStatus,
    /// Note to the submitter (may be empty on approval).
    pub note: String,
    /// Who decided: staff in the workbench, or a member whose position may review
    /// (from the mini-program's workbench).
    pub reviewer: crate::kernel::audit::Actor,
    /// When.
    pub decided_at: NaiveDateTime,
}

/// Checks that `current` may be decided and returns what to record. Deciding an item
/// that is no longer pending is a 409 `already_decided`; a rejection needs a note so
/// the submitter learns why.
pub fn decide(
    current: ReviewStatus,
    decision: Decision,
    note: &str,
    reviewer: crate::kernel::audit::Actor,
    at: NaiveDateTime,
) -> Result<ReviewRecord, AppError> {
    if !current.is_open() {
        return Err(already_decided(current));
    }
    let note = note.trim();
    if decision == Decision::Reject && note.is_empty() {
        return Err(AppError::field("note", "驳回时请填写原因"));
    }
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::field("note", format!("审核意见不能超过 {MAX_NOTE_CHARS} 字")));
    }
    Ok(ReviewRecord { status: decision.outcome(), note: note.to_owned(), reviewer, decided_at: at })
}

/// Checks that the submitter may withdraw an item in `current` (only while pending).
pub fn withdraw(current: ReviewStatus) -> Result<ReviewStatus, AppError> {
    if current.is_open() { Ok(ReviewStatus::Withdrawn) } else { Err(already_decided(current)) }
}

/// The 409 for an item that has left `pending`.
pub fn already_decided(current: ReviewStatus) -> AppError {
    AppError::Conflict {
        code: "already_decided",
        message: format!("该申请已处理（{}），不能重复操作", current.label()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap().naive_utc()
    }

    #[test]
    fn pending_items_can_be_approved_or_rejected() {
        let ok = decide(
            ReviewStatus::Pending,
            Decision::Approve,
            " ",
            crate::kernel::audit::Actor::Staff(7),
            at(),
        )
        .unwrap();
        assert_eq!(
            (ok.status, ok.note.as_str(), ok.reviewer),
            (ReviewStatus::Approved, "", crate::kernel::audit::Actor::Staff(7))
        );
        let no = decide(
            ReviewStatus::Pending,
            Decision::Reject,
            " 材料不全 ",
            crate::kernel::audit::Actor::Staff(7),
            at(),
        )
        .unwrap();
        assert_eq!((no.status, no.note.as_str()), (ReviewStatus::Rejected, "材料不全"));
        assert_eq!(no.decided_at, at());
    }

    #[test]
    fn deciding_twice_is_a_conflict() {
        for status in [ReviewStatus::Approved, ReviewStatus::Rejected, ReviewStatus::Withdrawn] {
            let err =
                decide(status, Decision::Approve, "", crate::kernel::audit::Actor::Staff(1), at())
                    .unwrap_err();
            assert_eq!(err.code(), "already_decided");
            assert_eq!(withdraw(status).unwrap_err().code(), "already_decided");
        }
    }

    #[test]
    fn rejections_need_a_note_of_bounded_length() {
        let err = decide(
            ReviewStatus::Pending,
            Decision::Reject,
            "  ",
            crate::kernel::audit::Actor::Staff(1),
            at(),
        )
        .unwrap_err();
        assert_eq!(err.fields()[0].field, "note");
        let long = "字".repeat(MAX_NOTE_CHARS + 1);
        let err = decide(
            ReviewStatus::Pending,
            Decision::Approve,
            &long,
            crate::kernel::audit::Actor::Staff(1),
            at(),
        )
        .unwrap_err();
        assert_eq!(err.code(), "validation_failed");
    }

    #[test]
    fn only_pending_items_can_be_withdrawn_and_names_round_trip() {
        assert_eq!(withdraw(ReviewStatus::Pending).unwrap(), ReviewStatus::Withdrawn);
        for status in ReviewStatus::ALL {
            assert_eq!(ReviewStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(ReviewStatus::parse("done"), None);
        assert_eq!(Decision::parse("approve").map(Decision::outcome), Some(ReviewStatus::Approved));
        assert_eq!(Decision::parse("maybe"), None);
    }
}
