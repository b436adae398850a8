//! Lottery use cases: staff create a lottery with prizes, users sign in by scanning its
//! code, staff draw prize by prize (audited; the rule is in `lottery_model`), users see
//! their wins. Sign-in closes at the first draw; the seed is revealed after the last.

use chrono::NaiveDateTime;
use diesel::Connection as _;

use super::lottery_model::{self as model, LotteryRow, PrizeRow, status};
use super::lottery_store as store;
use crate::db::{Db, is_unique_violation};
use crate::error::AppError;
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::SharedClock;

fn conflict(code: &'static str, message: &str) -> AppError {
    AppError::Conflict { code, message: message.into() }
}

/// A lottery with everything its page shows.
#[derive(Debug, Clone)]
pub struct LotteryDetail {
    /// The lottery.
    pub lottery: LotteryRow,
    /// Prizes in order.
    pub prizes: Vec<PrizeRow>,
    /// Signed-in users.
    pub entries: i64,
    /// Winners: (draw index, prize id, user id, nickname).
    pub winners: Vec<store::Winner>,
}

/// Creates a lottery (audited). `prizes` holds lines `名称 × 数量`.
pub async fn create_lottery(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    title: String,
    event_id: Option<i64>,
    prizes: &str,
) -> Result<LotteryRow, AppError> {
    let mut errors = Vec::new();
    let title = title.trim().to_owned();
    if title.is_empty() || title.chars().count() > 100 {
        errors.push(crate::error::FieldError::new("title", "请填写抽奖名称（不超过 100 字）"));
    }
    let prizes = model::parse_prizes(prizes).unwrap_or_else(|e| {
        errors.push(crate::error::FieldError::new("prizes", e));
        Vec::new()
    });
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let at = clock.now_naive();
    db.write(move |conn| {
        if let Some(id) = event_id
            && super::store::event(conn, id)?.is_none()
        {
            return Err(AppError::field("event_id", "关联的活动不存在"));
        }
        let (seed, commitment) = model::new_seed();
        let row =
            store::insert_lottery(conn, &title, event_id, &seed, &commitment, status::OPEN, at)?;
        for (position, (name, quantity)) in (1..).zip(&prizes) {
            store::insert_prize(conn, row.id, name, *quantity, position)?;
        }
        AuditEntry::new(Actor::Staff(staff_id), "lottery.create", "lotteries", row.id).record(
            conn,
            at,
            &serde_json::json!({"title": row.title, "commitment": row.commitment}),
        )?;
        Ok(row)
    })
    .await
}

