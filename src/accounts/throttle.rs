//! Throttling of failed staff sign-ins, per account and per client address. Kept in
//! memory: one process serves one association, and a restart only forgives early.

use chrono::{DateTime, Duration, Utc};

use crate::kernel::rate_limit::RateLimiter;

/// Failures allowed per account inside the window.
pub const MAX_PER_ACCOUNT: usize = 5;
/// Failures allowed per client address inside the window.
pub const MAX_PER_IP: usize = 20;
/// The window, and how long a lock lasts after the last failure.
pub const WINDOW_MINUTES: i64 = 15;

/// Recent failures per account (by normalised username) and per client address.
#[derive(Debug)]
pub struct LoginThrottle {
    accounts: RateLimiter,
    addresses: RateLimiter,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        let window = Duration::minutes(WINDOW_MINUTES);
        Self {
            accounts: RateLimiter::new(MAX_PER_ACCOUNT, window),
            addresses: RateLimiter::new(MAX_PER_IP, window),
        }
    }
}

/// The account key: the name as sign-in looks it up (trimmed, lowercased), so
/// `" Finance"` and `"finance"` share one count.
fn account_key(username: &str) -> String {
    username.trim().to_lowercase()
}

impl LoginThrottle {
    /// `Err(seconds)` when this account or address must wait before trying again.
    pub fn check(&self, username: &str, ip: &str, now: DateTime<Utc>) -> Result<(), u64> {
        self.accounts.check(&account_key(username), now).and(self.addresses.check(ip, now))
    }

    /// Counts one failure against the account and the address.
    pub fn record_failure(&self, username: &str, ip: &str, now: DateTime<Utc>) {
        self.accounts.record(&account_key(username), now);
        self.addresses.record(ip, now);
    }

    /// Forgets the account's failures after a successful sign-in.
    pub fn clear_account(&self, username: &str) {
        self.accounts.clear(&account_key(username));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_an_account_after_five_failures_for_fifteen_minutes() {
        let throttle = LoginThrottle::default();
        let t0 = Utc::now();
        for i in 0..MAX_PER_ACCOUNT {
            assert!(throttle.check("wang", "1.1.1.1", t0).is_ok(), "attempt {i}");
            throttle.record_failure("wang", "1.1.1.1", t0);
        }
        let wait = throttle.check("wang", "2.2.2.2", t0).unwrap_err();
        assert_eq!(wait, 15 * 60);
        assert!(throttle.check("li", "2.2.2.2", t0).is_ok(), "other accounts are not locked");
        assert!(throttle.check("wang", "1.1.1.1", t0 + Duration::minutes(16)).is_ok());
    }

    #[test]
    fn spellings_of_one_account_share_its_count() {
        let throttle = LoginThrottle::default();
        let t0 = Utc::now();
        for name in ["finance", " finance", "FINANCE ", "\tFinance", "finance\n"] {
            throttle.record_failure(name, "1.1.1.1", t0);
        }
        assert!(throttle.check("  fInance  ", "3.3.3.3", t0).is_err());
    }

    #[test]
    fn locks_an_address_trying_many_accounts() {
        let throttle = LoginThrottle::default();
        let t0 = Utc::now();
        for i in 0..MAX_PER_IP {
            throttle.record_failure(&format!("user{i}"), "9.9.9.9", t0);
        }
        assert!(throttle.check("fresh", "9.9.9.9", t0).is_err());
        assert!(throttle.check("fresh", "8.8.8.8", t0).is_ok());
    }
}
