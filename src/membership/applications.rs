//! Applications from the mini-program: submit, list one's own, withdraw. One open
//! application per user per kind, kept by the `open_key` unique column.

use chrono::NaiveDateTime;
use diesel::Connection as _;
use serde::{Deserialize, Serialize};

use super::catalog::Catalogue;
use super::model::{ApplicationKind, ApplicationRow, MemberRow, open_key, status, valid_phone};
use super::store::{self, applications::NewApplicationRow, catalog};
use crate::db::{Db, DbConn, is_unique_violation};
use crate::error::{AppError, FieldError};
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;
use crate::kernel::review::{self, ReviewStatus};

/// What the mini-program sends to apply.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ApplicationInput {
    /// `join`, `position` or `resign`.
    #[schema(value_type = ApplicationKind)]
    pub kind: String,
    /// Member type (join; required).
    #[serde(default)]
    pub member_type_id: Option<i64>,
    /// Company name (join; required).
    #[serde(default)]
    pub company: Option<String>,
    /// Title in the company (join; required).
    #[serde(default)]
    pub title: Option<String>,
    /// Industry (join; required).
    #[serde(default)]
    pub industry_id: Option<i64>,
    /// Requested position (join and position; required).
    #[serde(default)]
    pub position_id: Option<i64>,
    /// Referrer's name (optional).
    #[serde(default)]
    pub referrer_name: Option<String>,
    /// Referrer's mainland mobile number (optional; checked when given).
    #[serde(default)]
    pub referrer_phone: Option<String>,
    /// Application letter: a file id from `POST /api/v1/uploads` (optional).
    #[serde(default)]
    pub letter_file_id: Option<i64>,
    /// Free text, e.g. the reason for resigning (optional).
    #[serde(default)]
    pub reason: Option<String>,
}

/// An application as its applicant (and the API) sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApplicationView {
    /// Id.
    pub id: i64,
    /// `join`, `position`, `resign`.
    pub kind: String,
    /// 入会申请…
    pub kind_label: String,
    /// `pending`, `approved`, `rejected`, `withdrawn`.
    pub status: String,
    /// 待审核…
    pub status_label: String,
    /// Member type.
    pub member_type_id: Option<i64>,
    /// Its name.
    pub member_type_name: Option<String>,
    /// Company.
    pub company: String,
    /// Title in the company.
    pub title: String,
    /// Industry.
    pub industry_id: Option<i64>,
    /// Its name.
    pub industry_name: Option<String>,
    /// Requested position.
    pub position_id: Option<i64>,
    /// Its name.
    pub position_name: Option<String>,
    /// Referrer's name.
    pub referrer_name: String,
    /// Referrer's phone.
    pub referrer_phone: String,
    /// Application letter file id.
    pub letter_file_id: Option<i64>,
    /// Free text.
    pub reason: String,
    /// The reviewer's note (why it was rejected, or a word on approval).
    pub decision_note: String,
    /// When decided (UTC).
    #[serde(serialize_with = "crate::kernel::clock::serialize_utc_opt")]
    pub decided_at: Option<NaiveDateTime>,
    /// When submitted (UTC).
    #[serde(serialize_with = "crate::kernel::clock::serialize_utc")]
    pub submitted_at: NaiveDateTime,
}

impl ApplicationView {
    /// Builds the view, naming catalogue entries.
    pub fn new(row: ApplicationRow, cat: &Catalogue) -> Self {
        let kind = row.kind();
        let status = row.review_status();
        Self {
            id: row.id,
            kind: kind.as_str().into(),
            kind_label: kind.label().into(),
            status: status.as_str().into(),
            status_label: status.label().into(),
            member_type_name: row
                .member_type_id
                .and_then(|id| cat.member_types.iter().find(|t| t.id == id))
                .map(|t| t.name.clone()),
            industry_name: row
                .industry_id
                .and_then(|id| cat.industries.iter().find(|t| t.id == id))
                .map(|t| t.name.clone()),
            position_name: row
                .position_id
                .and_then(|id| cat.positions.iter().find(|t| t.id == id))
                .map(|t| t.name.clone()),
            member_type_id: row.member_type_id,
            industry_id: row.industry_id,
            position_id: row.position_id,
            company: row.company,
            title: row.title,
            referrer_name: row.referrer_name,
            referrer_phone: row.referrer_phone,
            letter_file_id: row.letter_file_id,
            reason: row.reason,
            decision_note: row.decision_note,
            decided_at: row.decided_at,
            submitted_at: row.created_at,
        }
    }
}

