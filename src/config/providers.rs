//! Settings of outside providers (WeChat, SMS) and their validation.

use serde::{Deserialize, Serialize};

use super::{Config, ConfigError, Environment, Secret};

/// WeChat mini-program credentials.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WechatConfig {
    /// The mini-program's AppID.
    pub app_id: String,
    /// The mini-program's AppSecret.
    pub app_secret: Secret,
    /// WeChat's API host; tests point it at a local fake.
    pub api_base: String,
    /// Give up on WeChat after this many milliseconds.
    pub timeout_ms: u64,
}

/// WeChat Pay (API v3, JSAPI). An empty `mch_id` leaves payment unconfigured: the API
/// then answers `wechat_pay_not_configured` and finance records payments offline.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WechatPayConfig {
    /// 商户号.
    pub mch_id: String,
    /// AppID the payments are made under; empty means `wechat.app_id`.
    pub app_id: String,
    /// Serial number of the merchant API certificate (商户 API 证书序列号).
    pub merchant_serial_no: String,
    /// The merchant API private key (`apiclient_key.pem`): PEM text or a file path.
    pub merchant_private_key: Secret,
    /// API v3 key (32 characters), which decrypts notifications.
    pub api_v3_key: Secret,
    /// Id of the WeChat Pay platform public key (`PUB_KEY_ID_…`), checked against
    /// `Wechatpay-Serial`.
    pub platform_public_key_id: String,
    /// The WeChat Pay platform public key (`pub_key.pem`): PEM text or a file path.
    pub platform_public_key: String,
    /// Where WeChat sends notifications; empty means
    /// `<public_base_url>/api/v1/payments/wechat/notify`.
    pub notify_url: String,
    /// API host; tests point it at a local fake.
    pub api_base: String,
    /// Give up on WeChat Pay after this many milliseconds.
    pub timeout_ms: u64,
    /// An unpaid prepay order is closed at WeChat after this many minutes.
    pub prepay_minutes: i64,
    /// Prefix of our transaction numbers (`out_trade_no`), letters and digits.
    pub out_trade_no_prefix: String,
}

impl Default for WechatPayConfig {
    fn default() -> Self {
        Self {
            mch_id: String::new(),
            app_id: String::new(),
            merchant_serial_no: String::new(),
            merchant_private_key: Secret::default(),
            api_v3_key: Secret::default(),
            platform_public_key_id: String::new(),
            platform_public_key: String::new(),
            notify_url: String::new(),
            api_base: "https://api.mch.weixin.qq.com".into(),
            timeout_ms: 5000,
            prepay_minutes: 30,
            out_trade_no_prefix: "GH".into(),
        }
    }
}

/// Which SMS provider sends text messages.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    /// `log` (development: writes the message to the log) or `tencent`.
    pub provider: String,
    /// Tencent Cloud SMS settings (when `provider = "tencent"`).
    pub tencent: TencentSmsConfig,
}

/// Tencent Cloud SMS (API v3).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TencentSmsConfig {
    /// API SecretId.
    pub secret_id: String,
    /// API SecretKey.
    pub secret_key: Secret,
    /// SmsSdkAppId of the SMS application.
    pub sdk_app_id: String,
    /// Approved signature (签名), e.g. 某某商会.
    pub sign_name: String,
    /// Approved template id of the sign-in code message ({1} = code, {2} = minutes).
    pub code_template_id: String,
    /// API endpoint.
    pub endpoint: String,
    /// API region.
    pub region: String,
}

/// E-mail over SMTP.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EmailConfig {
    /// `none` (e-mails are recorded as not sent) or `smtp`.
    pub provider: String,
    /// SMTP server host.
    pub smtp_host: String,
    /// SMTP port (465 for `tls`, 587 for `starttls`).
    pub smtp_port: u16,
    /// `tls` (implicit), `starttls`, or `none` (a relay on this host; tests).
    pub tls: String,
    /// SMTP user; empty: no authentication.
    pub username: String,
    /// SMTP password.
    pub password: Secret,
    /// Sender, e.g. `商协会 <noreply@example.org>`.
    pub from: String,
    /// Give up on the server after this many milliseconds.
    pub timeout_ms: u64,
}

impl Default for EmailConfig {
    fn default() -> Self {
        Self {
            provider: "none".into(),
            smtp_host: String::new(),
            smtp_port: 465,
            tls: "tls".into(),
            username: String::new(),
            password: Secret::default(),
            from: String::new(),
            timeout_ms: 10_000,
        }
    }
}

/// Notice kinds' templates: `[notices.kinds.order_paid]` with the fields of
/// [`crate::notices::catalog::KindSettings`].
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NoticesConfig {
    /// By kind key.
    pub kinds: std::collections::BTreeMap<String, crate::notices::catalog::KindSettings>,
}

