//! Sign-in endpoints: WeChat code, SMS code, logout.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::BearerUser;
use super::error::{ApiError, ErrorBody};
use super::views::SignInAnswer;
use crate::accounts::{self, sign_in, sms};
use crate::app::AppState;
use crate::error::AppError;
use crate::kernel::phone::normalize_mobile;

/// `wx.login` code.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct WechatSignIn {
    /// The code `wx.login` returned (valid once, 5 minutes): 1–128 printable ASCII
    /// characters, no spaces.
    #[schema(min_length = 1, max_length = 128, pattern = "^[!-~]{1,128}$")]
    pub code: String,
}

/// A phone to send a code to.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SmsCodeRequest {
    /// Mainland mobile number: 11 digits starting 1[3-9]; `+86`, spaces and dashes allowed.
    #[schema(
        pattern = "^[ -]*(?:\\+[ -]*8[ -]*6[ -]*|0[ -]*0[ -]*8[ -]*6[ -]*)?(?:8[ -]*6[ -]*)?1[ -]*[3-9][ -]*(?:[0-9][ -]*){9}$"
    )]
    pub phone: String,
}

/// The code was queued for sending.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SmsCodeSent {
    /// Seconds the code is valid.
    pub expires_in: i64,
    /// Seconds before another code may be requested.
    pub resend_after: i64,
}

/// Phone and the code received.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SmsSignIn {
    /// Mainland mobile number; `+86`, spaces and dashes allowed.
    #[schema(
        pattern = "^[ -]*(?:\\+[ -]*8[ -]*6[ -]*|0[ -]*0[ -]*8[ -]*6[ -]*)?(?:8[ -]*6[ -]*)?1[ -]*[3-9][ -]*(?:[0-9][ -]*){9}$"
    )]
    pub phone: String,
    /// The 6-digit code.
    #[schema(min_length = 6, max_length = 6, pattern = "^[0-9]{6}$")]
    pub code: String,
}

/// A checked `wx.login` code: 1–128 printable ASCII characters (what the document
/// says, exactly).
pub fn wechat_code(code: &str) -> Result<&str, AppError> {
    if code.is_empty() || code.len() > 128 || !code.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::field("code", "缺少微信登录凭证"));
    }
    Ok(code)
}

/// A normalised phone, or a field error.
pub fn phone(raw: &str) -> Result<String, AppError> {
    normalize_mobile(raw).ok_or_else(|| AppError::field("phone", "请输入正确的手机号"))
}

/// A 6-digit code, or a field error.
pub fn six_digits(raw: &str) -> Result<String, AppError> {
    let code = raw;
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code.to_owned())
    } else {
        Err(AppError::field("code", "验证码为 6 位数字"))
    }
}

/// Signs in or registers with a `wx.login` code.
#[utoipa::path(post, path = "/api/v1/auth/wechat", tag = "auth", request_body = WechatSignIn,
    responses(
        (status = 200, description = "Signed in (a new user is a visitor)", body = SignInAnswer),
        (status = 400, description = "`wechat_code_invalid`: the code is wrong or used", body = ErrorBody),
        (status = 422, description = "No code", body = ErrorBody),
        (status = 429, description = "WeChat rate limit", body = ErrorBody),
        (status = 502, description = "WeChat slow, down or busy", body = ErrorBody),
    ))]
pub async fn sign_in_wechat(
    state: web::Data<AppState>,
    body: super::body::JsonObject<WechatSignIn>,
) -> Result<HttpResponse, ApiError> {
    let code = wechat_code(&body.code)?;
    let done = sign_in::sign_in_wechat(&state.db, &state.clock, &state.wechat, code).await?;
    Ok(super::views::ok(&state, SignInAnswer::new(done.token, &done.user)))
}

/// Sends a 6-digit sign-in code by SMS.
#[utoipa::path(post, path = "/api/v1/auth/sms-code", tag = "auth", request_body = SmsCodeRequest,
    responses(
        (status = 202, description = "Queued for sending", body = SmsCodeSent),
        (status = 422, description = "Not a mainland mobile number", body = ErrorBody),
        (status = 429, description = "1 per phone per 60 s, 10 per phone per day, 20 per address per hour; see Retry-After", body = ErrorBody),
    ))]
pub async fn send_sms_code(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: super::body::JsonObject<SmsCodeRequest>,
) -> Result<HttpResponse, ApiError> {
    let phone = phone(&body.phone)?;
    let ip = crate::http::client_ip(&req, state.config.server.trust_forwarded_for);
    let tz = state.association_settings().await?.time_zone;
    let key = state.config.hmac_key();
    let ctx = sms::CodeContext { key: &key, tz };
    let sent =
        sms::send_code(&state.db, &state.clock, ctx, &state.sms_ip_limiter, phone, &ip).await?;
    Ok(HttpResponse::Accepted()
        .json(SmsCodeSent { expires_in: sent.expires_in, resend_after: sent.resend_after }))
}

/// Signs in or registers with phone and SMS code (5 wrong tries burn the code).
#[utoipa::path(post, path = "/api/v1/auth/sms", tag = "auth", request_body = SmsSignIn,
    responses(
        (status = 200, description = "Signed in (a new user is a visitor)", body = SignInAnswer),
        (status = 422, description = "Bad phone, or wrong / expired / burned code (`fields[0].field` = `code`)", body = ErrorBody),
    ))]
pub async fn sign_in_sms(
    state: web::Data<AppState>,
    body: super::body::JsonObject<SmsSignIn>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let (phone, code) = (phone(&body.phone)?, six_digits(&body.code)?);
    let done = sign_in::sign_in_sms(&state.db, &state.clock, &state.config.hmac_key(), phone, code)
        .await?;
    Ok(super::views::ok(&state, SignInAnswer::new(done.token, &done.user)))
}

/// Revokes the token of this request.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses(
        (status = 204, description = "Token revoked"),
        (status = 401, description = "No valid token", body = ErrorBody),
    ), security(("bearer" = [])))]
pub async fn sign_out(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    accounts::tokens::revoke(&state.db, &state.clock, &state.tokens, &user.token).await?;
    Ok(HttpResponse::NoContent().finish())
}
