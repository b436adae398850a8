//! How each notice kind leaves the server: its WeChat subscription template and field
//! mapping, its SMS template and parameters, its e-mail subject and body, and whether an
//! SMS is worth its cost when WeChat cannot carry it.
//!
//! Three layers, the later winning: the code's defaults ([`NoticeKind::sms_worth_it`] and
//! the generic mappings below), the configuration file (`[notices.kinds.<key>]`, copied
//! into the settings table at every start as `notice_file.<key>`), and what admins saved in
//! `/admin/settings/notices` (`notice.<key>`; saving a kind replaces the file's values for
//! it, "恢复配置文件" deletes the row). `notices::send` reads them inside its transaction.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::NoticeKind;
use crate::db::DbConn;
use crate::error::{AppError, FieldError};

/// Settings key prefix of what admins saved.
pub const STAFF_PREFIX: &str = "notice.";
/// Settings key prefix of the configuration file's values.
pub const FILE_PREFIX: &str = "notice_file.";

/// Default WeChat field mapping: template field = notice field.
pub const DEFAULT_WECHAT_FIELDS: &str = "thing1=title,thing2=body,time3=time";
/// Default SMS parameters (notice fields, in template order).
pub const DEFAULT_SMS_PARAMS: &str = "title";
/// Default e-mail body.
pub const DEFAULT_EMAIL_BODY: &str = "{body}\n\n{time}";

/// One kind's delivery settings (the configuration file's and the settings page's shape).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KindSettings {
    /// WeChat subscription message template id; empty: no WeChat for this kind.
    pub wechat_template_id: String,
    /// `field=source` pairs, e.g. `thing1=title,thing2=body,time3=time`; empty: default.
    pub wechat_fields: String,
    /// SMS template id; empty: no SMS for this kind.
    pub sms_template_id: String,
    /// Notice fields filling the SMS template's parameters in order; empty: default.
    pub sms_params: String,
    /// E-mail subject; empty: the kind's title.
    pub email_subject: String,
    /// E-mail body with `{field}` placeholders; empty: default.
    pub email_body: String,
    /// Send an SMS when WeChat cannot carry the notice (no grant, 43101); unset: the
    /// kind's default.
    pub sms_fallback: Option<bool>,
    /// Whether the association uses this kind (a production start requires a working
    /// channel for every kind in use); unset: yes.
    pub in_use: Option<bool>,
}

/// One kind's settings with every default filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    /// The kind.
    pub kind: NoticeKind,
    /// Template id or empty.
    pub wechat_template_id: String,
    /// (template field, notice field).
    pub wechat_fields: Vec<(String, String)>,
    /// Template id or empty.
    pub sms_template_id: String,
    /// Notice fields in order.
    pub sms_params: Vec<String>,
    /// Subject.
    pub email_subject: String,
    /// Body template.
    pub email_body: String,
    /// SMS when WeChat cannot carry it.
    pub sms_fallback: bool,
    /// In use.
    pub in_use: bool,
    /// Where the values come from: 默认, 配置文件, 工作台.
    pub source: &'static str,
}

impl Effective {
    /// Whether any channel has a template for this kind.
    pub fn has_template(&self) -> bool {
        !self.wechat_template_id.is_empty() || !self.sms_template_id.is_empty()
    }
}

fn pairs(text: &str) -> Vec<(String, String)> {
    text.split([',', '，', '\n'])
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .filter(|(k, v)| !k.is_empty() && !v.is_empty())
        .collect()
}

