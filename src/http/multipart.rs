//! Reading one uploaded file from a multipart body, enforcing the size limit while
//! streaming (the body is never held beyond the limit).

use actix_multipart::Multipart;
use futures_util::StreamExt as _;

use crate::error::AppError;
use crate::kernel::media::inspect::too_large;

/// One uploaded file.
#[derive(Debug)]
pub struct UploadedFile {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The client's file name.
    pub file_name: Option<String>,
}

/// After the limit is passed, the rest of the body is read and dropped up to this many
/// bytes so the client receives the 413 instead of a reset connection.
const DRAIN_CAP: usize = 128 * 1024 * 1024;

/// Reads the part named `file`; parts named in `others` are read and ignored, any
/// other part and a second file are refused (422).
pub async fn read_single_file(
    multipart: Multipart,
    max_bytes: usize,
    others: &[&str],
) -> Result<UploadedFile, AppError> {
    read_single_file_draining(multipart, max_bytes, others, DRAIN_CAP).await
}

/// As [`read_single_file`], draining up to `drain_cap` bytes after the limit is passed
/// (video uploads: a client sending twice the limit still receives its 413).
pub async fn read_single_file_draining(
    mut multipart: Multipart,
    max_bytes: usize,
    others: &[&str],
    drain_cap: usize,
) -> Result<UploadedFile, AppError> {
    let mut found: Option<UploadedFile> = None;
    let mut seen = 0usize;
    let mut over_limit = false;
    while let Some(field) = multipart.next().await {
        let mut field =
            field.map_err(|e| AppError::BadRequest(format!("上传内容无法解析: {e}")))?;
        let is_file = field.name() == Some("file");
        if !is_file && !field.name().is_some_and(|n| others.contains(&n)) {
            return Err(AppError::field("file", "只接受名为 file 的文件字段"));
        }
        let file_name =
            field.content_disposition().and_then(|d| d.get_filename()).map(str::to_owned);
        if is_file && found.is_some() {
            return Err(AppError::field("file", "一次只能上传一个文件"));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| AppError::BadRequest(format!("上传中断: {e}")))?;
            seen = seen.saturating_add(chunk.len());
            if seen > drain_cap {
                return Err(too_large(max_bytes));
            }
            if !is_file || over_limit {
                continue;
            }
            if bytes.len() + chunk.len() > max_bytes {
                over_limit = true;
                bytes = Vec::new();
                continue;
            }
            bytes.extend_from_slice(&chunk);
        }
        if is_file && !over_limit {
            found = Some(UploadedFile { bytes, file_name });
        }
    }
    if over_limit {
        return Err(too_large(max_bytes));
    }
    found.ok_or_else(|| AppError::field("file", "请选择要上传的文件"))
}