/// Loads the catalogue inside a connection.
pub(super) fn load_catalogue(conn: &mut DbConn) -> Result<Catalogue, AppError> {
    Ok(Catalogue {
        member_types: catalog::member_types_all(conn)?,
        positions: catalog::positions_all(conn)?,
        industries: catalog::industries_all(conn)?,
    })
}

fn text(value: Option<&String>) -> String {
    value.map(|s| s.trim().to_owned()).unwrap_or_default()
}

fn limit(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize, required: bool) {
    let n = value.chars().count();
    if required && n == 0 {
        errors.push(FieldError::new(field, "必填"));
    } else if n > max {
        errors.push(FieldError::new(field, format!("不能超过 {max} 个字")));
    }
}

/// Checks the fields of `input` for `kind` against the catalogue and the applicant's
/// membership; returns the field errors (empty when all is well).
pub fn check_fields(
    kind: ApplicationKind,
    input: &ApplicationInput,
    cat: &Catalogue,
    member: Option<&MemberRow>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let join = kind == ApplicationKind::Join;
    if join {
        match input.member_type_id {
            Some(id) if cat.member_types.iter().any(|t| t.id == id) => {}
            Some(_) => errors.push(FieldError::new("member_type_id", "会员类型不存在")),
            None => errors.push(FieldError::new("member_type_id", "请选择会员类型")),
        }
        limit(&mut errors, "company", &text(input.company.as_ref()), 100, true);
        limit(&mut errors, "title", &text(input.title.as_ref()), 50, true);
        match input.industry_id {
            Some(id) if cat.industries.iter().any(|t| t.id == id) => {}
            Some(_) => errors.push(FieldError::new("industry_id", "行业不存在")),
            None => errors.push(FieldError::new("industry_id", "请选择行业")),
        }
    }
    if kind != ApplicationKind::Resign {
        match input.position_id {
            Some(id) if member.is_some_and(|m| m.position_id == id) && !join => {
                errors.push(FieldError::new("position_id", "您已担任该职务"));
            }
            Some(id) if cat.positions.iter().any(|t| t.id == id) => {}
            Some(_) => errors.push(FieldError::new("position_id", "职务不存在")),
            None => errors.push(FieldError::new("position_id", "请选择申请的职务")),
        }
    }
    let referrer_phone = text(input.referrer_phone.as_ref());
    if !referrer_phone.is_empty() && !valid_phone(&referrer_phone) {
        errors.push(FieldError::new("referrer_phone", "请输入 11 位手机号码"));
    }
    let referrer_name = text(input.referrer_name.as_ref());
    limit(&mut errors, "referrer_name", &referrer_name, 20, !referrer_phone.is_empty());
    limit(&mut errors, "reason", &text(input.reason.as_ref()), 500, false);
    errors
}

/// Whether `member` allows applying for `kind`: visitors and former members may join;
/// only active members may ask for a position or resign.
pub fn check_membership(kind: ApplicationKind, member: Option<&MemberRow>) -> Result<(), AppError> {
    let active = member.is_some_and(|m| m.status == status::ACTIVE);
    let current = member.map(|m| m.status.as_str());
    match kind {
        ApplicationKind::Join if active || current == Some(status::EXPIRED) => {
            Err(AppError::Conflict {
                code: "already_member",
                message: "您已是会员，无需再次申请入会".into(),
            })
        }
        ApplicationKind::Position | ApplicationKind::Resign if !active => Err(AppError::Conflict {
            code: "not_a_member",
            message: "只有会员才能申请职务或退会".into(),
        }),
        _ => Ok(()),
    }
}

fn check_letter(conn: &mut DbConn, user_id: i64, file_id: Option<i64>) -> Result<(), AppError> {
    let Some(id) = file_id else { return Ok(()) };
    let file = crate::kernel::media::store::find(conn, id)?;
    if file.is_some_and(|f| f.uploaded_by_user_id == Some(user_id)) {
        Ok(())
    } else {
        Err(AppError::field("letter_file_id", "申请书文件不存在，请重新上传"))
    }
}

