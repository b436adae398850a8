//! A notice made into what each channel's provider sends: the WeChat subscription
//! message's `data`, the SMS template's parameters, the e-mail's subject and body. Pure
//! functions; `notices::send` stores the result in the outbox payload, so a message is
//! delivered as it was when the change happened, whatever the settings later say.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::catalog::Effective;

/// The mini-program page a WeChat notice opens.
pub const WECHAT_PAGE: &str = "pages/notices/index";

/// The notice's fields by name: the payload's scalar values, plus `title`, `body`, `time`.
pub fn fields(
    title: &str,
    body: &str,
    time: &str,
    payload: &serde_json::Value,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(map) = payload.as_object() {
        for (k, v) in map {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
                _ => continue,
            };
            out.insert(k.clone(), text);
        }
    }
    out.insert("title".into(), title.to_owned());
    out.insert("body".into(), body.to_owned());
    out.insert("time".into(), time.to_owned());
    out
}

/// An SMS: template and parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsMessage {
    /// The provider's template id.
    pub template_id: String,
    /// Its parameters in order.
    pub params: Vec<String>,
}

/// A WeChat subscription message (`subscribeMessage.send` minus the token and openid),
/// with the SMS to send instead when WeChat answers that the user gave no grant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WechatMessage {
    /// Whose grant was spent (set to none on 43101).
    pub user_id: i64,
    /// Template id.
    pub template_id: String,
    /// Page opened from the message.
    pub page: String,
    /// `{"thing1": {"value": "…"}}`.
    pub data: serde_json::Value,
    /// Phone and SMS for the 43101 fallback (only for kinds where SMS is worth it).
    pub fallback: Option<(String, SmsMessage)>,
}

/// An e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailMessage {
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

fn limit_of(field: &str) -> usize {
    let kind = field.trim_end_matches(|c: char| c.is_ascii_digit());
    match kind {
        "thing" => 20,
        "name" => 10,
        "phrase" | "symbol" => 5,
        "character_string" | "number" | "letter" => 32,
        "phone_number" => 17,
        _ => 20,
    }
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The WeChat `data` of a notice (values cut to WeChat's length per field type).
pub fn wechat_data(e: &Effective, fields: &BTreeMap<String, String>) -> serde_json::Value {
    let mut data = serde_json::Map::new();
    for (field, source) in &e.wechat_fields {
        let value = fields.get(source).cloned().unwrap_or_default();
        data.insert(field.clone(), serde_json::json!({"value": cut(&value, limit_of(field))}));
    }
    serde_json::Value::Object(data)
}

/// The SMS of a notice, when the kind has an SMS template.
pub fn sms(e: &Effective, fields: &BTreeMap<String, String>) -> Option<SmsMessage> {
    if e.sms_template_id.is_empty() {
        return None;
    }
    let params = e.sms_params.iter().map(|p| fields.get(p).cloned().unwrap_or_default()).collect();
    Some(SmsMessage { template_id: e.sms_template_id.clone(), params })
}

/// Fills `{field}` placeholders.
pub fn fill(template: &str, fields: &BTreeMap<String, String>) -> String {
    let mut out = template.to_owned();
    for (k, v) in fields {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// The e-mail of a notice.
pub fn email(e: &Effective, fields: &BTreeMap<String, String>) -> EmailMessage {
    EmailMessage { subject: fill(&e.email_subject, fields), body: fill(&e.email_body, fields) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notices::NoticeKind;
    use crate::notices::catalog::{KindSettings, effective};

    #[test]
    fn channels_get_their_fields_cut_to_size() {
        let s = KindSettings {
            wechat_template_id: "T1".into(),
            wechat_fields: "thing1=body,time2=time,phrase3=status".into(),
            sms_template_id: "9".into(),
            sms_params: "title,amount".into(),
            email_subject: "{title}：{amount}".into(),
            ..KindSettings::default()
        };
        let e = effective(NoticeKind::OrderPaid, Some(&s), "配置文件");
        let payload = serde_json::json!({"amount": "¥50.00", "status": "已通过审核了", "n": 3});
        let f = fields(
            "缴费成功",
            "「年度会费」已缴费 ¥50.00，感谢您的支持与信任！",
            "2026-11-24 14:30",
            &payload,
        );
        let data = wechat_data(&e, &f);
        assert_eq!(data["thing1"]["value"].as_str().map(|s| s.chars().count()), Some(20));
        assert_eq!(data["time2"]["value"], "2026-11-24 14:30");
        assert_eq!(data["phrase3"]["value"], "已通过审…");
        let sms = sms(&e, &f).unwrap();
        assert_eq!(sms.params, ["缴费成功", "¥50.00"]);
        assert_eq!(email(&e, &f).subject, "缴费成功：¥50.00");
        assert_eq!(f["n"], "3");
    }
}
