//! Accounts: staff (workbench sign-in, roles, management) and mini-program users with
//! their bearer tokens.

pub mod email;
pub mod model;
pub mod password;
pub mod profile;
pub mod sessions;
pub mod sign_in;
pub mod sms;
pub mod store;
pub mod throttle;
pub mod tokens;
pub mod wechat;

use chrono::NaiveDateTime;

pub use model::{Role, StaffRow, UserRow};
pub use sessions::{
    end_all_staff_sessions, end_staff_session, staff_of_session, start_staff_session,
};
pub use throttle::LoginThrottle;

use crate::db::{Db, is_unique_violation};
use crate::error::{AppError, FieldError};
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::blocking;
use crate::kernel::clock::SharedClock;

/// Input for a new staff account.
#[derive(Debug, Clone)]
pub struct NewStaffInput {
    /// Sign-in name.
    pub username: String,
    /// Shown name (defaults to the username).
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Initial password; `None` makes a random one, answered once in [`NewStaff`].
    pub password: Option<String>,
}

/// A staff account just created.
#[derive(Debug, Clone)]
pub struct NewStaff {
    /// The account.
    pub row: StaffRow,
    /// The random first password, when the use case made it (show it once).
    pub first_password: Option<String>,
}

/// Creates a staff account; `actor` is the admin doing it (or `System` from the CLI).
/// The username is trimmed and lower-cased here, as sign-in does, so the CLI and the
/// workbench agree; without a password a random first one is made.
pub async fn create_staff(
    db: &Db,
    clock: &SharedClock,
    input: NewStaffInput,
    actor: Actor,
) -> Result<NewStaff, AppError> {
    let username = model::normalise_username(&input.username);
    let first_password = input.password.is_none().then(password::first_password);
    let Some(secret) = input.password.or_else(|| first_password.clone()) else {
        return Err(AppError::internal(anyhow::anyhow!("no password")));
    };
    let display_name = match input.display_name.trim() {
        "" => username.clone(),
        name => name.chars().take(40).collect(),
    };
    let errors: Vec<FieldError> =
        [model::validate_username(&username), model::validate_password(&secret)]
            .into_iter()
            .filter_map(Result::err)
            .collect();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let at = clock.now_naive();
    let first_password_made = first_password.is_some();
    let hash = blocking::cpu(move || password::hash(&secret)).await?;
    let row = db
        .write(move |conn| {
            let row = store::insert_staff(
                conn,
                &store::NewStaff {
                    username: &username,
                    display_name: &display_name,
                    password_hash: &hash,
                    role: input.role.as_str(),
                    active: true,
                    session_epoch: 0,
                    must_change_password: first_password_made,
                    created_at: at,
                    updated_at: at,
                },
            )
            .map_err(|e| {
                if is_unique_violation(&e) {
                    AppError::field("username", "该用户名已被使用")
                } else {
                    e.into()
                }
            })?;
            let details = serde_json::json!({"username": row.username, "role": row.role});
            audit_entry(actor, "staff.create", row.id).record(conn, at, &details)?;
            Ok(row)
        })
        .await?;
    Ok(NewStaff { row, first_password })
}

fn audit_entry(actor: Actor, action: &str, staff_id: i64) -> AuditEntry<'_> {
    AuditEntry::new(actor, action, "staff", staff_id)
}

/// Checks a username and password, with throttling per account and per address.
pub async fn sign_in_staff(
    db: &Db,
    clock: &SharedClock,
    throttle: &LoginThrottle,
    username: &str,
    password: &str,
    ip: &str,
) -> Result<StaffRow, AppError> {
    let now = clock.now();
    // The throttle counts the name the lookup uses, so " Finance" is the same account.
    let name = model::normalise_username(username);
    if let Err(wait) = throttle.check(&name, ip, now).await? {
        return Err(AppError::RateLimited {
            retry_after_secs: wait,
            message: format!("登录失败次数过多，请 {} 分钟后再试", wait.div_ceil(60)),
        });
    }
    let lookup = name.clone();
    let row = db.run(move |conn| Ok(store::staff_by_username(conn, &lookup)?)).await?;
    let (secret, hash) = (
        password.to_owned(),
        row.as_ref().map_or(password::DUMMY_HASH, |r| r.password_hash.as_str()).to_owned(),
    );
    let matches = blocking::cpu(move || Ok(password::verify(&secret, &hash))).await?;
    let Some(row) = row.filter(|r| matches && r.active) else {
        throttle.record_failure(&name, ip, now).await?;
        return Err(AppError::field("password", "用户名或密码错误，或账号已停用"));
    };
    let (at, address, id) = (clock.now_naive(), ip.to_owned(), row.id);
    db.write(move |conn| {
        store::touch_staff_login(conn, id, at)?;
        let entry = audit_entry(Actor::Staff(id), "staff.sign_in", id).from_ip(&address);
        entry.record(conn, at, &serde_json::json!({}))
    })
    .await?;
    throttle.clear_account(&row.username).await?;
    Ok(row)
}

