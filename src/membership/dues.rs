//! What dues mean for membership: who owes them, paid-until, expiry and reactivation.
//! Billing calls these inside its own transactions.

use chrono::{NaiveDate, NaiveDateTime};

use super::model::{MemberRow, MemberTypeRow, status};
use super::store;
use crate::db::DbConn;
use crate::error::AppError;
use crate::kernel::audit::{self, Actor, AuditEntry};

/// Members who owe dues (active or expired), with their member type.
pub fn dues_roll(conn: &mut DbConn) -> Result<Vec<(MemberRow, MemberTypeRow)>, AppError> {
    Ok(store::dues::dues_roll(conn)?)
}

/// A member by id.
pub fn member(conn: &mut DbConn, id: i64) -> Result<Option<MemberRow>, AppError> {
    Ok(store::members::by_id(conn, id)?)
}

fn audit_member(
    conn: &mut DbConn,
    at: NaiveDateTime,
    action: &str,
    id: i64,
    details: &serde_json::Value,
) -> Result<(), AppError> {
    let entry = AuditEntry {
        actor: Actor::System,
        action,
        subject_type: "members",
        subject_id: Some(id),
        ip: None,
    };
    audit::record(conn, at, &entry, details)
}

/// Dues are paid up to `until`: moves paid-until forward and makes an expired member
/// active again when `until` has not passed (`today`).
pub fn dues_paid(
    conn: &mut DbConn,
    at: NaiveDateTime,
    member_id: i64,
    until: NaiveDate,
    today: NaiveDate,
) -> Result<(), AppError> {
    if store::dues::set_paid_until(conn, member_id, until, at)? == 1 {
        audit_member(
            conn,
            at,
            "member.paid_until",
            member_id,
            &serde_json::json!({"until": until}),
        )?;
    }
    if until >= today
        && store::dues::set_status(conn, member_id, status::EXPIRED, status::ACTIVE, at)? == 1
    {
        audit_member(conn, at, "member.reactivate", member_id, &serde_json::json!({}))?;
    }
    Ok(())
}

/// Marks an active member `expired` (dues lapsed past the grace period) and tells
/// them; false when they were not active.
pub fn expire(conn: &mut DbConn, at: NaiveDateTime, member: &MemberRow) -> Result<bool, AppError> {
    if store::dues::set_status(conn, member.id, status::ACTIVE, status::EXPIRED, at)? != 1 {
        return Ok(false);
    }
    audit_member(conn, at, "member.expire", member.id, &serde_json::json!({}))?;
    let payload = serde_json::json!({"member_number": member.member_number, "status_label": status::label(status::EXPIRED)});
    let body =
        format!("您的会籍（会员编号 {}）因会费逾期已到期，缴费后即恢复", member.member_number);
    let notice = crate::notices::Notice {
        kind: crate::notices::NoticeKind::MembershipExpired,
        body,
        payload,
    };
    crate::notices::send(conn, at, member.user_id, &notice)?;
    Ok(true)
}
