//! Lotteries for the mini-program: sign in by scanning the lottery's code (here or
//! through the one scan endpoint), 我的抽奖 (every lottery joined, with its state), and
//! the older list of wins only.

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

/// A lottery code scanned through `POST /api/v1/scans`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LotteryScanView {
    /// `lottery`.
    #[schema(pattern = "^lottery$")]
    pub kind: &'static str,
    /// `signed_in`, or `already_signed_in` for a repeat (harmless).
    pub outcome: String,
    /// zh-CN message to show.
    pub message: String,
    /// Lottery id.
    pub lottery_id: i64,
    /// Lottery title.
    pub lottery_title: String,
}

/// Signs `user_id` in by a scanned lottery code (the scan endpoint's lottery branch).
pub async fn lottery_scan(
    state: &AppState,
    user_id: i64,
    qr: String,
) -> Result<LotteryScanView, AppError> {
    let (row, new) =
        lottery::sign_in(&state.db, &state.clock, state.config.hmac_key(), user_id, qr).await?;
    let (outcome, message) = if new {
        ("signed_in", "抽奖签到成功，请留意现场开奖")
    } else {
        ("already_signed_in", "您已参加此抽奖，无需重复签到")
    };
    Ok(LotteryScanView {
        kind: "lottery",
        outcome: outcome.into(),
        message: message.into(),
        lottery_id: row.id,
        lottery_title: row.title,
    })
}

/// A lottery the user joined (我的抽奖).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyLotteryView {
    /// Lottery id.
    pub lottery_id: i64,
    /// Lottery title.
    pub title: String,
    /// The event it belongs to.
    pub event_id: Option<i64>,
    /// `pending` (未开奖), `lost` (未中奖) or `won`.
    pub state: String,
    /// 未开奖, 未中奖, or the prize's name.
    pub state_label: String,
    /// The prize won.
    pub prize: Option<String>,
    /// When drawn (UTC), for a win.
    pub won_at: Option<DateTime<Utc>>,
    /// When the user signed in (UTC).
    pub signed_in_at: DateTime<Utc>,
}

/// 我的抽奖: every lottery the user signed in to, newest first, with its state for
/// them — 未开奖 until every prize is drawn, then 未中奖, or the prize they won.
#[utoipa::path(get, path = "/api/v1/me/lotteries", tag = "events",
    responses((status = 200, body = Vec<MyLotteryView>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_my_lotteries(
    state: web::Data<AppState>,
    user: BearerUser,
) -> Result<HttpResponse, ApiError> {
    let mine = crate::events::lottery_mine::my_lotteries(&state.db, user.user.id).await?;
    let views: Vec<_> = mine
        .into_iter()
        .map(|m| {
            let (prize, won_at) = match &m.state {
                crate::events::lottery_mine::MyState::Won { prize, at } => {
                    (Some(prize.clone()), Some(at.and_utc()))
                }
                _ => (None, None),
            };
            MyLotteryView {
                lottery_id: m.lottery.id,
                title: m.lottery.title,
                event_id: m.lottery.event_id,
                state: m.state.as_str().into(),
                state_label: m.state.label(),
                prize,
                won_at,
                signed_in_at: m.signed_in_at.and_utc(),
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
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

/// The user's wins, newest first (kept for older mini-program builds; 我的抽奖 reads
/// `GET /api/v1/me/lotteries`).
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
