//! Member numbers: prefix + zero-padded sequence, configurable by staff, unique under
//! parallel approvals and imports.

use serde::Serialize;

use super::model::{format_member_number, valid_number_prefix};
use super::store::{self, catalog};
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;

/// Member numbering as the settings page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Numbering {
    /// Prefix, e.g. `HY`.
    pub prefix: String,
    /// Digits of the sequence.
    pub width: i32,
    /// The next number that will be given, e.g. `HY00013`.
    pub next: String,
}

/// The current numbering.
pub async fn numbering(db: &Db) -> Result<Numbering, AppError> {
    db.run(|conn| {
        let (prefix, width, next) = catalog::numbering(conn)?;
        let next = format_member_number(&prefix, width, next);
        Ok(Numbering { prefix, width, next })
    })
    .await
}

/// Changes the prefix and width of future member numbers (existing numbers stay).
pub async fn set_numbering(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    prefix: String,
    width: String,
) -> Result<(), AppError> {
    let mut errors = Vec::new();
    let prefix = prefix.trim().to_owned();
    if !valid_number_prefix(&prefix) {
        errors.push(FieldError::new("prefix", "前缀最多 8 位字母、数字或 -"));
    }
    let width = match width.trim().parse::<i32>() {
        Ok(w) if (1..=10).contains(&w) => w,
        _ => {
            errors.push(FieldError::new("width", "位数须为 1–10"));
            0
        }
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let at = clock.now_naive();
    db.write(move |conn| {
        catalog::set_numbering(conn, &prefix, width, at)?;
        AuditEntry::new(Actor::Staff(staff_id), "membership.numbering", "membership_settings", 1)
            .record(conn, at, &serde_json::json!({"prefix": prefix, "width": width}))
    })
    .await
}

/// Allocates `count` member numbers inside the caller's write transaction, skipping any
/// already on the roll (e.g. imported with their own numbers) or in `reserved`.
pub fn allocate_numbers(
    conn: &mut DbConn,
    count: usize,
    reserved: &std::collections::HashSet<String>,
) -> Result<Vec<String>, AppError> {
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let missing = count - out.len();
        let wanted = i64::try_from(missing).map_err(AppError::internal)?;
        let (prefix, width, first) = catalog::reserve_numbers(conn, wanted)?;
        let batch: Vec<String> =
            (first..first + wanted).map(|n| format_member_number(&prefix, width, n)).collect();
        let taken: std::collections::HashSet<String> =
            store::import::existing_numbers(conn, &batch)?.into_iter().collect();
        out.extend(batch.into_iter().filter(|n| !taken.contains(n) && !reserved.contains(n)));
    }
    Ok(out)
}
