//! The card style catalogue staff keep: rename, reorder, enable or disable any style,
//! add uploaded background images. Built-in styles are never removed (cards use them).

use super::card_model::StyleKind;
use super::card_store::{self as store, NewStyle, StyleRow};
use crate::db::Db;
use crate::error::AppError;
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;

/// Every style, layouts first, each in order.
pub async fn all_styles(db: &Db) -> Result<Vec<StyleRow>, AppError> {
    db.run(|conn| Ok(store::styles(conn)?)).await
}

/// A style as staff edit it.
#[derive(Debug, Clone)]
pub struct StyleChanges {
    /// Name (1–20 characters).
    pub name: String,
    /// Members may choose it.
    pub enabled: bool,
    /// Order.
    pub sort_order: i32,
}

/// Saves a style; audited `card_style.update`. A kind keeps at least one enabled
/// style (409 otherwise), so every card can be drawn.
pub async fn update_style(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    changes: StyleChanges,
) -> Result<(), AppError> {
    let name = changes.name.trim().to_owned();
    let count = name.chars().count();
    if count == 0 || count > 20 {
        return Err(AppError::field("name", "名称须为 1–20 个字"));
    }
    let at = clock.now_naive();
    db.write(move |conn| {
        // Every style row is read (and, on PostgreSQL, the whole catalogue locked) so two
        // staff disabling the last two enabled ones cannot both succeed.
        let styles = store::lock_styles(conn)?;
        let row = styles.iter().find(|s| s.id == id).ok_or_else(|| AppError::not_found("样式"))?;
        if !changes.enabled {
            let others = styles.iter().filter(|s| s.kind == row.kind && s.enabled && s.id != id);
            if others.count() == 0 {
                return Err(AppError::Conflict {
                    code: "last_enabled_style",
                    message: "每类至少保留一个启用的样式".into(),
                });
            }
        }
        store::update_style(conn, id, &name, changes.enabled, changes.sort_order, at)?;
        let details = serde_json::json!({
            "before": {"name": row.name, "enabled": row.enabled, "sort_order": row.sort_order},
            "after": {"name": name, "enabled": changes.enabled, "sort_order": changes.sort_order},
        });
        AuditEntry::new(Actor::Staff(staff_id), "card_style.update", "card_styles", id)
            .record(conn, at, &details)?;
        Ok(())
    })
    .await
}

/// Adds uploaded file `file_id` as a background; it must be an image (422 otherwise).
/// Audited `card_style.create`.
pub async fn add_background(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    file_id: i64,
    name: String,
) -> Result<i64, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let file = crate::kernel::media::store::find(conn, file_id)?
            .ok_or_else(|| AppError::field("file", "文件不存在"))?;
        if file.kind != "image" {
            return Err(AppError::field("file", "背景须为图片（JPEG、PNG、WebP 或 GIF）"));
        }
        let order = store::styles(conn)?
            .iter()
            .filter(|s| s.kind == StyleKind::Background.as_str())
            .map(|s| s.sort_order)
            .max()
            .unwrap_or(0)
            + 1;
        let name: String = name.trim().chars().take(20).collect();
        let name = if name.is_empty() { format!("背景 {order}") } else { name };
        let id = store::insert_style(
            conn,
            &NewStyle {
                kind: StyleKind::Background.as_str(),
                code: "image",
                name: &name,
                builtin: false,
                colors: "",
                image_file_id: Some(file_id),
                enabled: true,
                sort_order: order,
                created_at: at,
                updated_at: at,
            },
        )?;
        let details = serde_json::json!({"name": name, "file_id": file_id});
        AuditEntry::new(Actor::Staff(staff_id), "card_style.create", "card_styles", id)
            .record(conn, at, &details)?;
        Ok(id)
    })
    .await
}
