//! Staff's side of the marketplace: every listing with filters and search, the preview
//! (what the hall shows, by the same rule), force-unlisting with a note the member is
//! told, the reports queue, and the hooks the review inbox calls (lock, diff fields,
//! make an approved revision live).

use chrono::NaiveDateTime;

use super::catalog_store::{self, ReportRow};
use super::model::{HallState, ListingFields, ListingRow};
use super::store::{self, ListingFilter, LiveChanges};
use super::views::{ListingView, Names, PublicListing, public_listing};
use super::{KIND, audit_listing};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::Actor;
use crate::kernel::clock::SharedClock;
use crate::kernel::page::{Page, PageRequest};
use crate::kernel::revisions::{self, RevisionRow, diff::Field};
use crate::profiles::reviewed::owner_label;

/// A listing in the workbench list.
#[derive(Debug, Clone)]
pub struct StaffListingItem {
    /// Id.
    pub id: i64,
    /// Live title, or the pending submission's.
    pub title: String,
    /// 供应 / 需求 ("" before approval).
    pub kind_label: &'static str,
    /// Owner: 王五（HY00012）.
    pub owner: String,
    /// Where it stands.
    pub hall: HallState,
    /// Whether the hall shows it now (the visibility rule, owner's membership included).
    pub in_hall: bool,
    /// The pending revision, if an edit waits.
    pub pending_revision_id: Option<i64>,
    /// Views.
    pub view_count: i64,
    /// Reveals.
    pub contact_count: i64,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

impl StaffListingItem {
    /// Whether staff unlisted it (nothing more to unlist).
    pub fn staff_unlisted(&self) -> bool {
        self.hall == HallState::StaffUnlisted
    }
}

fn item(
    conn: &mut DbConn,
    now: NaiveDateTime,
    row: &ListingRow,
    in_hall: bool,
) -> Result<StaffListingItem, AppError> {
    let pending = revisions::pending_of(conn, KIND, row.id)?;
    let title = match (&pending, row.live_revision_id) {
        (Some(rev), None) => rev.title.clone(),
        _ => row.title.clone(),
    };
    let kind_label = super::model::ListingKind::parse(&row.kind).map_or("", |k| k.label());
    Ok(StaffListingItem {
        id: row.id,
        title,
        kind_label,
        owner: owner_label(conn, Some(row.owner_user_id))?,
        hall: row.hall_state(now),
        in_hall,
        pending_revision_id: pending.map(|r| r.id),
        view_count: row.view_count,
        contact_count: row.contact_count,
        updated_at: row.updated_at,
    })
}

/// One page of every listing (deleted ones left out), newest first. Search and filters
/// are the hall's (they match the live version).
pub async fn list(
    db: &Db,
    clock: &SharedClock,
    filter: ListingFilter,
    page: i64,
) -> Result<Page<StaffListingItem>, AppError> {
    let now = clock.now_naive();
    let want = PageRequest::new(page);
    db.run(move |conn| {
        let (rows, total) = store::all_page(conn, &filter, want.offset(), want.limit())?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let shown = store::visible_ids(conn, now, &ids)?;
        let items = rows
            .iter()
            .map(|row| item(conn, now, row, shown.contains(&row.id)))
            .collect::<Result<_, _>>()?;
        Ok(want.answer(items, total))
    })
    .await
}

/// The workbench's page of one listing.
#[derive(Debug, Clone)]
pub struct StaffListingDetail {
    /// The list row.
    pub item: StaffListingItem,
    /// The live version as the hall shows it (None before approval).
    pub preview: Option<PublicListing>,
    /// The live fields with the phone (None before approval).
    pub live: Option<ListingView>,
    /// Staff's unlisting note.
    pub staff_note: String,
    /// Open reports, oldest first.
    pub reports: Vec<ReportRow>,
}

/// One listing for staff (404 when deleted).
pub async fn detail(db: &Db, clock: &SharedClock, id: i64) -> Result<StaffListingDetail, AppError> {
    let now = clock.now_naive();
    db.run(move |conn| {
        let row = store::by_id(conn, id)?.ok_or_else(|| AppError::not_found("供需信息"))?;
        let in_hall = !store::visible_ids(conn, now, &[id])?.is_empty();
        let mut names = Names::load(conn)?;
        let preview = public_listing(conn, &mut names, &row)?;
        let live = match row.live_fields()? {
            Some(f) => Some(ListingView::build(conn, &mut names, f)?),
            None => None,
        };
        let (reports, _) = catalog_store::reports_page(conn, "open", Some(id), 0, 100)?;
        Ok(StaffListingDetail {
            item: item(conn, now, &row, in_hall)?,
            preview,
            live,
            staff_note: row.staff_note.clone(),
            reports,
        })
    })
    .await
}

/// Staff force-unlist a listing with a note (required, ≤ 200 characters): it leaves the
/// hall, open reports on it are closed as handled, the member is notified with the note.
pub async fn force_unlist(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    note: String,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    let note = note.trim().to_owned();
    if note.is_empty() || note.chars().count() > 200 {
        return Err(AppError::field("note", "请填写下架原因（不超过 200 字），会员会看到"));
    }
    db.write(move |conn| {
        let row = store::lock(conn, id)?.ok_or_else(|| AppError::not_found("供需信息"))?;
        store::staff_unlist(conn, id, staff_id, &note, at)?;
        let closed = catalog_store::close_reports(conn, Some(id), None, "handled", staff_id, at)?;
        let details = serde_json::json!({"note": note, "reports_closed": closed});
        audit_listing(conn, at, Actor::Staff(staff_id), "listing.force_unlist", id, &details)?;
        let body = format!("您发布的供需信息「{}」已被管理员下架：{note}", row.title);
        let payload = serde_json::json!({"listing_id": id, "title": row.title, "note": note});
        let notice = crate::notices::Notice {
            kind: crate::notices::NoticeKind::ListingUnlisted,
            body,
            payload,
        };
        crate::notices::send(conn, at, row.owner_user_id, &notice)
    })
    .await
}

/// A report in the queue, with its listing's title and the reporter.
#[derive(Debug, Clone)]
pub struct QueuedReport {
    /// The report.
    pub report: ReportRow,
    /// The listing's live title.
    pub listing_title: String,
    /// Who reported.
    pub reporter: String,
}

/// Open reports, oldest first.
pub async fn reports(db: &Db, page: i64) -> Result<Page<QueuedReport>, AppError> {
    let want = PageRequest::new(page);
    db.run(move |conn| {
        let (rows, total) =
            catalog_store::reports_page(conn, "open", None, want.offset(), want.limit())?;
        let mut out = Vec::new();
        for report in rows {
            let listing_title = store::by_id(conn, report.listing_id)?
                .map(|l| l.title)
                .unwrap_or_else(|| "（已删除）".into());
            let reporter = owner_label(conn, Some(report.user_id))?;
            out.push(QueuedReport { report, listing_title, reporter });
        }
        Ok(want.answer(out, total))
    })
    .await
}

/// Staff dismiss a report (409 `already_handled` when it is not open any more).
pub async fn dismiss_report(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    report_id: i64,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let report =
            catalog_store::report(conn, report_id)?.ok_or_else(|| AppError::not_found("举报"))?;
        if catalog_store::close_reports(conn, None, Some(report_id), "dismissed", staff_id, at)?
            == 0
        {
            return Err(AppError::Conflict {
                code: "already_handled",
                message: "该举报已处理".into(),
            });
        }
        let details = serde_json::json!({"report_id": report_id});
        let actor = Actor::Staff(staff_id);
        audit_listing(conn, at, actor, "listing.dismiss_report", report.listing_id, &details)
    })
    .await
}

