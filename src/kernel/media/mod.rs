//! The media pipeline: every upload is checked by content, images re-encoded without
//! metadata and thumbnailed, bytes stored by content hash (`blobs`: the data directory
//! or an S3-compatible bucket).

pub mod blobs;
pub mod inspect;
pub mod links;
pub mod store;

use chrono::NaiveDateTime;

use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::kernel::clock::SharedClock;
use crate::kernel::gate::WorkGate;
use crate::kernel::tokens::sha256_hex;
pub use blobs::Blobs;
pub use inspect::{FileKind, MediaLimits};
pub use links::{MediaLinks, MediaUrls};
pub use store::FileRow;

/// Who uploaded a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uploader {
    /// A mini-program user.
    User(i64),
    /// A staff account.
    Staff(i64),
}

/// How much one uploader may store per 24 hours.
#[derive(Debug, Clone, Copy)]
pub struct UploadQuota {
    /// Files.
    pub files: i64,
    /// Bytes (as stored).
    pub bytes: i64,
}

/// Uploaded bytes, named `<aa>/<sha256>.<ext>` in [`Blobs`].
#[derive(Debug, Clone)]
pub struct MediaStore {
    blobs: Blobs,
    limits: MediaLimits,
    gate: WorkGate,
    quota: UploadQuota,
}

impl MediaStore {
    /// A store in `blobs` applying `limits`, decoding under `gate`, with a daily
    /// `quota` per uploader.
    pub fn new(blobs: Blobs, limits: MediaLimits, gate: WorkGate, quota: UploadQuota) -> Self {
        Self { blobs, limits, gate, quota }
    }

    /// The limits in force.
    pub fn limits(&self) -> MediaLimits {
        self.limits
    }

    /// The same store refusing files above `max_bytes` instead (videos: `[content]
    /// video_max_bytes`); everything else unchanged.
    pub fn with_max_bytes(&self, max_bytes: usize) -> Self {
        let mut store = self.clone();
        store.limits.max_bytes = max_bytes;
        store
    }

    /// The work gate (upload slots, decode memory).
    pub fn gate(&self) -> &WorkGate {
        &self.gate
    }

    /// Refuses (429) an upload of `incoming` bytes that would take `uploader` past the
    /// daily quota. Checked before decoding and again in the insert's transaction.
    fn check_quota(
        conn: &mut DbConn,
        quota: UploadQuota,
        uploader: Uploader,
        now: NaiveDateTime,
        incoming: i64,
    ) -> Result<(), AppError> {
        let day = chrono::Duration::hours(24);
        let recent = store::uploaded_since(conn, uploader, now - day, quota.files)?;
        let bytes: i64 = recent.iter().map(|(b, _)| *b).sum();
        if recent.len() as i64 >= quota.files || bytes.saturating_add(incoming) > quota.bytes {
            let oldest = recent.first().map_or(now, |(_, at)| *at);
            let wait = (oldest + day - now).num_seconds().max(60);
            return Err(AppError::RateLimited {
                retry_after_secs: u64::try_from(wait).unwrap_or(3600),
                message: format!(
                    "今日上传已达上限（每 24 小时 {} 个文件、{} MB），请稍后再试",
                    quota.files,
                    quota.bytes / (1024 * 1024)
                ),
            });
        }
        Ok(())
    }

    /// The name of the bytes of `file` (or its thumbnail) in the store.
    pub fn name_of(file: &FileRow, thumbnail: bool) -> String {
        blob_name(&file.sha256, &file.extension, thumbnail)
    }

