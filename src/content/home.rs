//! The mini-program home (`GET /api/v1/home`) in one answer: banners staff arrange, the
//! shortcut grid the association enables, pinned and latest articles, upcoming events —
//! only what the reader's audience admits. Answers are kept per audience (not per user)
//! for [`CACHE_SECONDS`] of the injectable clock, and dropped at once when staff change
//! content; events changed meanwhile show within that time.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDateTime;
use serde::Serialize;

use super::access::Reader;
use super::home_store::{self, BannerFields, BannerRow};
use super::reading::{ArticleSummaryView, page_for};
use super::store::ArticleFilter;
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::kernel::clock::SharedClock;
use crate::profiles::reviewed::ImageRef;

/// How long a home answer is reused (also its `Cache-Control: max-age`).
pub const CACHE_SECONDS: i64 = 30;
/// Latest articles on the home.
pub const LATEST: i64 = 10;
/// Upcoming events on the home.
pub const EVENTS: i64 = 5;

/// Bumped by every content write: cached home answers older than it are stale.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Marks every cached home answer and article page stale (call after a content write
/// commits).
pub fn invalidate() {
    GENERATION.fetch_add(1, Ordering::SeqCst);
}

/// The current generation of content (see [`invalidate`]).
pub fn generation() -> u64 {
    GENERATION.load(Ordering::SeqCst)
}

/// The shortcuts an association may put on the home grid: (key, label, mini-program page).
pub const SHORTCUTS: &[(&str, &str, &str)] = &[
    ("articles", "资讯", "/pages/articles/index"),
    ("events", "活动", "/pages/events/index"),
    ("join", "入会申请", "/pages/join/index"),
    ("members", "会员风采", "/pages/members/index"),
    ("enterprises", "企业风采", "/pages/enterprises/index"),
    ("marketplace", "供需大厅", "/pages/listings/index"),
    ("experts", "专家库", "/pages/experts/index"),
    ("resources", "资源库", "/pages/resources/index"),
    ("albums", "相册", "/pages/albums/index"),
    ("videos", "视频", "/pages/videos/index"),
    ("surveys", "问卷投票", "/pages/surveys/index"),
    ("learning", "学习平台", "/pages/courses/index"),
    ("support", "客户支持", "/pages/support/index"),
];

/// The grid until staff choose.
pub const DEFAULT_SHORTCUTS: &[&str] =
    &["articles", "events", "join", "members", "enterprises", "marketplace", "surveys", "support"];

/// Banner targets.
pub mod target {
    /// An article.
    pub const ARTICLE: &str = "article";
    /// An event.
    pub const EVENT: &str = "event";
    /// A course (learning).
    pub const COURSE: &str = "course";
    /// An https address or a mini-program page.
    pub const URL: &str = "url";
}

/// A banner on the home.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BannerView {
    /// Id.
    pub id: i64,
    /// The picture.
    pub image: ImageRef,
    /// Caption.
    pub title: String,
    /// `article`, `event`, `course` or `url`.
    pub target_kind: String,
    /// Article, event or course id.
    pub target_id: Option<i64>,
    /// Target `url`.
    pub target_url: String,
}

/// A shortcut of the grid.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShortcutView {
    /// Stable key.
    pub key: String,
    /// zh-CN label.
    pub label: String,
    /// Mini-program page.
    pub path: String,
}

/// The home.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HomeView {
    /// Banners in staff's order.
    pub banners: Vec<BannerView>,
    /// The shortcut grid.
    pub shortcuts: Vec<ShortcutView>,
    /// Pinned articles.
    pub pinned: Vec<ArticleSummaryView>,
    /// Latest articles (not pinned).
    pub latest: Vec<ArticleSummaryView>,
    /// Upcoming events.
    pub events: Vec<crate::events::UpcomingEvent>,
}

type Key = (bool, Vec<i64>);
/// A cached answer: the generation and time it was built at.
type Entry = (u64, NaiveDateTime, Arc<HomeView>);

/// Home answers per audience.
#[derive(Debug, Default)]
pub struct HomeCache {
    entries: parking_lot::Mutex<HashMap<Key, Entry>>,
}

/// The shortcut keys enabled (the setting, or the default grid).
pub fn enabled_shortcuts(conn: &mut DbConn) -> Result<Vec<String>, AppError> {
    let stored = crate::kernel::settings::get(conn, super::setting_keys::HOME_SHORTCUTS)?;
    Ok(stored
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_else(|| DEFAULT_SHORTCUTS.iter().map(|s| (*s).to_owned()).collect()))
}

fn build(conn: &mut DbConn, now: NaiveDateTime, reader: &Reader) -> Result<HomeView, AppError> {
    let banners = home_store::banners(conn)?
        .into_iter()
        .map(|b| BannerView {
            id: b.id,
            image: ImageRef::of(b.fields.image_file_id),
            title: b.fields.title,
            target_kind: b.fields.target_kind,
            target_id: b.fields.target_id,
            target_url: b.fields.target_url,
        })
        .collect();
    let shortcuts = enabled_shortcuts(conn)?
        .iter()
        .filter_map(|k| SHORTCUTS.iter().find(|(key, _, _)| key == k))
        .map(|(key, label, path)| ShortcutView {
            key: (*key).into(),
            label: (*label).into(),
            path: (*path).into(),
        })
        .collect();
    // The home never shows teasers.
    let pinned_filter = ArticleFilter { pinned: Some(true), ..ArticleFilter::default() };
    let latest_filter = ArticleFilter { pinned: Some(false), ..ArticleFilter::default() };
    let member = !reader.positions_at_or_below.is_empty();
    let pinned = page_for(conn, now, reader, &pinned_filter, (1, LATEST), false)?.items;
    let latest = page_for(conn, now, reader, &latest_filter, (1, LATEST), false)?.items;
    let events = crate::events::upcoming_events(conn, now, member, EVENTS)?;
    Ok(HomeView { banners, shortcuts, pinned, latest, events })
}