fn insert_application(
    conn: &mut DbConn,
    user_id: i64,
    kind: ApplicationKind,
    input: &ApplicationInput,
    at: NaiveDateTime,
) -> Result<ApplicationRow, AppError> {
    let join = kind == ApplicationKind::Join;
    let (company, title) = if join {
        (text(input.company.as_ref()), text(input.title.as_ref()))
    } else {
        (String::new(), String::new())
    };
    let new = NewApplicationRow {
        user_id,
        kind: kind.as_str(),
        status: ReviewStatus::Pending.as_str(),
        open_key: Some(open_key(user_id, kind)),
        member_type_id: input.member_type_id.filter(|_| join),
        company: &company,
        title: &title,
        industry_id: input.industry_id.filter(|_| join),
        position_id: input.position_id.filter(|_| kind != ApplicationKind::Resign),
        referrer_name: &text(input.referrer_name.as_ref()),
        referrer_phone: &text(input.referrer_phone.as_ref()),
        letter_file_id: input.letter_file_id,
        reason: &text(input.reason.as_ref()),
        created_at: at,
        updated_at: at,
    };
    // A savepoint: losing the race for `open_key` must not poison the transaction.
    match conn.transaction(|c| store::applications::insert(c, &new)) {
        Ok(row) => Ok(row),
        Err(e) if is_unique_violation(&e) => Err(AppError::Conflict {
            code: "application_open",
            message: format!("您已有一份待审核的{}，请等待审核或先撤回", kind.label()),
        }),
        Err(e) => Err(e.into()),
    }
}

/// Submits an application for `user_id` (audited).
pub async fn submit(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    input: ApplicationInput,
) -> Result<ApplicationView, AppError> {
    let kind = ApplicationKind::parse(input.kind.trim())
        .ok_or_else(|| AppError::field("kind", "申请类型须为 join、position 或 resign"))?;
    let at = clock.now_naive();
    db.write(move |conn| {
        let cat = load_catalogue(conn)?;
        let member = store::members::by_user(conn, user_id)?;
        check_membership(kind, member.as_ref())?;
        let errors = check_fields(kind, &input, &cat, member.as_ref());
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        check_letter(conn, user_id, input.letter_file_id)?;
        let row = insert_application(conn, user_id, kind, &input, at)?;
        AuditEntry::new(Actor::User(user_id), "application.submit", "applications", row.id)
            .record(conn, at, &serde_json::json!({"kind": kind.as_str()}))?;
        Ok(ApplicationView::new(row, &cat))
    })
    .await
}

/// The user's applications, newest first.
pub async fn mine(db: &Db, user_id: i64) -> Result<Vec<ApplicationView>, AppError> {
    db.run(move |conn| {
        let cat = load_catalogue(conn)?;
        let rows = store::applications::for_user(conn, user_id)?;
        Ok(rows.into_iter().map(|r| ApplicationView::new(r, &cat)).collect())
    })
    .await
}

/// One of the user's applications; someone else's is "not found".
pub async fn one_of_mine(db: &Db, user_id: i64, id: i64) -> Result<ApplicationView, AppError> {
    db.run(move |conn| {
        let row = store::applications::by_id(conn, id)?
            .filter(|r| r.user_id == user_id)
            .ok_or_else(|| AppError::not_found("申请"))?;
        Ok(ApplicationView::new(row, &load_catalogue(conn)?))
    })
    .await
}

/// Withdraws one of the user's pending applications (audited).
pub async fn withdraw(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    id: i64,
) -> Result<ApplicationView, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let row = store::applications::by_id(conn, id)?
            .filter(|r| r.user_id == user_id)
            .ok_or_else(|| AppError::not_found("申请"))?;
        review::withdraw(row.review_status())?;
        if store::applications::withdraw(conn, id, user_id, at)? == 0 {
            return Err(review::already_decided(row.review_status()));
        }
        AuditEntry::new(Actor::User(user_id), "application.withdraw", "applications", id).record(
            conn,
            at,
            &serde_json::json!({}),
        )?;
        let row =
            store::applications::by_id(conn, id)?.ok_or_else(|| AppError::not_found("申请"))?;
        Ok(ApplicationView::new(row, &load_catalogue(conn)?))
    })
    .await
}
