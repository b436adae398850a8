//! 我的抽奖: every lottery a user signed in to with where it stands for them — not
//! drawn yet (未开奖), drawn without them (未中奖), or the prize they won.

use chrono::NaiveDateTime;

use super::lottery_model::{LotteryRow, status};
use super::lottery_store as store;
use crate::db::Db;
use crate::error::AppError;

/// Where a lottery stands for one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MyState {
    /// Not every prize is drawn and the user has won none (未开奖).
    Pending,
    /// Every prize is drawn and the user won none (未中奖).
    Lost,
    /// The user won this prize.
    Won {
        /// Prize name.
        prize: String,
        /// When drawn (UTC).
        at: NaiveDateTime,
    },
}

impl MyState {
    /// `pending`, `lost`, `won`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Lost => "lost",
            Self::Won { .. } => "won",
        }
    }

    /// zh-CN label: 未开奖, 未中奖, or the prize's name.
    pub fn label(&self) -> String {
        match self {
            Self::Pending => "未开奖".into(),
            Self::Lost => "未中奖".into(),
            Self::Won { prize, .. } => prize.clone(),
        }
    }

    /// The state of `lottery` for a user whose win in it, if any, is `win`.
    pub fn of(lottery: &LotteryRow, win: Option<(String, NaiveDateTime)>) -> Self {
        match win {
            Some((prize, at)) => Self::Won { prize, at },
            None if lottery.status == status::FINISHED => Self::Lost,
            None => Self::Pending,
        }
    }
}

/// A lottery the user joined.
#[derive(Debug, Clone)]
pub struct MyLottery {
    /// The lottery.
    pub lottery: LotteryRow,
    /// When the user signed in (UTC).
    pub signed_in_at: NaiveDateTime,
    /// Where it stands for them.
    pub state: MyState,
}

/// Every lottery `user_id` signed in to, newest sign-in first.
pub async fn my_lotteries(db: &Db, user_id: i64) -> Result<Vec<MyLottery>, AppError> {
    db.run(move |conn| {
        let entries = store::entries_of_user(conn, user_id)?;
        let wins = store::wins_of_user(conn, user_id)?;
        Ok(entries
            .into_iter()
            .map(|(lottery, signed_in_at)| {
                let win = wins
                    .iter()
                    .find(|(id, ..)| *id == lottery.id)
                    .map(|(_, _, prize, at)| (prize.clone(), *at));
                MyLottery { state: MyState::of(&lottery, win), signed_in_at, lottery }
            })
            .collect())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lottery(status: &str) -> LotteryRow {
        let at = chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap().naive_utc();
        LotteryRow {
            id: 1,
            title: "年会抽奖".into(),
            event_id: None,
            seed_hex: String::new(),
            commitment: String::new(),
            token_version: 1,
            status: status.into(),
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn states_follow_the_draw() {
        let at = chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap().naive_utc();
        assert_eq!(MyState::of(&lottery(status::OPEN), None).label(), "未开奖");
        assert_eq!(MyState::of(&lottery(status::DRAWING), None).label(), "未开奖");
        assert_eq!(MyState::of(&lottery(status::FINISHED), None).label(), "未中奖");
        let won = MyState::of(&lottery(status::DRAWING), Some(("一等奖".into(), at)));
        assert_eq!((won.as_str(), won.label().as_str()), ("won", "一等奖"));
    }
}
