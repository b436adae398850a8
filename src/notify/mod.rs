//! Delivery of outbox messages: a worker loop and the providers behind traits.
//! Real SMS, WeChat and SMTP providers plug in here; `LogSender` is the development one.

pub mod tencent;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::db::Db;
use crate::error::AppError;
use crate::kernel::clock::SharedClock;
use crate::kernel::outbox::{self, OutboxRow};

/// A boxed future returned by senders.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Sends one message over one channel; `Err` is retried later.
pub trait Sender: Send + Sync + std::fmt::Debug {
    /// Delivers `message`.
    fn send<'a>(&'a self, message: &'a OutboxRow) -> SendFuture<'a>;

    /// `Some(reason)` when this is no real provider: what it "sends" is recorded as not
    /// sent, never as delivered.
    fn not_configured(&self) -> Option<&'static str> {
        None
    }
}

/// Writes messages to the log instead of sending them. Development only.
#[derive(Debug, Default)]
pub struct LogSender;

impl Sender for LogSender {
    fn send<'a>(&'a self, message: &'a OutboxRow) -> SendFuture<'a> {
        Box::pin(async move {
            tracing::info!(
                channel = %message.channel,
                template = %message.template,
                outbox_id = message.id,
                "[development provider: not sent] outbox message"
            );
            Ok(())
        })
    }

    fn not_configured(&self) -> Option<&'static str> {
        Some("未配置该渠道的服务商，消息未发送")
    }
}

/// The development SMS provider: writes phone and text to the log, sends nothing.
/// `Config::validate` refuses it in production.
#[derive(Debug, Default)]
pub struct DevSmsSender;

impl Sender for DevSmsSender {
    fn send<'a>(&'a self, message: &'a OutboxRow) -> SendFuture<'a> {
        Box::pin(async move {
            tracing::warn!(
                phone = %message.recipient,
                template = %message.template,
                payload = %message.payload,
                "[DEVELOPMENT SMS PROVIDER — NOT SENT] configure sms.provider for real delivery"
            );
            Ok(())
        })
    }

    fn not_configured(&self) -> Option<&'static str> {
        Some("开发用短信通道：只写入服务器日志，未发送")
    }
}

/// The sender of each channel.
#[derive(Debug, Clone)]
pub struct Providers {
    /// SMS.
    pub sms: Arc<dyn Sender>,
    /// WeChat subscription messages.
    pub wechat: Arc<dyn Sender>,
    /// E-mail.
    pub email: Arc<dyn Sender>,
}

impl Default for Providers {
    fn default() -> Self {
        Self { sms: Arc::new(LogSender), wechat: Arc::new(LogSender), email: Arc::new(LogSender) }
    }
}

impl Providers {
    /// The providers the configuration names.
    pub fn from_config(config: &crate::config::Config, clock: SharedClock) -> Result<Self, String> {
        let sms: Arc<dyn Sender> = match config.sms.provider.as_str() {
            "tencent" => Arc::new(tencent::TencentSms::new(&config.sms.tencent, clock)?),
            _ => Arc::new(DevSmsSender),
        };
        Ok(Self { sms, ..Self::default() })
    }

    fn for_channel(&self, channel: &str) -> Option<&Arc<dyn Sender>> {
        match channel {
            "sms" => Some(&self.sms),
            "wechat" => Some(&self.wechat),
            "email" => Some(&self.email),
            _ => None,
        }
    }
}

/// Attempts before a message is marked failed.
pub const MAX_ATTEMPTS: i32 = 8;

/// Delay before retry number `attempts` (1-based): 30 s doubling, at most an hour.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let exp = u32::try_from(attempts.clamp(1, 8) - 1).unwrap_or(0);
    chrono::Duration::seconds((30_i64 << exp).min(3600))
}

/// One pass over the due messages; returns how many were delivered (a channel without a
/// provider delivers nothing: its messages are marked not sent).
pub async fn deliver_due(
    db: &Db,
    clock: &SharedClock,
    providers: &Providers,
) -> Result<usize, AppError> {
    let now = clock.now_naive();
    let due = db
        .run(move |conn| {
            outbox::expire(conn, now)?;
            outbox::due(conn, now, 100)
        })
        .await?;
    let mut delivered = 0;
    for message in due {
        let sender = providers.for_channel(&message.channel);
        let result = match sender {
            Some(sender) => sender.send(&message).await,
            None => Err(format!("no provider for channel `{}`", message.channel)),
        };
        let (id, attempts) = (message.id, message.attempts + 1);
        let at = clock.now_naive();
        let unsent = sender.and_then(|s| s.not_configured());
        match result {
            Ok(()) if unsent.is_some() => {
                let reason = unsent.unwrap_or_default();
                db.run(move |conn| outbox::mark_unsent(conn, id, reason)).await?;
            }
            Ok(()) => {
                delivered += 1;
                db.run(move |conn| outbox::mark_sent(conn, id, at)).await?;
            }
            Err(error) => {
                tracing::warn!(outbox_id = id, attempts, %error, "outbox delivery failed");
                let retry_at = (attempts < MAX_ATTEMPTS).then(|| at + backoff(attempts));
                db.run(move |conn| outbox::mark_failed(conn, id, &error, retry_at)).await?;
            }
        }
    }
    Ok(delivered)
}

/// Runs [`deliver_due`] every `every` until the process ends.
pub async fn run_worker(db: Db, clock: SharedClock, providers: Providers, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(e) = deliver_due(&db, &clock, &providers).await {
            e.log_if_internal();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(1).num_seconds(), 30);
        assert_eq!(backoff(2).num_seconds(), 60);
        assert_eq!(backoff(8).num_seconds(), 3600);
    }
}
