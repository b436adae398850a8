//! The payment gateway seam: WeChat Pay API v3 (JSAPI) behind [`PaymentGateway`], or
//! [`Unconfigured`], which says so instead of pretending.

pub mod client;
pub mod sign;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};

pub use client::WechatPayV3;

/// Why a gateway call failed.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// No merchant account is configured.
    #[error("微信支付尚未配置")]
    NotConfigured,
    /// WeChat answered with an error (code, message).
    #[error("微信支付返回错误：{0} {1}")]
    Refused(String, String),
    /// WeChat could not be reached or answered something unreadable or unsigned.
    #[error("微信支付暂时不可用：{0}")]
    Unavailable(String),
}

/// A JSAPI prepay order.
#[derive(Debug, Clone)]
pub struct PrepayRequest {
    /// Our number of this attempt.
    pub out_trade_no: String,
    /// What the payer sees.
    pub description: String,
    /// Cents.
    pub amount_cents: i64,
    /// The payer's openid under the mini-program.
    pub payer_openid: String,
    /// When WeChat stops accepting payment.
    pub time_expire: DateTime<Utc>,
}

/// What `wx.requestPayment` needs, signed with the merchant key.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PayParams {
    /// The mini-program's AppID.
    #[serde(rename = "appId")]
    pub app_id: String,
    /// Seconds since the epoch, as a string.
    #[serde(rename = "timeStamp")]
    pub time_stamp: String,
    /// Random string.
    #[serde(rename = "nonceStr")]
    pub nonce_str: String,
    /// `prepay_id=…`.
    pub package: String,
    /// Always `RSA`.
    #[serde(rename = "signType")]
    pub sign_type: String,
    /// Base64 RSA-SHA256 signature.
    #[serde(rename = "paySign")]
    pub pay_sign: String,
}

/// The headers and body of a notification as received.
#[derive(Debug, Clone, Default)]
pub struct NotifyMessage {
    /// `Wechatpay-Timestamp`.
    pub timestamp: String,
    /// `Wechatpay-Nonce`.
    pub nonce: String,
    /// `Wechatpay-Signature`.
    pub signature: String,
    /// `Wechatpay-Serial`.
    pub serial: String,
    /// The raw body.
    pub body: String,
}

/// Amounts of a transaction.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct TransactionAmount {
    /// Order total in cents.
    pub total: i64,
    /// Currency, `CNY`.
    #[serde(default)]
    pub currency: String,
}

/// The payer.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Payer {
    /// Openid under the AppID.
    #[serde(default)]
    pub openid: String,
}

/// A transaction as WeChat reports it (decrypted notification or query answer).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Transaction {
    /// AppID.
    pub appid: String,
    /// Merchant id.
    pub mchid: String,
    /// Our number.
    pub out_trade_no: String,
    /// WeChat's number (absent before payment).
    #[serde(default)]
    pub transaction_id: String,
    /// `SUCCESS`, `NOTPAY`, `CLOSED`, `REFUND`, `USERPAYING`, `PAYERROR`, `REVOKED`.
    pub trade_state: String,
    /// When paid (RFC 3339).
    #[serde(default)]
    pub success_time: Option<String>,
    /// Amounts (absent in some unpaid answers).
    pub amount: Option<TransactionAmount>,
    /// The payer.
    #[serde(default)]
    pub payer: Payer,
}

/// Refund amounts.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RefundAmount {
    /// Refunded cents.
    pub refund: i64,
    /// Order total in cents.
    pub total: i64,
}

/// A refund as WeChat reports it.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RefundReport {
    /// Merchant id (notifications only).
    #[serde(default)]
    pub mchid: String,
    /// Our refund number.
    pub out_refund_no: String,
    /// WeChat's refund id.
    #[serde(default)]
    pub refund_id: String,
    /// `SUCCESS`, `PROCESSING`, `CLOSED`, `ABNORMAL` (`status` in answers,
    /// `refund_status` in notifications).
    #[serde(alias = "refund_status")]
    pub status: String,
    /// Amounts.
    pub amount: RefundAmount,
}

/// A refund to ask for.
#[derive(Debug, Clone)]
pub struct RefundRequest {
    /// WeChat's transaction id of the payment.
    pub transaction_id: String,
    /// Our refund number.
    pub out_refund_no: String,
    /// Why (shown to the payer).
    pub reason: String,
    /// Cents to give back.
    pub refund_cents: i64,
    /// The payment's total.
    pub total_cents: i64,
}

/// A verified, decrypted notification.
#[derive(Debug, Clone)]
pub enum Notification {
    /// `TRANSACTION.SUCCESS`.
    Transaction(Transaction),
    /// `REFUND.SUCCESS`, `REFUND.ABNORMAL`, `REFUND.CLOSED`.
    Refund(RefundReport),
}

