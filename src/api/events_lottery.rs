//! Lotteries for the mini-program: sign in by scanning the lottery's code, and my wins.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::auth::BearerUser;
use super::error::{ApiError, ErrorBody};
use crate::app::AppState;
use crate::error::AppError;
use crate::events::lottery;

/// A scanned lottery code.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LotterySignInRequest {
    /// The scanned text: `{public_base_url}/q/lot.…` (or the bare token).
    #[schema(min_length = 1, max_length = 2048, pattern = "^[!-~]{1,2048}$")]
    pub qr: String,
}

/// The sign-in.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LotterySignInView {
    /// Lottery id.
    pub lottery_id: i64,
    /// Lottery title.
    pub title: String,
    /// `signed_in`, or `already_signed_in` for a repeat (harmless).
    pub outcome: String,
}

/// A win.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LotteryWinView {
    /// Lottery id.
    pub lottery_id: i64,
    /// Lottery title.
    pub lottery_title: String,
    /// Prize name.
    pub prize: String,
    /// When drawn (UTC).
    pub won_at: DateTime<Utc>,
}

/// Signs the user in to a lottery. Refusals (409): `invalid_code`, `lottery_closed`.
#[utoipa::path(post, path = "/api/v1/lottery-entries", tag = "events", request_body = LotterySignInRequest,
    responses((status = 200, body = LotterySignInView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_lottery_entry(
    state: web::Data<AppState>,
    user: BearerUser,
    body: super::body::JsonObject<LotterySignInRequest>,
) -> Result<HttpResponse, ApiError> {
    let qr = body.into_inner().qr;
    if qr.is_empty() || qr.len() > 2048 || !qr.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::field("qr", "请扫描抽奖签到码").into());
    }
    let (row, new) =
        lottery::sign_in(&state.db, &state.clock, state.config.hmac_key(), user.user.id, qr)
            .await?;
    let outcome = if new { "signed_in" } else { "already_signed_in" };
    Ok(HttpResponse::Ok().json(LotterySignInView {
        lottery_id: row.id,
        title: row.title,
        outcome: outcome.into(),
    }))
}

/// The user's wins, newest first.
#[utoipa::path(get, path = "/api/v1/lottery-wins", tag = "events",
    responses((status = 200, body = Vec<LotteryWinView>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_lottery_wins(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    let wins = lottery::wins_of_user(&state.db, user.user.id).await?;
    let views: Vec<_> = wins
        .into_iter()
        .map(|(lottery_id, lottery_title, prize, at)| LotteryWinView {
            lottery_id,
            lottery_title,
            prize,
            won_at: at.and_utc(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}
