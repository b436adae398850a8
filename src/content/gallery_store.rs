//! Queries of `albums`, `album_photos` and `videos`; what readers may list is the
//! library's one rule (`library_store::readable!`).

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use diesel::result::Error;

use super::library_model::{AlbumFields, AlbumRow, PhotoRow};
use super::library_store::{readable, searched};
use super::model::status;
use super::video_model::{VideoFields, VideoRow};
use crate::db::DbConn;
use crate::db::schema::{album_photos, albums, videos};
use crate::kernel::search::{self, SearchQuery};

/// The `kernel::search` scope of albums.
pub const ALBUM_SCOPE: &str = "album";
/// The `kernel::search` scope of videos.
pub const VIDEO_SCOPE: &str = "video";

/// Filters of album and video lists.
#[derive(Debug, Clone, Default)]
pub struct GalleryFilter {
    /// Words in the title or description.
    pub q: Option<SearchQuery>,
    /// Workbench: `draft` or `published`.
    pub status: Option<String>,
}

/// One page of albums: `reader` given, what they may see (locked too when `teasers`),
/// newest published first; none, the workbench's, newest change first.
pub fn album_page(
    conn: &mut DbConn,
    reader: Option<(&super::Reader, bool)>,
    filter: &GalleryFilter,
    (offset, limit): (i64, i64),
) -> Result<(Vec<AlbumRow>, i64), Error> {
    let all = || {
        let base = match reader {
            Some((r, teasers)) => readable!(albums, r, teasers),
            None => albums::table.into_boxed(),
        };
        let mut q = searched!(base, albums, ALBUM_SCOPE, &filter.q);
        if let Some(s) = &filter.status {
            q = q.filter(albums::status.eq(s.clone()));
        }
        q
    };
    let total = all().select(count_star()).first(conn)?;
    let ordered = if reader.is_some() {
        all().order((albums::published_at.desc(), albums::id.desc()))
    } else {
        all().order((albums::updated_at.desc(), albums::id.desc()))
    };
    let rows = ordered.offset(offset).limit(limit).select(AlbumRow::as_select()).load(conn)?;
    Ok((rows, total))
}

/// An album.
pub fn album(conn: &mut DbConn, id: i64) -> Result<Option<AlbumRow>, Error> {
    albums::table.find(id).select(AlbumRow::as_select()).first(conn).optional()
}

/// An album, row-locked until the transaction ends (PostgreSQL): photo orders and
/// covers are decided on it.
pub fn lock_album(conn: &mut DbConn, id: i64) -> Result<Option<AlbumRow>, Error> {
    crate::lock_for_update!(conn, albums::table.find(id).select(AlbumRow::as_select()))
}

/// Inserts a draft album; returns its id.
pub fn insert_album(
    conn: &mut DbConn,
    fields: &AlbumFields,
    created_by: i64,
    at: NaiveDateTime,
) -> Result<i64, Error> {
    let values = (
        fields,
        albums::status.eq(status::DRAFT),
        albums::created_by.eq(created_by),
        albums::created_at.eq(at),
        albums::updated_at.eq(at),
    );
    crate::per_backend!(conn, |c| diesel::insert_into(albums::table)
        .values(values)
        .returning(albums::id)
        .get_result(c))
}

/// Replaces what staff set on album `id`.
pub fn update_album(
    conn: &mut DbConn,
    id: i64,
    fields: &AlbumFields,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(albums::table.find(id)).set((fields, albums::updated_at.eq(at))).execute(conn)
}

