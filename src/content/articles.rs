//! Staff's article use cases: write (sanitised once, here), publish now or at a time
//! (scheduled: the clock makes it visible), take back to draft; the workbench list.

use chrono::NaiveDateTime;

use super::model::{ArticleFields, ArticleInput, ArticleRow, ArticleSummaryRow, status};
use super::store::{self, ArticleFilter};
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::kernel::clock::SharedClock;
use crate::kernel::page::{Page, PageRequest};

/// Checks the references of `f` inside the write: the category exists, the cover is an
/// image, attachments are documents (PDF, Word, Excel), the position exists.
fn check_references(conn: &mut DbConn, f: &ArticleFields) -> Result<(), AppError> {
    let mut errors = Vec::new();
    if !store::category_exists(conn, f.category_id)? {
        errors.push(FieldError::new("category_id", "分类不存在"));
    }
    if let Some(id) = f.cover_file_id {
        let file = crate::kernel::media::store::find(conn, id)?;
        if file.is_none_or(|f| f.kind != "image") {
            errors.push(FieldError::new("cover_file_id", "封面须为已上传的图片"));
        }
    }
    let attachments: Vec<i64> = serde_json::from_str(&f.attachment_file_ids).unwrap_or_default();
    for id in attachments {
        let file = crate::kernel::media::store::find(conn, id)?;
        if file.is_none_or(|f| f.kind != "document") {
            errors.push(FieldError::new(
                "attachment_file_ids",
                "附件须为已上传的 PDF、Word 或 Excel 文件",
            ));
            break;
        }
    }
    if let Some(id) = f.min_position_id
        && !crate::membership::all_positions(conn)?.iter().any(|p| p.id == id)
    {
        errors.push(FieldError::new("min_position_id", "职务不存在"));
    }
    if errors.is_empty() { Ok(()) } else { Err(AppError::Validation(errors)) }
}

/// Creates a draft; returns its id.
pub async fn create(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    staff_name: &str,
    input: ArticleInput,
) -> Result<i64, AppError> {
    let fields = input.validate(staff_name)?;
    let at = clock.now_naive();
    db.write(move |conn| {
        check_references(conn, &fields)?;
        let row = store::insert(conn, &fields, staff_id, at)?;
        store::reindex(conn, row.id, &fields.search_text)?;
        let details = serde_json::json!({"title": fields.title});
        super::audit_content(
            conn,
            at,
            staff_id,
            "article.create",
            "articles",
            Some(row.id),
            &details,
        )?;
        Ok(row.id)
    })
    .await
    .inspect(|_| super::home::invalidate())
}

/// Saves staff's changes to article `id`, keeping its state and schedule.
pub async fn update(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    staff_name: &str,
    id: i64,
    input: ArticleInput,
) -> Result<(), AppError> {
    let mut fields = input.validate(staff_name)?;
    let at = clock.now_naive();
    db.write(move |conn| {
        let current = store::lock(conn, id)?.ok_or_else(|| AppError::not_found("文章"))?;
        fields.status = current.fields.status;
        fields.publish_at = current.fields.publish_at;
        check_references(conn, &fields)?;
        store::update(conn, id, &fields, at)?;
        store::reindex(conn, id, &fields.search_text)?;
        let details = serde_json::json!({"title": fields.title});
        super::audit_content(conn, at, staff_id, "article.update", "articles", Some(id), &details)
    })
    .await
    .inspect(|_| super::home::invalidate())
}

/// Publishes article `id` now, or at `at` when that is ahead (scheduled).
pub async fn publish(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    at: Option<NaiveDateTime>,
) -> Result<(), AppError> {
    let now = clock.now_naive();
    let when = at.filter(|t| *t > now).unwrap_or(now);
    db.write(move |conn| {
        store::lock(conn, id)?.ok_or_else(|| AppError::not_found("文章"))?;
        store::set_state(conn, id, status::PUBLISHED, Some(when), now)?;
        let details = serde_json::json!({"publish_at": when});
        super::audit_content(conn, now, staff_id, "article.publish", "articles", Some(id), &details)
    })
    .await
    .inspect(|_| super::home::invalidate())
}

/// Takes article `id` back to draft (readers no longer see it).
pub async fn unpublish(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
) -> Result<(), AppError> {
    let now = clock.now_naive();
    db.write(move |conn| {
        store::lock(conn, id)?.ok_or_else(|| AppError::not_found("文章"))?;
        store::set_state(conn, id, status::DRAFT, None, now)?;
        super::audit_content(
            conn,
            now,
            staff_id,
            "article.unpublish",
            "articles",
            Some(id),
            &().into(),
        )
    })
    .await
    .inspect(|_| super::home::invalidate())
}

/// One article for staff.
pub async fn find(db: &Db, id: i64) -> Result<ArticleRow, AppError> {
    db.run(move |conn| store::by_id(conn, id)?.ok_or_else(|| AppError::not_found("文章"))).await
}

/// The workbench list.
pub async fn staff_list(
    db: &Db,
    clock: &SharedClock,
    filter: ArticleFilter,
    page: i64,
) -> Result<Page<ArticleSummaryRow>, AppError> {
    let now = clock.now_naive();
    let want = PageRequest::new(page);
    db.run(move |conn| {
        let (rows, total) = store::staff_page(conn, now, &filter, want.offset(), want.limit())?;
        Ok(want.answer(rows, total))
    })
    .await
}
