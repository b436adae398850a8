//! An in-memory sliding-window rate limiter (per key), for limits that need not
//! survive a restart, e.g. requests per client address.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use parking_lot::Mutex;

type Hits = HashMap<String, Vec<DateTime<Utc>>>;

/// Keys kept before expired ones are swept out (bounds the memory an attacker can fill).
const MAX_KEYS: usize = 100_000;

/// Hits by key within the window.
#[derive(Debug)]
pub struct RateLimiter {
    max: usize,
    window: Duration,
    hits: Mutex<Hits>,
}

impl RateLimiter {
    /// At most `max` hits per key in any `window`.
    pub fn new(max: usize, window: Duration) -> Self {
        Self { max, window, hits: Mutex::new(HashMap::new()) }
    }

    /// Records a hit for `key` unless the limit is reached; `Err(seconds)` says how long
    /// until the next hit is allowed.
    pub fn hit(&self, key: &str, now: DateTime<Utc>) -> Result<(), u64> {
        let mut map = self.hits.lock();
        self.wait(&mut map, key, now)?;
        self.push(&mut map, key, now);
        Ok(())
    }

    /// `Err(seconds)` when `key` is at its limit; records nothing (for limits that count
    /// failures, recorded afterwards with [`Self::record`]).
    pub fn check(&self, key: &str, now: DateTime<Utc>) -> Result<(), u64> {
        self.wait(&mut self.hits.lock(), key, now)
    }

    /// Records a hit for `key`, whatever the limit.
    pub fn record(&self, key: &str, now: DateTime<Utc>) {
        self.push(&mut self.hits.lock(), key, now);
    }

    /// Forgets `key`'s hits.
    pub fn clear(&self, key: &str) {
        self.hits.lock().remove(key);
    }

    fn wait(&self, map: &mut Hits, key: &str, now: DateTime<Utc>) -> Result<(), u64> {
        let Some(times) = map.get_mut(key) else { return Ok(()) };
        times.retain(|t| now - *t < self.window);
        if times.len() < self.max {
            return Ok(());
        }
        let oldest = times.iter().min().copied().unwrap_or(now);
        let wait = (oldest + self.window - now).num_seconds().max(1);
        Err(u64::try_from(wait).unwrap_or(1))
    }

    fn push(&self, map: &mut Hits, key: &str, now: DateTime<Utc>) {
        if map.len() > MAX_KEYS {
            let window = self.window;
            map.retain(|_, times| times.iter().any(|t| now - *t < window));
        }
        let times = map.entry(key.to_owned()).or_default();
        times.retain(|t| now - *t < self.window);
        times.push(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_max_hits_per_window() {
        let limiter = RateLimiter::new(2, Duration::hours(1));
        let t0 = Utc::now();
        assert!(limiter.hit("a", t0).is_ok());
        assert!(limiter.hit("a", t0 + Duration::minutes(10)).is_ok());
        assert_eq!(limiter.hit("a", t0 + Duration::minutes(20)), Err(40 * 60));
        assert!(limiter.hit("b", t0).is_ok(), "keys are separate");
        assert!(limiter.hit("a", t0 + Duration::minutes(61)).is_ok());
    }

    #[test]
    fn check_counts_only_what_is_recorded() {
        let limiter = RateLimiter::new(1, Duration::minutes(15));
        let t0 = Utc::now();
        assert!(limiter.check("a", t0).is_ok());
        assert!(limiter.check("a", t0).is_ok(), "checking records nothing");
        limiter.record("a", t0);
        assert_eq!(limiter.check("a", t0 + Duration::minutes(5)), Err(10 * 60));
        limiter.clear("a");
        assert!(limiter.check("a", t0).is_ok());
    }
}
