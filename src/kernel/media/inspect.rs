//! Pure checks of an upload: type by magic bytes, size and pixel limits, re-encoding
//! images without metadata, thumbnails. No I/O besides the bytes given.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder as _, ImageFormat, ImageReader};

use crate::error::AppError;
use crate::kernel::gate::WorkGate;

/// Limits applied to every upload.
#[derive(Debug, Clone, Copy)]
pub struct MediaLimits {
    /// Largest file in bytes.
    pub max_bytes: usize,
    /// Largest image in pixels.
    pub max_pixels: u64,
    /// Longest side of thumbnails.
    pub thumbnail_px: u32,
}

/// What an upload turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A picture, re-encoded and thumbnailed.
    Image,
    /// A document kept byte for byte (PDF, Word, Excel).
    Document,
    /// A video kept byte for byte (MP4), for video lessons.
    Video,
}

impl FileKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Document => "document",
            Self::Video => "video",
        }
    }
}

/// An accepted upload, ready to be stored.
#[derive(Debug, Clone)]
pub struct Processed {
    /// Image or document.
    pub kind: FileKind,
    /// MIME type of `bytes`.
    pub content_type: &'static str,
    /// File extension of `bytes`, without the dot.
    pub extension: &'static str,
    /// What is stored: re-encoded for images, the original for documents.
    pub bytes: Vec<u8>,
    /// Pixel size of images.
    pub dimensions: Option<(u32, u32)>,
    /// A small JPEG or PNG of an image, same extension as `bytes`.
    pub thumbnail: Option<Vec<u8>>,
}

const DOCUMENTS: &[(&str, &str)] = &[
    ("application/pdf", "pdf"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
];

/// Checks and normalises `raw`; refuses anything that is not an accepted type. Image
/// decodes take their memory from `gate` first (503 when it is spent).
pub fn process(raw: &[u8], limits: MediaLimits, gate: &WorkGate) -> Result<Processed, AppError> {
    if raw.is_empty() {
        return Err(AppError::field("file", "文件是空的"));
    }
    if raw.len() > limits.max_bytes {
        return Err(too_large(limits.max_bytes));
    }
    let detected = infer::get(raw).map(|t| t.mime_type());
    match detected {
        Some("image/jpeg") => image(raw, ImageFormat::Jpeg, limits, gate),
        Some("image/png") => image(raw, ImageFormat::Png, limits, gate),
        Some("image/gif") => image(raw, ImageFormat::Gif, limits, gate),
        Some("image/webp") => image(raw, ImageFormat::WebP, limits, gate),
        Some("video/mp4") => Ok(Processed {
            kind: FileKind::Video,
            content_type: "video/mp4",
            extension: "mp4",
            bytes: raw.to_vec(),
            dimensions: None,
            thumbnail: None,
        }),
        Some(mime) => match DOCUMENTS.iter().find(|(m, _)| *m == mime) {
            Some((content_type, extension)) => Ok(Processed {
                kind: FileKind::Document,
                content_type,
                extension,
                bytes: raw.to_vec(),
                dimensions: None,
                thumbnail: None,
            }),
            None => Err(unsupported(Some(mime))),
        },
        None => Err(unsupported(None)),
    }
}

/// The 413 message for a limit in bytes.
pub fn too_large(max_bytes: usize) -> AppError {
    AppError::PayloadTooLarge(format!("文件过大，最大 {} MB", max_bytes / (1024 * 1024)))
}

fn unsupported(detected: Option<&str>) -> AppError {
    let seen = detected.map(|m| format!("（检测到 {m}）")).unwrap_or_default();
    AppError::UnsupportedMediaType(format!(
        "不支持的文件类型{seen}：请上传 JPG、PNG、GIF、WebP 图片或 PDF、Word、Excel 文档"
    ))
}

fn image(
    raw: &[u8],
    format: ImageFormat,
    limits: MediaLimits,
    gate: &WorkGate,
) -> Result<Processed, AppError> {
    let broken = |_| AppError::field("file", "图片已损坏或无法识别");
    // Read the header first: a decompression bomb is refused before any pixel is decoded.
    let (width, height) =
        ImageReader::with_format(Cursor::new(raw), format).into_dimensions().map_err(broken)?;
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(AppError::field(
            "file",
            format!("图片尺寸过大（{width}×{height}），最多 {} 万像素", limits.max_pixels / 10_000),
        ));
    }
    let mut reader = ImageReader::with_format(Cursor::new(raw), format);
    let mut decode_limits = image::Limits::default();
    decode_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8));
    reader.limits(decode_limits);
    let mut decoder = reader.into_decoder().map_err(broken)?;
    let orientation = decoder.orientation().map_err(broken)?;
    let _permit =
        gate.try_memory(decode_cost(decoder.total_bytes(), width, height, format, orientation))?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(broken)?;
    picture.apply_orientation(orientation);

    // Photos stay JPEG; anything that may carry transparency or line art becomes PNG.
    let as_jpeg =
        format == ImageFormat::Jpeg || !picture.color().has_alpha() && format == ImageFormat::WebP;
    let bytes = encode(&picture, as_jpeg, 85)?;
    let thumb = picture.thumbnail(limits.thumbnail_px, limits.thumbnail_px);
    let thumbnail = Some(encode(&thumb, as_jpeg, 80)?);
    let (content_type, extension) =
        if as_jpeg { ("image/jpeg", "jpg") } else { ("image/png", "png") };
    Ok(Processed {
        kind: FileKind::Image,
        content_type,
        extension,
        bytes,
        dimensions: Some((picture.width(), picture.height())),
        thumbnail,
    })
}

