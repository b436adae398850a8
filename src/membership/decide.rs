//! Deciding an application: the status machine's record, and on approval its effect —
//! join → member with a number (and optionally this period's dues order), position →
//! new position at once, resign → membership ends — all in one transaction with the
//! audit row and the applicant's notice.

use chrono::NaiveDateTime;

use super::applications::{ApplicationView, load_catalogue};
use super::catalog::Catalogue;
use super::model::{ApplicationKind, ApplicationRow, MemberDetails, status};
use super::store::{self, members::NewMemberRow};
use crate::billing;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;
use crate::kernel::review::{self, Decision, ReviewRecord};
use crate::notices::{Notice, NoticeKind};

/// A staff decision on one application.
#[derive(Debug, Clone)]
pub struct DecisionInput {
    /// Approve or reject.
    pub decision: Decision,
    /// Note to the applicant (required to reject).
    pub note: String,
    /// On approving a join: create this period's dues order.
    pub create_dues_order: bool,
}

/// Records `input` on application `id` and applies it; deciding twice is a 409.
pub async fn decide(
    db: &Db,
    clock: &SharedClock,
    tz: chrono_tz::Tz,
    reviewer: Actor,
    id: i64,
    input: DecisionInput,
) -> Result<ApplicationView, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let row =
            store::applications::by_id(conn, id)?.ok_or_else(|| AppError::not_found("申请"))?;
        let record =
            review::decide(row.review_status(), input.decision, &input.note, reviewer, at)?;
        if store::applications::record_decision(conn, id, &record)? == 0 {
            // Someone decided it between our read and our write (PostgreSQL).
            return Err(review::already_decided(record.status));
        }
        let cat = load_catalogue(conn)?;
        if input.decision == Decision::Approve {
            apply(conn, &row, &cat, &input, tz, at, reviewer)?;
        }
        record_and_notify(conn, &row, &record, input.decision)?;
        let row =
            store::applications::by_id(conn, id)?.ok_or_else(|| AppError::not_found("申请"))?;
        Ok(ApplicationView::new(row, &cat))
    })
    .await
}

fn apply(
    conn: &mut DbConn,
    row: &ApplicationRow,
    cat: &Catalogue,
    input: &DecisionInput,
    tz: chrono_tz::Tz,
    at: NaiveDateTime,
    reviewer: Actor,
) -> Result<(), AppError> {
    let member = store::members::by_user(conn, row.user_id)?;
    let active = member.as_ref().is_some_and(|m| m.status == status::ACTIVE);
    match row.kind() {
        ApplicationKind::Join => {
            if active {
                return Err(AppError::Conflict {
                    code: "already_member",
                    message: "申请人已是会员，请驳回此申请".into(),
                });
            }
            let member_id = admit(conn, row, member.map(|m| m.id), at)?;
            if input.create_dues_order {
                create_dues(conn, row, cat, member_id, tz, at, reviewer)?;
            }
        }
        ApplicationKind::Position | ApplicationKind::Resign if !active => {
            return Err(AppError::Conflict {
                code: "not_a_member",
                message: "申请人已不是会员，请驳回此申请".into(),
            });
        }
        ApplicationKind::Position => {
            let (Some(m), Some(position_id)) = (member, row.position_id) else {
                return Err(AppError::field("position_id", "申请未指定职务"));
            };
            store::members::change_position(conn, m.id, position_id, at)?;
        }
        ApplicationKind::Resign => {
            if let Some(m) = member {
                store::members::resign(conn, m.id, at)?;
            }
        }
    }
    Ok(())
}

/// Makes the applicant a member (a former member comes back with their old number).
fn admit(
    conn: &mut DbConn,
    row: &ApplicationRow,
    former: Option<i64>,
    at: NaiveDateTime,
) -> Result<i64, AppError> {
    let (Some(member_type_id), Some(position_id)) = (row.member_type_id, row.position_id) else {
        return Err(AppError::field("member_type_id", "申请缺少会员类型或职务"));
    };
    let name =
        crate::accounts::find_user(conn, row.user_id)?.and_then(|u| u.nickname).unwrap_or_default();
    let mut fields = NewMemberRow {
        user_id: row.user_id,
        member_number: String::new(),
        status: status::ACTIVE.into(),
        details: MemberDetails {
            name,
            member_type_id,
            position_id,
            industry_id: row.industry_id,
            company: row.company.clone(),
            title: row.title.clone(),
        },
        joined_at: at,
        created_at: at,
        updated_at: at,
    };
    let member_id = match former {
        Some(id) => {
            store::members::rejoin(conn, id, &fields)?;
            id
        }
        None => {
            let numbers = super::numbering::allocate_numbers(conn, 1, &Default::default())?;
            fields.member_number = numbers.into_iter().next().unwrap_or_default();
            store::members::insert(conn, &fields)?.id
        }
    };
    store::members::change_position(conn, member_id, position_id, at)?;
    store::members::reindex(conn, member_id)?;
    Ok(member_id)
}

fn create_dues(
    conn: &mut DbConn,
    row: &ApplicationRow,
    cat: &Catalogue,
    member_id: i64,
    tz: chrono_tz::Tz,
    at: NaiveDateTime,
    reviewer: Actor,
) -> Result<(), AppError> {
    let Some(kind) = cat.member_types.iter().find(|t| Some(t.id) == row.member_type_id) else {
        return Ok(());
    };
    if kind.dues_cents <= 0 {
        return Ok(());
    }
    let today = at.and_utc().with_timezone(&tz).date_naive();
    let period = billing::dues::current_period(conn, today, today)?;
    let order =
        billing::dues::dues_order(row.user_id, member_id, &kind.name, kind.dues_cents, &period);
    let order = billing::create_order(conn, at, reviewer, &order)?;
    store::applications::set_dues_order(conn, row.id, order.id)?;
    Ok(())
}

fn record_and_notify(
    conn: &mut DbConn,
    row: &ApplicationRow,
    record: &ReviewRecord,
    decision: Decision,
) -> Result<(), AppError> {
    let at = record.decided_at;
    let action = format!("application.{}", decision.as_str());
    let details = serde_json::json!({"kind": row.kind, "note": record.note});
    AuditEntry::new(record.reviewer, &action, "applications", row.id).record(conn, at, &details)?;
    let payload = serde_json::json!({
        "application_id": row.id,
        "kind": row.kind().label(),
        "status": record.status.label(),
        "note": record.note,
    });
    let mut body = format!("您的{}{}", row.kind().label(), record.status.label());
    if !record.note.is_empty() {
        body.push_str(&format!("：{}", record.note));
    }
    let notice = Notice { kind: NoticeKind::ApplicationDecided, body, payload };
    crate::notices::send(conn, at, row.user_id, &notice)
}
