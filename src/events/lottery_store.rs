//! Queries of `lotteries`, `lottery_prizes`, `lottery_entries` and `lottery_wins`.

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::lottery_model::{LotteryRow, PrizeRow};
use crate::db::DbConn;
use crate::db::schema::{lotteries, lottery_entries, lottery_prizes, lottery_wins, users};

type QResult<T> = Result<T, diesel::result::Error>;

/// Inserts a lottery.
pub fn insert_lottery(
    conn: &mut DbConn,
    title: &str,
    event_id: Option<i64>,
    seed: &str,
    commitment: &str,
    status: &str,
    at: NaiveDateTime,
) -> QResult<LotteryRow> {
    let row = (
        lotteries::title.eq(title),
        lotteries::event_id.eq(event_id),
        lotteries::seed_hex.eq(seed),
        lotteries::commitment.eq(commitment),
        lotteries::token_version.eq(1),
        lotteries::status.eq(status),
        lotteries::created_at.eq(at),
        lotteries::updated_at.eq(at),
    );
    crate::per_backend!(conn, |c| diesel::insert_into(lotteries::table)
        .values(row)
        .returning(LotteryRow::as_returning())
        .get_result(c))
}

/// Inserts a prize.
pub fn insert_prize(
    conn: &mut DbConn,
    lottery_id: i64,
    name: &str,
    quantity: i32,
    position: i32,
) -> QResult<usize> {
    diesel::insert_into(lottery_prizes::table)
        .values((
            lottery_prizes::lottery_id.eq(lottery_id),
            lottery_prizes::name.eq(name),
            lottery_prizes::quantity.eq(quantity),
            lottery_prizes::position.eq(position),
        ))
        .execute(conn)
}

/// A lottery by id.
pub fn lottery(conn: &mut DbConn, id: i64) -> QResult<Option<LotteryRow>> {
    lotteries::table.find(id).select(LotteryRow::as_select()).first(conn).optional()
}

/// A lottery locked for the transaction on PostgreSQL (draws queue here).
pub fn lock_lottery(conn: &mut DbConn, id: i64) -> QResult<Option<LotteryRow>> {
    match conn {
        DbConn::Pg(c) => lotteries::table
            .find(id)
            .for_update()
            .select(LotteryRow::as_select())
            .first(c)
            .optional(),
        DbConn::Sqlite(c) => {
            lotteries::table.find(id).select(LotteryRow::as_select()).first(c).optional()
        }
    }
}

/// All lotteries, newest first.
pub fn all_lotteries(conn: &mut DbConn) -> QResult<Vec<LotteryRow>> {
    lotteries::table
        .order(lotteries::id.desc())
        .limit(200)
        .select(LotteryRow::as_select())
        .load(conn)
}

/// Sets the status.
pub fn set_status(conn: &mut DbConn, id: i64, status: &str, at: NaiveDateTime) -> QResult<usize> {
    diesel::update(lotteries::table.find(id))
        .set((lotteries::status.eq(status), lotteries::updated_at.eq(at)))
        .execute(conn)
}

/// Prizes in drawing order.
pub fn prizes(conn: &mut DbConn, lottery_id: i64) -> QResult<Vec<PrizeRow>> {
    lottery_prizes::table
        .filter(lottery_prizes::lottery_id.eq(lottery_id))
        .order((lottery_prizes::position.asc(), lottery_prizes::id.asc()))
        .select(PrizeRow::as_select())
        .load(conn)
}

/// Marks a prize drawn.
pub fn mark_drawn(conn: &mut DbConn, prize_id: i64, at: NaiveDateTime) -> QResult<usize> {
    diesel::update(lottery_prizes::table.find(prize_id))
        .set(lottery_prizes::drawn_at.eq(Some(at)))
        .execute(conn)
}

