//! The pending queues a staff member may act on, counted once per page: the home lists
//! them (each a link to its queue) and the menu shows the same numbers as badges. A
//! queue is the signed-in role's when the route table admits the role to its page.

use super::error::PageError;
use crate::accounts::Role;
use crate::app::AppState;
use crate::kernel::revisions::RevisionKind;
use crate::profiles::reviews::InboxKind;
use crate::workbench::pending::{self, Queue};

/// One queue with something or nothing waiting.
#[derive(Debug, Clone)]
pub struct PendingQueue {
    /// Which.
    pub queue: Queue,
    /// zh-CN label.
    pub label: &'static str,
    /// The queue itself (a list filtered to what waits).
    pub href: &'static str,
    /// The menu entry whose badge carries the count.
    pub menu_href: &'static str,
    /// Items waiting.
    pub count: i64,
}

/// `(queue link, menu entry)` of a queue.
fn links(queue: Queue) -> (&'static str, &'static str) {
    match queue {
        Queue::Review(InboxKind::Application) => ("/admin/applications", "/admin/applications"),
        Queue::Review(InboxKind::Revision(RevisionKind::Expert)) => {
            ("/admin/reviews?kind=expert", "/admin/experts")
        }
        Queue::Review(InboxKind::Revision(RevisionKind::Certificate)) => {
            ("/admin/reviews?kind=certificate", "/admin/certificates")
        }
        Queue::Review(InboxKind::Revision(RevisionKind::Listing)) => {
            ("/admin/reviews?kind=listing", "/admin/listings")
        }
        Queue::Review(InboxKind::Revision(RevisionKind::Enterprise)) => {
            ("/admin/reviews?kind=enterprise", "/admin/enterprises")
        }
        Queue::Registrations => ("/admin/events?pending=1", "/admin/events"),
        Queue::Tickets => ("/admin/tickets?unanswered=1", "/admin/tickets"),
        Queue::ListingReports => ("/admin/listing-reports", "/admin/listing-reports"),
        Queue::Invoices => ("/admin/invoices?status=requested", "/admin/invoices"),
        Queue::FailedMessages => ("/admin/outbox?status=failed", "/admin/outbox"),
    }
}

fn path_of(href: &str) -> &str {
    href.split('?').next().unwrap_or(href)
}

/// The queues `role` may act on (the route table admits the role to the queue's page),
/// in order, with fresh counts (zero included).
pub async fn pending_for(state: &AppState, role: Role) -> Result<Vec<PendingQueue>, PageError> {
    let mine: Vec<Queue> = Queue::all()
        .into_iter()
        .filter(|q| super::roles::admits(role, path_of(links(*q).0)))
        .collect();
    let counts = pending::counts(&state.db, mine).await?;
    Ok(counts
        .into_iter()
        .map(|(queue, count)| {
            let (href, menu_href) = links(queue);
            PendingQueue { queue, label: queue.label(), href, menu_href, count }
        })
        .collect())
}

/// The menu badges: each menu entry's pending count (zero counts left out); the review
/// inbox carries the sum of the review queues.
pub fn badges(queues: &[PendingQueue]) -> Vec<(&'static str, i64)> {
    let reviews: i64 =
        queues.iter().filter(|q| matches!(q.queue, Queue::Review(_))).map(|q| q.count).sum();
    let mut out: Vec<(&'static str, i64)> = vec![("/admin/reviews", reviews)];
    for q in queues {
        match out.iter_mut().find(|(href, _)| *href == q.menu_href) {
            Some(entry) => entry.1 += q.count,
            None => out.push((q.menu_href, q.count)),
        }
    }
    out.retain(|(_, n)| *n > 0);
    out
}
