//! Videos (视频): an uploaded MP4 (size limit `[content] video_max_bytes`, kind checked by
//! content) with a poster staff supply, or a Tencent Video / WeChat channels link; the
//! content audience rule on list, detail and the MP4 itself.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::access::Reader;
use super::gallery_store::{self as store, GalleryFilter, VIDEO_SCOPE};
use super::library::{admit, check_file, check_position, teasers_for};
use super::video_model::{VideoFields, VideoInput, VideoRow, source};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::clock::SharedClock;
use crate::kernel::media::FileRow;
use crate::kernel::page::{PAGE_SIZE, Page, PageRequest};
use crate::profiles::reviewed::ImageRef;

fn check_references(conn: &mut DbConn, f: &VideoFields) -> Result<(), AppError> {
    let mut errors = Vec::new();
    check_file(conn, f.file_id, "video", ("file_id", "须为已上传的 MP4 视频"), &mut errors)?;
    let poster = ("poster_file_id", "封面须为已上传的图片");
    check_file(conn, f.poster_file_id, "image", poster, &mut errors)?;
    check_position(conn, f.min_position_id, &mut errors)?;
    if errors.is_empty() { Ok(()) } else { Err(AppError::Validation(errors)) }
}

/// Creates a draft video; returns its id.
pub async fn create(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    input: VideoInput,
) -> Result<i64, AppError> {
    let fields = input.validate()?;
    let at = clock.now_naive();
    db.write(move |conn| {
        check_references(conn, &fields)?;
        let id = store::insert_video(conn, &fields, staff_id, at)?;
        store::reindex(conn, VIDEO_SCOPE, id, &fields.search_text)?;
        let details = serde_json::json!({"title": fields.title, "source": fields.source});
        super::audit_content(conn, at, staff_id, "video.create", "videos", Some(id), &details)?;
        Ok(id)
    })
    .await
}

/// Saves staff's changes to video `id`, keeping its state.
pub async fn update(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    input: VideoInput,
) -> Result<(), AppError> {
    let fields = input.validate()?;
    let at = clock.now_naive();
    db.write(move |conn| {
        store::lock_video(conn, id)?.ok_or_else(|| AppError::not_found("视频"))?;
        check_references(conn, &fields)?;
        store::update_video(conn, id, &fields, at)?;
        store::reindex(conn, VIDEO_SCOPE, id, &fields.search_text)?;
        let details = serde_json::json!({"title": fields.title});
        super::audit_content(conn, at, staff_id, "video.update", "videos", Some(id), &details)
    })
    .await
}

/// Publishes video `id` now (`true`) or takes it back to draft.
pub async fn set_published(
    db: &Db,
    clock: &SharedClock,
    staff_id: i64,
    id: i64,
    published: bool,
) -> Result<(), AppError> {
    let now = clock.now_naive();
    db.write(move |conn| {
        store::lock_video(conn, id)?.ok_or_else(|| AppError::not_found("视频"))?;
        let (state, at, verb) = super::publication(published, now);
        let action = &format!("video.{verb}");
        store::set_video_state(conn, id, state, at, now)?;
        super::audit_content(conn, now, staff_id, action, "videos", Some(id), &().into())
    })
    .await
}

/// One video for staff.
pub async fn find(db: &Db, id: i64) -> Result<VideoRow, AppError> {
    db.run(move |conn| store::video(conn, id)?.ok_or_else(|| AppError::not_found("视频"))).await
}

/// The workbench list.
pub async fn staff_list(
    db: &Db,
    filter: GalleryFilter,
    page: i64,
) -> Result<Page<VideoRow>, AppError> {
    let want = PageRequest::new(page);
    db.run(move |conn| {
        let (rows, total) = store::video_page(conn, None, &filter, (want.offset(), want.limit()))?;
        Ok(want.answer(rows, total))
    })
    .await
}

/// A video for its reader.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VideoView {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Summary (empty when locked).
    pub summary: String,
    /// `upload` (play `play_path`) or `link` (open `link_url`).
    pub source: String,
    /// The poster image.
    pub poster: Option<ImageRef>,
    /// Uploads: where to play the MP4 (byte ranges; checked at request time — send the
    /// token). None when locked.
    pub play_path: Option<String>,
    /// Links: the Tencent Video / channels page. Empty when locked.
    pub link_url: String,
    /// Published (UTC).
    #[serde(serialize_with = "crate::kernel::clock::serialize_utc_opt")]
    pub published_at: Option<NaiveDateTime>,
    /// Outside the reader's audience: a teaser; the video itself answers 403.
    pub locked: bool,
}

/// A page of videos.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VideoPage {
    /// Newest first.
    pub items: Vec<VideoView>,
    /// All matching.
    pub total: i64,
    /// This page (from 1).
    pub page: i64,
    /// Page size.
    pub page_size: i64,
}

fn view(row: &VideoRow, reader: &Reader) -> VideoView {
    let f = &row.fields;
    let locked = !reader.admits(&f.audience, f.min_position_id);
    let upload = f.source == source::UPLOAD;
    VideoView {
        id: row.id,
        title: f.title.clone(),
        summary: if locked { String::new() } else { f.summary.clone() },
        source: f.source.clone(),
        poster: f.poster_file_id.map(ImageRef::of),
        play_path: (upload && !locked).then(|| format!("/api/v1/videos/{}/file", row.id)),
        link_url: if locked { String::new() } else { f.link_url.clone() },
        published_at: row.published_at,
        locked,
    }
}

/// Videos for `user_id` (none: no token).
pub async fn list(
    db: &Db,
    user_id: Option<i64>,
    filter: GalleryFilter,
    page: i64,
) -> Result<VideoPage, AppError> {
    let want = PageRequest::new(page);
    db.run(move |conn| {
        let reader = Reader::load(conn, user_id)?;
        let teasers = teasers_for(conn, &reader)?;
        let filter = GalleryFilter { status: None, ..filter };
        let window = (want.offset(), want.limit());
        let (rows, total) = store::video_page(conn, Some((&reader, teasers)), &filter, window)?;
        let items = rows.iter().map(|r| view(r, &reader)).collect();
        Ok(VideoPage { items, total, page: want.page, page_size: PAGE_SIZE })
    })
    .await
}

fn readable(conn: &mut DbConn, reader: &Reader, id: i64) -> Result<VideoRow, AppError> {
    let row = store::video(conn, id)?.ok_or_else(|| AppError::not_found("视频"))?;
    let f = &row.fields;
    admit(conn, reader, (&row.status, &f.audience, f.min_position_id), "视频")?;
    Ok(row)
}

/// Video `id` for `user_id`.
pub async fn detail(db: &Db, user_id: Option<i64>, id: i64) -> Result<VideoView, AppError> {
    db.run(move |conn| {
        let reader = Reader::load(conn, user_id)?;
        let row = readable(conn, &reader, id)?;
        Ok(view(&row, &reader))
    })
    .await
}

/// The MP4 of video `id` for `user_id`, checked against the audience now.
pub async fn file(db: &Db, user_id: Option<i64>, id: i64) -> Result<FileRow, AppError> {
    db.run(move |conn| {
        let reader = Reader::load(conn, user_id)?;
        let row = readable(conn, &reader, id)?;
        let file_id = row.fields.file_id.ok_or_else(crate::kernel::media::not_found)?;
        crate::kernel::media::store::find(conn, file_id)?
            .ok_or_else(crate::kernel::media::not_found)
    })
    .await
}
