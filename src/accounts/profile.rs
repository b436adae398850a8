//! A user's own profile: nickname and avatar, and what `/me` shows.

use super::model::{StaffRow, UserRow};
use super::store;
use crate::db::Db;
use crate::error::{AppError, FieldError};
use crate::kernel::clock::SharedClock;
use crate::kernel::media;

/// Changes to the profile; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ProfileChanges {
    /// New nickname.
    pub nickname: Option<Option<String>>,
    /// New avatar (an image the user uploaded).
    pub avatar_file_id: Option<Option<i64>>,
}

/// Longest nickname, in characters.
pub const MAX_NICKNAME_CHARS: usize = 20;

/// Validates and applies `changes`; returns the updated user.
pub async fn update_profile(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    changes: ProfileChanges,
) -> Result<UserRow, AppError> {
    // Checked as sent (what the API document says), then trimmed for storage.
    if let Some(Some(name)) = &changes.nickname
        && (name.chars().count() > MAX_NICKNAME_CHARS || name.chars().any(char::is_control))
    {
        return Err(AppError::field(
            "nickname",
            format!("昵称最多 {MAX_NICKNAME_CHARS} 个字，且不能含控制字符"),
        ));
    }
    let nickname =
        changes.nickname.map(|n| n.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()));
    let at = clock.now_naive();
    db.write(move |conn| {
        let user = store::user_by_id(conn, user_id)?.ok_or_else(|| AppError::not_found("用户"))?;
        let avatar = match changes.avatar_file_id {
            None => user.avatar_file_id,
            Some(None) => None,
            Some(Some(id)) => {
                let file = media::store::find(conn, id)?;
                let own_image = file
                    .is_some_and(|f| f.kind == "image" && f.uploaded_by_user_id == Some(user_id));
                if !own_image {
                    return Err(AppError::Validation(vec![FieldError::new(
                        "avatar_file_id",
                        "头像须为您本人上传的图片",
                    )]));
                }
                Some(id)
            }
        };
        let nickname = nickname.unwrap_or(user.nickname);
        store::set_user_profile(conn, user_id, nickname.as_deref(), avatar, at)?;
        store::user_by_id(conn, user_id)?.ok_or_else(|| AppError::not_found("用户"))
    })
    .await
}

/// The user and the staff account linked to them, if any.
pub async fn user_with_staff(
    db: &Db,
    user_id: i64,
) -> Result<(UserRow, Option<StaffRow>), AppError> {
    db.run(move |conn| {
        let user = store::user_by_id(conn, user_id)?.ok_or_else(|| AppError::not_found("用户"))?;
        let staff = store::staff_of_user(conn, user_id)?.filter(|s| s.active);
        Ok((user, staff))
    })
    .await
}
