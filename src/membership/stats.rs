//! Member statistics for the workbench home: current members (active and expired) by
//! member type, industry and position, members joined per month over the last 24
//! months, and every member by status. Grouped in SQL; names come from the catalogue.

use chrono::{Datelike as _, NaiveDate, NaiveDateTime, Offset as _, TimeZone as _};

use super::model::status;
use super::store::{catalog, stats as store};
use crate::db::DbConn;
use crate::error::AppError;

/// Months the joined-per-month chart covers, the current one included.
pub const MONTHS: u32 = 24;

/// One group and its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCount {
    /// zh-CN label (the type's, position's or industry's name; a month `2026-11`).
    pub label: String,
    /// Members.
    pub count: i64,
}

/// The statistics block.
#[derive(Debug, Clone, Default)]
pub struct MemberStats {
    /// Current members (active and expired).
    pub current: i64,
    /// Current members per member type, in list order.
    pub by_type: Vec<GroupCount>,
    /// Current members per industry, most first (未填写 for none).
    pub by_industry: Vec<GroupCount>,
    /// Current members per position, highest rank first.
    pub by_position: Vec<GroupCount>,
    /// Members who joined per month, oldest first, [`MONTHS`] entries.
    pub joined_per_month: Vec<GroupCount>,
    /// Every member per status (正常 / 已过期 / 已退会).
    pub by_status: Vec<GroupCount>,
}

fn current(rows: &[store::GroupCount], id: Option<i64>) -> i64 {
    rows.iter().filter(|(g, s, _)| *g == id && s != status::RESIGNED).map(|(_, _, n)| n).sum()
}

/// The last [`MONTHS`] months up to the one containing `today`, oldest first.
pub fn month_keys(today: NaiveDate) -> Vec<String> {
    let index = today.year() * 12 + today.month0().cast_signed();
    let months = MONTHS.cast_signed();
    ((index - months + 1)..=index).map(|i| format!("{:04}-{:02}", i / 12, i % 12 + 1)).collect()
}

/// The statistics as of `now` (UTC), months in the association's time zone `tz`.
pub fn member_stats(
    conn: &mut DbConn,
    now: NaiveDateTime,
    tz: chrono_tz::Tz,
) -> Result<MemberStats, AppError> {
    let by_type = store::by_type(conn)?;
    let by_position = store::by_position(conn)?;
    let by_industry = store::by_industry(conn)?;
    let by_status = store::by_status(conn)?;
    let of = |rows: &[store::GroupCount], id, name: String| GroupCount {
        label: name,
        count: current(rows, id),
    };
    let types: Vec<GroupCount> = catalog::member_types_all(conn)?
        .into_iter()
        .map(|t| of(&by_type, Some(t.id), t.name))
        .collect();
    let positions: Vec<GroupCount> = catalog::positions_all(conn)?
        .into_iter()
        .map(|p| of(&by_position, Some(p.id), p.name))
        .collect();
    let mut industries: Vec<GroupCount> = catalog::industries_all(conn)?
        .into_iter()
        .map(|i| of(&by_industry, Some(i.id), i.name))
        .filter(|g| g.count > 0)
        .collect();
    industries.push(of(&by_industry, None, "未填写".into()));
    industries.retain(|g| g.count > 0);
    industries.sort_by_key(|g| std::cmp::Reverse(g.count));
    let offset = tz.offset_from_utc_datetime(&now).fix().local_minus_utc() / 60;
    let local_today = (now + chrono::Duration::minutes(offset.into())).date();
    let keys = month_keys(local_today);
    let first = keys
        .first()
        .and_then(|k| NaiveDate::parse_from_str(&format!("{k}-01"), "%Y-%m-%d").ok())
        .unwrap_or(local_today)
        .and_time(chrono::NaiveTime::MIN);
    let since = first - chrono::Duration::minutes(offset.into());
    let joined = store::joined_per_month(conn, since, offset)?;
    let joined_per_month = keys
        .into_iter()
        .map(|k| GroupCount {
            count: joined.iter().find(|(m, _)| *m == k).map_or(0, |(_, n)| *n),
            label: k,
        })
        .collect();
    let statuses = status::ALL
        .iter()
        .map(|s| GroupCount {
            label: status::label(s).into(),
            count: by_status.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n),
        })
        .collect();
    Ok(MemberStats {
        current: types.iter().map(|g| g.count).sum(),
        by_type: types,
        by_industry: industries,
        by_position: positions,
        joined_per_month,
        by_status: statuses,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_four_months_end_with_this_one() {
        let keys = month_keys(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap());
        assert_eq!(keys.len(), 24);
        assert_eq!(keys.first().map(String::as_str), Some("2024-12"));
        assert_eq!(keys.last().map(String::as_str), Some("2026-11"));
        let jan = month_keys(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap());
        assert_eq!(jan[22], "2025-12");
        assert_eq!(jan[23], "2026-01");
    }
}
