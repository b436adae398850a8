//! The clock: real in production, settable in tests; and how times are shown.

use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};
use parking_lot::RwLock;

/// Where "now" comes from. Stored times are UTC `NaiveDateTime`s.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant in UTC.
    fn now(&self) -> DateTime<Utc>;

    /// The current instant as stored in the database (UTC, microsecond precision).
    fn now_naive(&self) -> NaiveDateTime {
        truncate_micros(self.now().naive_utc())
    }
}

/// Shared handle to the clock.
pub type SharedClock = Arc<dyn Clock>;

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved; for tests.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<RwLock<DateTime<Utc>>>);

impl ManualClock {
    /// A clock showing `at`.
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Arc::new(RwLock::new(at)))
    }
    /// Moves the clock forward.
    pub fn advance(&self, by: chrono::Duration) {
        *self.0.write() += by;
    }
    /// Sets the clock.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.write() = at;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.read()
    }
}

/// Both backends keep microseconds; truncating keeps round trips exact.
fn truncate_micros(t: NaiveDateTime) -> NaiveDateTime {
    use chrono::Timelike as _;
    let nanos = t.nanosecond() / 1000 * 1000;
    t.with_nanosecond(nanos).unwrap_or(t)
}

/// Formats a stored UTC time as staff expect it, e.g. `2026-11-24 14:30`.
pub fn display_minutes(at: NaiveDateTime, tz: chrono_tz::Tz) -> String {
    at.and_utc().with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

/// Serialises a stored UTC time as RFC 3339 with `Z` (`#[serde(serialize_with = …)]`),
/// so API clients never see a time without its offset.
pub fn serialize_utc<S: serde::Serializer>(at: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}

/// [`serialize_utc`] for optional times.
pub fn serialize_utc_opt<S: serde::Serializer>(
    at: &Option<NaiveDateTime>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serialize_utc(at, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn shows_times_in_the_association_zone() {
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 6, 30, 59).unwrap().naive_utc();
        assert_eq!(display_minutes(at, chrono_tz::Asia::Shanghai), "2026-11-24 14:30");
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
        let before = clock.now();
        clock.advance(chrono::Duration::minutes(5));
        assert_eq!(clock.now() - before, chrono::Duration::minutes(5));
    }
}
