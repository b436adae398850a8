//! WeChat's `jscode2session`: turns a `wx.login` code into the user's openid.

use std::time::Duration;

use serde::Deserialize;

use crate::config::WechatConfig;
use crate::error::AppError;

/// Who WeChat says the user is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WechatIdentity {
    /// The user's id in this mini-program.
    pub openid: String,
    /// The user's id across the company's apps, when bound to an open platform.
    pub unionid: Option<String>,
}

/// Client of WeChat's API (its base URL is configurable so tests use a local fake).
#[derive(Debug, Clone)]
pub struct WechatClient {
    http: reqwest::Client,
    config: WechatConfig,
}

#[derive(Debug, Deserialize)]
struct SessionAnswer {
    openid: Option<String>,
    unionid: Option<String>,
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

impl WechatClient {
    /// A client with the configured timeout.
    pub fn new(config: &WechatConfig) -> Result<Self, AppError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(config.timeout_ms))
            .build()
            .map_err(AppError::internal)?;
        Ok(Self { http, config: config.clone() })
    }

    /// Exchanges a `wx.login` code. WeChat's refusals become 4xx answers, its failures
    /// (slow, down, busy, misconfigured) 502.
    pub async fn code_to_session(&self, code: &str) -> Result<WechatIdentity, AppError> {
        if self.config.app_id.is_empty() {
            return Err(AppError::Upstream("微信登录未配置（wechat.app_id）".into()));
        }
        let url = format!("{}/sns/jscode2session", self.config.api_base.trim_end_matches('/'));
        let response = self
            .http
            .get(url)
            .query(&[
                ("appid", self.config.app_id.as_str()),
                ("secret", self.config.app_secret.expose()),
                ("js_code", code),
                ("grant_type", "authorization_code"),
            ])
            .send()
            .await
            .map_err(|e| {
                tracing::warn!(error = %e.without_url(), "WeChat jscode2session unreachable");
                AppError::Upstream("微信服务暂时不可用，请稍后重试".into())
            })?;
        let answer: SessionAnswer = response.json().await.map_err(|e| {
            tracing::warn!(error = %e.without_url(), "WeChat jscode2session answered nonsense");
            AppError::Upstream("微信服务暂时不可用，请稍后重试".into())
        })?;
        interpret(answer)
    }
}

fn interpret(answer: SessionAnswer) -> Result<WechatIdentity, AppError> {
    match (answer.errcode, answer.openid) {
        (0, Some(openid)) if !openid.is_empty() => {
            Ok(WechatIdentity { openid, unionid: answer.unionid.filter(|u| !u.is_empty()) })
        }
        (40029 | 40163, _) => Err(AppError::Invalid {
            code: "wechat_code_invalid",
            message: "微信登录凭证无效或已使用，请重新登录".into(),
        }),
        (45011, _) => Err(AppError::RateLimited {
            retry_after_secs: 60,
            message: "微信登录过于频繁，请稍后再试".into(),
        }),
        (-1, _) => Err(AppError::Upstream("微信系统繁忙，请稍后重试".into())),
        (code, _) => {
            tracing::error!(errcode = code, errmsg = %answer.errmsg, "WeChat refused jscode2session");
            Err(AppError::Upstream("微信登录暂时不可用".into()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(errcode: i64, openid: Option<&str>) -> SessionAnswer {
        SessionAnswer {
            openid: openid.map(Into::into),
            unionid: None,
            errcode,
            errmsg: String::new(),
        }
    }

    #[test]
    fn wechat_codes_become_clear_answers() {
        assert_eq!(interpret(answer(0, Some("o1"))).unwrap().openid, "o1");
        assert_eq!(interpret(answer(40029, None)).unwrap_err().code(), "wechat_code_invalid");
        assert_eq!(interpret(answer(45011, None)).unwrap_err().code(), "rate_limited");
        assert_eq!(interpret(answer(-1, None)).unwrap_err().code(), "upstream_unavailable");
        assert_eq!(interpret(answer(40013, None)).unwrap_err().code(), "upstream_unavailable");
        assert_eq!(interpret(answer(0, None)).unwrap_err().code(), "upstream_unavailable");
    }
}
