//! Notice settings (admins, `/admin/settings/notices`): per notice kind its WeChat
//! subscription template and field mapping, SMS template and parameters, e-mail subject
//! and body, whether an SMS is worth it; "发送测试" sends the kind to the admin
//! (their linked user and their e-mail address, which is set on this page too).

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::render::{Chrome, redirect, render};
use super::session::{Admins, RequireRole};
use crate::app::AppState;
use crate::error::AppError;
use crate::notices::catalog::{Effective, KindSettings};
use crate::notices::{self, NoticeKind};

/// `GET /admin/settings/notices`.
#[derive(askama::Template)]
#[template(path = "web/settings/notices.html")]
pub struct NoticeSettingsPage {
    /// Layout.
    pub chrome: Chrome,
    /// Every kind, effective values.
    pub kinds: Vec<KindRow>,
    /// The admin's notice e-mail.
    pub my_email: String,
}

/// One kind as shown.
#[derive(Debug, Clone)]
pub struct KindRow {
    /// Key.
    pub key: &'static str,
    /// Title.
    pub title: &'static str,
    /// Values.
    pub e: Effective,
    /// `thing1=title,…` as typed.
    pub wechat_fields: String,
    /// `title,amount` as typed.
    pub sms_params: String,
}

/// One kind's form.
#[derive(Debug, Deserialize)]
pub struct KindForm {
    #[serde(default)]
    wechat_template_id: String,
    #[serde(default)]
    wechat_fields: String,
    #[serde(default)]
    sms_template_id: String,
    #[serde(default)]
    sms_params: String,
    #[serde(default)]
    email_subject: String,
    #[serde(default)]
    email_body: String,
    #[serde(default)]
    sms_fallback: Option<String>,
    #[serde(default)]
    in_use: Option<String>,
}

/// The admin's e-mail form.
#[derive(Debug, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

fn kind_of(key: &str) -> Result<NoticeKind, PageError> {
    NoticeKind::parse(key).ok_or_else(|| AppError::not_found("通知类型").into())
}

/// `GET /admin/settings/notices`.
pub async fn show_notice_settings(
    state: web::Data<AppState>,
    admin: RequireRole<Admins>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &admin, "/admin/settings/notices", "通知设置").await?;
    let staff_id = admin.staff.id;
    let (all, my_email) = state
        .db
        .run(move |conn| {
            Ok((notices::catalog::load_all(conn)?, crate::notify::staff_email(conn, staff_id)?))
        })
        .await?;
    let kinds = all
        .into_iter()
        .map(|e| KindRow {
            key: e.kind.key(),
            title: e.kind.title(),
            wechat_fields: e
                .wechat_fields
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(","),
            sms_params: e.sms_params.join(","),
            e,
        })
        .collect();
    render(&NoticeSettingsPage { chrome, kinds, my_email: my_email.unwrap_or_default() })
}

/// `POST /admin/settings/notices/{key}`: saves the kind (replacing the file's values).
pub async fn update_notice_kind(
    state: web::Data<AppState>,
    admin: RequireRole<Admins>,
    key: web::Path<String>,
    form: web::Form<KindForm>,
) -> Result<HttpResponse, PageError> {
    let kind = kind_of(&key)?;
    let f = form.into_inner();
    let settings = KindSettings {
        wechat_template_id: f.wechat_template_id,
        wechat_fields: f.wechat_fields,
        sms_template_id: f.sms_template_id,
        sms_params: f.sms_params,
        email_subject: f.email_subject,
        email_body: f.email_body,
        sms_fallback: Some(f.sms_fallback.is_some()),
        in_use: Some(f.in_use.is_some()),
    };
    match notices::update_kind(&state.db, &state.clock, admin.staff.id, kind, Some(settings)).await
    {
        Ok(()) => admin.flash("success", format!("「{}」已保存", kind.title())),
        Err(AppError::Validation(fields)) => {
            let text: Vec<String> = fields.into_iter().map(|f| f.message).collect();
            admin.flash("error", format!("「{}」未保存：{}", kind.title(), text.join("；")));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(redirect("/admin/settings/notices"))
}

/// `POST /admin/settings/notices/{key}/reset`: back to the configuration file's values.
pub async fn reset_notice_kind(
    state: web::Data<AppState>,
    admin: RequireRole<Admins>,
    key: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let kind = kind_of(&key)?;
    notices::update_kind(&state.db, &state.clock, admin.staff.id, kind, None).await?;
    admin.flash("success", format!("「{}」已恢复为配置文件的设置", kind.title()));
    Ok(redirect("/admin/settings/notices"))
}

/// `POST /admin/settings/notices/{key}/test`: sends the kind to the admin.
pub async fn test_notice_kind(
    state: web::Data<AppState>,
    admin: RequireRole<Admins>,
    key: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let kind = kind_of(&key)?;
    let reached = crate::notify::send_test(&state.db, &state.clock, admin.staff.id, kind).await?;
    if reached.is_empty() {
        admin.flash("error", "您的账号未关联小程序用户，也未填写通知邮箱：测试通知无处可发");
    } else {
        admin.flash(
            "success",
            format!("测试通知已排队发送：{}（见“消息发送”）", reached.join("、")),
        );
    }
    Ok(redirect("/admin/settings/notices"))
}

/// `POST /admin/settings/notices/email`: the admin's own notice e-mail.
pub async fn update_my_email(
    state: web::Data<AppState>,
    admin: RequireRole<Admins>,
    form: web::Form<EmailForm>,
) -> Result<HttpResponse, PageError> {
    let email = form.into_inner().email;
    match crate::notify::set_staff_email(&state.db, &state.clock, admin.staff.id, &email).await {
        Ok(()) => admin.flash("success", "通知邮箱已保存"),
        Err(AppError::Validation(_)) => admin.flash("error", "邮箱地址无效"),
        Err(e) => return Err(e.into()),
    }
    Ok(redirect("/admin/settings/notices"))
}
