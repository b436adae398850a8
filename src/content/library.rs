//! The resource library (资源库 / 会刊): staff write journals and documents, publish or
//! take them back; readers list them (locked teasers for visitors when the association
//! turns that on), read one and download its file — each checked against the reader's
//! current membership and position, downloads counted in SQL.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::access::Reader;
use super::library_model::{LibraryFields, LibraryInput, LibraryRow};
use super::library_store::{self as store, LibraryFilter};
use super::model::status;
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::kernel::clock::SharedClock;
use crate::kernel::media::FileRow;
use crate::kernel::page::{PAGE_SIZE, Page, PageRequest};
use crate::profiles::reviewed::ImageRef;

/// Pushes an error unless file `id` is an upload of `kind` (`image`, `document`, `video`).
pub fn check_file(
    conn: &mut DbConn,
    id: Option<i64>,
    kind: &str,
    (field, message): (&str, &str),
    errors: &mut Vec<FieldError>,
) -> Result<(), AppError> {
    if let Some(id) = id {
        let file = crate::kernel::media::store::find(conn, id)?;
        if file.is_none_or(|f| f.kind != kind) {
            errors.push(FieldError::new(field, message));
        }
    }
    Ok(())
}

/// Pushes an error unless position `id` exists.
pub fn check_position(
    conn: &mut DbConn,
    id: Option<i64>,
    errors: &mut Vec<FieldError>,
) -> Result<(), AppError> {
    if let Some(id) = id
        && !crate::membership::all_positions(conn)?.iter().any(|p| p.id == id)
    {
        errors.push(FieldError::new("min_position_id", "职务不存在"));
    }
    Ok(())
}

/// Whether `reader`'s lists hold locked teasers: visitors only, when the association
/// turned teasers on.
pub fn teasers_for(conn: &mut DbConn, reader: &Reader) -> Result<bool, AppError> {
    Ok(reader.positions_at_or_below.is_empty() && super::locked_teasers(conn)?)
}

/// The one answer for an item `reader` may not open: 403 `members_only` for a visitor
/// when teasers are on (they saw it locked in the list), otherwise 404 as if absent.
pub fn admit(
    conn: &mut DbConn,
    reader: &Reader,
    (state, audience, min_position_id): (&str, &str, Option<i64>),
    what: &str,
) -> Result<(), AppError> {
    if state != status::PUBLISHED {
        return Err(AppError::not_found(what));
    }
    if reader.admits(audience, min_position_id) {
        return Ok(());
    }
    if teasers_for(conn, reader)? {
        Err(AppError::Refused {
            code: "members_only", message: "该内容仅对会员开放".into()
        })
    } else {
        Err(AppError::not_found(what))
    }
}

fn check_references(conn: &mut DbConn, f: &LibraryFields) -> Result<(), AppError> {
    let mut errors = Vec::new();
    check_file(
        conn,
        f.cover_file_id,
        "image",
        ("cover_file_id", "封面须为已上传的图片"),
        &mut errors,
    )?;
    let doc = ("file_id", "文件须为已上传的 PDF、Word 或 Excel 文件");
    check_file(conn, Some(f.file_id), "document", doc, &mut errors)?;
    check_position(conn, f.min_position_id, &mut errors)?;
    if errors.is_empty() { Ok(()) } else { Err(AppError::Validation(errors)) }
}

/// Creates a draft; returns its id.
pub async fn create(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    input: LibraryInput,
) -> Result<i64, AppError> {
    let fields = input.validate()?;
    let at = clock.now_naive();
    db.write(move |conn| {
        check_references(conn, &fields)?;
        let id = store::insert(conn, &fields, staff_id, at)?;
        store::reindex(conn, id, &fields.search_text)?;
        let details = serde_json::json!({"title": fields.title, "kind": fields.kind});
        super::audit_content(
            conn,
            at,
            staff_id,
            "library.create",
            "library_items",
            Some(id),
            &details,
        )?;
        Ok(id)
    })
    .await
}

/// Saves staff's changes to item `id`, keeping its state.
pub async fn update(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    input: LibraryInput,
) -> Result<(), AppError> {
    let fields = input.validate()?;
    let at = clock.now_naive();
    db.write(move |conn| {
        store::lock(conn, id)?.ok_or_else(|| AppError::not_found("资料"))?;
        check_references(conn, &fields)?;
        store::update(conn, id, &fields, at)?;
        store::reindex(conn, id, &fields.search_text)?;
        let details = serde_json::json!({"title": fields.title});
        super::audit_content(
            conn,
            at,
            staff_id,
            "library.update",
            "library_items",
            Some(id),
            &details,
        )
    })
    .await
}

/// Publishes item `id` now (`true`) or takes it back to draft (`false`).
pub async fn set_published(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    published: bool,
) -> Result<(), AppError> {
    let now = clock.now_naive();
    db.write(move |conn| {
        store::lock(conn, id)?.ok_or_else(|| AppError::not_found("资料"))?;
        let (state, at, verb) = super::publication(published, now);
        let action = &format!("library.{verb}");
        store::set_state(conn, id, state, at, now)?;
        super::audit_content(conn, now, staff_id, action, "library_items", Some(id), &().into())
    })
    .await
}