/// The staff account behind a session, if it still exists and is active.
pub async fn active_staff(db: &Db, id: i64) -> Result<Option<StaffRow>, AppError> {
    let row = db.run(move |conn| Ok(store::staff_by_id(conn, id)?)).await?;
    Ok(row.filter(|r| r.active))
}

/// Every staff account.
pub async fn list_staff(db: &Db) -> Result<Vec<StaffRow>, AppError> {
    db.run(|conn| Ok(store::all_staff(conn)?)).await
}

/// Enables or disables an account (ending its sessions). Admins cannot disable
/// themselves, and the last active admin cannot be disabled.
pub async fn set_staff_active(
    db: &Db,
    clock: &SharedClock,
    admin_id: i64,
    staff_id: i64,
    active: bool,
) -> Result<StaffRow, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let row = store::staff_by_id(conn, staff_id)?.ok_or_else(|| AppError::not_found("账号"))?;
        if !active && row.id == admin_id {
            return Err(AppError::Conflict {
                code: "cannot_disable_self",
                message: "不能停用自己的账号".into(),
            });
        }
        // Lock every active admin row first: two admins disabling each other at once
        // queue here on PostgreSQL, and the second sees the first's change.
        if !active
            && row.role() == Role::Admin
            && !store::lock_active_admins(conn)?.iter().any(|id| *id != row.id)
        {
            return Err(AppError::Conflict {
                code: "last_admin",
                message: "至少保留一个启用的管理员".into(),
            });
        }
        store::set_staff_active(conn, row.id, active, at)?;
        let action = if active { "staff.enable" } else { "staff.disable" };
        audit_entry(Actor::Staff(admin_id), action, row.id).record(
            conn,
            at,
            &serde_json::json!({}),
        )?;
        store::staff_by_id(conn, row.id)?.ok_or_else(|| AppError::not_found("账号"))
    })
    .await
}

/// Sets a new random password (shown once to the admin) and ends the account's sessions.
pub async fn reset_staff_password(
    db: &Db,
    clock: &SharedClock,
    admin_id: i64,
    staff_id: i64,
) -> Result<(StaffRow, String), AppError> {
    let at = clock.now_naive();
    let temporary = password::first_password();
    let secret = temporary.clone();
    let hash = blocking::cpu(move || password::hash(&secret)).await?;
    let row = db
        .write(move |conn| {
            let row =
                store::staff_by_id(conn, staff_id)?.ok_or_else(|| AppError::not_found("账号"))?;
            store::set_staff_password(conn, row.id, &hash, at)?;
            let entry = audit_entry(Actor::Staff(admin_id), "staff.reset_password", row.id);
            entry.record(conn, at, &serde_json::json!({}))?;
            Ok(row)
        })
        .await?;
    Ok((row, temporary))
}

/// Changes one's own password after checking the current one.
pub async fn change_own_password(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    current: String,
    new: String,
) -> Result<(), AppError> {
    model::validate_password(&new)
        .map_err(|e| AppError::Validation(vec![FieldError::new("new_password", e.message)]))?;
    let at: NaiveDateTime = clock.now_naive();
    let row = db
        .run(move |conn| Ok(store::staff_by_id(conn, staff_id)?))
        .await?
        .ok_or_else(|| AppError::not_found("账号"))?;
    let old_hash = row.password_hash.clone();
    let hash = blocking::cpu(move || {
        if !password::verify(&current, &old_hash) {
            return Err(AppError::field("current_password", "当前密码不正确"));
        }
        password::hash(&new)
    })
    .await?;
    db.write(move |conn| {
        // Compare and set: a reset made while this one was hashing wins.
        if store::swap_staff_password(conn, row.id, &row.password_hash, &hash, at)? == 0 {
            return Err(AppError::Conflict {
                code: "password_changed",
                message: "密码刚被修改，请重新登录后再试".into(),
            });
        }
        let entry = audit_entry(Actor::Staff(row.id), "staff.change_password", row.id);
        entry.record(conn, at, &serde_json::json!({}))
    })
    .await
}

