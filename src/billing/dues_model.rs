//! Dues periods, due dates, expiry and reminder steps: pure rules.

use chrono::{Datelike as _, Days, Months, NaiveDate};

/// How dues periods run (a setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeriodMode {
    /// 1 January – 31 December (the default); period key `2026`.
    #[default]
    Calendar,
    /// A year from the member's joining day; period key `2026-03-15` (its first day).
    Anniversary,
}

impl PeriodMode {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Calendar => "calendar",
            Self::Anniversary => "anniversary",
        }
    }
    /// The mode of a stored name (unknown names fall back to calendar years).
    pub fn parse(s: &str) -> Self {
        if s == "anniversary" { Self::Anniversary } else { Self::Calendar }
    }
    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Calendar => "自然年（1月1日–12月31日）",
            Self::Anniversary => "入会周年（自入会日起一年）",
        }
    }
}

/// One dues period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// Stored key, part of the order's dedupe key.
    pub key: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
}

/// The period that contains `day` for a member who joined on `joined_on`.
pub fn period_for(mode: PeriodMode, day: NaiveDate, joined_on: NaiveDate) -> Period {
    match mode {
        PeriodMode::Calendar => calendar_year(day.year()),
        PeriodMode::Anniversary => {
            let mut start = anniversary(joined_on, day.year());
            if start > day {
                start = anniversary(joined_on, day.year() - 1);
            }
            anniversary_period(start)
        }
    }
}

fn calendar_year(year: i32) -> Period {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    Period { key: year.to_string(), start, end }
}

/// `joined_on`'s day in `year` (29 February becomes 28 February).
fn anniversary(joined_on: NaiveDate, year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, joined_on.month(), joined_on.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, joined_on.month(), 28))
        .unwrap_or(joined_on)
}

fn anniversary_period(start: NaiveDate) -> Period {
    let end = start
        .checked_add_months(Months::new(12))
        .and_then(|d| d.checked_sub_days(Days::new(1)))
        .unwrap_or(start);
    Period { key: start.format("%Y-%m-%d").to_string(), start, end }
}

/// The period of a stored key (`2026` or `2026-03-15`).
pub fn parse_period(key: &str) -> Option<Period> {
    if key.len() == 4 {
        return key.parse().ok().map(calendar_year);
    }
    NaiveDate::parse_from_str(key, "%Y-%m-%d").ok().map(anniversary_period)
}

/// The day dues of an order are due: the period's first day, or the day the order was
/// made when that is later (a member who joins in June owes from June).
pub fn due_on(period: &Period, ordered_on: NaiveDate) -> NaiveDate {
    period.start.max(ordered_on)
}

/// Whether a member with unpaid dues due on `due` is expired on `today`.
pub fn lapsed(due: NaiveDate, grace_days: u32, today: NaiveDate) -> bool {
    today > due + Days::new(u64::from(grace_days))
}

/// A reminder about unpaid dues; each is sent at most once per order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderStep {
    /// Up to 14 days before the due day.
    Before,
    /// 7 days after the due day.
    Overdue,
    /// 7 days before the grace period ends.
    Final,
}

impl ReminderStep {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Before => "before",
            Self::Overdue => "overdue",
            Self::Final => "final",
        }
    }
}

/// The reminder due on `today` for dues due on `due`, if any (the latest step reached;
/// earlier missed steps are not sent late).
pub fn reminder_step(due: NaiveDate, grace_days: u32, today: NaiveDate) -> Option<ReminderStep> {
    let grace_end = due + Days::new(u64::from(grace_days));
    if lapsed(due, grace_days, today) {
        None
    } else if grace_days > 7 && today + Days::new(7) >= grace_end {
        Some(ReminderStep::Final)
    } else if today >= due + Days::new(7) {
        Some(ReminderStep::Overdue)
    } else if today < due && today + Days::new(14) >= due {
        Some(ReminderStep::Before)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn calendar_periods_are_years() {
        let p = period_for(PeriodMode::Calendar, d(2026, 11, 24), d(2020, 5, 1));
        assert_eq!((p.key.as_str(), p.start, p.end), ("2026", d(2026, 1, 1), d(2026, 12, 31)));
        assert_eq!(parse_period("2026"), Some(p));
    }

    #[test]
    fn anniversary_periods_start_on_the_joining_day() {
        let p = period_for(PeriodMode::Anniversary, d(2026, 11, 24), d(2024, 3, 15));
        assert_eq!(
            (p.key.as_str(), p.start, p.end),
            ("2026-03-15", d(2026, 3, 15), d(2027, 3, 14))
        );
        let p = period_for(PeriodMode::Anniversary, d(2026, 2, 1), d(2024, 3, 15));
        assert_eq!(p.start, d(2025, 3, 15));
        let leap = period_for(PeriodMode::Anniversary, d(2025, 3, 1), d(2024, 2, 29));
        assert_eq!(leap.start, d(2025, 2, 28));
        assert_eq!(parse_period("2026-03-15").unwrap().end, d(2027, 3, 14));
        assert_eq!(parse_period("nonsense"), None);
    }

    #[test]
    fn dues_lapse_after_the_grace_period() {
        let due = due_on(&parse_period("2026").unwrap(), d(2026, 6, 10));
        assert_eq!(due, d(2026, 6, 10));
        assert!(!lapsed(due, 30, d(2026, 7, 10)));
        assert!(lapsed(due, 30, d(2026, 7, 11)));
    }

    #[test]
    fn reminders_follow_the_due_day() {
        let due = d(2027, 1, 1);
        assert_eq!(reminder_step(due, 30, d(2026, 12, 1)), None);
        assert_eq!(reminder_step(due, 30, d(2026, 12, 20)), Some(ReminderStep::Before));
        assert_eq!(reminder_step(due, 30, d(2027, 1, 3)), None);
        assert_eq!(reminder_step(due, 30, d(2027, 1, 8)), Some(ReminderStep::Overdue));
        assert_eq!(reminder_step(due, 30, d(2027, 1, 25)), Some(ReminderStep::Final));
        assert_eq!(reminder_step(due, 30, d(2027, 2, 5)), None);
    }
}