/// One item for staff.
pub async fn find(db: &Db, id: i64) -> Result<LibraryRow, AppError> {
    db.run(move |conn| store::by_id(conn, id)?.ok_or_else(|| AppError::not_found("资料"))).await
}

/// The workbench list.
pub async fn staff_list(
    db: &Db,
    filter: LibraryFilter,
    page: i64,
) -> Result<Page<LibraryRow>, AppError> {
    let want = PageRequest::new(page);
    db.run(move |conn| {
        let (rows, total) = store::staff_page(conn, &filter, (want.offset(), want.limit()))?;
        Ok(want.answer(rows, total))
    })
    .await
}

/// A library item's file for its reader.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LibraryFileView {
    /// Original name.
    pub name: String,
    /// MIME type.
    pub content_type: String,
    /// Bytes.
    pub byte_size: i64,
}

/// A library item for its reader.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LibraryItemView {
    /// Id.
    pub id: i64,
    /// `journal` or `document`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Journals: the issue (e.g. 2026年第3期).
    pub issue_label: String,
    /// Summary (empty when locked).
    pub summary: String,
    /// Cover image.
    pub cover: Option<ImageRef>,
    /// Published (UTC).
    #[serde(serialize_with = "crate::kernel::clock::serialize_utc_opt")]
    pub published_at: Option<NaiveDateTime>,
    /// Downloads counted.
    pub download_count: i64,
    /// Where to download the file (checked at request time; send the token); none when
    /// locked.
    pub download_path: Option<String>,
    /// The file (detail only).
    pub file: Option<LibraryFileView>,
    /// Outside the reader's audience: a teaser; the item itself answers 403.
    pub locked: bool,
}

/// A page of library items.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LibraryPage {
    /// Newest first.
    pub items: Vec<LibraryItemView>,
    /// All matching.
    pub total: i64,
    /// This page (from 1).
    pub page: i64,
    /// Page size.
    pub page_size: i64,
}

fn view(row: &LibraryRow, reader: &Reader) -> LibraryItemView {
    let f = &row.fields;
    let locked = !reader.admits(&f.audience, f.min_position_id);
    LibraryItemView {
        id: row.id,
        kind: f.kind.clone(),
        title: f.title.clone(),
        issue_label: f.issue_label.clone(),
        summary: if locked { String::new() } else { f.summary.clone() },
        cover: f.cover_file_id.map(ImageRef::of),
        published_at: row.published_at,
        download_count: row.download_count,
        download_path: (!locked).then(|| format!("/api/v1/library/{}/file", row.id)),
        file: None,
        locked,
    }
}

/// The library for `user_id` (none: no token): `q` searched, a kind, a page.
pub async fn list(
    db: &Db,
    user_id: Option<i64>,
    filter: LibraryFilter,
    page: i64,
) -> Result<LibraryPage, AppError> {
    let want = PageRequest::new(page);
    db.run(move |conn| {
        let reader = Reader::load(conn, user_id)?;
        let teasers = teasers_for(conn, &reader)?;
        let filter = LibraryFilter { status: None, ..filter };
        let (rows, total) =
            store::readable_page(conn, &reader, teasers, &filter, (want.offset(), want.limit()))?;
        let items = rows.iter().map(|r| view(r, &reader)).collect();
        Ok(LibraryPage { items, total, page: want.page, page_size: PAGE_SIZE })
    })
    .await
}

fn readable(conn: &mut DbConn, reader: &Reader, id: i64) -> Result<LibraryRow, AppError> {
    let row = store::by_id(conn, id)?.ok_or_else(|| AppError::not_found("资料"))?;
    let f = &row.fields;
    admit(conn, reader, (&row.status, &f.audience, f.min_position_id), "资料")?;
    Ok(row)
}

/// One item for `user_id`, with its file's name and size.
pub async fn detail(db: &Db, user_id: Option<i64>, id: i64) -> Result<LibraryItemView, AppError> {
    db.run(move |conn| {
        let reader = Reader::load(conn, user_id)?;
        let row = readable(conn, &reader, id)?;
        let mut v = view(&row, &reader);
        v.file =
            crate::kernel::media::store::find(conn, row.fields.file_id)?.map(|f| LibraryFileView {
                name: f
                    .original_name
                    .unwrap_or_else(|| format!("{}.{}", row.fields.title, f.extension)),
                content_type: f.content_type,
                byte_size: f.byte_size,
            });
        Ok(v)
    })
    .await
}

/// The file of item `id` for `user_id`, checked against the audience now and counted.
pub async fn download(db: &Db, user_id: Option<i64>, id: i64) -> Result<FileRow, AppError> {
    db.write(move |conn| {
        let reader = Reader::load(conn, user_id)?;
        let row = readable(conn, &reader, id)?;
        let file = crate::kernel::media::store::find(conn, row.fields.file_id)?
            .ok_or_else(crate::kernel::media::not_found)?;
        store::count_download(conn, id)?;
        Ok(file)
    })
    .await
}
