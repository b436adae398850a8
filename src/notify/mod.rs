//! Delivery of outbox messages: a worker loop and the providers behind traits —
//! Tencent SMS (`tencent`), WeChat subscription messages (`wechat`), SMTP e-mail
//! (`email`); `LogSender` / `DevSmsSender` are the development ones, which never mark a
//! message sent.

pub mod check;
pub mod email;
pub mod staff;
mod store;

pub use staff::{send_test, set_staff_email, staff_email};
pub mod tencent;
pub mod wechat;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::db::Db;
use crate::error::AppError;
use crate::kernel::clock::SharedClock;
use crate::kernel::outbox::{self, OutboxRow};

/// Why a message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Try again later (provider down, busy, answered nonsense).
    Retry(String),
    /// The provider refused for good; when `fallback` holds and the message carries an
    /// SMS to send instead (WeChat 43101: no grant), that SMS is queued.
    Refused {
        /// The provider's answer.
        reason: String,
        /// Send the fallback SMS.
        fallback: bool,
    },
    /// Nothing to send with: the kind has no template for this channel. Recorded as not
    /// sent (never as delivered), not retried.
    NotConfigured(String),
}

impl From<String> for SendError {
    fn from(reason: String) -> Self {
        Self::Retry(reason)
    }
}

impl From<&str> for SendError {
    fn from(reason: &str) -> Self {
        Self::Retry(reason.to_owned())
    }
}

/// A boxed future returned by senders.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

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

/// The template and parameters of an SMS row: a sign-in code (`code_template_id`), or a
/// notice rendered by `notices::send`; a notice queued without an SMS template is not
/// sendable. Every SMS provider (Tencent today, Aliyun next) starts from this.
pub fn sms_of(
    row: &OutboxRow,
    code_template_id: &str,
) -> Result<crate::notices::render::SmsMessage, SendError> {
    use crate::notices::render::SmsMessage;
    if row.template == crate::accounts::sms::TEMPLATE {
        let payload: serde_json::Value =
            serde_json::from_str(&row.payload).map_err(|e| e.to_string())?;
        let code = payload["code"].as_str().ok_or("sms_code without code")?.to_owned();
        let minutes = payload["minutes"].as_i64().unwrap_or(5).to_string();
        return Ok(SmsMessage {
            template_id: code_template_id.to_owned(),
            params: vec![code, minutes],
        });
    }
    serde_json::from_str(&row.payload)
        .map_err(|_| SendError::NotConfigured("该通知类型未配置短信模板，未发送".into()))
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
    /// The providers the configuration names: SMS by `sms.provider`, WeChat when
    /// `wechat.app_id` is set, e-mail when `email.provider = "smtp"`.
    pub fn from_config(config: &crate::config::Config, clock: SharedClock) -> Result<Self, String> {
        let sms: Arc<dyn Sender> = match config.sms.provider.as_str() {
            "tencent" => Arc::new(tencent::TencentSms::new(&config.sms.tencent, clock.clone())?),
            _ => Arc::new(DevSmsSender),
        };
        let wechat: Arc<dyn Sender> = if config.wechat.app_id.is_empty() {
            Arc::new(LogSender)
        } else {
            Arc::new(wechat::WechatSubscriptions::new(&config.wechat, clock)?)
        };
        let email: Arc<dyn Sender> = match config.email.provider.as_str() {
            "smtp" => Arc::new(email::SmtpSender::new(&config.email)?),
            _ => Arc::new(LogSender),
        };
        Ok(Self { sms, wechat, email })
    }

    /// Whether `channel` has a real provider.
    pub fn works(&self, channel: crate::kernel::outbox::Channel) -> bool {
        self.for_channel(channel.as_str()).is_some_and(|s| s.not_configured().is_none())
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
            outbox::claim_due(conn, now, 100)
        })
        .await?;
    let mut delivered = 0;
    for message in due {
        let result = match providers.for_channel(&message.channel) {
            // A development sender logs what it would send, then it is recorded unsent.
            Some(sender) => match (sender.send(&message).await, sender.not_configured()) {
                (Ok(()), Some(reason)) => Err(SendError::NotConfigured(reason.to_owned())),
                (result, _) => result,
            },
            None => Err(SendError::NotConfigured(format!(
                "no provider for channel `{}`",
                message.channel
            ))),
        };
        let (id, attempts) = (message.id, message.attempts + 1);
        let at = clock.now_naive();
        match result {
            Ok(()) => {
                delivered += 1;
                db.run(move |conn| outbox::mark_sent(conn, id, at)).await?;
            }
            Err(SendError::NotConfigured(reason)) => {
                db.run(move |conn| outbox::mark_unsent(conn, id, &reason)).await?;
            }
            Err(SendError::Refused { reason, fallback }) => {
                tracing::warn!(outbox_id = id, %reason, "outbox message refused");
                db.write(move |conn| refused(conn, at, &message, &reason, fallback)).await?;
            }
            Err(SendError::Retry(error)) => {
                tracing::warn!(outbox_id = id, attempts, %error, "outbox delivery failed");
                let retry_at = (attempts < MAX_ATTEMPTS).then(|| at + backoff(attempts));
                db.run(move |conn| outbox::mark_failed(conn, id, &error, retry_at)).await?;
            }
        }
    }
    Ok(delivered)
}

/// A refused message is given up; a WeChat message refused for want of a grant has its
/// SMS queued instead (same transaction: the fallback is queued exactly once, because
/// only the attempt that moves the row out of `pending` queues it).
fn refused(
    conn: &mut crate::db::DbConn,
    at: chrono::NaiveDateTime,
    message: &OutboxRow,
    reason: &str,
    fallback: bool,
) -> Result<(), AppError> {
    if !outbox::give_up(conn, message.id, reason)? {
        return Ok(());
    }
    if message.channel != "wechat" || !fallback {
        return Ok(());
    }
    let Ok(wechat) =
        serde_json::from_str::<crate::notices::render::WechatMessage>(&message.payload)
    else {
        return Ok(());
    };
    crate::notices::drop_grants(conn, wechat.user_id, &wechat.template_id)?;
    if let Some((phone, sms)) = wechat.fallback {
        outbox::enqueue(conn, at, outbox::Channel::Sms, &phone, &message.template, &sms)?;
    }
    Ok(())
}

/// Runs the staff queue notices ([`staff::notify_queues`]) and [`deliver_due`] every
/// `every` until the process ends.
pub async fn run_worker(db: Db, clock: SharedClock, providers: Providers, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(e) = staff::notify_queues(&db, &clock).await {
            e.log_if_internal();
        }
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