impl Config {
    fn validate_email_and_notices(&self) -> Result<(), ConfigError> {
        let fail = |setting: &str, why: &str| Err(ConfigError(format!("{setting}: {why}")));
        let e = &self.email;
        match e.provider.as_str() {
            "none" => {}
            "smtp" => {
                if e.smtp_host.is_empty() {
                    return fail("email.smtp_host", "is required when email.provider = \"smtp\"");
                }
                if e.from.parse::<lettre::message::Mailbox>().is_err() {
                    return fail(
                        "email.from",
                        "not an address such as `商协会 <noreply@example.org>`",
                    );
                }
                let local = matches!(e.smtp_host.as_str(), "127.0.0.1" | "localhost" | "::1");
                match e.tls.as_str() {
                    "tls" | "starttls" => {}
                    "none" if local || self.environment != Environment::Production => {}
                    "none" => return fail("email.tls", "`none` is only for a relay on this host"),
                    _ => return fail("email.tls", "must be `tls`, `starttls` or `none`"),
                }
            }
            other => return fail("email.provider", &format!("`{other}` is not `none` or `smtp`")),
        }
        for (key, kind) in &self.notices.kinds {
            if crate::notices::NoticeKind::parse(key).is_none() {
                return fail(&format!("notices.kinds.{key}"), "no such notice kind");
            }
            if let Err(crate::error::AppError::Validation(fields)) =
                crate::notices::catalog::validate(kind)
            {
                let first = fields.first().map(|f| (f.field.clone(), f.message.clone()));
                let (field, message) = first.unwrap_or_default();
                return fail(&format!("notices.kinds.{key}.{field}"), &message);
            }
        }
        Ok(())
    }

    pub(super) fn validate_providers(&self) -> Result<(), ConfigError> {
        let fail = |setting: &str, why: &str| Err(ConfigError(format!("{setting}: {why}")));
        if url::Url::parse(&self.wechat.api_base).is_err() {
            return fail("wechat.api_base", "not a URL");
        }
        self.validate_email_and_notices()?;
        self.validate_wechat_pay()?;
        match self.sms.provider.as_str() {
            "log" if self.environment == Environment::Production => fail(
                "sms.provider",
                "`log` only writes codes to the log and is for development; \
                 configure `tencent` in production",
            ),
            "log" => Ok(()),
            "tencent" => {
                let t = &self.sms.tencent;
                let missing = [
                    ("sms.tencent.secret_id", t.secret_id.is_empty()),
                    ("sms.tencent.secret_key", t.secret_key.is_empty()),
                    ("sms.tencent.sdk_app_id", t.sdk_app_id.is_empty()),
                    ("sms.tencent.sign_name", t.sign_name.is_empty()),
                    ("sms.tencent.code_template_id", t.code_template_id.is_empty()),
                ];
                match missing.iter().find(|(_, empty)| *empty) {
                    Some((name, _)) => fail(name, "is required when sms.provider = \"tencent\""),
                    None if url::Url::parse(&t.endpoint).is_err() => {
                        fail("sms.tencent.endpoint", "not a URL")
                    }
                    None => Ok(()),
                }
            }
            other => fail("sms.provider", &format!("`{other}` is not `log` or `tencent`")),
        }
    }
}

impl Config {
    fn validate_wechat_pay(&self) -> Result<(), ConfigError> {
        let fail = |setting: &str, why: &str| Err(ConfigError(format!("{setting}: {why}")));
        let p = &self.wechat_pay;
        if url::Url::parse(&p.api_base).is_err() {
            return fail("wechat_pay.api_base", "not a URL");
        }
        if p.prepay_minutes < 5 || p.prepay_minutes > 24 * 60 {
            return fail("wechat_pay.prepay_minutes", "must be between 5 and 1440");
        }
        let prefix_ok = p.out_trade_no_prefix.len() <= 8
            && p.out_trade_no_prefix.chars().all(|c| c.is_ascii_alphanumeric());
        if !prefix_ok {
            return fail("wechat_pay.out_trade_no_prefix", "up to 8 letters or digits");
        }
        if p.mch_id.trim().is_empty() {
            return Ok(());
        }
        let app_id = if p.app_id.is_empty() { &self.wechat.app_id } else { &p.app_id };
        let missing = [
            ("wechat_pay.app_id (or wechat.app_id)", app_id.is_empty()),
            ("wechat_pay.merchant_serial_no", p.merchant_serial_no.is_empty()),
            ("wechat_pay.merchant_private_key", p.merchant_private_key.is_empty()),
            ("wechat_pay.platform_public_key", p.platform_public_key.is_empty()),
        ];
        if let Some((name, _)) = missing.iter().find(|(_, empty)| *empty) {
            return fail(name, "is required when wechat_pay.mch_id is set");
        }
        if p.api_v3_key.expose().len() != 32 {
            return fail("wechat_pay.api_v3_key", "must be the 32-character API v3 key");
        }
        Ok(())
    }
}
