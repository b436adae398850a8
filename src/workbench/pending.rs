//! Every queue of the workbench and its pending count: the review queues (the same
//! counts the mini-program's `GET /api/v1/workbench/queues` answers, from
//! `profiles::reviews::counts`), registrations awaiting approval, unanswered support
//! tickets, open listing reports, invoice requests and messages given up. Which queues
//! a staff member sees is the web surface's business (the route table's roles); this
//! module only counts, always fresh (never cached: a decided item leaves at once).

use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::revisions::RevisionKind;
use crate::profiles::reviews::InboxKind;

/// A queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// Applications and revisions (the review inbox's kinds).
    Review(InboxKind),
    /// Event registrations awaiting approval.
    Registrations,
    /// Support tickets waiting for staff.
    Tickets,
    /// Open listing reports (举报).
    ListingReports,
    /// Invoice requests to issue.
    Invoices,
    /// Outbox messages given up.
    FailedMessages,
}

impl Queue {
    /// Every queue, in the home's order.
    pub fn all() -> Vec<Self> {
        let mut out: Vec<Self> = InboxKind::all().into_iter().map(Self::Review).collect();
        out.extend([
            Self::Registrations,
            Self::Tickets,
            Self::ListingReports,
            Self::Invoices,
            Self::FailedMessages,
        ]);
        out
    }

    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Review(InboxKind::Application) => "会员申请审核",
            Self::Review(InboxKind::Revision(RevisionKind::Expert)) => "专家信息审核",
            Self::Review(InboxKind::Revision(RevisionKind::Certificate)) => "荣誉证书审核",
            Self::Review(InboxKind::Revision(RevisionKind::Listing)) => "供需信息审核",
            Self::Review(InboxKind::Revision(RevisionKind::Enterprise)) => "企业风采审核",
            Self::Registrations => "活动报名审核",
            Self::Tickets => "待回复留言",
            Self::ListingReports => "供需举报",
            Self::Invoices => "待开发票",
            Self::FailedMessages => "发送失败的消息",
        }
    }

    fn count(self, conn: &mut DbConn, reviews: &[(InboxKind, i64)]) -> Result<i64, AppError> {
        Ok(match self {
            Self::Review(kind) => reviews.iter().find(|(k, _)| *k == kind).map_or(0, |(_, n)| *n),
            Self::Registrations => crate::events::dashboard::pending_registrations(conn)?,
            Self::Tickets => crate::content::tickets::unanswered_in(conn)?,
            Self::ListingReports => crate::marketplace::staff::open_reports(conn)?,
            Self::Invoices => crate::billing::receipts::requested_invoices(conn)?,
            Self::FailedMessages => crate::kernel::outbox::failed_count(conn)?,
        })
    }
}

/// The pending counts of `queues` (zero counts included), in their order.
pub async fn counts(db: &Db, queues: Vec<Queue>) -> Result<Vec<(Queue, i64)>, AppError> {
    if queues.is_empty() {
        return Ok(Vec::new());
    }
    db.run(move |conn| {
        let reviews = if queues.iter().any(|q| matches!(q, Queue::Review(_))) {
            crate::profiles::reviews::counts(conn)?
        } else {
            Vec::new()
        };
        queues.into_iter().map(|q| Ok((q, q.count(conn, &reviews)?))).collect()
    })
    .await
}
