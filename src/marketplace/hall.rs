//! The hall (供需大厅): what anyone may see — the list with filters and search, one
//! listing with its view count, the contact reveal for signed-in users (counted per
//! listing, rate-limited per user), reports, and the card block. Every read goes
//! through the one visibility rule, `store::visible`.

use chrono::NaiveDateTime;
use serde::Deserialize;

use super::catalog_store;
use super::model::ListingKind;
use super::store::{self, ListingFilter};
use super::views::{
    ContactView, ListingPage, Names, PublicListing, PublicListingSummary, public_listing,
    public_summary,
};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::Actor;
use crate::kernel::clock::SharedClock;
use crate::kernel::page::{PAGE_SIZE, PageRequest};
use crate::kernel::rate_limit::RateLimiter;
use crate::kernel::search::SearchQuery;

/// How the hall is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HallSort {
    /// Newest approval first.
    #[default]
    Newest,
    /// Best match for `q` first (newest first without `q`).
    Relevance,
}

/// What the hall is asked for.
#[derive(Debug, Clone, Default)]
pub struct HallQuery {
    /// The filters (and the order).
    pub filter: ListingFilter,
    /// 1-based page.
    pub page: i64,
}

/// Reads the hall's filters: blank text is none (a search box: the first 64
/// characters, 8 words); a negative price bound is 422.
pub fn hall_filter(
    q: Option<&str>,
    kind: Option<ListingKind>,
    category_id: Option<i64>,
    industry_id: Option<i64>,
    price: (Option<i64>, Option<i64>),
    sort: HallSort,
) -> Result<ListingFilter, AppError> {
    let text = q.map(str::trim).filter(|s| !s.is_empty());
    let q = text.and_then(SearchQuery::parse);
    let relevance = match (sort, &q) {
        (HallSort::Relevance, Some(_)) => text.map(|t| t.chars().take(64).collect()),
        _ => None,
    };
    for (field, bound) in [("price_min", price.0), ("price_max", price.1)] {
        if bound.is_some_and(|p| p < 0) {
            return Err(AppError::field(field, "价格不能为负数"));
        }
    }
    Ok(ListingFilter {
        q,
        relevance,
        kind: kind.map(ListingKind::as_str),
        category_id,
        industry_id,
        price_min: price.0,
        price_max: price.1,
        owner_user_id: None,
    })
}

/// One page of the hall.
pub async fn hall(db: &Db, clock: &SharedClock, query: HallQuery) -> Result<ListingPage, AppError> {
    let now = clock.now_naive();
    let want = PageRequest::new(query.page);
    db.run(move |conn| {
        let rows = store::hall_page(conn, now, &query.filter, want.offset(), want.limit())?;
        let count = store::hall_count(conn, now, &query.filter)?;
        let (total, total_capped) = if count > store::HALL_COUNT_CAP {
            (store::HALL_COUNT_CAP, true)
        } else {
            (count, false)
        };
        let mut names = Names::load(conn)?;
        let mut items = Vec::new();
        for row in &rows {
            items.extend(public_summary(conn, &mut names, row)?);
        }
        Ok(ListingPage { items, total, total_capped, page: want.page, page_size: PAGE_SIZE })
    })
    .await
}

/// One listing of the hall (404 unless the rule shows it); the view is counted.
pub async fn detail(db: &Db, clock: &SharedClock, id: i64) -> Result<PublicListing, AppError> {
    let now = clock.now_naive();
    // A view count is a counter: it leaves cached cards fresh (their supply items' view
    // counts may lag a few seconds).
    db.write_counter(move |conn| {
        if store::visible_one(conn, now, id)?.is_none() {
            return Err(AppError::not_found("供需信息"));
        }
        store::count_view(conn, id)?;
        let row = store::by_id(conn, id)?.ok_or_else(|| AppError::not_found("供需信息"))?;
        let mut names = Names::load(conn)?;
        public_listing(conn, &mut names, &row)?.ok_or_else(|| AppError::not_found("供需信息"))
    })
    .await
}

