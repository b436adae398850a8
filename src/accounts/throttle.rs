//! Throttling of failed staff sign-ins, per account and per client address. In memory
//! on SQLite (one process; a restart only forgives early), in the database on
//! PostgreSQL, so that every instance behind a load balancer counts the same failures.

use chrono::{DateTime, Duration, Utc};

use crate::db::Db;
use crate::error::AppError;
use crate::kernel::rate_limit::RateLimiter;
use crate::kernel::shared_limit::Limiter;

/// Failures allowed per account inside the window.
pub const MAX_PER_ACCOUNT: usize = 5;
/// Failures allowed per client address inside the window.
pub const MAX_PER_IP: usize = 20;
/// The window, and how long a lock lasts after the last failure.
pub const WINDOW_MINUTES: i64 = 15;

/// Recent failures per account (by normalised username) and per client address.
#[derive(Debug)]
pub struct LoginThrottle {
    accounts: Limiter,
    addresses: Limiter,
}

impl Default for LoginThrottle {
    /// In memory (one process).
    fn default() -> Self {
        let window = Duration::minutes(WINDOW_MINUTES);
        Self {
            accounts: Limiter::Memory(RateLimiter::new(MAX_PER_ACCOUNT, window)),
            addresses: Limiter::Memory(RateLimiter::new(MAX_PER_IP, window)),
        }
    }
}

/// The account key: the name as sign-in looks it up (trimmed, lowercased), so
/// `" Finance"` and `"finance"` share one count.
fn account_key(username: &str) -> String {
    username.trim().to_lowercase()
}

impl LoginThrottle {
    /// Where `db`'s instances all see the failures: in memory on SQLite, in the
    /// database on PostgreSQL.
    pub fn for_db(db: &Db) -> Self {
        let window = Duration::minutes(WINDOW_MINUTES);
        Self {
            accounts: Limiter::for_db(db, "sign_in_account", MAX_PER_ACCOUNT, window),
            addresses: Limiter::for_db(db, "sign_in_address", MAX_PER_IP, window),
        }
    }

    /// `Ok(Err(seconds))` when this account or address must wait before trying again.
    pub async fn check(
        &self,
        username: &str,
        ip: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<(), u64>, AppError> {
        let account = self.accounts.check(&account_key(username), now).await?;
        if account.is_err() {
            return Ok(account);
        }
        self.addresses.check(ip, now).await
    }

    /// Counts one failure against the account and the address.
    pub async fn record_failure(
        &self,
        username: &str,
        ip: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        self.accounts.record(&account_key(username), now).await?;
        self.addresses.record(ip, now).await
    }

    /// Forgets the account's failures after a successful sign-in.
    pub async fn clear_account(&self, username: &str) -> Result<(), AppError> {
        self.accounts.clear(&account_key(username)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn check(
        throttle: &LoginThrottle,
        name: &str,
        ip: &str,
        at: DateTime<Utc>,
    ) -> Result<(), u64> {
        throttle.check(name, ip, at).await.unwrap()
    }

    #[tokio::test]
    async fn locks_an_account_after_five_failures_for_fifteen_minutes() {
        let throttle = LoginThrottle::default();
        let t0 = Utc::now();
        for i in 0..MAX_PER_ACCOUNT {
            assert!(check(&throttle, "wang", "1.1.1.1", t0).await.is_ok(), "attempt {i}");
            throttle.record_failure("wang", "1.1.1.1", t0).await.unwrap();
        }
        let wait = check(&throttle, "wang", "2.2.2.2", t0).await.unwrap_err();
        assert_eq!(wait, 15 * 60);
        assert!(
            check(&throttle, "li", "2.2.2.2", t0).await.is_ok(),
            "other accounts are not locked"
        );
        assert!(check(&throttle, "wang", "1.1.1.1", t0 + Duration::minutes(16)).await.is_ok());
    }

    #[tokio::test]
    async fn spellings_of_one_account_share_its_count() {
        let throttle = LoginThrottle::default();
        let t0 = Utc::now();
        for name in ["finance", " finance", "FINANCE ", "\tFinance", "finance\n"] {
            throttle.record_failure(name, "1.1.1.1", t0).await.unwrap();
        }
        assert!(check(&throttle, "  fInance  ", "3.3.3.3", t0).await.is_err());
    }

    #[tokio::test]
    async fn locks_an_address_trying_many_accounts() {
        let throttle = LoginThrottle::default();
        let t0 = Utc::now();
        for i in 0..MAX_PER_IP {
            throttle.record_failure(&format!("user{i}"), "9.9.9.9", t0).await.unwrap();
        }
        assert!(check(&throttle, "fresh", "9.9.9.9", t0).await.is_err());
        assert!(check(&throttle, "fresh", "8.8.8.8", t0).await.is_ok());
    }
}