/// Adds a sign-in.
pub fn insert_entry(
    conn: &mut DbConn,
    lottery_id: i64,
    user_id: i64,
    at: NaiveDateTime,
) -> QResult<usize> {
    diesel::insert_into(lottery_entries::table)
        .values((
            lottery_entries::lottery_id.eq(lottery_id),
            lottery_entries::user_id.eq(user_id),
            lottery_entries::created_at.eq(at),
        ))
        .execute(conn)
}

/// Signed-in users.
pub fn count_entries(conn: &mut DbConn, lottery_id: i64) -> QResult<i64> {
    lottery_entries::table
        .filter(lottery_entries::lottery_id.eq(lottery_id))
        .select(count_star())
        .first(conn)
}

/// Signed-in users who have not won, by user id (the draw's candidate order).
pub fn candidates(conn: &mut DbConn, lottery_id: i64) -> QResult<Vec<i64>> {
    let winners = lottery_wins::table
        .filter(lottery_wins::lottery_id.eq(lottery_id))
        .select(lottery_wins::user_id);
    lottery_entries::table
        .filter(lottery_entries::lottery_id.eq(lottery_id))
        .filter(lottery_entries::user_id.ne_all(winners))
        .order(lottery_entries::user_id.asc())
        .select(lottery_entries::user_id)
        .load(conn)
}

/// How many picks were made so far (the next pick's number).
pub fn count_wins(conn: &mut DbConn, lottery_id: i64) -> QResult<i64> {
    lottery_wins::table
        .filter(lottery_wins::lottery_id.eq(lottery_id))
        .select(count_star())
        .first(conn)
}

/// Records a win.
pub fn insert_win(
    conn: &mut DbConn,
    lottery_id: i64,
    prize_id: i64,
    user_id: i64,
    draw_index: i32,
    at: NaiveDateTime,
) -> QResult<usize> {
    diesel::insert_into(lottery_wins::table)
        .values((
            lottery_wins::lottery_id.eq(lottery_id),
            lottery_wins::prize_id.eq(prize_id),
            lottery_wins::user_id.eq(user_id),
            lottery_wins::draw_index.eq(draw_index),
            lottery_wins::created_at.eq(at),
        ))
        .execute(conn)
}

/// A winner: (draw index, prize id, user id, nickname).
pub type Winner = (i32, i64, i64, Option<String>);

/// A lottery's winners in draw order.
pub fn winners(conn: &mut DbConn, lottery_id: i64) -> QResult<Vec<Winner>> {
    lottery_wins::table
        .inner_join(users::table.on(users::id.eq(lottery_wins::user_id)))
        .filter(lottery_wins::lottery_id.eq(lottery_id))
        .order(lottery_wins::draw_index.asc())
        .select((
            lottery_wins::draw_index,
            lottery_wins::prize_id,
            lottery_wins::user_id,
            users::nickname,
        ))
        .load(conn)
}

/// A user's wins: (lottery title, prize name, when).
pub fn wins_of_user(
    conn: &mut DbConn,
    user_id: i64,
) -> QResult<Vec<(i64, String, String, NaiveDateTime)>> {
    lottery_wins::table
        .inner_join(lotteries::table)
        .inner_join(lottery_prizes::table)
        .filter(lottery_wins::user_id.eq(user_id))
        .order(lottery_wins::id.desc())
        .select((lotteries::id, lotteries::title, lottery_prizes::name, lottery_wins::created_at))
        .load(conn)
}

/// The lotteries `user_id` signed in to, newest sign-in first: (lottery, signed in at).
pub fn entries_of_user(
    conn: &mut DbConn,
    user_id: i64,
) -> QResult<Vec<(LotteryRow, NaiveDateTime)>> {
    lottery_entries::table
        .inner_join(lotteries::table.on(lotteries::id.eq(lottery_entries::lottery_id)))
        .filter(lottery_entries::user_id.eq(user_id))
        .order(lottery_entries::id.desc())
        .select((LotteryRow::as_select(), lottery_entries::created_at))
        .load(conn)
}
