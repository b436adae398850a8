//! The secretary's workbench in the mini-program: the review queues, their items, the
//! reviewer's diff, and decisions — through the same use cases as the browser queues
//! (`membership::decide`, `profiles::reviews`). Who may: users linked to active staff of
//! a role that may decide the queue, and active members whose current position carries
//! the review permission (`positions.can_review`). The check is read from the database
//! on every request, so a position or role change takes effect at once.

pub mod pending;
pub mod stats;
mod store;

use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::Actor;
use crate::kernel::clock::SharedClock;
use crate::kernel::review::Decision;
use crate::membership::decide::DecisionInput;
use crate::profiles::reviews::{self, Inbox, InboxKind, ReviewDetail};

/// Who `user_id` reviews as: their staff account, or themselves as a member whose
/// position may review; `None` when they may not review `queue`.
pub fn reviewer_of(
    conn: &mut DbConn,
    user_id: i64,
    queue: Option<InboxKind>,
) -> Result<Option<Actor>, AppError> {
    let roles: Vec<&str> =
        crate::notify::staff::deciding_roles(queue.unwrap_or(InboxKind::Application))
            .iter()
            .map(|r| r.as_str())
            .collect();
    if let Some(staff_id) = store::deciding_staff(conn, user_id, &roles)? {
        return Ok(Some(Actor::Staff(staff_id)));
    }
    let active = crate::membership::model::status::ACTIVE;
    Ok(store::member_may_review(conn, user_id, active)?.then_some(Actor::User(user_id)))
}

/// The one permission check of every workbench request: 403 for users who may not.
pub async fn require_reviewer(
    db: &Db,
    user_id: i64,
    queue: Option<InboxKind>,
) -> Result<Actor, AppError> {
    db.run(move |conn| reviewer_of(conn, user_id, queue)?.ok_or(AppError::Forbidden)).await
}

/// The review queues with their pending counts: the same counting as the browser
/// workbench's home and menu badges ([`pending::counts`]).
pub async fn queues(db: &Db, user_id: i64) -> Result<Vec<(InboxKind, i64)>, AppError> {
    require_reviewer(db, user_id, None).await?;
    let review = InboxKind::all().into_iter().map(pending::Queue::Review).collect();
    Ok(pending::counts(db, review)
        .await?
        .into_iter()
        .filter_map(|(q, n)| match q {
            pending::Queue::Review(kind) => Some((kind, n)),
            _ => None,
        })
        .collect())
}

/// A page of pending items, oldest first, of one queue or all.
pub async fn items(
    db: &Db,
    user_id: i64,
    queue: Option<InboxKind>,
    page: i64,
) -> Result<Inbox, AppError> {
    require_reviewer(db, user_id, queue).await?;
    reviews::inbox(db, queue, page).await
}

/// One item in detail.
#[derive(Debug, Clone)]
pub enum ItemDetail {
    /// A membership application.
    Application(Box<crate::membership::queue::ApplicationDetail>),
    /// A revision with the reviewer's diff.
    Revision(Box<ReviewDetail>),
}

/// Item `id` of `queue` (for revisions: of that kind, else 404).
pub async fn item(
    db: &Db,
    user_id: i64,
    queue: InboxKind,
    id: i64,
) -> Result<ItemDetail, AppError> {
    require_reviewer(db, user_id, Some(queue)).await?;
    match queue {
        InboxKind::Application => {
            Ok(ItemDetail::Application(Box::new(crate::membership::queue::detail(db, id).await?)))
        }
        InboxKind::Revision(kind) => {
            let detail = reviews::detail(db, id).await?;
            if detail.kind != kind {
                return Err(AppError::not_found("修改"));
            }
            Ok(ItemDetail::Revision(Box::new(detail)))
        }
    }
}

/// A decision from the mini-program.
#[derive(Debug, Clone)]
pub struct WorkbenchDecision {
    /// Approve or reject.
    pub decision: Decision,
    /// Note (required to reject).
    pub note: String,
    /// Joins: create this period's dues order.
    pub create_dues_order: bool,
}

/// Decides item `id` of `queue` as the reviewer the permission check finds; answers the
/// item afterwards.
pub async fn decide(
    db: &Db,
    clock: &SharedClock,
    tz: chrono_tz::Tz,
    user_id: i64,
    queue: InboxKind,
    id: i64,
    input: WorkbenchDecision,
) -> Result<ItemDetail, AppError> {
    let reviewer = require_reviewer(db, user_id, Some(queue)).await?;
    match queue {
        InboxKind::Application => {
            let input = DecisionInput {
                decision: input.decision,
                note: input.note,
                create_dues_order: input.create_dues_order,
            };
            crate::membership::decide::decide(db, clock, tz, reviewer, id, input).await?;
        }
        InboxKind::Revision(kind) => {
            let detail = reviews::detail(db, id).await?;
            if detail.kind != kind {
                return Err(AppError::not_found("修改"));
            }
            reviews::decide(db, clock, reviewer, id, input.decision, input.note).await?;
        }
    }
    item(db, user_id, queue, id).await
}
