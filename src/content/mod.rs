//! Content (信息发布): articles staff write in the workbench editor (sanitised once, on
//! write), read by their audience at request time; WeChat article import; the
//! mini-program home (banners, shortcuts, pinned and latest articles, upcoming
//! events); support tickets (客户支持); the resource library (资源库 / 会刊), albums (相册)
//! and videos (视频), read by the same audience rule.

pub mod access;
pub mod albums;
pub mod articles;
pub mod gallery_store;
pub mod home;
pub mod home_store;
pub mod import;
pub mod library;
pub mod library_model;
pub mod library_store;
pub mod model;
pub mod reading;
pub mod store;
pub mod tickets;
pub mod tickets_store;
pub mod video_model;
pub mod videos;

use chrono::NaiveDateTime;

use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::{self, Actor, AuditEntry};
use crate::kernel::clock::SharedClock;
pub use access::Reader;
pub use model::CategoryRow;

/// Settings keys of content (in the association settings table).
pub mod setting_keys {
    /// "1": visitors see members-only articles in lists as locked teasers.
    pub const LOCKED_TEASERS: &str = "content_locked_teasers";
    /// JSON array of the shortcut keys the home's grid shows, in order.
    pub const HOME_SHORTCUTS: &str = "home_shortcuts";
}

/// Publishing now (`true`) or taking back to draft: the state to store, the publication
/// time and the audit verb (`publish` / `unpublish`). Library items, albums and videos.
pub fn publication(
    published: bool,
    now: NaiveDateTime,
) -> (&'static str, Option<NaiveDateTime>, &'static str) {
    if published {
        (model::status::PUBLISHED, Some(now), "publish")
    } else {
        (model::status::DRAFT, None, "unpublish")
    }
}

/// Writes an audit row about a content item.
pub fn audit_content(
    conn: &mut DbConn,
    at: NaiveDateTime,
    staff_id: i64,
    action: &str,
    subject_type: &str,
    id: Option<i64>,
    details: &serde_json::Value,
) -> Result<(), AppError> {
    let entry = AuditEntry {
        actor: Actor::Staff(staff_id),
        action,
        subject_type,
        subject_id: id,
        ip: None,
    };
    audit::record(conn, at, &entry, details)
}

/// Every article category, in list order.
pub async fn categories(db: &Db) -> Result<Vec<CategoryRow>, AppError> {
    db.run(|conn| Ok(store::categories(conn)?)).await
}

/// Adds an article category; a duplicate name is 422.
pub async fn add_category(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    name: &str,
    sort_order: i32,
) -> Result<(), AppError> {
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 20 {
        return Err(AppError::field("name", "请填写分类名称（不超过 20 字）"));
    }
    let at = clock.now_naive();
    db.write(move |conn| {
        store::insert_category(conn, &name, sort_order, at).map_err(|e| {
            if crate::db::is_unique_violation(&e) {
                AppError::field("name", "已有同名分类")
            } else {
                AppError::from(e)
            }
        })?;
        let details = serde_json::json!({"name": name});
        audit_content(
            conn,
            at,
            staff_id,
            "article_category.create",
            "article_categories",
            None,
            &details,
        )
    })
    .await
}

/// Whether visitors see members-only items as locked teasers (an association setting).
pub fn locked_teasers(conn: &mut DbConn) -> Result<bool, AppError> {
    Ok(crate::kernel::settings::get(conn, setting_keys::LOCKED_TEASERS)?.as_deref() == Some("1"))
}

/// Turns the locked teasers for visitors on or off.
pub async fn set_locked_teasers(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    on: bool,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let value = if on { "1" } else { "0" };
        crate::kernel::settings::put(conn, setting_keys::LOCKED_TEASERS, value, at)?;
        let details = serde_json::json!({"locked_teasers": on});
        audit_content(conn, at, staff_id, "content.teasers", "settings", None, &details)
    })
    .await?;
    home::invalidate();
    Ok(())
}