fn list(text: &str) -> Vec<String> {
    text.split([',', '，', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Fills `settings` (or nothing) over the code's defaults for `kind`.
pub fn effective(
    kind: NoticeKind,
    settings: Option<&KindSettings>,
    source: &'static str,
) -> Effective {
    let s = settings.cloned().unwrap_or_default();
    let or =
        |v: &str, d: &str| if v.trim().is_empty() { d.to_owned() } else { v.trim().to_owned() };
    Effective {
        kind,
        wechat_template_id: s.wechat_template_id.trim().to_owned(),
        wechat_fields: pairs(&or(&s.wechat_fields, DEFAULT_WECHAT_FIELDS)),
        sms_template_id: s.sms_template_id.trim().to_owned(),
        sms_params: list(&or(&s.sms_params, DEFAULT_SMS_PARAMS)),
        email_subject: or(&s.email_subject, kind.title()),
        email_body: or(&s.email_body, DEFAULT_EMAIL_BODY),
        sms_fallback: s.sms_fallback.unwrap_or_else(|| kind.sms_worth_it()),
        in_use: s.in_use.unwrap_or(true),
        source: if settings.is_some() { source } else { "默认" },
    }
}

/// Checks one kind's settings (field messages name the form fields).
pub fn validate(s: &KindSettings) -> Result<(), AppError> {
    let mut errors = Vec::new();
    let id_ok = |v: &str| {
        v.len() <= 128 && v.chars().all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
    };
    if !id_ok(s.wechat_template_id.trim()) {
        errors.push(FieldError::new("wechat_template_id", "微信模板编号只能含字母、数字、- 和 _"));
    }
    if !id_ok(s.sms_template_id.trim()) {
        errors.push(FieldError::new("sms_template_id", "短信模板编号只能含字母、数字、- 和 _"));
    }
    let bad_pair =
        s.wechat_fields.split([',', '，', '\n']).map(str::trim).filter(|p| !p.is_empty()).any(
            |p| p.split_once('=').is_none_or(|(k, v)| k.trim().is_empty() || v.trim().is_empty()),
        );
    if bad_pair {
        errors.push(FieldError::new("wechat_fields", "字段映射格式为 thing1=title,time2=time"));
    }
    for (field, value, max) in [
        ("email_subject", &s.email_subject, 120),
        ("email_body", &s.email_body, 4000),
        ("sms_params", &s.sms_params, 400),
        ("wechat_fields", &s.wechat_fields, 400),
    ] {
        if value.chars().count() > max {
            errors.push(FieldError::new(field, format!("最多 {max} 个字")));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(AppError::Validation(errors)) }
}

/// Every kind's effective settings, read from the settings table.
pub fn load_all(conn: &mut DbConn) -> Result<Vec<Effective>, AppError> {
    let stored = stored_layers(conn)?;
    Ok(NoticeKind::ALL.into_iter().map(|k| pick(k, &stored)).collect())
}

/// One kind's effective settings.
pub fn load(conn: &mut DbConn, kind: NoticeKind) -> Result<Effective, AppError> {
    let staff = crate::kernel::settings::get(conn, &format!("{STAFF_PREFIX}{}", kind.key()))?;
    let file = match &staff {
        Some(_) => None,
        None => crate::kernel::settings::get(conn, &format!("{FILE_PREFIX}{}", kind.key()))?,
    };
    let mut stored = BTreeMap::new();
    if let Some(v) = staff {
        stored.insert(format!("{STAFF_PREFIX}{}", kind.key()), v);
    }
    if let Some(v) = file {
        stored.insert(format!("{FILE_PREFIX}{}", kind.key()), v);
    }
    Ok(pick(kind, &stored))
}

fn stored_layers(conn: &mut DbConn) -> Result<BTreeMap<String, String>, AppError> {
    let mut out = BTreeMap::new();
    for kind in NoticeKind::ALL {
        for prefix in [STAFF_PREFIX, FILE_PREFIX] {
            let key = format!("{prefix}{}", kind.key());
            if let Some(v) = crate::kernel::settings::get(conn, &key)? {
                out.insert(key, v);
            }
        }
    }
    Ok(out)
}

fn pick(kind: NoticeKind, stored: &BTreeMap<String, String>) -> Effective {
    let layer = |prefix: &str| {
        stored
            .get(&format!("{prefix}{}", kind.key()))
            .and_then(|v| serde_json::from_str::<KindSettings>(v).ok())
    };
    match (layer(STAFF_PREFIX), layer(FILE_PREFIX)) {
        (Some(s), _) => effective(kind, Some(&s), "工作台"),
        (None, Some(f)) => effective(kind, Some(&f), "配置文件"),
        (None, None) => effective(kind, None, "默认"),
    }
}

/// Copies the configuration file's kinds into the settings table (at every start), and
/// removes file rows of kinds the file no longer names.
pub fn store_file_layer(
    conn: &mut DbConn,
    at: chrono::NaiveDateTime,
    kinds: &BTreeMap<String, KindSettings>,
) -> Result<(), AppError> {
    for kind in NoticeKind::ALL {
        let key = format!("{FILE_PREFIX}{}", kind.key());
        match kinds.get(kind.key()) {
            Some(s) => {
                let json = serde_json::to_string(s).map_err(AppError::internal)?;
                crate::kernel::settings::put(conn, &key, &json, at)?;
            }
            None => crate::kernel::settings::delete(conn, &key)?,
        }
    }
    Ok(())
}

/// Saves admins' settings of one kind (validated; audited by the caller's use case).
pub fn save_staff_layer(
    conn: &mut DbConn,
    at: chrono::NaiveDateTime,
    kind: NoticeKind,
    settings: Option<&KindSettings>,
) -> Result<(), AppError> {
    let key = format!("{STAFF_PREFIX}{}", kind.key());
    match settings {
        Some(s) => {
            validate(s)?;
            let json = serde_json::to_string(s).map_err(AppError::internal)?;
            crate::kernel::settings::put(conn, &key, &json, at)
        }
        None => crate::kernel::settings::delete(conn, &key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_what_the_layers_leave_empty() {
        let e = effective(NoticeKind::OrderPaid, None, "x");
        assert_eq!(e.source, "默认");
        assert_eq!(e.email_subject, NoticeKind::OrderPaid.title());
        assert_eq!(e.wechat_fields[0], ("thing1".to_owned(), "title".to_owned()));
        assert!(!e.has_template());
        let s = KindSettings {
            sms_template_id: "123".into(),
            sms_params: "title, amount".into(),
            sms_fallback: Some(false),
            ..KindSettings::default()
        };
        let e = effective(NoticeKind::OrderPaid, Some(&s), "配置文件");
        assert_eq!(e.sms_params, ["title", "amount"]);
        assert!(!e.sms_fallback && e.has_template() && e.in_use);
    }

    #[test]
    fn bad_settings_name_their_field() {
        let s = KindSettings {
            wechat_template_id: "a b".into(),
            wechat_fields: "thing1".into(),
            ..KindSettings::default()
        };
        let AppError::Validation(fields) = validate(&s).unwrap_err() else { panic!() };
        let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["wechat_template_id", "wechat_fields"]);
    }
}
