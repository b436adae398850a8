//! Views of a card (访客): counted once per viewer and day (in memory first, so repeat
//! views never queue for the writer), and the owner's counts and recent visitors.

use chrono::{NaiveDate, NaiveDateTime};

use super::card_store as store;
use super::card_view::ViewCounts;
use crate::db::Db;
use crate::error::AppError;

fn members_only() -> AppError {
    AppError::Refused { code: "members_only", message: "仅限正式会员".into() }
}

/// Who viewed the card.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Visitor {
    /// The viewer's name (members: the roll's name; other users: 游客).
    pub name: String,
    /// Company (members).
    pub company: String,
    /// Title (members).
    pub title: String,
    /// Last view (UTC).
    pub viewed_at: chrono::DateTime<chrono::Utc>,
}

/// The member's view counts and their recent signed-in visitors (访客).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct VisitorsView {
    /// Counts.
    pub views: ViewCounts,
    /// Signed-in viewers, latest first (one entry per viewer; anonymous viewers are
    /// counted, never listed).
    pub visitors: Vec<Visitor>,
}

/// The views of the member's card.
pub async fn visitors(db: &Db, user_id: i64, today: NaiveDate) -> Result<VisitorsView, AppError> {
    db.run(move |conn| {
        let member = crate::membership::member_of_user(conn, user_id)?.ok_or_else(members_only)?;
        if !member.active {
            return Err(members_only());
        }
        let Some(card) = store::card_of(conn, user_id)? else {
            return Ok(VisitorsView { views: ViewCounts { total: 0, today: 0 }, visitors: vec![] });
        };
        let (total, today_count) = store::view_counts(conn, card.id, today)?;
        let mut seen = std::collections::HashSet::new();
        let mut visitors = Vec::new();
        for (viewer, at) in store::recent_signed_in(conn, card.id, 200)? {
            if !seen.insert(viewer) || visitors.len() >= 50 {
                continue;
            }
            let summary = crate::membership::public_member_summary(conn, viewer)?;
            let (name, company, title) = match summary {
                Some(s) => (s.name, s.company, s.title),
                None => ("游客".to_owned(), String::new(), String::new()),
            };
            visitors.push(Visitor { name, company, title, viewed_at: at.and_utc() });
        }
        Ok(VisitorsView { views: ViewCounts { total, today: today_count }, visitors })
    })
    .await
}

/// Counts a view of card `card_id` by `viewer` (`u<id>` or `a<hash>`) once a day.
/// `seen` (the caller's memory of today's viewers) spares the write for repeat views.
pub async fn count_view(
    db: &Db,
    seen: &super::card_cache::SeenViews,
    card_id: i64,
    viewer_key: String,
    viewer_user_id: Option<i64>,
    day: NaiveDate,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    if !seen.first_today(card_id, &viewer_key, day) {
        return Ok(());
    }
    // A counted view changes no card: it leaves cached cards fresh.
    db.write_counter(move |conn| {
        store::record_view(conn, card_id, &viewer_key, viewer_user_id, day, at)?;
        Ok(())
    })
    .await
}
