//! Tencent Cloud SMS (API v3): `SendSms` signed with TC3-HMAC-SHA256.

use std::time::Duration;

use serde::Deserialize;

use super::{SendError, SendFuture, Sender};
use crate::config::TencentSmsConfig;
use crate::kernel::outbox::OutboxRow;
use crate::kernel::tokens::{hmac_sha256, sha256_hex};

/// The `Authorization` header of a TC3-HMAC-SHA256 signed POST with a JSON body.
pub fn tc3_authorization(
    secret_id: &str,
    secret_key: &str,
    service: &str,
    host: &str,
    timestamp: i64,
    payload: &str,
) -> String {
    let date = chrono::DateTime::from_timestamp(timestamp, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let canonical_request = format!(
        "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:{host}\n\ncontent-type;host\n{}",
        sha256_hex(payload.as_bytes())
    );
    let scope = format!("{date}/{service}/tc3_request");
    let string_to_sign = format!(
        "TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let secret_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let secret_service = hmac_sha256(&secret_date, service.as_bytes());
    let secret_signing = hmac_sha256(&secret_service, b"tc3_request");
    let signature = hex::encode(hmac_sha256(&secret_signing, string_to_sign.as_bytes()));
    format!(
        "TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders=content-type;host, Signature={signature}"
    )
}

/// Sends text messages through Tencent Cloud SMS.
#[derive(Debug)]
pub struct TencentSms {
    http: reqwest::Client,
    config: TencentSmsConfig,
    clock: crate::kernel::clock::SharedClock,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Envelope {
    response: Answer,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    error: Option<ApiError>,
    #[serde(default)]
    send_status_set: Vec<SendStatus>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ApiError {
    code: String,
    message: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SendStatus {
    code: String,
    message: String,
}

impl TencentSms {
    /// A sender with the configured credentials.
    pub fn new(
        config: &TencentSmsConfig,
        clock: crate::kernel::clock::SharedClock,
    ) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self { http, config: config.clone(), clock })
    }

    fn body(&self, message: &OutboxRow) -> Result<String, SendError> {
        let sms = super::sms_of(message, &self.config.code_template_id)?;
        let body = serde_json::json!({
            "PhoneNumberSet": [format!("+86{}", message.recipient)],
            "SmsSdkAppId": self.config.sdk_app_id,
            "SignName": self.config.sign_name,
            "TemplateId": sms.template_id,
            "TemplateParamSet": sms.params,
        });
        Ok(body.to_string())
    }

    async fn deliver(&self, message: &OutboxRow) -> Result<(), SendError> {
        let body = self.body(message)?;
        let host = url::Url::parse(&self.config.endpoint)
            .ok()
            .and_then(|u| {
                u.host_str().map(|h| match u.port() {
                    Some(port) => format!("{h}:{port}"),
                    None => h.to_owned(),
                })
            })
            .ok_or("bad sms.tencent.endpoint")?;
        let timestamp = self.clock.now().timestamp();
        let authorization = tc3_authorization(
            &self.config.secret_id,
            self.config.secret_key.expose(),
            "sms",
            &host,
            timestamp,
            &body,
        );
        let answer: Envelope = self
            .http
            .post(&self.config.endpoint)
            .header("Authorization", authorization)
            .header("Content-Type", "application/json; charset=utf-8")
            .header("Host", &host)
            .header("X-TC-Action", "SendSms")
            .header("X-TC-Timestamp", timestamp.to_string())
            .header("X-TC-Version", "2021-01-11")
            .header("X-TC-Region", &self.config.region)
            .body(body)
            .send()
            .await
            .map_err(|e| format!("Tencent SMS unreachable: {}", e.without_url()))?
            .json()
            .await
            .map_err(|e| format!("Tencent SMS answered nonsense: {}", e.without_url()))?;
        if let Some(error) = answer.response.error {
            return Err(format!("Tencent SMS error {}: {}", error.code, error.message).into());
        }
        match answer.response.send_status_set.first() {
            Some(status) if status.code == "Ok" => Ok(()),
            // A number that cannot receive or a template the parameters do not fit
            // will not work on a later attempt either.
            Some(status)
                if status.code.starts_with("InvalidParameterValue")
                    || status.code.starts_with("FailedOperation.PhoneNumber") =>
            {
                Err(SendError::Refused {
                    reason: format!("Tencent SMS refused: {} {}", status.code, status.message),
                    fallback: false,
                })
            }
            Some(status) => {
                Err(format!("Tencent SMS refused: {} {}", status.code, status.message).into())
            }
            None => Err("Tencent SMS returned no send status".into()),
        }
    }
}

impl Sender for TencentSms {
    fn send<'a>(&'a self, message: &'a OutboxRow) -> SendFuture<'a> {
        Box::pin(self.deliver(message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of Tencent Cloud's signature v3 documentation (DescribeInstances).
    #[test]
    fn signs_the_documented_example() {
        let payload = r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
        let auth = tc3_authorization(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            "cvm",
            "cvm.tencentcloudapi.com",
            1_551_113_065,
            payload,
        );
        assert_eq!(
            auth,
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, \
             SignedHeaders=content-type;host, \
             Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }
}
