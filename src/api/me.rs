//! The member centre's account endpoints: `/me`, profile, binding phone and WeChat.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Deserializer, Serialize};

use super::auth::BearerUser;
use super::error::{ApiError, ErrorBody};
use super::sign_in::{SmsSignIn, WechatSignIn, phone, six_digits, wechat_code};
use super::views::UserView;
use crate::accounts::profile::{self, ProfileChanges};
use crate::accounts::sign_in;
use crate::app::AppState;
use crate::membership::{self, MembershipView};

/// The staff account linked to this user (they may review from the mini-program).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StaffLinkView {
    /// `admin`, `secretary`, `finance` or `editor`.
    pub role: String,
    /// Name in the workbench.
    pub display_name: String,
}

/// The signed-in user, their membership (null while a visitor) and staff link.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeView {
    /// The account.
    pub user: UserView,
    /// Membership, `null` until a join application is approved.
    pub membership: Option<MembershipView>,
    /// Linked staff account, `null` for most users.
    pub staff: Option<StaffLinkView>,
}

/// Profile changes; absent fields stay, `null` clears.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfilePatch {
    /// Nickname, at most 20 characters, no control characters (blank clears it).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 20, pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$")]
    pub nickname: Option<Option<String>>,
    /// File id of an image this user uploaded.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub avatar_file_id: Option<Option<i64>>,
}

/// Distinguishes a field sent as `null` (Some(None)) from an absent one (None).
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

pub(super) async fn me_view(state: &AppState, user_id: i64) -> Result<MeView, ApiError> {
    let (user, staff) = profile::user_with_staff(&state.db, user_id).await?;
    let membership = membership::membership_of(&state.db, user_id).await?;
    Ok(MeView {
        user: UserView::from(&user),
        membership,
        staff: staff.map(|s| StaffLinkView { role: s.role, display_name: s.display_name }),
    })
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "me",
    responses((status = 200, body = MeView), (status = 401, description = "No valid token", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_me(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    Ok(super::views::ok(&state, me_view(&state, user.user.id).await?))
}

/// Changes nickname and avatar.
#[utoipa::path(patch, path = "/api/v1/me", tag = "me", request_body = ProfilePatch,
    responses(
        (status = 200, body = MeView),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 422, description = "Nickname too long, or avatar not an image of yours", body = ErrorBody),
    ), security(("bearer" = [])))]
pub async fn update_me(
    state: web::Data<AppState>,
    user: BearerUser,
    body: super::body::JsonObject<ProfilePatch>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner();
    let changes = ProfileChanges { nickname: patch.nickname, avatar_file_id: patch.avatar_file_id };
    profile::update_profile(&state.db, &state.clock, user.user.id, changes).await?;
    Ok(super::views::ok(&state, me_view(&state, user.user.id).await?))
}

/// Binds a phone (verified by SMS code) to the signed-in user.
#[utoipa::path(post, path = "/api/v1/me/phone", tag = "me", request_body = SmsSignIn,
    responses(
        (status = 200, body = MeView),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 409, description = "`phone_taken`: another account has this phone (accounts are never merged)", body = ErrorBody),
        (status = 422, description = "Bad phone or code", body = ErrorBody),
    ), security(("bearer" = [])))]
pub async fn bind_phone(
    state: web::Data<AppState>,
    user: BearerUser,
    body: super::body::JsonObject<SmsSignIn>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let (phone, code) = (phone(&body.phone)?, six_digits(&body.code)?);
    sign_in::bind_phone(
        &state.db,
        &state.clock,
        &state.config.hmac_key(),
        user.user.id,
        phone,
        code,
    )
    .await?;
    Ok(super::views::ok(&state, me_view(&state, user.user.id).await?))
}

/// Binds the WeChat identity of a `wx.login` code to the signed-in user.
#[utoipa::path(post, path = "/api/v1/me/wechat", tag = "me", request_body = WechatSignIn,
    responses(
        (status = 200, body = MeView),
        (status = 400, description = "`wechat_code_invalid`", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 409, description = "`wechat_taken`: another account has this WeChat (accounts are never merged)", body = ErrorBody),
        (status = 502, description = "WeChat slow, down or busy", body = ErrorBody),
    ), security(("bearer" = [])))]
pub async fn bind_wechat(
    state: web::Data<AppState>,
    user: BearerUser,
    body: super::body::JsonObject<WechatSignIn>,
) -> Result<HttpResponse, ApiError> {
    let code = wechat_code(&body.code)?;
    sign_in::bind_wechat(&state.db, &state.clock, &state.wechat, user.user.id, code).await?;
    Ok(super::views::ok(&state, me_view(&state, user.user.id).await?))
}
