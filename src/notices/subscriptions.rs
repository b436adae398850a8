//! WeChat subscription grants: the mini-program asks with `wx.requestSubscribeMessage`
//! for the templates of the kinds it cares about and reports each answer; every accept
//! is one message we may send (spent by `notices::send`).

use crate::db::Db;
use crate::error::{AppError, FieldError};
use crate::kernel::clock::SharedClock;

use super::{NoticeKind, catalog, store};

/// Grants kept per template at most (a user tapping "accept" a hundred times does not
/// buy a hundred messages).
pub const MAX_GRANTS: i32 = 50;

/// One kind's template as the mini-program needs it, with the user's grants.
#[derive(Debug, Clone)]
pub struct TemplateGrant {
    /// Kind key.
    pub kind: NoticeKind,
    /// Template id to request.
    pub template_id: String,
    /// Messages we may still send.
    pub grants: i32,
    /// Last answer: `accept`, `reject`, `ban`, or empty (never asked).
    pub status: String,
}

/// The kinds that have a WeChat template, with the user's grants.
pub async fn list(db: &Db, user_id: i64) -> Result<Vec<TemplateGrant>, AppError> {
    db.run(move |conn| {
        let kinds = catalog::load_all(conn)?;
        let mine = store::subscriptions_of(conn, user_id)?;
        Ok(kinds
            .into_iter()
            .filter(|k| !k.wechat_template_id.is_empty() && k.kind != NoticeKind::QueueItems)
            .map(|k| {
                let found = mine.iter().find(|(t, _, _)| *t == k.wechat_template_id);
                TemplateGrant {
                    kind: k.kind,
                    grants: found.map_or(0, |f| f.1),
                    status: found.map(|f| f.2.clone()).unwrap_or_default(),
                    template_id: k.wechat_template_id,
                }
            })
            .collect())
    })
    .await
}

/// Records the answers of one `wx.requestSubscribeMessage` call: (template id,
/// `accept` | `reject` | `ban` | `filter`). Unknown templates and answers are 422 and
/// nothing is saved; `filter` (WeChat hid the template) changes nothing.
pub async fn record(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    answers: Vec<(String, String)>,
) -> Result<(), AppError> {
    if answers.is_empty() || answers.len() > 20 {
        return Err(AppError::field("results", "须包含 1–20 个模板的订阅结果"));
    }
    let at = clock.now_naive();
    db.write(move |conn| {
        let known: Vec<String> = catalog::load_all(conn)?
            .into_iter()
            .map(|k| k.wechat_template_id)
            .filter(|t| !t.is_empty())
            .collect();
        let mut errors = Vec::new();
        for (template, answer) in &answers {
            if !known.contains(template) {
                errors.push(FieldError::new(
                    format!("results.{template}"),
                    "不是本协会的订阅消息模板",
                ));
            } else if !matches!(answer.as_str(), "accept" | "reject" | "ban" | "filter") {
                errors.push(FieldError::new(
                    format!("results.{template}"),
                    "须为 accept、reject、ban 或 filter",
                ));
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        for (template, answer) in answers.iter().filter(|(_, a)| a != "filter") {
            store::record_subscription(conn, user_id, template, answer, MAX_GRANTS, at)?;
        }
        Ok(())
    })
    .await
}