impl HomeCache {
    /// The home for `user_id` (none: no token), from the cache when fresh.
    pub async fn home(
        &self,
        db: &Db,
        clock: &SharedClock,
        user_id: Option<i64>,
    ) -> Result<Arc<HomeView>, AppError> {
        let now = clock.now_naive();
        let reader = match user_id {
            None => Reader::anonymous(),
            Some(id) => db.run(move |conn| Reader::load(conn, Some(id))).await?,
        };
        let key = reader.audience_key();
        let generation = GENERATION.load(Ordering::SeqCst);
        if let Some((g, at, view)) = self.entries.lock().get(&key)
            && *g == generation
            && (now - *at).num_seconds().abs() < CACHE_SECONDS
        {
            return Ok(view.clone());
        }
        let view = Arc::new(db.run(move |conn| build(conn, now, &reader)).await?);
        let mut entries = self.entries.lock();
        if entries.len() > 256 {
            entries.clear();
        }
        entries.insert(key, (generation, now, view.clone()));
        Ok(view)
    }
}

fn check_banner(conn: &mut DbConn, f: &BannerFields) -> Result<(), AppError> {
    let mut errors = Vec::new();
    let image = crate::kernel::media::store::find(conn, f.image_file_id)?;
    if image.is_none_or(|i| i.kind != "image") {
        errors.push(FieldError::new("image_file_id", "请上传横幅图片"));
    }
    match f.target_kind.as_str() {
        target::ARTICLE => {
            let id = f.target_id.unwrap_or(0);
            if super::store::by_id(conn, id)?.is_none() {
                errors.push(FieldError::new("target_id", "文章不存在"));
            }
        }
        target::EVENT | target::COURSE if f.target_id.is_some_and(|id| id > 0) => {}
        target::EVENT | target::COURSE => {
            errors.push(FieldError::new("target_id", "请填写目标编号"))
        }
        target::URL => {
            let u = f.target_url.trim();
            if !(u.starts_with("https://") || u.starts_with("/pages/")) || u.len() > 500 {
                errors.push(FieldError::new("target_url", "链接须以 https:// 或 /pages/ 开头"));
            }
        }
        _ => errors.push(FieldError::new("target_kind", "请选择跳转目标")),
    }
    if f.title.chars().count() > 40 {
        errors.push(FieldError::new("title", "标题不超过 40 字"));
    }
    if errors.is_empty() { Ok(()) } else { Err(AppError::Validation(errors)) }
}

/// Every banner, for the workbench.
pub async fn banners(db: &Db) -> Result<Vec<BannerRow>, AppError> {
    db.run(|conn| Ok(home_store::banners(conn)?)).await
}

/// Adds a banner.
pub async fn add_banner(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    mut fields: BannerFields,
) -> Result<(), AppError> {
    fields.title = fields.title.trim().to_owned();
    fields.target_url = fields.target_url.trim().to_owned();
    if fields.target_kind != target::URL {
        fields.target_url.clear();
    } else {
        fields.target_id = None;
    }
    let at = clock.now_naive();
    db.write(move |conn| {
        check_banner(conn, &fields)?;
        home_store::insert(conn, &fields, at)?;
        let details = serde_json::json!({"target": fields.target_kind, "id": fields.target_id});
        super::audit_content(conn, at, staff_id, "banner.create", "home_banners", None, &details)
    })
    .await?;
    invalidate();
    Ok(())
}

/// Moves banner `id` in the order.
pub async fn move_banner(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    sort_order: i32,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        if home_store::set_order(conn, id, sort_order, at)? == 0 {
            return Err(AppError::not_found("横幅"));
        }
        let details = serde_json::json!({"sort_order": sort_order});
        super::audit_content(conn, at, staff_id, "banner.move", "home_banners", Some(id), &details)
    })
    .await?;
    invalidate();
    Ok(())
}

/// Removes banner `id`.
pub async fn delete_banner(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        if home_store::delete(conn, id)? == 0 {
            return Err(AppError::not_found("横幅"));
        }
        super::audit_content(
            conn,
            at,
            staff_id,
            "banner.delete",
            "home_banners",
            Some(id),
            &().into(),
        )
    })
    .await?;
    invalidate();
    Ok(())
}

/// Chooses the shortcut grid (keys from [`SHORTCUTS`], in order).
pub async fn set_shortcuts(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    keys: Vec<String>,
) -> Result<(), AppError> {
    if keys.iter().any(|k| !SHORTCUTS.iter().any(|(key, _, _)| key == k)) {
        return Err(AppError::field("shortcuts", "未知的快捷入口"));
    }
    // Stored in the catalogue's order, whatever order the form sent.
    let keys: Vec<String> = SHORTCUTS
        .iter()
        .filter(|(key, _, _)| keys.iter().any(|k| k == key))
        .map(|(key, _, _)| (*key).to_owned())
        .collect();
    let at = clock.now_naive();
    let value = serde_json::to_string(&keys).map_err(AppError::internal)?;
    db.write(move |conn| {
        crate::kernel::settings::put(conn, super::setting_keys::HOME_SHORTCUTS, &value, at)?;
        let details = serde_json::json!({"shortcuts": keys});
        super::audit_content(conn, at, staff_id, "home.shortcuts", "settings", None, &details)
    })
    .await?;
    invalidate();
    Ok(())
}
