//! Account rows and the pure rules about them: roles, usernames, passwords.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{sms_codes, staff, users};
use crate::error::FieldError;

/// A workbench role. What each may do is decided by the surfaces' extractor types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything; manages staff and settings.
    Admin,
    /// Reviews, members, events, content.
    Secretary,
    /// Orders and dues.
    Finance,
    /// Content only.
    Editor,
}

impl Role {
    /// Every role, in menu order.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Secretary, Role::Finance, Role::Editor];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Secretary => "secretary",
            Self::Finance => "finance",
            Self::Editor => "editor",
        }
    }

    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => "管理员",
            Self::Secretary => "秘书",
            Self::Finance => "财务",
            Self::Editor => "编辑",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A staff account as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = staff)]
pub struct StaffRow {
    /// Id.
    pub id: i64,
    /// Sign-in name.
    pub username: String,
    /// Name shown in the workbench.
    pub display_name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Role name.
    pub role: String,
    /// Disabled accounts cannot sign in; their sessions end.
    pub active: bool,
    /// Bumped on disable / password reset to end existing sessions.
    pub session_epoch: i32,
    /// Linked mini-program user.
    pub user_id: Option<i64>,
    /// Last successful sign-in.
    pub last_login_at: Option<NaiveDateTime>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
    /// The password was made by an admin (first password, reset): the account must
    /// choose its own before it can use the workbench.
    pub must_change_password: bool,
}

impl StaffRow {
    /// The role (an unknown stored value is treated as the least privileged).
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Editor)
    }
}

/// A mini-program user as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    /// Id.
    pub id: i64,
    /// Display name.
    pub nickname: Option<String>,
    /// Avatar file id.
    pub avatar_file_id: Option<i64>,
    /// Mainland mobile number (private).
    pub phone: Option<String>,
    /// WeChat openid (private).
    pub wechat_openid: Option<String>,
    /// WeChat unionid (private).
    pub wechat_unionid: Option<String>,
    /// `active` or `disabled`.
    pub status: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
    /// Verified e-mail address for notices (private; see `accounts::email`).
    pub email: Option<String>,
}

/// Shortest password accepted for staff.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The one spelling of a username: trimmed and lower-cased (creation, sign-in and the
/// sign-in throttle all use it).
pub fn normalise_username(username: &str) -> String {
    username.trim().to_lowercase()
}

/// Checks a normalised username: 3–32 of `a-z 0-9 . _ -`, starting with a letter or digit.
pub fn validate_username(username: &str) -> Result<(), FieldError> {
    let ok_len = (3..=32).contains(&username.len());
    let ok_chars = username
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    let ok_start = username.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if ok_len && ok_chars && ok_start {
        Ok(())
    } else {
        Err(FieldError::new("username", "用户名须为 3–32 位小写字母、数字或 . _ -"))
    }
}

/// Checks a new password: long enough, not all one character.
pub fn validate_password(password: &str) -> Result<(), FieldError> {
    let chars: Vec<char> = password.chars().collect();
    if chars.len() < MIN_PASSWORD_CHARS {
        return Err(FieldError::new("password", format!("密码至少 {MIN_PASSWORD_CHARS} 位")));
    }
    if chars.len() > 128 {
        return Err(FieldError::new("password", "密码最多 128 位"));
    }
    if chars.iter().all(|c| *c == chars[0]) {
        return Err(FieldError::new("password", "密码过于简单"));
    }
    Ok(())
}

/// A phone's current code and its sending counters.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = sms_codes)]
pub struct CodeRow {
    /// Normalised mainland mobile number.
    pub phone: String,
    /// HMAC of phone and code under the server key.
    pub code_hash: String,
    /// When the code stops working.
    pub expires_at: NaiveDateTime,
    /// Wrong tries so far.
    pub failed_attempts: i32,
    /// Used or burned.
    pub used: bool,
    /// When the last code was sent.
    pub last_sent_at: NaiveDateTime,
    /// Association-local day of `sent_today`, `YYYY-MM-DD`.
    pub sent_day: String,
    /// Codes sent on `sent_day`.
    pub sent_today: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(validate_username("wang.li").is_ok());
        assert!(validate_username("ab").is_err());
        assert!(validate_username("Admin").is_err());
        assert!(validate_username("_x_y").is_err());
        assert!(validate_username("王秘书").is_err());
    }

    #[test]
    fn passwords() {
        assert!(validate_password("correct horse").is_ok());
        assert!(validate_password("short").is_err());
        assert!(validate_password("aaaaaaaaaaaa").is_err());
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
