//! `GET /media/{id}-{sig}` (and `/thumbnail`): public files by their signed link, for
//! anyone without a token. Cacheable for a year (a file id's bytes never change), with
//! an `ETag` (the content hash) and single byte ranges for large files; or, with files in
//! a bucket and `media.storage.public = "redirect"`, a 302 to a presigned URL.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::app::AppState;
use crate::kernel::media::{self, FileRow};
use crate::web::error::PublicPageError;

/// Public files may be cached by anyone for a year: the bytes behind a file id never
/// change, and a new upload is a new id.
const CACHE: &str = "public, max-age=31536000, immutable";

/// `GET /media/{token}` and `/media/{token}/thumbnail`: 404 for a link that is not ours.
pub async fn show_media(
    state: web::Data<AppState>,
    token: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, PublicPageError> {
    let id = state.media_links.verify(&token).ok_or_else(media::not_found)?;
    let file = media::find(&state.db, id).await?;
    let thumbnail = req.path().ends_with("/thumbnail") && file.has_thumbnail;
    let etag = format!("\"{}{}\"", file.sha256, if thumbnail { "-t" } else { "" });
    if if_none_match(&req, &etag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, CACHE))
            .finish());
    }
    if let Some(url) = state.media.redirect_url(&file, thumbnail).await? {
        // The presigned URL expires: the redirect itself is not cached for long.
        return Ok(HttpResponse::Found()
            .insert_header((header::LOCATION, url))
            .insert_header((header::CACHE_CONTROL, "private, max-age=60"))
            .finish());
    }
    let bytes = state.media.read(&file, thumbnail).await?;
    Ok(respond(&req, &file, etag, bytes))
}

fn if_none_match(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

fn respond(req: &HttpRequest, file: &FileRow, etag: String, bytes: Vec<u8>) -> HttpResponse {
    let disposition = if file.kind == "image" { "inline" } else { "attachment" };
    let mut res = HttpResponse::build(StatusCode::OK);
    res.content_type(file.content_type.as_str())
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, CACHE))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("{disposition}; filename=\"file-{}.{}\"", file.id, file.extension),
        ));
    let range = req.headers().get(header::RANGE).map(|v| parse_range(v, bytes.len()));
    match range {
        None | Some(Range::Ignore) => res.body(bytes),
        Some(Range::Unsatisfiable) => HttpResponse::RangeNotSatisfiable()
            .insert_header((header::CONTENT_RANGE, format!("bytes */{}", bytes.len())))
            .finish(),
        Some(Range::Part(start, end)) => {
            res.status(StatusCode::PARTIAL_CONTENT).insert_header((
                header::CONTENT_RANGE,
                format!("bytes {start}-{end}/{}", bytes.len()),
            ));
            res.body(bytes[start..=end].to_vec())
        }
    }
}

/// Answers a file whose reader the route has checked: streamed from disk when files
/// live in the data directory; read whole from the bucket otherwise (decision: no
/// ranged bucket reads yet — keep video size limits modest on S3 deployments).
pub async fn serve_checked(
    media: &crate::kernel::media::MediaStore,
    req: &HttpRequest,
    file: &FileRow,
    cache: &'static str,
) -> Result<HttpResponse, crate::error::AppError> {
    if let Some(path) = media.local_path(file) {
        return stream_file(req, &path, file, cache).await;
    }
    let bytes = media.read(file, false).await?;
    let mut res = respond(req, file, format!("\"{}\"", file.sha256), bytes);
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static(cache));
    Ok(res)
}

/// Streams the stored file at `path` from disk (a video can be large: never held in
/// memory), honouring a single byte range as [`show_media`] does. For routes that have
/// checked the reader first (`cache`: their `Cache-Control`).
async fn stream_file(
    req: &HttpRequest,
    path: &std::path::Path,
    file: &FileRow,
    cache: &'static str,
) -> Result<HttpResponse, crate::error::AppError> {
    use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};
    let mut f = tokio::fs::File::open(path).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => media::not_found(),
        _ => crate::error::AppError::internal(e),
    })?;
    let len = usize::try_from(f.metadata().await?.len()).unwrap_or(usize::MAX);
    let mut res = HttpResponse::build(StatusCode::OK);
    res.content_type(file.content_type.as_str())
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ACCEPT_RANGES, "bytes"));
    let range = req.headers().get(header::RANGE).map(|v| parse_range(v, len));
    let (start, end) = match range {
        None | Some(Range::Ignore) => (0, len.saturating_sub(1)),
        Some(Range::Unsatisfiable) => {
            return Ok(HttpResponse::RangeNotSatisfiable()
                .insert_header((header::CONTENT_RANGE, format!("bytes */{len}")))
                .finish());
        }
        Some(Range::Part(start, end)) => {
            res.status(StatusCode::PARTIAL_CONTENT)
                .insert_header((header::CONTENT_RANGE, format!("bytes {start}-{end}/{len}")));
            (start, end)
        }
    };
    f.seek(std::io::SeekFrom::Start(start as u64)).await?;
    let left = if len == 0 { 0 } else { (end + 1 - start) as u64 };
    res.no_chunking(left);
    let chunks = futures_util::stream::unfold((f, left), |(mut f, left)| async move {
        if left == 0 {
            return None;
        }
        let mut buf = vec![0u8; usize::try_from(left.min(64 * 1024)).unwrap_or(64 * 1024)];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(web::Bytes::from(buf)), (f, left.saturating_sub(n as u64))))
            }
            Err(e) => Some((Err(e), (f, 0))),
        }
    });
    Ok(res.streaming(chunks))
}

/// A `Range` header's meaning for a body of `len` bytes.
#[derive(Debug, PartialEq, Eq)]
enum Range {
    /// Serve the whole body (malformed, multiple ranges, or not bytes).
    Ignore,
    /// 416.
    Unsatisfiable,
    /// Bytes `start..=end`.
    Part(usize, usize),
}

fn parse_range(value: &HeaderValue, len: usize) -> Range {
    let Some(spec) = value.to_str().ok().and_then(|v| v.trim().strip_prefix("bytes=")) else {
        return Range::Ignore;
    };
    if spec.contains(',') {
        return Range::Ignore;
    }
    let Some((a, b)) = spec.split_once('-') else { return Range::Ignore };
    let (a, b) = (a.trim(), b.trim());
    let parsed = match (a.parse::<usize>().ok(), b.parse::<usize>().ok()) {
        (Some(start), None) if b.is_empty() => Some((start, len.saturating_sub(1))),
        (Some(start), Some(end)) => Some((start, end.min(len.saturating_sub(1)))),
        (None, Some(suffix)) if a.is_empty() && suffix > 0 => {
            Some((len.saturating_sub(suffix), len.saturating_sub(1)))
        }
        _ => return Range::Ignore,
    };
    match parsed {
        Some((start, end)) if start <= end && start < len => Range::Part(start, end),
        _ => Range::Unsatisfiable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(v: &str, len: usize) -> Range {
        parse_range(&HeaderValue::from_str(v).unwrap(), len)
    }

    #[test]
    fn ranges() {
        assert_eq!(r("bytes=0-9", 100), Range::Part(0, 9));
        assert_eq!(r("bytes=90-", 100), Range::Part(90, 99));
        assert_eq!(r("bytes=-10", 100), Range::Part(90, 99));
        assert_eq!(r("bytes=50-500", 100), Range::Part(50, 99));
        assert_eq!(r("bytes=100-", 100), Range::Unsatisfiable);
        assert_eq!(r("bytes=0-1,5-6", 100), Range::Ignore);
        assert_eq!(r("items=0-1", 100), Range::Ignore);
    }
}
