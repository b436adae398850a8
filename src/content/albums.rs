//! Albums (相册): staff make an album (optionally of an event), add photos one upload at
//! a time (the workbench sends a bulk selection file by file), caption and order them,
//! choose the cover, publish; readers list albums and open one with its photos, by the
//! content audience rule at request time.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::access::Reader;
use super::gallery_store::{self as store, ALBUM_SCOPE, GalleryFilter};
use super::library::{admit, check_file, check_position, teasers_for};
use super::library_model::{AlbumFields, AlbumInput, AlbumRow, PhotoRow, caption};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::clock::SharedClock;
use crate::kernel::page::{PAGE_SIZE, Page, PageRequest};
use crate::profiles::reviewed::ImageRef;

/// Most photos in one album.
pub const MAX_PHOTOS: usize = 500;

fn check_references(conn: &mut DbConn, f: &AlbumFields) -> Result<(), AppError> {
    let mut errors = Vec::new();
    check_file(
        conn,
        f.cover_file_id,
        "image",
        ("cover_file_id", "封面须为已上传的图片"),
        &mut errors,
    )?;
    check_position(conn, f.min_position_id, &mut errors)?;
    if let Some(id) = f.event_id
        && crate::events::store::event(conn, id)?.is_none()
    {
        errors.push(crate::error::FieldError::new("event_id", "活动不存在"));
    }
    if errors.is_empty() { Ok(()) } else { Err(AppError::Validation(errors)) }
}

fn audit(
    conn: &mut DbConn,
    at: NaiveDateTime,
    staff_id: i64,
    action: &str,
    id: i64,
    details: &serde_json::Value,
) -> Result<(), AppError> {
    super::audit_content(conn, at, staff_id, action, "albums", Some(id), details)
}

/// Creates a draft album; returns its id.
pub async fn create(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    input: AlbumInput,
) -> Result<i64, AppError> {
    let fields = input.validate()?;
    let at = clock.now_naive();
    db.write(move |conn| {
        check_references(conn, &fields)?;
        let id = store::insert_album(conn, &fields, staff_id, at)?;
        store::reindex(conn, ALBUM_SCOPE, id, &fields.search_text)?;
        audit(conn, at, staff_id, "album.create", id, &serde_json::json!({"title": fields.title}))?;
        Ok(id)
    })
    .await
}

/// Saves staff's changes to album `id`, keeping its state and photos.
pub async fn update(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    input: AlbumInput,
) -> Result<(), AppError> {
    let fields = input.validate()?;
    let at = clock.now_naive();
    db.write(move |conn| {
        store::lock_album(conn, id)?.ok_or_else(|| AppError::not_found("相册"))?;
        check_references(conn, &fields)?;
        store::update_album(conn, id, &fields, at)?;
        store::reindex(conn, ALBUM_SCOPE, id, &fields.search_text)?;
        audit(conn, at, staff_id, "album.update", id, &serde_json::json!({"title": fields.title}))
    })
    .await
}

/// Publishes album `id` now (`true`) or takes it back to draft.
pub async fn set_published(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    published: bool,
) -> Result<(), AppError> {
    let now = clock.now_naive();
    db.write(move |conn| {
        store::lock_album(conn, id)?.ok_or_else(|| AppError::not_found("相册"))?;
        let (state, at, verb) = super::publication(published, now);
        let action = &format!("album.{verb}");
        store::set_album_state(conn, id, state, at, now)?;
        audit(conn, now, staff_id, action, id, &().into())
    })
    .await
}

/// An album and its photos, for staff.
pub async fn find(db: &Db, id: i64) -> Result<(AlbumRow, Vec<PhotoRow>), AppError> {
    db.run(move |conn| {
        let row = store::album(conn, id)?.ok_or_else(|| AppError::not_found("相册"))?;
        Ok((row, store::photos(conn, id)?))
    })
    .await
}

/// The workbench list.
pub async fn staff_list(
    db: &Db,
    filter: GalleryFilter,
    page: i64,
) -> Result<Page<AlbumRow>, AppError> {
    let want = PageRequest::new(page);
    db.run(move |conn| {
        let (rows, total) = store::album_page(conn, None, &filter, (want.offset(), want.limit()))?;
        Ok(want.answer(rows, total))
    })
    .await
}

/// Adds uploaded image `file_id` at the end of album `id`; the first photo becomes the
/// cover when none was chosen. Returns the photo's id.
pub async fn add_photo(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    file_id: i64,
    text: &str,
) -> Result<i64, AppError> {
    let text = caption(text)?;
    let at = clock.now_naive();
    db.write(move |conn| {
        let album = store::lock_album(conn, id)?.ok_or_else(|| AppError::not_found("相册"))?;
        let mut errors = Vec::new();
        check_file(conn, Some(file_id), "image", ("file", "照片须为图片"), &mut errors)?;
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        if store::photos(conn, id)?.len() >= MAX_PHOTOS {
            return Err(AppError::field("file", format!("一个相册最多 {MAX_PHOTOS} 张照片")));
        }
        let photo = store::add_photo(conn, id, file_id, &text, at)?;
        if album.fields.cover_file_id.is_none() {
            store::set_cover(conn, id, Some(file_id))?;
        }
        audit(conn, at, staff_id, "album.photo_add", id, &serde_json::json!({"file_id": file_id}))?;
        Ok(photo)
    })
    .await
}