/// Why a notification was refused (recorded and shown to finance).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyRefusal {
    /// Stable code: `bad_signature`, `stale_timestamp`, `undecryptable`, `malformed`,
    /// `unknown_serial`.
    pub reason: &'static str,
    /// What exactly.
    pub detail: String,
}

/// The merchant an answer must name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merchant {
    /// Merchant id.
    pub mch_id: String,
    /// AppID.
    pub app_id: String,
}

/// A payment provider. Calls that leave the process are async; checking a
/// notification is local.
pub trait PaymentGateway: Send + Sync + std::fmt::Debug {
    /// The merchant, or [`GatewayError::NotConfigured`].
    fn merchant(&self) -> Result<Merchant, GatewayError>;
    /// Creates a JSAPI prepay order; WeChat answers the same prepay id for the same
    /// `out_trade_no`.
    fn prepay<'a>(&'a self, req: &'a PrepayRequest) -> BoxFuture<'a, Result<String, GatewayError>>;
    /// Signs the `wx.requestPayment` parameters of `prepay_id`.
    fn pay_params(&self, prepay_id: &str, now: DateTime<Utc>) -> Result<PayParams, GatewayError>;
    /// Verifies (signature, timestamp within 5 minutes) and decrypts a notification.
    fn open_notification(
        &self,
        msg: &NotifyMessage,
        now: DateTime<Utc>,
    ) -> Result<Notification, NotifyRefusal>;
    /// Asks for a transaction by our number.
    fn query<'a>(
        &'a self,
        out_trade_no: &'a str,
    ) -> BoxFuture<'a, Result<Transaction, GatewayError>>;
    /// Closes an unpaid transaction.
    fn close<'a>(&'a self, out_trade_no: &'a str) -> BoxFuture<'a, Result<(), GatewayError>>;
    /// Asks for a refund.
    fn refund<'a>(
        &'a self,
        req: &'a RefundRequest,
    ) -> BoxFuture<'a, Result<RefundReport, GatewayError>>;
}

/// Shared handle to the gateway.
pub type SharedGateway = Arc<dyn PaymentGateway>;

/// No merchant account configured: every call says so.
#[derive(Debug, Default, Clone, Copy)]
pub struct Unconfigured;

impl PaymentGateway for Unconfigured {
    fn merchant(&self) -> Result<Merchant, GatewayError> {
        Err(GatewayError::NotConfigured)
    }
    fn prepay<'a>(&'a self, _: &'a PrepayRequest) -> BoxFuture<'a, Result<String, GatewayError>> {
        Box::pin(async { Err(GatewayError::NotConfigured) })
    }
    fn pay_params(&self, _: &str, _: DateTime<Utc>) -> Result<PayParams, GatewayError> {
        Err(GatewayError::NotConfigured)
    }
    fn open_notification(
        &self,
        _: &NotifyMessage,
        _: DateTime<Utc>,
    ) -> Result<Notification, NotifyRefusal> {
        Err(NotifyRefusal { reason: "not_configured", detail: "微信支付尚未配置".into() })
    }
    fn query<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Transaction, GatewayError>> {
        Box::pin(async { Err(GatewayError::NotConfigured) })
    }
    fn close<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<(), GatewayError>> {
        Box::pin(async { Err(GatewayError::NotConfigured) })
    }
    fn refund<'a>(
        &'a self,
        _: &'a RefundRequest,
    ) -> BoxFuture<'a, Result<RefundReport, GatewayError>> {
        Box::pin(async { Err(GatewayError::NotConfigured) })
    }
}

/// The gateway the configuration asks for.
pub fn from_config(
    config: &crate::config::Config,
) -> Result<SharedGateway, crate::config::ConfigError> {
    if config.wechat_pay.mch_id.trim().is_empty() {
        return Ok(Arc::new(Unconfigured));
    }
    Ok(Arc::new(WechatPayV3::new(config)?))
}

impl From<GatewayError> for crate::error::AppError {
    fn from(e: GatewayError) -> Self {
        match e {
            // 409: the request is fine; the association's set-up does not allow it.
            GatewayError::NotConfigured => Self::Conflict {
                code: "wechat_pay_not_configured",
                message: "微信支付尚未配置，请联系协会以线下方式缴费".into(),
            },
            GatewayError::Refused(code, message) => {
                Self::Upstream(format!("微信支付拒绝了请求：{code} {message}"))
            }
            GatewayError::Unavailable(why) => Self::Upstream(format!("微信支付暂时不可用：{why}")),
        }
    }
}
