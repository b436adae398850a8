//! E-mail over SMTP (lettre): implicit TLS, STARTTLS, or — for a relay on the same host
//! and tests only — plain (refused in production by `Config::validate`).

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::{SendError, SendFuture, Sender};
use crate::config::EmailConfig;
use crate::kernel::outbox::OutboxRow;
use crate::notices::render::EmailMessage;

/// Sends e-mail through the configured SMTP server.
#[derive(Debug)]
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

impl SmtpSender {
    /// A sender for `config` (`provider = "smtp"`).
    pub fn new(config: &EmailConfig) -> Result<Self, String> {
        let host = config.smtp_host.as_str();
        let builder = match config.tls.as_str() {
            "tls" => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(|e| e.to_string())?
            }
            "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|e| e.to_string())?,
            _ => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        };
        let mut builder =
            builder.port(config.smtp_port).timeout(Some(Duration::from_millis(config.timeout_ms)));
        if !config.username.is_empty() {
            builder = builder.credentials(Credentials::new(
                config.username.clone(),
                config.password.expose().to_owned(),
            ));
        }
        let from = config.from.parse().map_err(|e| format!("email.from: {e}"))?;
        Ok(Self { transport: builder.build(), from })
    }

    async fn deliver(&self, row: &OutboxRow) -> Result<(), SendError> {
        let mail: EmailMessage = serde_json::from_str(&row.payload)
            .map_err(|_| SendError::NotConfigured("邮件内容缺失，未发送".into()))?;
        let to = row.recipient.parse().map_err(|e| SendError::Refused {
            reason: format!("bad e-mail address: {e}"),
            fallback: false,
        })?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body)
            .map_err(|e| SendError::Refused { reason: e.to_string(), fallback: false })?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => {
                Err(SendError::Refused { reason: format!("SMTP refused: {e}"), fallback: false })
            }
            Err(e) => Err(SendError::Retry(format!("SMTP failed: {e}"))),
        }
    }
}

impl Sender for SmtpSender {
    fn send<'a>(&'a self, message: &'a OutboxRow) -> SendFuture<'a> {
        Box::pin(self.deliver(message))
    }
}
