//! The home's statistics block as chart geometry (server-rendered SVG through
//! [`super::charts`]), and its events of today and this week.

use chrono::{Datelike as _, Days, NaiveDate, NaiveDateTime, TimeZone as _};

use super::charts::{self, Bar, BarChart, ColumnChart};
use crate::events::dashboard::RangeEvent;
use crate::kernel::clock::display_minutes;
use crate::kernel::money::format_cents;
use crate::membership::stats::GroupCount;
use crate::workbench::stats::HomeStats;

/// One chart of the block.
#[derive(Debug, Clone)]
pub struct StatChart {
    /// `by-type`, … (the section's id).
    pub id: &'static str,
    /// zh-CN heading.
    pub title: &'static str,
    /// Bars (empty: nothing to show).
    pub chart: BarChart,
}

/// This period's dues, formatted.
#[derive(Debug, Clone)]
pub struct DuesView {
    /// Period key or range.
    pub period: String,
    /// `¥12.50` paid.
    pub paid: String,
    /// `¥50.00` due.
    pub due: String,
    /// `25.0%`.
    pub percent: String,
    /// The paid part of the bar (0–400 px).
    pub width: u32,
    /// Orders paid.
    pub paid_orders: i64,
    /// Orders due.
    pub due_orders: i64,
}

/// The statistics block.
#[derive(Debug, Clone)]
pub struct StatsView {
    /// Current members.
    pub current: i64,
    /// Members by type, industry, position, status.
    pub charts: Vec<StatChart>,
    /// Joined per month, 24 months.
    pub joined: ColumnChart,
    /// Members who joined in those months.
    pub joined_total: i64,
    /// Dues.
    pub dues: DuesView,
    /// When computed, local time.
    pub computed_at: String,
}

fn bars(groups: &[GroupCount]) -> BarChart {
    charts::bar_chart(&Bar::shares(groups.iter().map(|g| (g.label.clone(), g.count)).collect()))
}

/// The block's view of `stats`.
pub fn stats_view(stats: &HomeStats, tz: chrono_tz::Tz) -> StatsView {
    let m = &stats.members;
    let joined: Vec<Bar> = m
        .joined_per_month
        .iter()
        .map(|g| Bar { label: g.label.clone(), count: g.count, percent: 0.0 })
        .collect();
    let share = stats.dues.percent();
    // A share within 0..=100 of a 400 px bar: the rounded cast cannot truncate.
    let width = (share.clamp(0.0, 100.0) * 4.0).round() as u32;
    StatsView {
        current: m.current,
        charts: vec![
            StatChart { id: "by-type", title: "会员类型", chart: bars(&m.by_type) },
            StatChart { id: "by-industry", title: "行业分布", chart: bars(&m.by_industry) },
            StatChart { id: "by-position", title: "职务分布", chart: bars(&m.by_position) },
            StatChart {
                id: "by-status", title: "会员状态（全部）", chart: bars(&m.by_status)
            },
        ],
        joined_total: m.joined_per_month.iter().map(|g| g.count).sum(),
        joined: charts::column_chart_with(&joined, charts::month_tick),
        dues: DuesView {
            period: stats.dues.period.clone(),
            paid: format_cents(stats.dues.paid_cents),
            due: format_cents(stats.dues.due_cents),
            percent: format!("{share:.1}%"),
            width,
            paid_orders: stats.dues.paid_orders,
            due_orders: stats.dues.due_orders,
        },
        computed_at: display_minutes(stats.computed_at, tz),
    }
}

/// An event on the home.
#[derive(Debug, Clone)]
pub struct EventLine {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// `2026-11-24 14:30`.
    pub starts: String,
    /// Place.
    pub place: String,
    /// Holding a place.
    pub registered: i64,
    /// Capacity (0: unlimited).
    pub capacity: i32,
    /// Awaiting approval.
    pub pending: i64,
    /// Checked in so far.
    pub checked_in: i64,
}

/// The home's lines of `events`.
pub fn event_lines(events: Vec<RangeEvent>, tz: chrono_tz::Tz) -> Vec<EventLine> {
    events
        .into_iter()
        .map(|e| EventLine {
            id: e.event.id,
            starts: display_minutes(e.event.starts_at, tz),
            title: e.event.details.title.clone(),
            place: e.event.details.place.clone(),
            capacity: e.event.details.capacity,
            registered: e.counts.registered,
            pending: e.counts.pending,
            checked_in: e.counts.checked_in,
        })
        .collect()
}

/// UTC start of the local day `day` in `tz`.
fn day_start(day: NaiveDate, tz: chrono_tz::Tz) -> NaiveDateTime {
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    tz.from_local_datetime(&midnight).earliest().map_or(midnight, |t| t.naive_utc())
}

/// `(today, tomorrow, this Monday, next Monday)` as UTC instants of local days.
pub fn day_and_week(now: NaiveDateTime, tz: chrono_tz::Tz) -> [NaiveDateTime; 4] {
    let today = now.and_utc().with_timezone(&tz).date_naive();
    let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    [
        day_start(today, tz),
        day_start(today + Days::new(1), tz),
        day_start(monday, tz),
        day_start(monday + Days::new(7), tz),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_week_runs_monday_to_monday_in_local_time() {
        let tz: chrono_tz::Tz = "Asia/Shanghai".parse().unwrap();
        // Tuesday 2026-11-24 14:30 in Shanghai.
        let now = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(6, 30, 0).unwrap();
        let [today, tomorrow, monday, next] = day_and_week(now, tz);
        let utc = |d: u32, h: u32| {
            NaiveDate::from_ymd_opt(2026, 11, d).unwrap().and_hms_opt(h, 0, 0).unwrap()
        };
        assert_eq!(today, utc(23, 16));
        assert_eq!(tomorrow, utc(24, 16));
        assert_eq!(monday, utc(22, 16));
        assert_eq!(next, utc(29, 16));
    }
}