    /// Checks, normalises and stores `raw`; returns the new record. On any refusal
    /// nothing is written: no file, no row.
    pub async fn save(
        &self,
        db: &Db,
        clock: &SharedClock,
        raw: Vec<u8>,
        original_name: Option<String>,
        uploader: Uploader,
    ) -> Result<FileRow, AppError> {
        let (limits, gate, quota) = (self.limits, self.gate.clone(), self.quota);
        let now = clock.now_naive();
        let incoming = i64::try_from(raw.len()).unwrap_or(i64::MAX);
        db.run(move |conn| Self::check_quota(conn, quota, uploader, now, incoming)).await?;
        let processed =
            crate::kernel::blocking::cpu(move || inspect::process(&raw, limits, &gate)).await?;
        let sha256 = sha256_hex(&processed.bytes);
        let main = blob_name(&sha256, processed.extension, false);
        let mut written = Vec::new();
        if self.blobs.put_new(&main, &processed.bytes).await? {
            written.push(main);
        }
        if let Some(bytes) = &processed.thumbnail {
            let thumb = blob_name(&sha256, processed.extension, true);
            if self.blobs.put_new(&thumb, bytes).await? {
                written.push(thumb);
            }
        }
        let at = clock.now_naive();
        let name = original_name.map(|n| n.chars().take(200).collect::<String>());
        let (user, staff) = match uploader {
            Uploader::User(id) => (Some(id), None),
            Uploader::Staff(id) => (None, Some(id)),
        };
        let (width, height) = match processed.dimensions {
            Some((w, h)) => (i32::try_from(w).ok(), i32::try_from(h).ok()),
            None => (None, None),
        };
        let byte_size = i64::try_from(processed.bytes.len()).unwrap_or(i64::MAX);
        let kind = processed.kind.as_str();
        let (content_type, extension) = (processed.content_type, processed.extension);
        let has_thumbnail = processed.thumbnail.is_some();
        let hash = sha256.clone();
        let inserted = db
            .write(move |conn| {
                lock_uploader(conn, uploader)?;
                Self::check_quota(conn, quota, uploader, at, byte_size)?;
                store::insert(
                    conn,
                    &store::NewFile {
                        sha256: &hash,
                        kind,
                        content_type,
                        extension,
                        byte_size,
                        width,
                        height,
                        has_thumbnail,
                        original_name: name.as_deref(),
                        uploaded_by_user_id: user,
                        uploaded_by_staff_id: staff,
                        created_at: at,
                    },
                )
                .map_err(AppError::from)
            })
            .await;
        if inserted.is_err() {
            for name in written {
                if let Err(e) = self.blobs.remove(&name).await {
                    tracing::warn!(%name, error = %e, "could not remove orphan upload");
                }
            }
        }
        inserted
    }

    /// Where `file` lies on disk, when files are kept in the data directory.
    pub fn local_path(&self, file: &FileRow) -> Option<std::path::PathBuf> {
        self.blobs.local_path(&Self::name_of(file, false))
    }

    /// Reads the bytes of `file` (or its thumbnail).
    pub async fn read(&self, file: &FileRow, thumbnail: bool) -> Result<Vec<u8>, AppError> {
        self.blobs.get(&Self::name_of(file, thumbnail && file.has_thumbnail)).await
    }

    /// A presigned URL of `file` (or its thumbnail) when public files are served by
    /// redirect from a bucket (`media.storage.public = "redirect"`), else `None`.
    pub async fn redirect_url(
        &self,
        file: &FileRow,
        thumbnail: bool,
    ) -> Result<Option<String>, AppError> {
        self.blobs.redirect_url(&Self::name_of(file, thumbnail && file.has_thumbnail)).await
    }
}

/// Locks the uploader's row on PostgreSQL so parallel uploads of one account count
/// one after the other (SQLite's write transaction already serialises).
fn lock_uploader(conn: &mut DbConn, uploader: Uploader) -> Result<(), AppError> {
    use crate::db::schema::{staff, users};
    use diesel::prelude::*;
    if let DbConn::Pg(c) = conn {
        match uploader {
            Uploader::User(id) => {
                users::table.find(id).select(users::id).for_update().first::<i64>(c).optional()?;
            }
            Uploader::Staff(id) => {
                staff::table.find(id).select(staff::id).for_update().first::<i64>(c).optional()?;
            }
        }
    }
    Ok(())
}

/// `<aa>/<sha256>.<ext>`, or `<aa>/<sha256>.thumb.<ext>` for the thumbnail.
fn blob_name(sha256: &str, extension: &str, thumbnail: bool) -> String {
    let prefix = sha256.get(..2).unwrap_or("00");
    let thumb = if thumbnail { ".thumb" } else { "" };
    format!("{prefix}/{sha256}{thumb}.{extension}")
}

/// Loads a file record for a staff member: every file when `sees_all`, otherwise only
/// the member's own uploads (others are "not found", so ids reveal nothing).
pub async fn find_for_staff(
    db: &Db,
    id: i64,
    staff_id: i64,
    sees_all: bool,
) -> Result<FileRow, AppError> {
    let file = find(db, id).await?;
    if sees_all || file.uploaded_by_staff_id == Some(staff_id) {
        Ok(file)
    } else {
        Err(AppError::not_found("文件"))
    }
}

/// Loads a file record.
pub async fn find(db: &Db, id: i64) -> Result<FileRow, AppError> {
    db.run(move |conn| store::find(conn, id)?.ok_or_else(|| AppError::not_found("文件"))).await
}

/// The answer for a file that is absent or not for this caller (they look the same).
pub fn not_found() -> AppError {
    AppError::not_found("文件")
}
