//! The outbox for admins (`/admin/outbox`): every message with its channel, masked
//! recipient, state, attempts and the reason it failed. A message waiting after a
//! failed attempt can be sent at once ("立即重试", e.g. after the provider was fixed);
//! one given up keeps only its reason (the payload may have held a secret) and is
//! shown, not resent — decided with issues 8 and 15.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::pager::{Pager, pager};
use super::render::{Chrome, redirect, render};
use super::session::{Admins, RequireRole};
use crate::app::AppState;
use crate::error::AppError;
use crate::kernel::audit::{Actor, AuditEntry};
use crate::kernel::clock::display_minutes;
use crate::kernel::outbox::{self, OutboxRow, status};
use crate::kernel::page::{PAGE_SIZE, PageRequest};
use crate::notices::NoticeKind;

/// One message as listed.
#[derive(Debug, Clone)]
pub struct OutboxListRow {
    /// Id.
    pub id: i64,
    /// Written, formatted.
    pub created: String,
    /// 短信, 微信, 邮件.
    pub channel: &'static str,
    /// Phone masked, openid shortened, address as is.
    pub recipient: String,
    /// What it is (the notice's title, or the template key).
    pub what: String,
    /// `failed`…
    pub status: String,
    /// 发送失败…
    pub status_label: &'static str,
    /// Attempts.
    pub attempts: i32,
    /// Why it failed.
    pub reason: String,
    /// Retry button shown.
    pub retryable: bool,
}

fn channel_label(channel: &str) -> &'static str {
    match channel {
        "sms" => "短信",
        "wechat" => "微信订阅消息",
        "email" => "邮件",
        _ => "其他",
    }
}

fn recipient_shown(channel: &str, recipient: &str) -> String {
    match channel {
        "sms" => crate::kernel::phone::mask(recipient),
        "wechat" => format!("{}…", recipient.chars().take(8).collect::<String>()),
        _ => recipient.to_owned(),
    }
}

fn row(r: OutboxRow, tz: chrono_tz::Tz, now: chrono::NaiveDateTime) -> OutboxListRow {
    OutboxListRow {
        id: r.id,
        created: display_minutes(r.created_at, tz),
        channel: channel_label(&r.channel),
        recipient: recipient_shown(&r.channel, &r.recipient),
        what: NoticeKind::parse(&r.template)
            .map_or_else(|| r.template.clone(), |k| k.title().into()),
        status_label: status::label(&r.status),
        attempts: r.attempts,
        reason: r.last_error.clone().unwrap_or_default(),
        retryable: r.retryable(now),
        status: r.status,
    }
}

/// `GET /admin/outbox`.
#[derive(askama::Template)]
#[template(path = "web/outbox/index.html")]
pub struct OutboxPage {
    /// Layout.
    pub chrome: Chrome,
    /// Rows.
    pub rows: Vec<OutboxListRow>,
    /// (value, label, count) per state.
    pub statuses: Vec<(&'static str, &'static str, i64)>,
    /// Current filter.
    pub status: String,
    /// Pages.
    pub pager: Pager,
}

/// `?status=&page=`.
#[derive(Debug, Default, Deserialize)]
pub struct OutboxQuery {
    /// A state, or empty for all.
    #[serde(default)]
    pub status: String,
    /// Page.
    pub page: Option<i64>,
}

/// `GET /admin/outbox`.
pub async fn list_outbox(
    state: web::Data<AppState>,
    admin: RequireRole<Admins>,
    query: web::Query<OutboxQuery>,
) -> Result<HttpResponse, PageError> {
    let status = query.status.trim().to_owned();
    let filter = status::ALL.contains(&status.as_str()).then(|| status.clone());
    let request = PageRequest::new(query.page.unwrap_or(1));
    let ((rows, total), counts) = state
        .db
        .run(move |conn| {
            let page = outbox::page(conn, filter.as_deref(), request.offset(), request.limit())?;
            Ok((page, outbox::counts(conn)?))
        })
        .await?;
    let tz = state.association_settings().await?.time_zone;
    let count_of = |s: &str| counts.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
    let statuses = status::ALL.iter().map(|s| (*s, status::label(s), count_of(s))).collect();
    let chrome = Chrome::build(&state, &admin, "/admin/outbox", "消息发送").await?;
    let filters = [("status", status.clone())];
    render(&OutboxPage {
        chrome,
        rows: rows.into_iter().map(|r| row(r, tz, state.clock.now_naive())).collect(),
        statuses,
        pager: pager("/admin/outbox", &filters, request.page, total, PAGE_SIZE),
        status,
    })
}

/// `POST /admin/outbox/{id}/retry`: back in the queue at once (audited).
pub async fn retry_message(
    state: web::Data<AppState>,
    admin: RequireRole<Admins>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let id = *id;
    let at = state.clock.now_naive();
    let staff_id = admin.staff.id;
    state
        .db
        .write(move |conn| {
            outbox::find(conn, id)?.ok_or_else(|| AppError::not_found("消息"))?;
            if !outbox::retry(conn, id, at)? {
                return Err(AppError::Conflict {
                    code: "not_retryable",
                    message: "该消息不在失败后等待重试的状态（已发送、已放弃或已到期）".into(),
                });
            }
            AuditEntry::new(Actor::Staff(staff_id), "outbox.retry", "outbox", id).record(
                conn,
                at,
                &serde_json::json!({}),
            )
        })
        .await?;
    admin.flash("success", format!("消息 {id} 将立即重试发送"));
    Ok(redirect("/admin/outbox?status=pending"))
}
