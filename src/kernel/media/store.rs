//! Queries of the `files` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::files;

/// A stored file's record.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = files)]
pub struct FileRow {
    /// Row id, the "file id" clients send back.
    pub id: i64,
    /// SHA-256 of the stored bytes; also the file name.
    pub sha256: String,
    /// `image` or `document`.
    pub kind: String,
    /// MIME type.
    pub content_type: String,
    /// Extension without dot.
    pub extension: String,
    /// Stored size.
    pub byte_size: i64,
    /// Image width.
    pub width: Option<i32>,
    /// Image height.
    pub height: Option<i32>,
    /// Whether a thumbnail exists.
    pub has_thumbnail: bool,
    /// The name the uploader's file had.
    pub original_name: Option<String>,
    /// Uploading user.
    pub uploaded_by_user_id: Option<i64>,
    /// Uploading staff.
    pub uploaded_by_staff_id: Option<i64>,
    /// When uploaded.
    pub created_at: NaiveDateTime,
}

/// A new record.
#[derive(Debug, Insertable)]
#[diesel(table_name = files)]
pub struct NewFile<'a> {
    /// SHA-256 of the stored bytes.
    pub sha256: &'a str,
    /// `image` or `document`.
    pub kind: &'a str,
    /// MIME type.
    pub content_type: &'a str,
    /// Extension.
    pub extension: &'a str,
    /// Size.
    pub byte_size: i64,
    /// Width.
    pub width: Option<i32>,
    /// Height.
    pub height: Option<i32>,
    /// Thumbnail present.
    pub has_thumbnail: bool,
    /// Original name.
    pub original_name: Option<&'a str>,
    /// User uploader.
    pub uploaded_by_user_id: Option<i64>,
    /// Staff uploader.
    pub uploaded_by_staff_id: Option<i64>,
    /// When.
    pub created_at: NaiveDateTime,
}

/// Inserts a record and returns it.
pub fn insert(conn: &mut DbConn, new: &NewFile<'_>) -> QueryResult<FileRow> {
    crate::per_backend!(conn, |c| diesel::insert_into(files::table)
        .values(new)
        .returning(FileRow::as_returning())
        .get_result(c))
}

/// One record.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<FileRow>> {
    files::table.find(id).select(FileRow::as_select()).first(conn).optional()
}

/// How many records point at the bytes `sha256`.
pub fn count_by_hash(conn: &mut DbConn, sha256: &str) -> QueryResult<i64> {
    files::table.filter(files::sha256.eq(sha256)).count().get_result(conn)
}

/// Size and time of the files `uploader` stored since `since`, oldest first, at most
/// `limit` of them (the quota needs no more).
pub fn uploaded_since(
    conn: &mut DbConn,
    uploader: super::Uploader,
    since: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<(i64, NaiveDateTime)>> {
    let query = files::table
        .filter(files::created_at.gt(since))
        .order(files::created_at.asc())
        .select((files::byte_size, files::created_at))
        .limit(limit);
    match uploader {
        super::Uploader::User(id) => query.filter(files::uploaded_by_user_id.eq(id)).load(conn),
        super::Uploader::Staff(id) => query.filter(files::uploaded_by_staff_id.eq(id)).load(conn),
    }
}