/// What staff do to one photo.
#[derive(Debug, Clone)]
pub enum PhotoChange {
    /// New caption and order.
    Edit {
        /// Caption.
        caption: String,
        /// Order.
        sort_order: i32,
    },
    /// Make it the album's cover.
    Cover,
    /// Remove it from the album (the file stays).
    Delete,
}

/// Changes photo `photo_id` of album `id`.
pub async fn change_photo(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    (id, photo_id): (i64, i64),
    change: PhotoChange,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    let change = match change {
        PhotoChange::Edit { caption: c, sort_order } => {
            PhotoChange::Edit { caption: caption(&c)?, sort_order }
        }
        other => other,
    };
    db.write(move |conn| {
        let album = store::lock_album(conn, id)?.ok_or_else(|| AppError::not_found("相册"))?;
        let photo = store::photos(conn, id)?
            .into_iter()
            .find(|p| p.id == photo_id)
            .ok_or_else(|| AppError::not_found("照片"))?;
        let action = match &change {
            PhotoChange::Edit { caption, sort_order } => {
                store::update_photo(conn, id, photo_id, caption, *sort_order)?;
                "album.photo_update"
            }
            PhotoChange::Cover => {
                store::set_cover(conn, id, Some(photo.file_id))?;
                "album.photo_update"
            }
            PhotoChange::Delete => {
                store::delete_photo(conn, id, photo_id)?;
                if album.fields.cover_file_id == Some(photo.file_id) {
                    let next = store::photos(conn, id)?.first().map(|p| p.file_id);
                    store::set_cover(conn, id, next)?;
                }
                "album.photo_delete"
            }
        };
        audit(conn, at, staff_id, action, id, &serde_json::json!({"photo_id": photo_id}))
    })
    .await
}

/// An album in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AlbumSummaryView {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Description (empty when locked).
    pub description: String,
    /// The event it is of.
    pub event_id: Option<i64>,
    /// Cover photo.
    pub cover: Option<ImageRef>,
    /// Published (UTC).
    #[serde(serialize_with = "crate::kernel::clock::serialize_utc_opt")]
    pub published_at: Option<NaiveDateTime>,
    /// Outside the reader's audience: a teaser; the album itself answers 403.
    pub locked: bool,
}

/// A photo for its reader.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PhotoView {
    /// Id.
    pub id: i64,
    /// The picture (`url`, `thumbnail_url`).
    pub image: ImageRef,
    /// Caption.
    pub caption: String,
}

/// An album with its photos.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AlbumView {
    /// The list fields.
    #[serde(flatten)]
    pub summary: AlbumSummaryView,
    /// The photos, in staff's order.
    pub photos: Vec<PhotoView>,
}

/// A page of albums.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AlbumPage {
    /// Newest first.
    pub items: Vec<AlbumSummaryView>,
    /// All matching.
    pub total: i64,
    /// This page (from 1).
    pub page: i64,
    /// Page size.
    pub page_size: i64,
}

fn summary(row: &AlbumRow, reader: &Reader) -> AlbumSummaryView {
    let f = &row.fields;
    let locked = !reader.admits(&f.audience, f.min_position_id);
    AlbumSummaryView {
        id: row.id,
        title: f.title.clone(),
        description: if locked { String::new() } else { f.description.clone() },
        event_id: f.event_id,
        cover: f.cover_file_id.map(ImageRef::of),
        published_at: row.published_at,
        locked,
    }
}

/// Albums for `user_id` (none: no token).
pub async fn list(
    db: &Db,
    user_id: Option<i64>,
    filter: GalleryFilter,
    page: i64,
) -> Result<AlbumPage, AppError> {
    let want = PageRequest::new(page);
    db.run(move |conn| {
        let reader = Reader::load(conn, user_id)?;
        let teasers = teasers_for(conn, &reader)?;
        let filter = GalleryFilter { status: None, ..filter };
        let window = (want.offset(), want.limit());
        let (rows, total) = store::album_page(conn, Some((&reader, teasers)), &filter, window)?;
        let items = rows.iter().map(|r| summary(r, &reader)).collect();
        Ok(AlbumPage { items, total, page: want.page, page_size: PAGE_SIZE })
    })
    .await
}

/// Album `id` with its photos for `user_id`.
pub async fn detail(db: &Db, user_id: Option<i64>, id: i64) -> Result<AlbumView, AppError> {
    db.run(move |conn| {
        let reader = Reader::load(conn, user_id)?;
        let row = store::album(conn, id)?.ok_or_else(|| AppError::not_found("相册"))?;
        let f = &row.fields;
        admit(conn, &reader, (&row.status, &f.audience, f.min_position_id), "相册")?;
        let photos = store::photos(conn, id)?
            .into_iter()
            .map(|p| PhotoView { id: p.id, image: ImageRef::of(p.file_id), caption: p.caption })
            .collect();
        Ok(AlbumView { summary: summary(&row, &reader), photos })
    })
    .await
}
