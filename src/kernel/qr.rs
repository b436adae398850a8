//! QR codes as PNG (for print) and SVG (for any size).

use image::{ImageEncoder as _, Luma};
use qrcode::{EcLevel, QrCode};

use crate::error::AppError;

fn code(text: &str) -> Result<QrCode, AppError> {
    // Level M survives a smudged or partly covered poster and keeps URLs scannable.
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| AppError::BadRequest(format!("无法生成二维码: {e}")))
}

/// A PNG at least `min_px` wide (quiet zone included), black on white.
pub fn png(text: &str, min_px: u32) -> Result<Vec<u8>, AppError> {
    let image = code(text)?.render::<Luma<u8>>().min_dimensions(min_px, min_px).build();
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(image.as_raw(), image.width(), image.height(), image::ExtendedColorType::L8)
        .map_err(AppError::internal)?;
    Ok(out)
}

/// An SVG document that scales to any size.
pub fn svg(text: &str) -> Result<String, AppError> {
    Ok(code(text)?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_is_at_least_the_asked_size() {
        let bytes = png("https://example.org/q/abc", 1200).unwrap();
        let image = image::load_from_memory(&bytes).unwrap();
        assert!(image.width() >= 1200 && image.width() == image.height());
    }

    #[test]
    fn svg_is_an_svg_document() {
        let svg = svg("https://example.org/q/abc").unwrap();
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }
}
