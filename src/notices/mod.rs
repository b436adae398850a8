//! Notices to users: every notice is kept in the user's in-app list and queued through
//! the outbox for the channel the user can be reached on (WeChat when bound, else SMS).

pub mod model;
mod store;

pub use model::{Notice, NoticeKind, NoticeRow};

use chrono::NaiveDateTime;

use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::clock::SharedClock;
use crate::kernel::outbox::{self, Channel};
use crate::kernel::page::{Page, PageRequest};

/// Sends `notice` to `user_id` inside the caller's transaction: stored for the in-app
/// list, and queued as a WeChat message when they bound WeChat, else as an SMS when they
/// have a phone; without either they see it in the mini-program only.
pub fn send(
    conn: &mut DbConn,
    at: NaiveDateTime,
    user_id: i64,
    notice: &Notice,
) -> Result<(), AppError> {
    let Some(user) = crate::accounts::find_user(conn, user_id)? else { return Ok(()) };
    let kind = notice.kind;
    store::insert(conn, user_id, kind.key(), kind.title(), &notice.body, at)?;
    let mut payload = notice.payload.clone();
    if let Some(fields) = payload.as_object_mut() {
        fields.insert("body".into(), notice.body.clone().into());
    }
    match (user.wechat_openid.as_deref(), user.phone.as_deref()) {
        (Some(openid), _) => {
            outbox::enqueue(conn, at, Channel::Wechat, openid, kind.key(), &payload)
        }
        (None, Some(phone)) => outbox::enqueue(conn, at, Channel::Sms, phone, kind.key(), &payload),
        (None, None) => Ok(()),
    }
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
