//! Marketplace (供需大厅): members' supply and demand listings, reviewed with the
//! edit-while-live mechanism (`kernel::revisions`), listed and unlisted by their owners,
//! shown in the hall by one visibility rule (`store::visible`), with contact reveals,
//! reports and the categories staff keep.

pub mod catalog_store;
pub mod hall;
pub mod listings;
pub mod model;
pub mod staff;
pub mod store;
pub mod views;

use chrono::NaiveDateTime;

use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::{self, Actor, AuditEntry};
use crate::kernel::clock::SharedClock;
use crate::kernel::revisions::{self, RevisionKind};
pub use catalog_store::CategoryRow;
pub use hall::card_items;

/// The revision kind of listings.
pub const KIND: RevisionKind = RevisionKind::Listing;

/// Writes an audit row about listing `id`.
pub fn audit_listing(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Actor,
    action: &str,
    id: i64,
    details: &serde_json::Value,
) -> Result<(), AppError> {
    revisions::owner::audit(conn, at, actor, KIND, action, id, details)
}

/// Every category, in list order.
pub async fn categories(db: &Db) -> Result<Vec<CategoryRow>, AppError> {
    db.run(|conn| Ok(catalog_store::categories(conn)?)).await
}

fn category_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 20 {
        return Err(AppError::field("name", "请填写分类名称（不超过 20 字）"));
    }
    Ok(name.to_owned())
}

fn duplicate(e: diesel::result::Error) -> AppError {
    if crate::db::is_unique_violation(&e) {
        AppError::field("name", "已有同名分类")
    } else {
        AppError::from(e)
    }
}

fn audit_category(
    conn: &mut DbConn,
    at: NaiveDateTime,
    staff_id: i64,
    action: &str,
    id: Option<i64>,
    details: &serde_json::Value,
) -> Result<(), AppError> {
    let entry = AuditEntry {
        actor: Actor::Staff(staff_id),
        action,
        subject_type: "listing_categories",
        subject_id: id,
        ip: None,
    };
    audit::record(conn, at, &entry, details)
}

/// Adds a category (or renames / reorders category `id`); a duplicate name is 422.
pub async fn save_category(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: Option<i64>,
    name: &str,
    sort_order: i32,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    let name = category_name(name)?;
    db.write(move |conn| {
        let details = serde_json::json!({"name": name, "sort_order": sort_order});
        match id {
            Some(id) => {
                let n = catalog_store::update_category(conn, id, &name, sort_order, at)
                    .map_err(duplicate)?;
                if n == 0 {
                    return Err(AppError::not_found("分类"));
                }
                audit_category(conn, at, staff_id, "listing_category.update", Some(id), &details)
            }
            None => {
                catalog_store::insert_category(conn, &name, sort_order, at).map_err(duplicate)?;
                audit_category(conn, at, staff_id, "listing_category.create", None, &details)
            }
        }
    })
    .await
}

/// Removes a category no listing uses (409 `category_in_use` otherwise).
pub async fn delete_category(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let uses = catalog_store::category_uses(conn, id)?;
        if uses > 0 {
            return Err(AppError::Conflict {
                code: "category_in_use",
                message: format!("有 {uses} 条供需信息使用该分类，不能删除"),
            });
        }
        // A listing saved with it meanwhile makes the foreign key refuse: the same 409.
        let deleted = catalog_store::delete_category(conn, id).map_err(|e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                _,
            ) => AppError::Conflict {
                code: "category_in_use",
                message: "有供需信息使用该分类，不能删除".into(),
            },
            other => AppError::from(other),
        })?;
        if deleted == 0 {
            return Err(AppError::not_found("分类"));
        }
        audit_category(conn, at, staff_id, "listing_category.delete", Some(id), &().into())
    })
    .await
}
