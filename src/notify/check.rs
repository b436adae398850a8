//! The production start check: every notice kind in use must have a channel that really
//! delivers — a WeChat template with WeChat configured, or an SMS template with a real SMS
//! provider; staff notices may use e-mail instead.

use crate::config::Config;
use crate::db::DbConn;
use crate::error::AppError;
use crate::notices::{NoticeKind, catalog};

/// The kinds in use that no configured channel can carry, with why; empty when all can.
pub fn kinds_without_channel(
    conn: &mut DbConn,
    config: &Config,
) -> Result<Vec<(NoticeKind, String)>, AppError> {
    let wechat = !config.wechat.app_id.is_empty() && !config.wechat.app_secret.is_empty();
    let sms = config.sms.provider != "log";
    let email = config.email.provider == "smtp";
    let mut missing = Vec::new();
    for e in catalog::load_all(conn)? {
        if !e.in_use {
            continue;
        }
        let by_wechat = wechat && !e.wechat_template_id.is_empty();
        let by_sms = sms && !e.sms_template_id.is_empty();
        let by_email = email && e.kind == NoticeKind::QueueItems;
        if !(by_wechat || by_sms || by_email) {
            let mut why = Vec::new();
            if e.wechat_template_id.is_empty() {
                why.push("no wechat_template_id");
            } else if !wechat {
                why.push("wechat.app_id/app_secret unset");
            }
            if e.sms_template_id.is_empty() {
                why.push("no sms_template_id");
            } else if !sms {
                why.push("sms.provider is `log`");
            }
            missing.push((e.kind, why.join(", ")));
        }
    }
    Ok(missing)
}

/// The start-up error naming every kind without a channel, if any.
pub fn refuse_message(missing: &[(NoticeKind, String)]) -> Option<String> {
    if missing.is_empty() {
        return None;
    }
    let list: Vec<String> =
        missing.iter().map(|(k, why)| format!("notices.kinds.{} ({why})", k.key())).collect();
    Some(format!(
        "production: these notice kinds in use have no working channel — configure a \
         template (or set in_use = false): {}",
        list.join("; ")
    ))
}
