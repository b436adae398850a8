//! The workbench's review queue and application detail.

use super::applications::{ApplicationView, load_catalogue};
use super::model::ApplicationKind;
use super::store::{self, applications::QueueFilter};
use crate::db::Db;
use crate::error::AppError;
use crate::kernel::media::FileRow;
use crate::kernel::review::ReviewStatus;

pub use crate::kernel::page::PAGE_SIZE;
use crate::kernel::page::{Page, PageRequest};

/// One row of the queue.
#[derive(Debug, Clone)]
pub struct QueueItem {
    /// The application.
    pub application: ApplicationView,
    /// Applicant's nickname.
    pub applicant: String,
    /// Applicant's phone.
    pub phone: String,
}

/// A page of the queue.
#[derive(Debug, Clone)]
pub struct QueuePage {
    /// The page of rows.
    pub page: Page<QueueItem>,
    /// (status, count) for the selected kind, in [`ReviewStatus::ALL`] order.
    pub counts: Vec<(ReviewStatus, i64)>,
}

/// Reads the queue filters from text, ignoring unknown values.
pub fn queue_filter(kind: Option<&str>, status: Option<&str>) -> QueueFilter {
    QueueFilter {
        kind: kind.and_then(ApplicationKind::parse).map(|k| k.as_str().to_owned()),
        status: status.and_then(ReviewStatus::parse).map(|s| s.as_str().to_owned()),
        oldest_first: false,
    }
}

/// One page (1-based) of the queue.
pub async fn queue(db: &Db, filter: QueueFilter, page: i64) -> Result<QueuePage, AppError> {
    let want = PageRequest::new(page);
    db.run(move |conn| {
        let cat = load_catalogue(conn)?;
        let rows = store::applications::queue(conn, &filter, want.offset(), want.limit())?;
        let total = store::applications::count(conn, &filter)?;
        let stored = store::applications::counts_by_status(conn, filter.kind.as_deref())?;
        let counts = ReviewStatus::ALL
            .into_iter()
            .map(|s| (s, stored.iter().find(|(k, _)| k == s.as_str()).map_or(0, |(_, n)| *n)))
            .collect();
        let items = rows
            .into_iter()
            .map(|(row, nick, phone)| QueueItem {
                application: ApplicationView::new(row, &cat),
                applicant: nick.unwrap_or_default(),
                phone: phone.unwrap_or_default(),
            })
            .collect();
        Ok(QueuePage { page: want.answer(items, total), counts })
    })
    .await
}

/// Pending applications of every kind, oldest first (the review inbox).
pub fn pending_oldest(
    conn: &mut crate::db::DbConn,
    offset: i64,
    limit: i64,
) -> Result<Vec<QueueItem>, AppError> {
    let filter = QueueFilter {
        status: Some(ReviewStatus::Pending.as_str().into()),
        oldest_first: true,
        ..Default::default()
    };
    let cat = load_catalogue(conn)?;
    let rows = store::applications::queue(conn, &filter, offset, limit)?;
    Ok(rows
        .into_iter()
        .map(|(row, nick, phone)| QueueItem {
            application: ApplicationView::new(row, &cat),
            applicant: nick.unwrap_or_default(),
            phone: phone.unwrap_or_default(),
        })
        .collect())
}

/// Pending applications, in a caller's transaction.
pub fn pending_count_in(conn: &mut crate::db::DbConn) -> Result<i64, AppError> {
    Ok(store::applications::pending_count(conn)?)
}

/// Pending applications, for the menu badge.
pub async fn pending_count(db: &Db) -> Result<i64, AppError> {
    db.run(|conn| Ok(store::applications::pending_count(conn)?)).await
}

/// Everything the detail page shows.
#[derive(Debug, Clone)]
pub struct ApplicationDetail {
    /// The application with the applicant.
    pub item: QueueItem,
    /// The applicant's user id.
    pub user_id: i64,
    /// The letter, when one was attached.
    pub letter: Option<FileRow>,
    /// The applicant's member number and status, if they are or were a member.
    pub member: Option<(i64, String, String)>,
    /// The applicant's other applications, newest first.
    pub history: Vec<ApplicationView>,
    /// The reviewer's name.
    pub reviewer: Option<String>,
    /// Dues order created on approval.
    pub dues_order_id: Option<i64>,
    /// Yearly dues of the requested member type (joins), for the approval checkbox.
    pub dues_cents: Option<i64>,
}

/// The detail of application `id`.
pub async fn detail(db: &Db, id: i64) -> Result<ApplicationDetail, AppError> {
    db.run(move |conn| {
        let row =
            store::applications::by_id(conn, id)?.ok_or_else(|| AppError::not_found("申请"))?;
        let cat = load_catalogue(conn)?;
        let applicant = crate::accounts::find_user(conn, row.user_id)?;
        let letter = match row.letter_file_id {
            Some(file) => crate::kernel::media::store::find(conn, file)?,
            None => None,
        };
        let member =
            store::members::by_user(conn, row.user_id)?.map(|m| (m.id, m.member_number, m.status));
        let history = store::applications::for_user(conn, row.user_id)?
            .into_iter()
            .filter(|r| r.id != row.id)
            .map(|r| ApplicationView::new(r, &cat))
            .collect();
        let reviewer = match row.reviewer_staff_id {
            Some(staff) => crate::accounts::find_staff(conn, staff)?.map(|s| s.display_name),
            None => None,
        };
        let (user_id, dues_order_id) = (row.user_id, row.dues_order_id);
        let dues_cents = row
            .member_type_id
            .and_then(|id| cat.member_types.iter().find(|t| t.id == id))
            .map(|t| t.dues_cents);
        let item = QueueItem {
            application: ApplicationView::new(row, &cat),
            applicant: applicant.as_ref().and_then(|u| u.nickname.clone()).unwrap_or_default(),
            phone: applicant.and_then(|u| u.phone).unwrap_or_default(),
        };
        Ok(ApplicationDetail {
            item,
            user_id,
            letter,
            member,
            history,
            reviewer,
            dues_order_id,
            dues_cents,
        })
    })
    .await
}