/// Creates a bare user (used by sign-in flows and test fixtures).
pub async fn create_user(
    db: &Db,
    clock: &SharedClock,
    nickname: Option<String>,
) -> Result<UserRow, AppError> {
    let at = clock.now_naive();
    db.run(move |conn| Ok(store::insert_user(conn, nickname.as_deref(), at)?)).await
}

/// Links a staff account to a mini-program user, named by phone or user id, so that
/// the staff member can also review from the mini-program. One user, one staff account.
pub async fn link_staff_user(
    db: &Db,
    clock: &SharedClock,
    admin_id: i64,
    staff_id: i64,
    user_ref: &str,
) -> Result<StaffRow, AppError> {
    let user_ref = user_ref.trim().trim_start_matches('#').to_owned();
    let at = clock.now_naive();
    db.write(move |conn| {
        let row = store::staff_by_id(conn, staff_id)?.ok_or_else(|| AppError::not_found("账号"))?;
        let user = match crate::kernel::phone::normalize_mobile(&user_ref) {
            Some(phone) => store::user_by_phone(conn, &phone)?,
            None => match user_ref.parse::<i64>() {
                Ok(id) => store::user_by_id(conn, id)?,
                Err(_) => return Err(AppError::field("user", "请输入用户的手机号或用户编号")),
            },
        };
        let user =
            user.ok_or_else(|| AppError::field("user", "找不到该用户（须先在小程序登录过）"))?;
        if store::staff_of_user(conn, user.id)?.is_some_and(|other| other.id != row.id) {
            return Err(AppError::Conflict {
                code: "user_linked",
                message: "该用户已关联其他员工账号".into(),
            });
        }
        store::set_staff_user(conn, row.id, Some(user.id), at).map_err(|e| {
            // A parallel link of the same user won the unique index.
            if is_unique_violation(&e) {
                AppError::Conflict {
                    code: "user_linked",
                    message: "该用户已关联其他员工账号".into(),
                }
            } else {
                e.into()
            }
        })?;
        let entry = audit_entry(Actor::Staff(admin_id), "staff.link_user", row.id);
        entry.record(conn, at, &serde_json::json!({"user_id": user.id}))?;
        store::staff_by_id(conn, row.id)?.ok_or_else(|| AppError::not_found("账号"))
    })
    .await
}

/// Removes a staff account's link to a user.
pub async fn unlink_staff_user(
    db: &Db,
    clock: &SharedClock,
    admin_id: i64,
    staff_id: i64,
) -> Result<StaffRow, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let row = store::staff_by_id(conn, staff_id)?.ok_or_else(|| AppError::not_found("账号"))?;
        store::set_staff_user(conn, row.id, None, at)?;
        audit_entry(Actor::Staff(admin_id), "staff.unlink_user", row.id).record(
            conn,
            at,
            &serde_json::json!({}),
        )?;
        Ok(row)
    })
    .await
}

/// A user by id inside the caller's transaction (for other contexts' pages and notices).
pub fn find_user(conn: &mut crate::db::DbConn, id: i64) -> Result<Option<UserRow>, AppError> {
    Ok(store::user_by_id(conn, id)?)
}

/// Nicknames of the users among `ids` inside the caller's transaction (exports).
pub fn nicknames(
    conn: &mut crate::db::DbConn,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, AppError> {
    Ok(store::nicknames(conn, ids)?.into_iter().filter_map(|(id, n)| Some((id, n?))).collect())
}

/// A staff account by id inside the caller's transaction (e.g. "reviewed by").
pub fn find_staff(conn: &mut crate::db::DbConn, id: i64) -> Result<Option<StaffRow>, AppError> {
    Ok(store::staff_by_id(conn, id)?)
}
