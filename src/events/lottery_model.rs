//! Lottery rules, pure: the sign-in code, the commitment, and the draw — a published
//! rule anyone can re-run with the revealed seed.
//!
//! The seed is 32 bytes from the OS CSPRNG, kept secret; before the first draw the
//! page shows `SHA-256(seed)`. Pick number `n` (0, 1, 2… over the whole lottery) takes
//! `r = first 8 bytes (big-endian) of HMAC-SHA256(seed, "draw:{n}:{attempt}")` for
//! attempt 0, 1, … until `r < 2^64 - (2^64 mod k)` (no modulo bias), where `k` is the
//! number of candidates: signed-in users who have not won yet, sorted by user id. The
//! winner is candidate `r mod k`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use hmac::{Hmac, Mac as _};
use sha2::Sha256;

use crate::db::schema::{lotteries, lottery_prizes};
use crate::kernel::tokens;

/// The rule as shown to the public after the draw.
pub const RULE: &str = "每次抽取：候选人为已签到且尚未中奖的用户，按用户编号升序排列，共 k 人；\
对第 n 次抽取（从 0 开始，整场连续编号）与尝试次数 a（从 0 开始），计算 HMAC-SHA256(种子, \"draw:n:a\")，\
取前 8 字节按大端序得到整数 r；若 r ≥ 2^64 − (2^64 mod k) 则 a 加 1 重算（消除取模偏差），\
否则第 (r mod k) 位候选人中奖。种子公布前，页面显示其 SHA-256 承诺值。";

/// Lottery states.
pub mod status {
    /// Users may sign in; nothing drawn yet.
    pub const OPEN: &str = "open";
    /// Drawing has begun: sign-in is closed.
    pub const DRAWING: &str = "drawing";
    /// Every prize drawn; the seed is public.
    pub const FINISHED: &str = "finished";
}

/// A stored lottery.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lotteries)]
pub struct LotteryRow {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// The event it belongs to.
    pub event_id: Option<i64>,
    /// The secret seed (hex), shown only when finished.
    pub seed_hex: String,
    /// SHA-256 of the seed bytes (hex), shown from the start.
    pub commitment: String,
    /// Version of the sign-in code.
    pub token_version: i32,
    /// See [`status`].
    pub status: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// A prize.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lottery_prizes)]
pub struct PrizeRow {
    /// Id.
    pub id: i64,
    /// Lottery.
    pub lottery_id: i64,
    /// Name, e.g. 一等奖：平板电脑.
    pub name: String,
    /// How many winners.
    pub quantity: i32,
    /// Order of drawing.
    pub position: i32,
    /// When drawn.
    pub drawn_at: Option<NaiveDateTime>,
}

/// A fresh secret seed (hex) and its commitment (hex SHA-256 of the seed bytes).
pub fn new_seed() -> (String, String) {
    let token = tokens::random_token(32);
    let bytes = base64_bytes(&token);
    (hex::encode(&bytes), tokens::sha256_hex(&bytes))
}

fn base64_bytes(token: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token).unwrap_or_default()
}

/// The index of pick number `n` among `k` candidates under [`RULE`].
pub fn pick(seed: &[u8], n: i64, k: usize) -> usize {
    let k64 = k as u64;
    if k64 == 0 {
        return 0;
    }
    let limit = u64::MAX - (u64::MAX % k64 + 1) % k64; // 2^64 - (2^64 mod k) - 1
    for attempt in 0u32.. {
        let Ok(mut mac) = <Hmac<Sha256> as hmac::digest::KeyInit>::new_from_slice(seed) else {
            return 0;
        };
        mac.update(format!("draw:{n}:{attempt}").as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        let r = u64::from_be_bytes(first);
        if r <= limit {
            return usize::try_from(r % k64).unwrap_or(0);
        }
    }
    0
}

/// The sign-in code's token: `lot.{id}.{version}.{signature}`.
pub fn sign_in_token(key: &[u8], lottery_id: i64, version: i32) -> String {
    let sig = tokens::sign(key, format!("lottery:{lottery_id}:{version}").as_bytes());
    format!("lot.{lottery_id}.{version}.{sig}")
}

/// The lottery id of a token whose signature and version check out.
pub fn verify_sign_in(
    key: &[u8],
    token: &str,
    current_version: impl Fn(i64) -> Option<i32>,
) -> Option<i64> {
    let mut parts = token.strip_prefix("lot.")?.splitn(3, '.');
    let id: i64 = parts.next()?.parse().ok()?;
    let version: i32 = parts.next()?.parse().ok()?;
    let sig = parts.next()?;
    let ok = current_version(id) == Some(version)
        && tokens::verify(key, format!("lottery:{id}:{version}").as_bytes(), sig);
    ok.then_some(id)
}

/// Reads prize lines like `一等奖：平板电脑 × 1` (or `… x 1`, `… *1`).
pub fn parse_prizes(text: &str) -> Result<Vec<(String, i32)>, String> {
    let mut prizes = Vec::new();
    for (i, line) in text.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
        let (name, count) = line
            .rsplit_once(['×', 'x', 'X', '*'])
            .ok_or_else(|| format!("第 {} 行须写成“奖品名称 × 数量”", i + 1))?;
        let count: i32 =
            count.trim().parse().map_err(|_| format!("第 {} 行的数量须为整数", i + 1))?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || !(1..=1000).contains(&count) {
            return Err(format!("第 {} 行：名称不能为空，数量须在 1 到 1000 之间", i + 1));
        }
        prizes.push((name.to_owned(), count));
    }
    if prizes.is_empty() {
        return Err("请至少填写一个奖品".into());
    }
    Ok(prizes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_are_deterministic_in_range_and_spread() {
        let seed = [7u8; 32];
        assert_eq!(pick(&seed, 0, 10), pick(&seed, 0, 10));
        let mut seen = [0usize; 5];
        for n in 0..5000 {
            seen[pick(&seed, n, 5)] += 1;
        }
        assert!(seen.iter().all(|c| (850..1150).contains(c)), "roughly uniform: {seen:?}");
        assert_eq!(pick(&seed, 3, 1), 0);
    }

    #[test]
    fn commitment_is_the_hash_of_the_seed() {
        let (seed, commitment) = new_seed();
        assert_eq!(tokens::sha256_hex(&hex::decode(seed).unwrap()), commitment);
    }

    #[test]
    fn sign_in_tokens_verify_only_at_the_current_version() {
        let token = sign_in_token(b"k", 4, 1);
        assert_eq!(verify_sign_in(b"k", &token, |_| Some(1)), Some(4));
        assert_eq!(verify_sign_in(b"k", &token, |_| Some(2)), None);
        assert_eq!(verify_sign_in(b"x", &token, |_| Some(1)), None);
    }

    #[test]
    fn prize_lines_parse() {
        let prizes = parse_prizes("一等奖：平板电脑 × 1\n二等奖 x 3\n").unwrap();
        assert_eq!(prizes, [("一等奖：平板电脑".to_owned(), 1), ("二等奖".to_owned(), 3)]);
        assert!(parse_prizes("奖品").is_err());
        assert!(parse_prizes("").is_err());
    }
}
