//! WeChat subscription messages (`subscribeMessage.send`) with the mini-program's access
//! token fetched once and cached until shortly before it expires. One refresh at a time:
//! the cache's lock is held while fetching, so concurrent senders wait for the one
//! fetch instead of each invalidating the other's token (WeChat keeps only the newest).

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{SendError, SendFuture, Sender};
use crate::config::WechatConfig;
use crate::kernel::clock::SharedClock;
use crate::kernel::outbox::OutboxRow;
use crate::notices::render::WechatMessage;

/// A token is refreshed this long before WeChat says it expires.
pub const REFRESH_EARLY_SECS: i64 = 300;

/// WeChat's answer for "the user gave no (more) grant for this template".
pub const NO_GRANT: i64 = 43101;

/// Sends subscription messages.
#[derive(Debug)]
pub struct WechatSubscriptions {
    http: reqwest::Client,
    config: WechatConfig,
    clock: SharedClock,
    token: tokio::sync::Mutex<Option<(String, DateTime<Utc>)>>,
}

#[derive(Debug, Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    expires_in: Option<i64>,
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

#[derive(Debug, Deserialize)]
struct SendAnswer {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

impl WechatSubscriptions {
    /// A sender with the mini-program's credentials.
    pub fn new(config: &WechatConfig, clock: SharedClock) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(config.timeout_ms))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self { http, config: config.clone(), clock, token: tokio::sync::Mutex::new(None) })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.api_base.trim_end_matches('/'))
    }

    /// The cached access token, fetched when missing or about to expire.
    pub async fn access_token(&self) -> Result<String, SendError> {
        let mut cached = self.token.lock().await;
        let now = self.clock.now();
        if let Some((token, until)) = cached.as_ref()
            && now < *until
        {
            return Ok(token.clone());
        }
        let answer: TokenAnswer = self
            .http
            .get(self.url("/cgi-bin/token"))
            .query(&[
                ("grant_type", "client_credential"),
                ("appid", self.config.app_id.as_str()),
                ("secret", self.config.app_secret.expose()),
            ])
            .send()
            .await
            .map_err(|e| format!("WeChat token unreachable: {}", e.without_url()))?
            .json()
            .await
            .map_err(|e| format!("WeChat token answered nonsense: {}", e.without_url()))?;
        let (Some(token), Some(expires_in)) = (answer.access_token, answer.expires_in) else {
            return Err(SendError::Retry(format!(
                "WeChat token error {}: {}",
                answer.errcode, answer.errmsg
            )));
        };
        let keep = (expires_in - REFRESH_EARLY_SECS).max(0);
        *cached = Some((token.clone(), now + chrono::Duration::seconds(keep)));
        Ok(token)
    }

    async fn forget_token(&self, used: &str) {
        let mut cached = self.token.lock().await;
        if cached.as_ref().is_some_and(|(t, _)| t == used) {
            *cached = None;
        }
    }

    async fn deliver(&self, row: &OutboxRow) -> Result<(), SendError> {
        let message: WechatMessage = serde_json::from_str(&row.payload).map_err(|_| {
            SendError::NotConfigured("该通知类型未配置微信订阅消息模板，未发送".into())
        })?;
        let token = self.access_token().await?;
        let body = serde_json::json!({
            "touser": row.recipient,
            "template_id": message.template_id,
            "page": message.page,
            "data": message.data,
            "lang": "zh_CN",
        });
        let answer: SendAnswer = self
            .http
            .post(self.url("/cgi-bin/message/subscribe/send"))
            .query(&[("access_token", token.as_str())])
            .json(&body)
            .send()
            .await
            .map_err(|e| format!("WeChat unreachable: {}", e.without_url()))?
            .json()
            .await
            .map_err(|e| format!("WeChat answered nonsense: {}", e.without_url()))?;
        match answer.errcode {
            0 => Ok(()),
            // Token expired or replaced elsewhere: fetch a new one on the next attempt.
            40001 | 40014 | 42001 => {
                self.forget_token(&token).await;
                Err(SendError::Retry(format!("WeChat token rejected {}", answer.errcode)))
            }
            // No grant, bad openid, bad template or data: never deliverable as it is;
            // the SMS fallback (if the kind has one) goes instead.
            NO_GRANT | 40003 | 40037 | 47003 => Err(SendError::Refused {
                reason: format!("WeChat refused {}: {}", answer.errcode, answer.errmsg),
                fallback: true,
            }),
            code => Err(SendError::Retry(format!("WeChat error {code}: {}", answer.errmsg))),
        }
    }
}

impl Sender for WechatSubscriptions {
    fn send<'a>(&'a self, message: &'a OutboxRow) -> SendFuture<'a> {
        Box::pin(self.deliver(message))
    }
}
