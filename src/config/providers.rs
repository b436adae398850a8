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

impl Config {
    pub(super) fn validate_providers(&self) -> Result<(), ConfigError> {
        let fail = |setting: &str, why: &str| Err(ConfigError(format!("{setting}: {why}")));
        if url::Url::parse(&self.wechat.api_base).is_err() {
            return fail("wechat.api_base", "not a URL");
        }
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