/// Sets the state of album `id`.
pub fn set_album_state(
    conn: &mut DbConn,
    id: i64,
    state: &str,
    published_at: Option<NaiveDateTime>,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(albums::table.find(id))
        .set((
            albums::status.eq(state),
            albums::published_at.eq(published_at),
            albums::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Sets the cover of album `id`.
pub fn set_cover(conn: &mut DbConn, id: i64, file_id: Option<i64>) -> Result<usize, Error> {
    diesel::update(albums::table.find(id)).set(albums::cover_file_id.eq(file_id)).execute(conn)
}

/// The photos of album `id`, in order.
pub fn photos(conn: &mut DbConn, album_id: i64) -> Result<Vec<PhotoRow>, Error> {
    album_photos::table
        .filter(album_photos::album_id.eq(album_id))
        .order((album_photos::sort_order.asc(), album_photos::id.asc()))
        .select(PhotoRow::as_select())
        .load(conn)
}

/// Adds a photo at the end of album `album_id` (call with the album locked).
pub fn add_photo(
    conn: &mut DbConn,
    album_id: i64,
    file_id: i64,
    caption: &str,
    at: NaiveDateTime,
) -> Result<i64, Error> {
    let last: Option<i32> = album_photos::table
        .filter(album_photos::album_id.eq(album_id))
        .select(diesel::dsl::max(album_photos::sort_order))
        .first(conn)?;
    let values = (
        album_photos::album_id.eq(album_id),
        album_photos::file_id.eq(file_id),
        album_photos::caption.eq(caption),
        album_photos::sort_order.eq(last.map_or(1, |n| n.saturating_add(1))),
        album_photos::created_at.eq(at),
    );
    crate::per_backend!(conn, |c| diesel::insert_into(album_photos::table)
        .values(values)
        .returning(album_photos::id)
        .get_result(c))
}

/// Sets a photo's caption and order; 0 rows when it is not of `album_id`.
pub fn update_photo(
    conn: &mut DbConn,
    album_id: i64,
    photo_id: i64,
    caption: &str,
    sort_order: i32,
) -> Result<usize, Error> {
    diesel::update(album_photos::table.find(photo_id).filter(album_photos::album_id.eq(album_id)))
        .set((album_photos::caption.eq(caption), album_photos::sort_order.eq(sort_order)))
        .execute(conn)
}

/// Removes a photo; 0 rows when it is not of `album_id`.
pub fn delete_photo(conn: &mut DbConn, album_id: i64, photo_id: i64) -> Result<usize, Error> {
    diesel::delete(album_photos::table.find(photo_id).filter(album_photos::album_id.eq(album_id)))
        .execute(conn)
}

/// One page of videos, as [`album_page`].
pub fn video_page(
    conn: &mut DbConn,
    reader: Option<(&super::Reader, bool)>,
    filter: &GalleryFilter,
    (offset, limit): (i64, i64),
) -> Result<(Vec<VideoRow>, i64), Error> {
    let all = || {
        let base = match reader {
            Some((r, teasers)) => readable!(videos, r, teasers),
            None => videos::table.into_boxed(),
        };
        let mut q = searched!(base, videos, VIDEO_SCOPE, &filter.q);
        if let Some(s) = &filter.status {
            q = q.filter(videos::status.eq(s.clone()));
        }
        q
    };
    let total = all().select(count_star()).first(conn)?;
    let ordered = if reader.is_some() {
        all().order((videos::published_at.desc(), videos::id.desc()))
    } else {
        all().order((videos::updated_at.desc(), videos::id.desc()))
    };
    let rows = ordered.offset(offset).limit(limit).select(VideoRow::as_select()).load(conn)?;
    Ok((rows, total))
}

/// A video.
pub fn video(conn: &mut DbConn, id: i64) -> Result<Option<VideoRow>, Error> {
    videos::table.find(id).select(VideoRow::as_select()).first(conn).optional()
}

/// A video, row-locked until the transaction ends (PostgreSQL).
pub fn lock_video(conn: &mut DbConn, id: i64) -> Result<Option<VideoRow>, Error> {
    crate::lock_for_update!(conn, videos::table.find(id).select(VideoRow::as_select()))
}

/// Inserts a draft video; returns its id.
pub fn insert_video(
    conn: &mut DbConn,
    fields: &VideoFields,
    created_by: i64,
    at: NaiveDateTime,
) -> Result<i64, Error> {
    let values = (
        fields,
        videos::status.eq(status::DRAFT),
        videos::created_by.eq(created_by),
        videos::created_at.eq(at),
        videos::updated_at.eq(at),
    );
    crate::per_backend!(conn, |c| diesel::insert_into(videos::table)
        .values(values)
        .returning(videos::id)
        .get_result(c))
}

/// Replaces what staff set on video `id`.
pub fn update_video(
    conn: &mut DbConn,
    id: i64,
    fields: &VideoFields,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(videos::table.find(id)).set((fields, videos::updated_at.eq(at))).execute(conn)
}

/// Sets the state of video `id`.
pub fn set_video_state(
    conn: &mut DbConn,
    id: i64,
    state: &str,
    published_at: Option<NaiveDateTime>,
    at: NaiveDateTime,
) -> Result<usize, Error> {
    diesel::update(videos::table.find(id))
        .set((
            videos::status.eq(state),
            videos::published_at.eq(published_at),
            videos::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Keeps the search index of `scope` in step.
pub fn reindex(conn: &mut DbConn, scope: &str, id: i64, text: &str) -> Result<(), Error> {
    search::reindex(conn, scope, id, &[text])
}
