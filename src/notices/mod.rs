//! Notices to users: every notice is kept in the user's in-app list and queued through
//! the outbox for the channel the user can be reached on (WeChat when bound, else SMS).

pub mod catalog;
pub mod model;
pub mod render;
mod store;
pub mod subscriptions;

pub use model::{Notice, NoticeKind, NoticeRow};

use chrono::NaiveDateTime;

use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::clock::SharedClock;
use crate::kernel::outbox::{self, Channel};
use crate::kernel::page::{Page, PageRequest};

/// Sends `notice` to `user_id` inside the caller's transaction: stored for the in-app
/// list, then queued for the channels its kind's settings allow (see
/// [`catalog`] and docs/notifications.md):
///
/// 1. WeChat, when the user bound WeChat, the kind has a subscription template and a
///    grant of the user's is left (spent here, compare-and-set); the SMS goes along as
///    the fallback for a 43101 answer when the kind's SMS is worth it;
/// 2. else SMS, when the kind has an SMS template, the user a phone and SMS is worth it;
/// 3. e-mail as well, when the user gave an address;
/// 4. a kind with no template at all (development) is queued as before on the channel
///    the user can be reached on, and the worker records it as not sent, visibly.
pub fn send(
    conn: &mut DbConn,
    at: NaiveDateTime,
    user_id: i64,
    notice: &Notice,
) -> Result<(), AppError> {
    let Some(user) = crate::accounts::find_user(conn, user_id)? else { return Ok(()) };
    let kind = notice.kind;
    store::insert(conn, user_id, kind.key(), kind.title(), &notice.body, at)?;
    let settings = catalog::load(conn, kind)?;
    let fields =
        render::fields(kind.title(), &notice.body, &local_time(conn, at)?, &notice.payload);
    let phone = user.phone.as_deref();
    if !settings.has_template() {
        let mut payload = notice.payload.clone();
        if let Some(fields) = payload.as_object_mut() {
            fields.insert("body".into(), notice.body.clone().into());
        }
        match (user.wechat_openid.as_deref(), phone) {
            (Some(openid), _) => {
                outbox::enqueue(conn, at, Channel::Wechat, openid, kind.key(), &payload)?;
            }
            (None, Some(phone)) => {
                outbox::enqueue(conn, at, Channel::Sms, phone, kind.key(), &payload)?;
            }
            (None, None) => {}
        }
    } else {
        let sms = render::sms(&settings, &fields)
            .filter(|_| settings.sms_fallback)
            .and_then(|sms| phone.map(|p| (p.to_owned(), sms)));
        let wechat = match user.wechat_openid.as_deref() {
            Some(openid) if !settings.wechat_template_id.is_empty() => {
                store::spend_grant(conn, user_id, &settings.wechat_template_id)?.then_some(openid)
            }
            _ => None,
        };
        match (wechat, sms) {
            (Some(openid), fallback) => {
                let message = render::WechatMessage {
                    user_id,
                    template_id: settings.wechat_template_id.clone(),
                    page: render::WECHAT_PAGE.into(),
                    data: render::wechat_data(&settings, &fields),
                    fallback,
                };
                outbox::enqueue(conn, at, Channel::Wechat, openid, kind.key(), &message)?;
            }
            (None, Some((phone, sms))) => {
                outbox::enqueue(conn, at, Channel::Sms, &phone, kind.key(), &sms)?;
            }
            (None, None) => {}
        }
    }
    if let Some(address) = store::user_email(conn, user_id)? {
        let email = render::email(&settings, &fields);
        outbox::enqueue(conn, at, Channel::Email, &address, kind.key(), &email)?;
    }
    Ok(())
}

/// `at` as the association shows times (2026-11-24 14:30).
pub fn local_time(conn: &mut DbConn, at: NaiveDateTime) -> Result<String, AppError> {
    let tz = crate::kernel::settings::get(conn, crate::kernel::settings::keys::TIME_ZONE)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(chrono_tz::Asia::Shanghai);
    Ok(crate::kernel::clock::display_minutes(at, tz))
}

/// WeChat answered 43101 for a message of `user_id`: the grants we counted are gone.
pub fn drop_grants(conn: &mut DbConn, user_id: i64, template_id: &str) -> Result<(), AppError> {
    Ok(store::drop_grants(conn, user_id, template_id)?)
}

/// A page of the user's notices (newest first) and how many are unread.
pub async fn inbox(db: &Db, user_id: i64, page: i64) -> Result<(Page<NoticeRow>, i64), AppError> {
    let want = PageRequest::new(page);
    db.run(move |conn| {
        let (rows, total) = store::page_of(conn, user_id, want.offset(), want.limit())?;
        let unread = store::unread(conn, user_id)?;
        Ok((want.answer(rows, total), unread))
    })
    .await
}

/// Marks one of the user's notices read (again is harmless); another user's is 404.
/// Answers the unread count after.
pub async fn mark_read(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    id: i64,
) -> Result<i64, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        if store::mark_read(conn, user_id, id, at)? == 0 && !store::is_theirs(conn, user_id, id)? {
            return Err(AppError::not_found("消息"));
        }
        Ok(store::unread(conn, user_id)?)
    })
    .await
}

/// Marks every notice of the user read; answers how many were unread.
pub async fn mark_all_read(db: &Db, clock: &SharedClock, user_id: i64) -> Result<usize, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| Ok(store::mark_all_read(conn, user_id, at)?)).await
}

/// Saves admins' settings of `kind` (`None`: back to the configuration file's), audited.
pub async fn update_kind(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    kind: NoticeKind,
    settings: Option<catalog::KindSettings>,
) -> Result<(), AppError> {
    if let Some(s) = &settings {
        catalog::validate(s)?;
    }
    let at = clock.now_naive();
    db.write(move |conn| {
        catalog::save_staff_layer(conn, at, kind, settings.as_ref())?;
        let details = serde_json::json!({"kind": kind.key(), "settings": settings});
        crate::kernel::audit::AuditEntry::new(
            crate::kernel::audit::Actor::Staff(staff_id),
            if settings.is_some() { "notices.settings.update" } else { "notices.settings.reset" },
            "settings",
            None,
        )
        .record(conn, at, &details)
    })
    .await
}
