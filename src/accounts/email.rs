//! A user's e-mail address for notices: set only after the code mailed to it is typed
//! back (so notices never go to an address somebody else typed), cleared at will.
//!
//! Codes are 6 digits from a CSPRNG, stored only as an HMAC under the server key, valid
//! 30 minutes, burned after 5 wrong tries, at most one per user per 60 s. The message
//! is an outbox row whose payload is cleared when the code expires, like sign-in codes.
//! Without an e-mail provider nothing can be mailed, so asking for a code is refused
//! (409 `email_not_configured`) rather than pretending.

use chrono::{Duration, NaiveDateTime};
use rand::Rng as _;

use super::store::email::{self as store, VerificationRow};
use crate::db::{Db, is_unique_violation};
use crate::error::AppError;
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;
use crate::kernel::outbox::{self, Channel};
use crate::kernel::tokens::{constant_time_eq, sign};
use crate::notices::render::EmailMessage;
use Refusal::{Unusable, Wrong};

/// Minutes a code stays valid.
pub const CODE_MINUTES: i64 = 30;
/// Seconds between two codes to the same user.
pub const RESEND_SECONDS: i64 = 60;
/// Wrong tries that burn a code.
pub const MAX_FAILED: i32 = 5;
/// Outbox template of the code message.
pub const TEMPLATE: &str = "email_code";
/// Longest address accepted (RFC 5321's path limit).
const MAX_LEN: usize = 254;

/// Why a code was not accepted.
#[derive(Debug, Clone, Copy)]
enum Refusal {
    Wrong { burned: bool },
    Unusable,
}

/// What a sent code tells the client.
#[derive(Debug, Clone)]
pub struct SentEmailCode {
    /// The address the code went to, normalised.
    pub email: String,
    /// Seconds the code is valid.
    pub expires_in: i64,
    /// Seconds before another code may be asked for.
    pub resend_after: i64,
}

/// The address trimmed, lower-cased and checked; a field error otherwise.
pub fn normalise(raw: &str) -> Result<String, AppError> {
    let email = raw.trim().to_lowercase();
    let bad = || AppError::field("email", "请填写有效的邮箱地址");
    if email.is_empty() || email.len() > MAX_LEN || email.chars().any(char::is_control) {
        return Err(bad());
    }
    let address: lettre::Address = email.parse().map_err(|_| bad())?;
    // A domain without a dot (`a@localhost`) is not an address anyone reads mail at.
    if !address.domain().contains('.') {
        return Err(bad());
    }
    Ok(email)
}

fn code_hash(key: &[u8], user_id: i64, email: &str, code: &str) -> String {
    sign(key, format!("email:{user_id}:{email}:{code}").as_bytes())
}

/// Mails a new code for `raw_email` to that address. `mail_configured` is whether an
/// e-mail provider is configured.
pub async fn request_code(
    db: &Db,
    clock: &SharedClock,
    key: &[u8],
    mail_configured: bool,
    user_id: i64,
    raw_email: &str,
) -> Result<SentEmailCode, AppError> {
    let email = normalise(raw_email)?;
    if !mail_configured {
        return Err(AppError::Conflict {
            code: "email_not_configured",
            message: "本协会尚未配置邮件发送，暂不能绑定邮箱".into(),
        });
    }
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000));
    let now = clock.now_naive();
    let row = VerificationRow {
        user_id,
        email: email.clone(),
        code_hash: code_hash(key, user_id, &email, &code),
        expires_at: now + Duration::minutes(CODE_MINUTES),
        failed_attempts: 0,
        last_sent_at: now,
    };
    db.write(move |conn| {
        let too_soon = |wait: i64| AppError::RateLimited {
            retry_after_secs: u64::try_from(wait.max(1)).unwrap_or(1),
            message: "验证码发送过于频繁，请稍后再试".into(),
        };
        match store::lock(conn, user_id)? {
            Some(prev) if (now - prev.last_sent_at).num_seconds() < RESEND_SECONDS => {
                return Err(too_soon(RESEND_SECONDS - (now - prev.last_sent_at).num_seconds()));
            }
            Some(_) => store::replace(conn, &row)?,
            None => store::insert(conn, &row).map_err(|e| {
                if is_unique_violation(&e) { too_soon(RESEND_SECONDS) } else { e.into() }
            })?,
        }
        let message = EmailMessage {
            subject: "邮箱验证码".into(),
            body: format!(
                "您正在绑定接收通知的邮箱，验证码：{code}，{CODE_MINUTES} 分钟内有效。\n如非本人操作，请忽略本邮件。"
            ),
        };
        let expires = Some(row.expires_at);
        outbox::enqueue_secret(conn, now, Channel::Email, &row.email, TEMPLATE, &message, expires)
    })
    .await?;
    Ok(SentEmailCode { email, expires_in: CODE_MINUTES * 60, resend_after: RESEND_SECONDS })
}

/// Checks `code` and, when right, makes the pending address the user's. Wrong tries
/// are counted (the fifth burns the code) and committed even though the answer is 422.
pub async fn confirm(
    db: &Db,
    clock: &SharedClock,
    key: &[u8],
    user_id: i64,
    code: &str,
) -> Result<String, AppError> {
    let now = clock.now_naive();
    let (key, code) = (key.to_vec(), code.trim().to_owned());
    let outcome = db
        .write(move |conn| {
            let Some(row) = store::lock(conn, user_id)? else { return Ok(Err(Unusable)) };
            if row.expires_at <= now || row.failed_attempts >= MAX_FAILED {
                return Ok(Err(Unusable));
            }
            let expected = code_hash(&key, user_id, &row.email, &code);
            if !constant_time_eq(&row.code_hash, &expected) {
                store::record_failure(conn, user_id)?;
                return Ok(Err(Wrong { burned: row.failed_attempts + 1 >= MAX_FAILED }));
            }
            store::remove(conn, user_id)?;
            store::set_user_email(conn, user_id, Some(&row.email), now)?;
            audit(conn, now, user_id, "user.set_email")?;
            Ok(Ok(row.email))
        })
        .await?;
    outcome.map_err(|refusal| {
        AppError::field(
            "code",
            match refusal {
                Wrong { burned: false } => "验证码错误",
                Wrong { burned: true } => "验证码错误次数过多，请重新获取",
                Unusable => "验证码无效或已过期，请重新获取",
            },
        )
    })
}

/// Removes the user's address (and any pending one): no more notices by e-mail.
pub async fn clear(db: &Db, clock: &SharedClock, user_id: i64) -> Result<(), AppError> {
    let now = clock.now_naive();
    db.write(move |conn| {
        store::remove(conn, user_id)?;
        store::set_user_email(conn, user_id, None, now)?;
        audit(conn, now, user_id, "user.clear_email")
    })
    .await
}

fn audit(
    conn: &mut crate::db::DbConn,
    at: NaiveDateTime,
    user_id: i64,
    action: &'static str,
) -> Result<(), AppError> {
    AuditEntry::new(Actor::User(user_id), action, "users", user_id).record(
        conn,
        at,
        &serde_json::json!({}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalised_or_refused() {
        assert_eq!(normalise("  Li.Ming@Example.COM ").unwrap(), "li.ming@example.com");
        for bad in ["", "li", "li@", "@example.com", "li@localhost", "a b@example.com"] {
            assert!(normalise(bad).is_err(), "{bad:?}");
        }
        assert!(normalise(&format!("{}@example.com", "a".repeat(250))).is_err());
    }
}
