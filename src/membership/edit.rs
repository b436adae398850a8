//! Staff edit a member on the roll: name, type, position, industry, company, title,
//! status, or end the membership — one transaction, audited with before and after.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::model::{MemberDetails, status};
use super::store;
use crate::db::Db;
use crate::error::{AppError, FieldError};
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;

/// What staff send (every field).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct MemberEdit {
    /// 姓名.
    pub name: String,
    /// 会员类型.
    pub member_type_id: i64,
    /// 职务.
    pub position_id: i64,
    /// 行业 (none when absent).
    pub industry_id: Option<i64>,
    /// 企业名称.
    pub company: String,
    /// 企业职务.
    pub title: String,
    /// `active` or `expired` (ending a membership is [`MemberEdit::end`]).
    pub status: String,
    /// End the membership (退会): the member leaves every public place at once.
    #[serde(default)]
    pub end: bool,
}

#[derive(Debug, Serialize)]
struct Snapshot {
    name: String,
    member_type_id: i64,
    position_id: i64,
    industry_id: Option<i64>,
    company: String,
    title: String,
    status: String,
}

impl Snapshot {
    fn of(d: &MemberDetails, status: &str) -> Self {
        Self {
            name: d.name.clone(),
            member_type_id: d.member_type_id,
            position_id: d.position_id,
            industry_id: d.industry_id,
            company: d.company.clone(),
            title: d.title.clone(),
            status: status.to_owned(),
        }
    }
}

fn limit(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize, required: bool) {
    let n = value.chars().count();
    if required && n == 0 {
        errors.push(FieldError::new(field, "必填"));
    } else if n > max {
        errors.push(FieldError::new(field, format!("不能超过 {max} 个字")));
    }
}

/// Applies `edit` to member `id` as staff `staff_id`; 422 with field messages (nothing
/// written) when a value is wrong. Returns whether anything changed.
pub async fn edit_member(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    edit: MemberEdit,
) -> Result<bool, AppError> {
    let at: NaiveDateTime = clock.now_naive();
    db.write(move |conn| {
        let member: super::model::MemberRow = crate::lock_for_update!(
            conn,
            crate::db::schema::members::table
                .find(id)
                .select(<super::model::MemberRow as diesel::SelectableHelper<_>>::as_select())
        )?
        .ok_or_else(|| AppError::not_found("会员"))?;
        let d = MemberDetails {
            name: edit.name.trim().to_owned(),
            member_type_id: edit.member_type_id,
            position_id: edit.position_id,
            industry_id: edit.industry_id,
            company: edit.company.trim().to_owned(),
            title: edit.title.trim().to_owned(),
        };
        let mut e = Vec::new();
        limit(&mut e, "name", &d.name, 20, true);
        limit(&mut e, "company", &d.company, 100, false);
        limit(&mut e, "title", &d.title, 50, false);
        if store::catalog::member_type(conn, d.member_type_id)?.is_none() {
            e.push(FieldError::new("member_type_id", "会员类型不存在"));
        }
        if store::catalog::position(conn, d.position_id)?.is_none() {
            e.push(FieldError::new("position_id", "职务不存在"));
        }
        if let Some(i) = d.industry_id
            && store::catalog::industry(conn, i)?.is_none()
        {
            e.push(FieldError::new("industry_id", "行业不存在"));
        }
        let resigned = member.status == status::RESIGNED;
        let new_status = if edit.end || resigned { status::RESIGNED } else { edit.status.as_str() };
        if !resigned && !edit.end && ![status::ACTIVE, status::EXPIRED].contains(&new_status) {
            e.push(FieldError::new("status", "状态只能是正常或已过期"));
        }
        if !e.is_empty() {
            return Err(AppError::Validation(e));
        }
        let before = Snapshot::of(&member.details, &member.status);
        let after = Snapshot::of(&d, new_status);
        if serde_json::to_value(&before).ok() == serde_json::to_value(&after).ok() {
            return Ok(false);
        }
        store::members::update_details(conn, id, &d, at)?;
        if d.position_id != member.details.position_id && !resigned {
            store::members::change_position(conn, id, d.position_id, at)?;
        }
        if new_status != member.status {
            if new_status == status::RESIGNED {
                store::members::resign(conn, id, at)?;
            } else {
                store::members::set_status(conn, id, new_status, at)?;
            }
        }
        store::members::reindex(conn, id)?;
        let details = serde_json::json!({"before": before, "after": after});
        AuditEntry::new(Actor::Staff(staff_id), "member.edit", "members", id)
            .record(conn, at, &details)?;
        Ok(true)
    })
    .await
}
