//! Rules shared by the reviewed profile items (experts, certificates): only active
//! members submit, images must be the submitter's own uploads, and how images and
//! owners are shown.

use serde::Serialize;

use crate::db::DbConn;
use crate::error::{AppError, FieldError};
use crate::kernel::media::store as files;

/// Most images one item may carry.
pub const MAX_IMAGES: usize = 9;

/// 403 `members_only` unless `user_id` is an active member now.
pub fn require_active_member(conn: &mut DbConn, user_id: i64) -> Result<(), AppError> {
    if crate::membership::is_active_member(conn, user_id)? {
        Ok(())
    } else {
        Err(AppError::Refused { code: "members_only", message: "仅限正式会员提交".into() })
    }
}

/// Who may attach an image.
#[derive(Debug, Clone, Copy)]
pub enum ImageOwner<'a> {
    /// A member: their own uploads, or images the item already carries (`kept`).
    User(i64, &'a [i64]),
    /// Staff: any uploaded image.
    Staff,
}

/// Checks `ids` for `field`: at most [`MAX_IMAGES`], no repeats, each an uploaded image
/// the submitter may use. Returns the field messages (empty when fine).
pub fn check_images(
    conn: &mut DbConn,
    field: &str,
    ids: &[i64],
    owner: ImageOwner<'_>,
) -> Result<Vec<FieldError>, AppError> {
    if ids.len() > MAX_IMAGES {
        return Ok(vec![FieldError::new(field, format!("最多 {MAX_IMAGES} 张图片"))]);
    }
    let mut seen = Vec::new();
    for &id in ids {
        if seen.contains(&id) {
            return Ok(vec![FieldError::new(field, "图片重复")]);
        }
        seen.push(id);
        let usable = match files::find(conn, id)? {
            Some(file) if file.kind == "image" => match owner {
                ImageOwner::User(user, kept) => {
                    file.uploaded_by_user_id == Some(user) || kept.contains(&id)
                }
                ImageOwner::Staff => true,
            },
            _ => false,
        };
        if !usable {
            return Ok(vec![FieldError::new(field, format!("图片 {id} 不存在或不是您上传的图片"))]);
        }
    }
    Ok(Vec::new())
}

/// An image in API answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImageRef {
    /// The uploaded file's id.
    pub file_id: i64,
    /// Where to fetch it, without a token (`/media/{id}-{signature}`).
    pub url: Option<String>,
    /// Its thumbnail.
    pub thumbnail_url: Option<String>,
}

impl ImageRef {
    /// The reference for file `file_id`.
    pub fn of(file_id: i64) -> Self {
        Self { file_id, url: None, thumbnail_url: None }
    }
}

/// Turns validation messages into the error, or `Ok` when there are none.
pub fn fail_on(errors: Vec<FieldError>) -> Result<(), AppError> {
    if errors.is_empty() { Ok(()) } else { Err(AppError::Validation(errors)) }
}

/// Checks a text field's length; pushes a message when it is too long or required and
/// empty. Returns the trimmed text.
pub fn text(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    max: usize,
    required: bool,
) -> String {
    let value = value.trim().to_owned();
    if required && value.is_empty() {
        errors.push(FieldError::new(field, "必填"));
    } else if value.chars().count() > max {
        errors.push(FieldError::new(field, format!("不能超过 {max} 字")));
    }
    value
}

/// The owner label staff see: `王五（HY00012）`, or the nickname of a non-member.
pub fn owner_label(conn: &mut DbConn, user_id: Option<i64>) -> Result<String, AppError> {
    let Some(user_id) = user_id else { return Ok("协会".into()) };
    if let Some(member) = crate::membership::member_of_user(conn, user_id)? {
        let state = if member.active { "" } else { "，非在册" };
        return Ok(format!("{}（{}{state}）", member.name, member.member_number));
    }
    let user = crate::accounts::find_user(conn, user_id)?;
    Ok(user.and_then(|u| u.nickname).unwrap_or_else(|| format!("用户 #{user_id}")))
}