/// A user signs in by a scanned code; `true` when newly signed in, `false` when they
/// already were (harmless).
pub async fn sign_in(
    db: &Db,
    clock: &SharedClock,
    key: Vec<u8>,
    user_id: i64,
    scanned: String,
) -> Result<(LotteryRow, bool), AppError> {
    let invalid = || conflict("invalid_code", "二维码无效，请扫描现场的抽奖签到码");
    let token = super::codes::token_of(&scanned).to_owned();
    let id: i64 = token
        .strip_prefix("lot.")
        .and_then(|t| t.split('.').next())
        .and_then(|i| i.parse().ok())
        .ok_or_else(invalid)?;
    let at = clock.now_naive();
    db.write(move |conn| {
        let lottery = store::lottery(conn, id)?.ok_or_else(invalid)?;
        model::verify_sign_in(&key, &token, |_| Some(lottery.token_version)).ok_or_else(invalid)?;
        if lottery.status != status::OPEN {
            return Err(conflict("lottery_closed", "抽奖已开始，签到已截止"));
        }
        match conn.transaction(|c| store::insert_entry(c, id, user_id, at)) {
            Ok(_) => Ok((lottery, true)),
            Err(e) if is_unique_violation(&e) => Ok((lottery, false)),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

/// Draws every remaining place of one prize among signed-in users who have not won
/// (fewer when candidates run out). Audited with the winners and pick numbers.
pub async fn draw_prize(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    lottery_id: i64,
    prize_id: i64,
) -> Result<Vec<i64>, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let lottery =
            store::lock_lottery(conn, lottery_id)?.ok_or_else(|| AppError::not_found("抽奖"))?;
        let prizes = store::prizes(conn, lottery_id)?;
        let prize =
            prizes.iter().find(|p| p.id == prize_id).ok_or_else(|| AppError::not_found("奖品"))?;
        if prize.drawn_at.is_some() {
            return Err(conflict("already_drawn", "该奖品已抽取"));
        }
        let seed = hex::decode(&lottery.seed_hex).map_err(AppError::internal)?;
        let mut candidates = store::candidates(conn, lottery_id)?;
        let first = store::count_wins(conn, lottery_id)?;
        let mut winners = Vec::new();
        for (n, _) in (first..).zip(0..prize.quantity) {
            if candidates.is_empty() {
                break;
            }
            let user_id = candidates.remove(model::pick(&seed, n, candidates.len()));
            let index = i32::try_from(n).map_err(AppError::internal)?;
            store::insert_win(conn, lottery_id, prize.id, user_id, index, at)?;
            winners.push(user_id);
        }
        store::mark_drawn(conn, prize.id, at)?;
        let finished = prizes.iter().all(|p| p.id == prize.id || p.drawn_at.is_some());
        store::set_status(
            conn,
            lottery_id,
            if finished { status::FINISHED } else { status::DRAWING },
            at,
        )?;
        AuditEntry::new(Actor::Staff(staff_id), "lottery.draw", "lotteries", lottery_id).record(
            conn,
            at,
            &serde_json::json!({"prize_id": prize.id, "prize": prize.name, "winners": winners}),
        )?;
        Ok(winners)
    })
    .await
}

/// A lottery's page data.
pub async fn lottery_detail(db: &Db, id: i64) -> Result<LotteryDetail, AppError> {
    db.run(move |conn| {
        let lottery = store::lottery(conn, id)?.ok_or_else(|| AppError::not_found("抽奖"))?;
        Ok(LotteryDetail {
            prizes: store::prizes(conn, id)?,
            entries: store::count_entries(conn, id)?,
            winners: store::winners(conn, id)?,
            lottery,
        })
    })
    .await
}

/// All lotteries, newest first.
pub async fn list_lotteries(db: &Db) -> Result<Vec<LotteryRow>, AppError> {
    db.run(|conn| Ok(store::all_lotteries(conn)?)).await
}

/// A user's wins: (lottery id, lottery title, prize name, when).
pub async fn wins_of_user(
    db: &Db,
    user_id: i64,
) -> Result<Vec<(i64, String, String, NaiveDateTime)>, AppError> {
    db.run(move |conn| Ok(store::wins_of_user(conn, user_id)?)).await
}

/// Whether a scanned text is a lottery sign-in code (`…/q/lot.…`), so the one scan
/// endpoint can hand it to [`sign_in`].
pub fn is_lottery_code(scanned: &str) -> bool {
    super::codes::token_of(scanned).starts_with("lot.")
}

/// The lottery a scanned sign-in code belongs to when its signature and version check
/// out (the `/q/…` landing page; records nothing).
pub async fn lottery_of_code(
    db: &Db,
    key: Vec<u8>,
    scanned: String,
) -> Result<Option<LotteryRow>, AppError> {
    let token = super::codes::token_of(&scanned).to_owned();
    let Some(id) = token
        .strip_prefix("lot.")
        .and_then(|t| t.split('.').next())
        .and_then(|i| i.parse::<i64>().ok())
    else {
        return Ok(None);
    };
    db.run(move |conn| {
        let Some(lottery) = store::lottery(conn, id)? else { return Ok(None) };
        let valid = model::verify_sign_in(&key, &token, |_| Some(lottery.token_version));
        Ok(valid.map(|_| lottery))
    })
    .await
}