fn contact_of(conn: &mut DbConn, now: NaiveDateTime, id: i64) -> Result<ContactView, AppError> {
    let row = store::visible_one(conn, now, id)?.ok_or_else(|| AppError::not_found("供需信息"))?;
    let f = row.live_fields()?.ok_or_else(|| AppError::not_found("供需信息"))?;
    Ok(ContactView {
        contact_name: f.contact_name,
        contact_phone: f.contact_phone,
        contact_count: row.contact_count,
    })
}

/// Reveals listing `id`'s phone to `user_id`. A user's first reveal of a listing counts
/// once for the publisher and once against the user's limit (`limiter`, per user);
/// seeing it again, or one's own listing, is free. Over the limit: 429.
pub async fn reveal_contact(
    db: &Db,
    clock: &SharedClock,
    limiter: &RateLimiter,
    user_id: i64,
    id: i64,
) -> Result<ContactView, AppError> {
    let now = clock.now_naive();
    let (owner, seen) = db
        .run(move |conn| {
            let row = store::visible_one(conn, now, id)?
                .ok_or_else(|| AppError::not_found("供需信息"))?;
            Ok((row.owner_user_id, store::revealed(conn, id, user_id)?))
        })
        .await?;
    if owner == user_id || seen {
        return db.run(move |conn| contact_of(conn, now, id)).await;
    }
    if let Err(retry_after_secs) = limiter.hit(&user_id.to_string(), clock.now()) {
        return Err(AppError::RateLimited {
            retry_after_secs,
            message: "查看联系方式过于频繁，请稍后再试".into(),
        });
    }
    db.write(move |conn| {
        // The listing's lock serialises reveals of one listing: a user is counted once.
        store::lock(conn, id)?.ok_or_else(|| AppError::not_found("供需信息"))?;
        contact_of(conn, now, id)?;
        if !store::revealed(conn, id, user_id)? {
            store::record_reveal(conn, id, user_id, now)?;
        }
        contact_of(conn, now, id)
    })
    .await
}

/// Most characters of a report's reason.
pub const MAX_REASON_CHARS: usize = 200;

/// A signed-in user reports a listing the hall shows; one open report per user and
/// listing (409 `already_reported`).
pub async fn report(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    id: i64,
    reason: String,
) -> Result<i64, AppError> {
    let now = clock.now_naive();
    let reason = reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(AppError::field("reason", "请填写举报原因（不超过 200 字）"));
    }
    db.write(move |conn| {
        if store::visible_one(conn, now, id)?.is_none() {
            return Err(AppError::not_found("供需信息"));
        }
        let row = catalog_store::insert_report(conn, id, user_id, &reason, now).map_err(|e| {
            if crate::db::is_unique_violation(&e) {
                AppError::Conflict {
                    code: "already_reported",
                    message: "您已举报过该信息，请等待处理".into(),
                }
            } else {
                AppError::from(e)
            }
        })?;
        let details = serde_json::json!({"report_id": row.id});
        super::audit_listing(conn, now, Actor::User(user_id), "listing.report", id, &details)?;
        Ok(row.id)
    })
    .await
}

/// The card block: the member's listed supply items the hall shows, newest first
/// (at most one page). For the card page, which does not exist yet.
pub fn card_items(
    conn: &mut DbConn,
    now: NaiveDateTime,
    user_id: i64,
) -> Result<Vec<PublicListingSummary>, AppError> {
    let filter = ListingFilter {
        kind: Some(ListingKind::Supply.as_str()),
        owner_user_id: Some(user_id),
        ..ListingFilter::default()
    };
    let rows = store::hall_page(conn, now, &filter, 0, PAGE_SIZE)?;
    let mut names = Names::load(conn)?;
    let mut out = Vec::new();
    for row in &rows {
        out.extend(public_summary(conn, &mut names, row)?);
    }
    Ok(out)
}
