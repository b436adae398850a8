//! WeChat Pay API v3 over HTTPS: signed requests, verified answers, and opening of
//! notifications with the platform public key and the API v3 key.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde::Deserialize;

use super::sign;
use super::{
    GatewayError, Merchant, Notification, NotifyMessage, NotifyRefusal, PayParams, PaymentGateway,
    PrepayRequest, RefundReport, RefundRequest, Transaction,
};
use crate::config::{Config, ConfigError};
use crate::kernel::tokens::random_token;

/// Notifications older or newer than this are refused.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;

/// A configured merchant account.
pub struct WechatPayV3 {
    merchant: Merchant,
    serial_no: String,
    private_key: RsaPrivateKey,
    platform_key_id: String,
    platform_key: RsaPublicKey,
    api_v3_key: Vec<u8>,
    notify_url: String,
    api_base: String,
    http: reqwest::Client,
}

impl std::fmt::Debug for WechatPayV3 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WechatPayV3").field("merchant", &self.merchant).finish_non_exhaustive()
    }
}

/// A PEM given inline, or the path of a PEM file.
fn pem_text(setting: &str, value: &str) -> Result<String, ConfigError> {
    if value.trim_start().starts_with("-----BEGIN") {
        return Ok(value.to_owned());
    }
    std::fs::read_to_string(value.trim())
        .map_err(|e| ConfigError(format!("{setting}: cannot read {}: {e}", value.trim())))
}

impl WechatPayV3 {
    /// Reads the keys named by `[wechat_pay]`; every problem names its setting.
    pub fn new(config: &Config) -> Result<Self, ConfigError> {
        let c = &config.wechat_pay;
        let fail = |setting: &str, why: String| ConfigError(format!("wechat_pay.{setting}: {why}"));
        let private_key = sign::private_key(&pem_text(
            "wechat_pay.merchant_private_key",
            c.merchant_private_key.expose(),
        )?)
        .map_err(|e| fail("merchant_private_key", e))?;
        let platform_key =
            sign::public_key(&pem_text("wechat_pay.platform_public_key", &c.platform_public_key)?)
                .map_err(|e| fail("platform_public_key", e))?;
        let app_id =
            if c.app_id.is_empty() { config.wechat.app_id.clone() } else { c.app_id.clone() };
        let notify_url = if c.notify_url.is_empty() {
            format!(
                "{}/api/v1/payments/wechat/notify",
                config.public_base_url.trim_end_matches('/')
            )
        } else {
            c.notify_url.clone()
        };
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(c.timeout_ms))
            .build()
            .map_err(|e| fail("timeout_ms", e.to_string()))?;
        Ok(Self {
            merchant: Merchant { mch_id: c.mch_id.clone(), app_id },
            serial_no: c.merchant_serial_no.clone(),
            private_key,
            platform_key_id: c.platform_public_key_id.clone(),
            platform_key,
            api_v3_key: c.api_v3_key.expose().as_bytes().to_vec(),
            notify_url,
            api_base: c.api_base.trim_end_matches('/').to_owned(),
            http,
        })
    }

    /// Sends a signed request and returns the verified answer (status, body).
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<(u16, String), GatewayError> {
        let unavailable = |e: reqwest::Error| GatewayError::Unavailable(e.to_string());
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let timestamp = Utc::now().timestamp();
        let nonce = random_token(16);
        let message = sign::request_message(method.as_str(), path, timestamp, &nonce, &body);
        let signature = sign::sign(&self.private_key, &message);
        let authorization = sign::authorization(
            &self.merchant.mch_id,
            &self.serial_no,
            &nonce,
            timestamp,
            &signature,
        );
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.api_base))
            .header("Authorization", authorization)
            .header("Accept", "application/json")
            .header("User-Agent", "guildhall");
        if !body.is_empty() {
            req = req.header("Content-Type", "application/json").body(body);
        }
        let res = req.send().await.map_err(unavailable)?;
        let status = res.status().as_u16();
        let header = |name: &str| {
            res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
        };
        let msg = NotifyMessage {
            timestamp: header("Wechatpay-Timestamp"),
            nonce: header("Wechatpay-Nonce"),
            signature: header("Wechatpay-Signature"),
            serial: header("Wechatpay-Serial"),
            body: String::new(),
        };
        let text = res.text().await.map_err(unavailable)?;
        let msg = NotifyMessage { body: text, ..msg };
        // Answers are signed like notifications; an unsigned one is not WeChat's.
        self.check_signature(&msg, Utc::now())
            .map_err(|r| GatewayError::Unavailable(format!("{}: {}", r.reason, r.detail)))?;
        if status >= 300 {
            #[derive(Deserialize)]
            struct ErrorAnswer {
                #[serde(default)]
                code: String,
                #[serde(default)]
                message: String,
            }
            let e: ErrorAnswer = serde_json::from_str(&msg.body)
                .unwrap_or(ErrorAnswer { code: status.to_string(), message: String::new() });
            return Err(GatewayError::Refused(e.code, e.message));
        }
        Ok((status, msg.body))
    }

    fn check_signature(
        &self,
        msg: &NotifyMessage,
        now: DateTime<Utc>,
    ) -> Result<(), NotifyRefusal> {
        let refuse = |reason, detail: String| Err(NotifyRefusal { reason, detail });
        if !self.platform_key_id.is_empty() && msg.serial != self.platform_key_id {
            return refuse("unknown_serial", format!("Wechatpay-Serial `{}`", msg.serial));
        }
        let Ok(timestamp) = msg.timestamp.trim().parse::<i64>() else {
            return refuse("stale_timestamp", format!("Wechatpay-Timestamp `{}`", msg.timestamp));
        };
        if (now.timestamp() - timestamp).abs() > MAX_CLOCK_SKEW_SECS {
            return refuse(
                "stale_timestamp",
                format!("timestamp {timestamp}, now {}", now.timestamp()),
            );
        }
        let message = sign::response_message(&msg.timestamp, &msg.nonce, &msg.body);
        if !sign::verify(&self.platform_key, &message, &msg.signature) {
            return refuse("bad_signature", "签名验证失败".into());
        }
        Ok(())
    }
}

