//! Mini-program sign-in (WeChat code, phone + SMS code) and binding the other identity
//! to a signed-in user. Never merges two existing accounts: that is a 409.

use super::model::UserRow;
use super::sms::{self, CodeCheck};
use super::store;
use super::tokens::{self, IssuedToken};
use super::wechat::{WechatClient, WechatIdentity};
use crate::db::{Db, DbConn, is_unique_violation};
use crate::error::AppError;
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;
use chrono::NaiveDateTime;

fn audit_user(
    conn: &mut DbConn,
    at: chrono::NaiveDateTime,
    user_id: i64,
    action: &str,
) -> Result<(), AppError> {
    AuditEntry::new(Actor::User(user_id), action, "users", user_id).record(
        conn,
        at,
        &serde_json::json!({}),
    )
}

fn find_or_create_by_openid(
    conn: &mut DbConn,
    who: &WechatIdentity,
    at: chrono::NaiveDateTime,
) -> Result<UserRow, AppError> {
    if let Some(user) = store::user_by_openid(conn, &who.openid)? {
        return Ok(user);
    }
    let user = store::insert_user_with(conn, None, Some(&who.openid), who.unionid.as_deref(), at)?;
    audit_user(conn, at, user.id, "user.register_wechat")?;
    Ok(user)
}

/// A signed-in user and the token issued in the same transaction.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The user (a new one is a visitor).
    pub user: UserRow,
    /// The bearer token.
    pub token: IssuedToken,
}

fn signed_in(conn: &mut DbConn, user: UserRow, at: NaiveDateTime) -> Result<SignedIn, AppError> {
    let token = tokens::issue_in(conn, user.id, at)?;
    Ok(SignedIn { user, token })
}

/// Signs in (or registers a visitor) by a `wx.login` code.
pub async fn sign_in_wechat(
    db: &Db,
    clock: &SharedClock,
    wechat: &WechatClient,
    code: &str,
) -> Result<SignedIn, AppError> {
    let who = wechat.code_to_session(code).await?;
    let at = clock.now_naive();
    let first = who.clone();
    let result = db
        .write(move |conn| {
            let user = find_or_create_by_openid(conn, &first, at)?;
            signed_in(conn, user, at)
        })
        .await;
    match result {
        // A parallel sign-in with the same new openid registered it first.
        Err(e) if e.is_unique_violation() => {
            db.write(move |conn| {
                let user =
                    store::user_by_openid(conn, &who.openid)?.ok_or(AppError::Unauthenticated)?;
                signed_in(conn, user, at)
            })
            .await
        }
        other => other,
    }
}

/// Runs `then` in one write transaction with the use of a right `code` for `phone`.
/// A wrong or unusable code is recorded (the transaction commits) and answered after.
async fn with_code<T: Send + 'static>(
    db: &Db,
    key: &[u8],
    phone: String,
    code: String,
    at: chrono::NaiveDateTime,
    then: impl FnOnce(&mut DbConn, &str) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let key = key.to_vec();
    let (check, value) = db
        .write(move |conn| {
            let check = sms::check_code(conn, &key, &phone, &code, at)?;
            if check != CodeCheck::Valid {
                return Ok((check, None));
            }
            Ok((check, Some(then(conn, &phone)?)))
        })
        .await?;
    check.into_result()?;
    value.ok_or(AppError::Unauthenticated)
}

/// Signs in (or registers a visitor) by phone and SMS code.
pub async fn sign_in_sms(
    db: &Db,
    clock: &SharedClock,
    key: &[u8],
    phone: String,
    code: String,
) -> Result<SignedIn, AppError> {
    let at = clock.now_naive();
    with_code(db, key, phone, code, at, move |conn, phone| {
        let user = match store::user_by_phone(conn, phone)? {
            Some(user) => user,
            None => {
                let user = store::insert_user_with(conn, Some(phone), None, None, at)?;
                audit_user(conn, at, user.id, "user.register_phone")?;
                user
            }
        };
        signed_in(conn, user, at)
    })
    .await
}

fn taken(code: &'static str, message: &str) -> AppError {
    AppError::Conflict { code, message: message.into() }
}

/// Binds a verified phone to the signed-in user; 409 when another account has it.
pub async fn bind_phone(
    db: &Db,
    clock: &SharedClock,
    key: &[u8],
    user_id: i64,
    phone: String,
    code: String,
) -> Result<UserRow, AppError> {
    let at = clock.now_naive();
    with_code(db, key, phone, code, at, move |conn, phone| {
        if store::user_by_phone(conn, phone)?.is_some_and(|other| other.id != user_id) {
            return Err(taken("phone_taken", "该手机号已绑定其他账号，请用该手机号登录"));
        }
        store::set_user_phone(conn, user_id, phone, at).map_err(|e| {
            if is_unique_violation(&e) {
                taken("phone_taken", "该手机号已绑定其他账号")
            } else {
                e.into()
            }
        })?;
        audit_user(conn, at, user_id, "user.bind_phone")?;
        store::user_by_id(conn, user_id)?.ok_or_else(|| AppError::not_found("用户"))
    })
    .await
}

/// Binds the WeChat identity of a `wx.login` code to the signed-in user; 409 when
/// another account has it.
pub async fn bind_wechat(
    db: &Db,
    clock: &SharedClock,
    wechat: &WechatClient,
    user_id: i64,
    code: &str,
) -> Result<UserRow, AppError> {
    let who = wechat.code_to_session(code).await?;
    let at = clock.now_naive();
    db.write(move |conn| {
        if store::user_by_openid(conn, &who.openid)?.is_some_and(|other| other.id != user_id) {
            return Err(taken("wechat_taken", "该微信已绑定其他账号，请用微信登录"));
        }
        store::set_user_wechat(conn, user_id, &who.openid, who.unionid.as_deref(), at).map_err(
            |e| {
                if is_unique_violation(&e) {
                    taken("wechat_taken", "该微信已绑定其他账号")
                } else {
                    e.into()
                }
            },
        )?;
        audit_user(conn, at, user_id, "user.bind_wechat")?;
        store::user_by_id(conn, user_id)?.ok_or_else(|| AppError::not_found("用户"))
    })
    .await
}