/// Locks a listing for a reviewer's decision (404 when deleted).
pub fn lock_for_review(conn: &mut DbConn, id: i64) -> Result<ListingRow, AppError> {
    store::lock(conn, id)?.ok_or_else(|| AppError::not_found("供需信息"))
}

/// Copies an approved revision into the listing's live columns; an approved edit lifts
/// a staff unlisting (the member may list it again).
pub fn make_live(conn: &mut DbConn, at: NaiveDateTime, rev: &RevisionRow) -> Result<(), AppError> {
    let f: ListingFields = rev.content()?;
    let search_text = f.search_text();
    store::reindex(conn, rev.item_id, &search_text)?;
    let changes = LiveChanges {
        live_revision_id: Some(rev.id),
        live: &rev.snapshot,
        kind: f.kind.as_str(),
        title: &f.title,
        search_text: &search_text,
        category_id: f.category_id,
        industry_id: f.industry_id,
        price_cents: f.price_cents,
        ends_at: f.ends_at,
        published_at: Some(at),
        staff_unlisted_at: None,
        updated_at: at,
    };
    store::set_live(conn, rev.item_id, &changes)?;
    Ok(())
}

/// The reviewer's fields of a revision.
pub fn review_fields(conn: &mut DbConn, rev: &RevisionRow) -> Result<Vec<Field>, AppError> {
    let f: ListingFields = rev.content()?;
    let (category, industry) = Names::load(conn)?.labels(conn, &f)?;
    Ok(f.review_fields(&category, &industry))
}

/// The owner and the live fields of a listing, for the reviewer's diff.
pub fn live_review_fields(
    conn: &mut DbConn,
    id: i64,
) -> Result<(Option<i64>, Option<Vec<Field>>), AppError> {
    let Some(row) = store::by_id(conn, id)? else { return Ok((None, None)) };
    let live = match row.live_fields()? {
        Some(f) => {
            let (category, industry) = Names::load(conn)?.labels(conn, &f)?;
            Some(f.review_fields(&category, &industry))
        }
        None => None,
    };
    Ok((Some(row.owner_user_id), live))
}

/// Open reports, for the pending count.
pub fn open_reports(conn: &mut DbConn) -> Result<i64, AppError> {
    Ok(catalog_store::count_reports(conn, "open")?)
}