fn parse<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, GatewayError> {
    serde_json::from_str(body)
        .map_err(|e| GatewayError::Unavailable(format!("unreadable answer: {e}")))
}

/// The outer shape of a notification.
#[derive(Deserialize)]
struct Envelope {
    event_type: String,
    resource: Resource,
}

#[derive(Deserialize)]
struct Resource {
    algorithm: String,
    ciphertext: String,
    #[serde(default)]
    associated_data: String,
    nonce: String,
}

impl PaymentGateway for WechatPayV3 {
    fn merchant(&self) -> Result<Merchant, GatewayError> {
        Ok(self.merchant.clone())
    }

    fn prepay<'a>(&'a self, req: &'a PrepayRequest) -> BoxFuture<'a, Result<String, GatewayError>> {
        Box::pin(async move {
            let body = serde_json::json!({
                "appid": self.merchant.app_id,
                "mchid": self.merchant.mch_id,
                "description": req.description,
                "out_trade_no": req.out_trade_no,
                "time_expire": req.time_expire.with_timezone(&chrono_tz::Asia::Shanghai).to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
                "notify_url": self.notify_url,
                "amount": {"total": req.amount_cents, "currency": "CNY"},
                "payer": {"openid": req.payer_openid},
            });
            let (_, text) =
                self.call(reqwest::Method::POST, "/v3/pay/transactions/jsapi", Some(body)).await?;
            #[derive(Deserialize)]
            struct Answer {
                prepay_id: String,
            }
            Ok(parse::<Answer>(&text)?.prepay_id)
        })
    }

    fn pay_params(&self, prepay_id: &str, now: DateTime<Utc>) -> Result<PayParams, GatewayError> {
        let time_stamp = now.timestamp().to_string();
        let nonce_str = random_token(16);
        let package = format!("prepay_id={prepay_id}");
        let message =
            sign::pay_sign_message(&self.merchant.app_id, &time_stamp, &nonce_str, &package);
        let pay_sign = sign::sign(&self.private_key, &message);
        Ok(PayParams {
            app_id: self.merchant.app_id.clone(),
            time_stamp,
            nonce_str,
            package,
            sign_type: "RSA".into(),
            pay_sign,
        })
    }

    fn open_notification(
        &self,
        msg: &NotifyMessage,
        now: DateTime<Utc>,
    ) -> Result<Notification, NotifyRefusal> {
        self.check_signature(msg, now)?;
        let malformed = |detail: String| NotifyRefusal { reason: "malformed", detail };
        let envelope: Envelope =
            serde_json::from_str(&msg.body).map_err(|e| malformed(e.to_string()))?;
        let r = &envelope.resource;
        if r.algorithm != "AEAD_AES_256_GCM" {
            return Err(malformed(format!("algorithm `{}`", r.algorithm)));
        }
        let plain =
            sign::decrypt_resource(&self.api_v3_key, &r.nonce, &r.associated_data, &r.ciphertext)
                .map_err(|e| NotifyRefusal { reason: "undecryptable", detail: e.into() })?;
        if envelope.event_type.starts_with("REFUND.") {
            let report = serde_json::from_slice(&plain).map_err(|e| malformed(e.to_string()))?;
            return Ok(Notification::Refund(report));
        }
        let transaction = serde_json::from_slice(&plain).map_err(|e| malformed(e.to_string()))?;
        Ok(Notification::Transaction(transaction))
    }

    fn query<'a>(
        &'a self,
        out_trade_no: &'a str,
    ) -> BoxFuture<'a, Result<Transaction, GatewayError>> {
        Box::pin(async move {
            let path = format!(
                "/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={}",
                self.merchant.mch_id
            );
            let (_, text) = self.call(reqwest::Method::GET, &path, None).await?;
            parse(&text)
        })
    }

    fn close<'a>(&'a self, out_trade_no: &'a str) -> BoxFuture<'a, Result<(), GatewayError>> {
        Box::pin(async move {
            let path = format!("/v3/pay/transactions/out-trade-no/{out_trade_no}/close");
            let body = serde_json::json!({"mchid": self.merchant.mch_id});
            self.call(reqwest::Method::POST, &path, Some(body)).await.map(|_| ())
        })
    }

    fn refund<'a>(
        &'a self,
        req: &'a RefundRequest,
    ) -> BoxFuture<'a, Result<RefundReport, GatewayError>> {
        Box::pin(async move {
            let body = serde_json::json!({
                "transaction_id": req.transaction_id,
                "out_refund_no": req.out_refund_no,
                "reason": req.reason,
                "notify_url": self.notify_url,
                "amount": {"refund": req.refund_cents, "total": req.total_cents, "currency": "CNY"},
            });
            let (_, text) =
                self.call(reqwest::Method::POST, "/v3/refund/domestic/refunds", Some(body)).await?;
            parse(&text)
        })
    }
}
