//! An in-memory sliding-window rate limiter (per key), for limits that need not
//! survive a restart, e.g. requests per client address.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use parking_lot::Mutex;

/// Hits by key within the window.
#[derive(Debug)]
pub struct RateLimiter {
    max: usize,
    window: Duration,
    hits: Mutex<HashMap<String, Vec<DateTime<Utc>>>>,
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
        if map.len() > 100_000 {
            let window = self.window;
            map.retain(|_, times| times.iter().any(|t| now - *t < window));
        }
        let times = map.entry(key.to_owned()).or_default();
        times.retain(|t| now - *t < self.window);
        if times.len() >= self.max {
            let oldest = times.iter().min().copied().unwrap_or(now);
            let wait = (oldest + self.window - now).num_seconds().max(1);
            return Err(u64::try_from(wait).unwrap_or(1));
        }
        times.push(now);
        Ok(())
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
}
