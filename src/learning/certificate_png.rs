//! The completion certificate as a PNG: the course's background image (or a plain
//! bordered sheet) at 1600×1131 with the texts where the design puts them, drawn with
//! the font file configured as `learning.certificate_font`, else the embedded Chinese
//! font (`kernel::font`), so the PNG renders on any machine.

use std::path::{Path, PathBuf};

use ab_glyph::{Font, FontVec, PxScale, ScaleFont as _};
use image::{Rgba, RgbaImage};

use super::model::{CertificateLayout, TextPos};
use crate::error::AppError;

/// Canvas width (A4 landscape at ~190 dpi).
pub const WIDTH: u32 = 1600;
/// Canvas height.
pub const HEIGHT: u32 = 1131;

/// The configured font file, when one is set and exists (else the embedded font).
pub fn font_path(configured: &Path) -> Option<PathBuf> {
    (!configured.as_os_str().is_empty() && configured.exists()).then(|| configured.to_path_buf())
}

/// The texts of one certificate.
#[derive(Debug, Clone)]
pub struct CertificateTexts {
    /// 结业证书.
    pub title: String,
    /// The learner's real name.
    pub name: String,
    /// The description line.
    pub body: String,
    /// 证书编号：….
    pub number: String,
    /// 颁发日期：… and the association.
    pub date: String,
}

fn font_missing() -> AppError {
    AppError::Busy {
        retry_after_secs: 3600,
        message: "证书字体不可用，暂不能生成证书图片，请使用打印页面".into(),
    }
}

/// Draws the certificate (CPU work: call through `kernel::blocking::cpu`).
pub fn render(
    font_file: Option<PathBuf>,
    background: Option<Vec<u8>>,
    layout: &CertificateLayout,
    texts: &CertificateTexts,
) -> Result<Vec<u8>, AppError> {
    match font_file {
        Some(path) => {
            let bytes = std::fs::read(&path).map_err(|_| font_missing())?;
            let font = FontVec::try_from_vec_and_index(bytes, 0).map_err(|_| font_missing())?;
            paint(&font, background, layout, texts)
        }
        None => {
            paint(crate::kernel::font::cjk().ok_or_else(font_missing)?, background, layout, texts)
        }
    }
}

fn paint(
    font: &impl Font,
    background: Option<Vec<u8>>,
    layout: &CertificateLayout,
    texts: &CertificateTexts,
) -> Result<Vec<u8>, AppError> {
    let mut canvas = match background.and_then(|b| image::load_from_memory(&b).ok()) {
        Some(img) => image::imageops::resize(
            &img.to_rgba8(),
            WIDTH,
            HEIGHT,
            image::imageops::FilterType::Triangle,
        ),
        None => plain_sheet(),
    };
    let ink = Rgba([60, 40, 20, 255]);
    let red = Rgba([150, 20, 20, 255]);
    draw(&mut canvas, font, layout.title, &texts.title, red);
    draw(&mut canvas, font, layout.name, &texts.name, ink);
    draw(&mut canvas, font, layout.body, &texts.body, ink);
    draw(&mut canvas, font, layout.number, &texts.number, ink);
    draw(&mut canvas, font, layout.date, &texts.date, ink);
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgba8(canvas)
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(AppError::internal)?;
    Ok(out.into_inner())
}

/// A cream sheet with a double gold border.
fn plain_sheet() -> RgbaImage {
    let gold = Rgba([184, 140, 60, 255]);
    RgbaImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let edge = x.min(y).min(WIDTH - 1 - x).min(HEIGHT - 1 - y);
        if (30..42).contains(&edge) || (52..56).contains(&edge) {
            gold
        } else {
            Rgba([253, 249, 236, 255])
        }
    })
}

/// Draws `text` centred on the layout position.
fn draw(canvas: &mut RgbaImage, font: &impl Font, pos: TextPos, text: &str, colour: Rgba<u8>) {
    let scale = PxScale::from(f32::from(pos.size));
    let scaled = font.as_scaled(scale);
    let width: f32 = text.chars().map(|c| scaled.h_advance(font.glyph_id(c))).sum();
    let cx = f32::from(pos.x) / 100.0 * WIDTH as f32;
    let cy = f32::from(pos.y) / 100.0 * HEIGHT as f32;
    let mut x = cx - width / 2.0;
    let baseline = cy + (scaled.ascent() + scaled.descent()) / 2.0;
    for c in text.chars() {
        let id = font.glyph_id(c);
        let glyph = id.with_scale_and_position(scale, ab_glyph::point(x, baseline));
        x += scaled.h_advance(id);
        let Some(outlined) = font.outline_glyph(glyph) else { continue };
        let bounds = outlined.px_bounds();
        outlined.draw(|gx, gy, coverage| {
            let px = bounds.min.x as i64 + i64::from(gx);
            let py = bounds.min.y as i64 + i64::from(gy);
            let (Ok(px), Ok(py)) = (u32::try_from(px), u32::try_from(py)) else { return };
            if px >= WIDTH || py >= HEIGHT {
                return;
            }
            let under = canvas.get_pixel_mut(px, py);
            let a = coverage.clamp(0.0, 1.0);
            for i in 0..3 {
                let mixed = f32::from(colour[i]) * a + f32::from(under[i]) * (1.0 - a);
                under[i] = mixed.round().clamp(0.0, 255.0) as u8;
            }
        });
    }
}