/// Bytes a decode may take at its peak: the pixels, a rotated copy when the photo
/// asks to be turned, and an RGB copy when the result becomes a JPEG.
fn decode_cost(
    pixel_bytes: u64,
    width: u32,
    height: u32,
    format: ImageFormat,
    orientation: image::metadata::Orientation,
) -> u64 {
    let pixels = u64::from(width) * u64::from(height);
    let rotated =
        if orientation == image::metadata::Orientation::NoTransforms { 0 } else { pixel_bytes };
    let to_jpeg =
        if matches!(format, ImageFormat::Jpeg | ImageFormat::WebP) { pixels * 3 } else { 0 };
    pixel_bytes + rotated + to_jpeg
}

/// Re-encoding writes pixels only: EXIF, GPS and comments of the original are gone.
fn encode(picture: &DynamicImage, as_jpeg: bool, quality: u8) -> Result<Vec<u8>, AppError> {
    let mut out = Cursor::new(Vec::new());
    if as_jpeg {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
        // An RGB picture is encoded as it is; others are converted (one copy).
        match picture {
            DynamicImage::ImageRgb8(rgb) => rgb.write_with_encoder(encoder),
            other => other.to_rgb8().write_with_encoder(encoder),
        }
        .map_err(AppError::internal)?;
    } else {
        picture.write_to(&mut out, ImageFormat::Png).map_err(AppError::internal)?;
    }
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: MediaLimits =
        MediaLimits { max_bytes: 1 << 20, max_pixels: 4_000_000, thumbnail_px: 64 };

    fn process(raw: &[u8], limits: MediaLimits) -> Result<Processed, AppError> {
        super::process(raw, limits, &WorkGate::new(64, 1))
    }

    #[test]
    fn a_decode_waits_for_memory_as_a_503() {
        let gate = WorkGate::new(16, 1);
        let held = gate.try_memory(16 * 1024 * 1024).unwrap();
        let err = super::process(&png_of(300, 200), LIMITS, &gate).unwrap_err();
        assert_eq!((err.code(), err.retry_after()), ("busy", Some(5)));
        drop(held);
        assert!(super::process(&png_of(300, 200), LIMITS, &gate).is_ok());
    }

    fn png_of(width: u32, height: u32) -> Vec<u8> {
        let img = DynamicImage::new_rgba8(width, height);
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn images_are_reencoded_with_a_thumbnail() {
        let done = process(&png_of(300, 200), LIMITS).unwrap();
        assert_eq!(
            (done.kind, done.extension, done.dimensions),
            (FileKind::Image, "png", Some((300, 200)))
        );
        let thumb = image::load_from_memory(done.thumbnail.as_deref().unwrap()).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (64, 43));
    }

    #[test]
    fn jpeg_metadata_is_dropped() {
        let mut jpeg = Cursor::new(Vec::new());
        DynamicImage::new_rgb8(40, 30).write_to(&mut jpeg, ImageFormat::Jpeg).unwrap();
        let mut raw = jpeg.into_inner();
        // Splice an APP1 (EXIF) segment with a marker string right after SOI.
        let payload = b"Exif\0\0GPS-SECRET-LOCATION";
        let len = u16::try_from(payload.len() + 2).unwrap().to_be_bytes();
        let segment = [&[0xFF, 0xE1], &len[..], payload].concat();
        raw.splice(2..2, segment);
        let done = process(&raw, LIMITS).unwrap();
        assert_eq!(done.extension, "jpg");
        assert!(!done.bytes.windows(10).any(|w| w == b"GPS-SECRET"));
    }

    #[test]
    fn oversized_and_unknown_inputs_are_refused() {
        assert_eq!(process(&png_of(3000, 2000), LIMITS).unwrap_err().code(), "validation_failed");
        assert_eq!(
            process(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", LIMITS).unwrap_err().code(),
            "unsupported_media_type"
        );
        assert_eq!(process(b"just text", LIMITS).unwrap_err().code(), "unsupported_media_type");
        assert_eq!(
            process(&vec![0u8; (1 << 20) + 1], LIMITS).unwrap_err().code(),
            "payload_too_large"
        );
        assert_eq!(process(b"", LIMITS).unwrap_err().code(), "validation_failed");
    }

    #[test]
    fn pdf_documents_are_kept_as_they_are() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
        let done = process(pdf, LIMITS).unwrap();
        assert_eq!((done.kind, done.extension), (FileKind::Document, "pdf"));
        assert_eq!(done.bytes, pdf);
    }
}
