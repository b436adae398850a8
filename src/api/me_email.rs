//! The user's e-mail address for notices: ask for a code, confirm it, remove it.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::BearerUser;
use super::error::{ApiError, ErrorBody};
use super::me::{MeView, me_view};
use crate::accounts::email;
use crate::app::AppState;

/// The address to verify.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailRequest {
    /// An e-mail address (trimmed and lower-cased).
    #[schema(max_length = 254, example = "li.ming@example.com")]
    pub email: String,
}

/// A code was mailed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmailCodeSent {
    /// The address, as it will be kept.
    pub email: String,
    /// Seconds the code is valid.
    pub expires_in: i64,
    /// Seconds before another code may be asked for.
    pub resend_after: i64,
}

/// The code from the e-mail.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailConfirm {
    /// Six digits.
    #[schema(pattern = "^[0-9]{6}$", example = "123456")]
    pub code: String,
}

/// Mails a code to the address; the address is the user's once the code comes back.
#[utoipa::path(post, path = "/api/v1/me/email", tag = "me", request_body = EmailRequest,
    responses(
        (status = 202, body = EmailCodeSent),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 409, description = "`email_not_configured`: the association sends no e-mail", body = ErrorBody),
        (status = 422, description = "Not an e-mail address", body = ErrorBody),
        (status = 429, description = "A code was sent less than 60 s ago", body = ErrorBody),
    ), security(("bearer" = [])))]
pub async fn request_email_code(
    state: web::Data<AppState>,
    user: BearerUser,
    body: super::body::JsonObject<EmailRequest>,
) -> Result<HttpResponse, ApiError> {
    let configured = state.config.email.provider == "smtp";
    let key = state.config.hmac_key();
    let sent =
        email::request_code(&state.db, &state.clock, &key, configured, user.user.id, &body.email)
            .await?;
    Ok(HttpResponse::Accepted().json(EmailCodeSent {
        email: sent.email,
        expires_in: sent.expires_in,
        resend_after: sent.resend_after,
    }))
}

/// Confirms the address with the mailed code.
#[utoipa::path(post, path = "/api/v1/me/email/confirm", tag = "me", request_body = EmailConfirm,
    responses(
        (status = 200, body = MeView),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 422, description = "Wrong, burned or expired code", body = ErrorBody),
    ), security(("bearer" = [])))]
pub async fn confirm_email(
    state: web::Data<AppState>,
    user: BearerUser,
    body: super::body::JsonObject<EmailConfirm>,
) -> Result<HttpResponse, ApiError> {
    let code = super::sign_in::six_digits(&body.code)?;
    let key = state.config.hmac_key();
    email::confirm(&state.db, &state.clock, &key, user.user.id, &code).await?;
    Ok(super::views::ok(&state, me_view(&state, user.user.id).await?))
}

/// Removes the address: no more notices by e-mail.
#[utoipa::path(delete, path = "/api/v1/me/email", tag = "me",
    responses(
        (status = 200, body = MeView),
        (status = 401, description = "No valid token", body = ErrorBody),
    ), security(("bearer" = [])))]
pub async fn remove_email(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    email::clear(&state.db, &state.clock, user.user.id).await?;
    Ok(super::views::ok(&state, me_view(&state, user.user.id).await?))
}
