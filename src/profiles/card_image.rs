//! The share image of a card: a 5:4 PNG (600×480, as WeChat share cards want) with the
//! member's name, title, company and position in Noto Sans SC (SIL OFL 1.1), drawn on
//! the card's background, with the card link's QR code. The font is a subset (ASCII,
//! GB2312's 6,763 hanzi and common punctuation, 2.1 MB) embedded in the binary; a
//! character outside it draws as the font's blank box.

use std::sync::Arc;

use ab_glyph::{Font as _, PxScale, ScaleFont as _, point};
use image::{ImageEncoder as _, Rgb, RgbImage, imageops};
use sha2::{Digest as _, Sha256};

use super::card_cache::CardCaches;
use super::card_model::Palette;
use super::card_view::PublicCard;
use crate::db::Db;
use crate::error::AppError;
use crate::kernel::media::MediaStore;

/// Width of the share image.
pub const WIDTH: u32 = 600;
/// Height of the share image (5:4).
pub const HEIGHT: u32 = 480;

/// What a share image shows; its fingerprint decides when the cached image is stale.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageSpec {
    /// Layout key (`classic`, `simple`, `business`).
    pub layout: String,
    /// Background colours (uploaded images: text colours over the veil).
    pub palette: [[u8; 3]; 3],
    /// Uploaded background image file, if any.
    pub image_file_id: Option<i64>,
    /// Name ('' when not ticked).
    pub name: String,
    /// Title.
    pub title: String,
    /// Company.
    pub company: String,
    /// Position in the association.
    pub position: String,
    /// The association's name (footer).
    pub association: String,
    /// The card link (QR code).
    pub url: String,
}

impl ImageSpec {
    /// A short hash of everything drawn.
    pub fn fingerprint(&self) -> String {
        let text = format!("{self:?}");
        hex::encode(&Sha256::digest(text.as_bytes())[..8])
    }

    /// The palette.
    pub fn palette(&self) -> Palette {
        Palette { from: self.palette[0], to: self.palette[1], text: self.palette[2] }
    }
}

fn lerp(a: u8, b: u8, t: f32) -> u8 {
    (f32::from(a) + (f32::from(b) - f32::from(a)) * t).round().clamp(0.0, 255.0) as u8
}

fn gradient(p: Palette) -> RgbImage {
    let span = (WIDTH + HEIGHT) as f32;
    RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let t = (x + y) as f32 / span;
        Rgb([lerp(p.from[0], p.to[0], t), lerp(p.from[1], p.to[1], t), lerp(p.from[2], p.to[2], t)])
    })
}

/// An uploaded background, scaled to cover and cropped to the middle, under a dark
/// veil so white text reads on any photo.
fn photo_background(bytes: &[u8]) -> Option<RgbImage> {
    let img = image::load_from_memory(bytes).ok()?.to_rgb8();
    let (w, h) = (img.width().max(1) as f32, img.height().max(1) as f32);
    let scale = (WIDTH as f32 / w).max(HEIGHT as f32 / h);
    let (nw, nh) = ((w * scale).ceil() as u32, (h * scale).ceil() as u32);
    let resized = imageops::resize(&img, nw.max(WIDTH), nh.max(HEIGHT), imageops::Triangle);
    let (x, y) = ((resized.width() - WIDTH) / 2, (resized.height() - HEIGHT) / 2);
    let mut out = imageops::crop_imm(&resized, x, y, WIDTH, HEIGHT).to_image();
    for px in out.pixels_mut() {
        for c in &mut px.0 {
            *c = (f32::from(*c) * 0.55) as u8;
        }
    }
    Some(out)
}

fn text_width(text: &str, size: f32) -> f32 {
    let Some(font) = crate::kernel::font::cjk() else { return 0.0 };
    let scaled = font.as_scaled(PxScale::from(size));
    text.chars().map(|c| scaled.h_advance(scaled.glyph_id(c))).sum()
}

/// `text` shortened with … to fit `max` pixels.
fn fit(text: &str, size: f32, max: f32) -> String {
    if text_width(text, size) <= max {
        return text.to_owned();
    }
    let mut out: String = text.to_owned();
    while !out.is_empty() && text_width(&format!("{out}…"), size) > max {
        out.pop();
    }
    format!("{out}…")
}

/// Draws `text` with its baseline at `y`, starting at `x`.
fn draw(img: &mut RgbImage, text: &str, x: f32, y: f32, size: f32, colour: [u8; 3]) {
    let Some(font) = crate::kernel::font::cjk() else { return };
    let scaled = font.as_scaled(PxScale::from(size));
    let mut pen = x;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        let glyph = id.with_scale_and_position(size, point(pen, y));
        pen += scaled.h_advance(id);
        let Some(outlined) = font.outline_glyph(glyph) else { continue };
        let bounds = outlined.px_bounds();
        outlined.draw(|gx, gy, coverage| {
            let px = bounds.min.x as i64 + i64::from(gx);
            let py = bounds.min.y as i64 + i64::from(gy);
            if px < 0 || py < 0 || px >= i64::from(WIDTH) || py >= i64::from(HEIGHT) {
                return;
            }
            let p = img.get_pixel_mut(px as u32, py as u32);
            for (i, c) in p.0.iter_mut().enumerate() {
                *c = lerp(*c, colour[i], coverage.clamp(0.0, 1.0));
            }
        });
    }
}

fn draw_centred(img: &mut RgbImage, text: &str, y: f32, size: f32, colour: [u8; 3]) {
    let x = (WIDTH as f32 - text_width(text, size)) / 2.0;
    draw(img, text, x.max(0.0), y, size, colour);
}

fn rect(img: &mut RgbImage, x: u32, y: u32, w: u32, h: u32, colour: [u8; 3]) {
    for py in y..(y + h).min(HEIGHT) {
        for px in x..(x + w).min(WIDTH) {
            img.put_pixel(px, py, Rgb(colour));
        }
    }
}

/// The QR code of `url`, `size` pixels square, on white with a small margin.
fn qr_tile(img: &mut RgbImage, url: &str, x: u32, y: u32, size: u32) -> Result<(), AppError> {
    let png = crate::kernel::qr::png(url, size)?;
    let code = image::load_from_memory(&png).map_err(AppError::internal)?.to_rgb8();
    let code = imageops::resize(&code, size, size, imageops::Nearest);
    rect(img, x - 6, y - 6, size + 12, size + 12, [255, 255, 255]);
    imageops::overlay(img, &code, i64::from(x), i64::from(y));
    Ok(())
}

/// Renders the PNG (CPU work: call through `kernel::blocking::cpu`).
pub fn render(spec: &ImageSpec, background: Option<&[u8]>) -> Result<Vec<u8>, AppError> {
    let palette = spec.palette();
    let mut img = background.and_then(photo_background).unwrap_or_else(|| gradient(palette));
    let ink = palette.text;
    let (w, h) = (WIDTH as f32, HEIGHT as f32);
    let name = if spec.name.is_empty() { "电子名片".to_owned() } else { spec.name.clone() };
    match spec.layout.as_str() {
        "simple" => {
            draw_centred(&mut img, &fit(&name, 64.0, w - 80.0), 150.0, 64.0, ink);
            rect(&mut img, (WIDTH - 60) / 2, 178, 60, 3, ink);
            let line = [spec.title.as_str(), spec.position.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
            draw_centred(&mut img, &fit(&line, 26.0, w - 80.0), 228.0, 26.0, ink);
            draw_centred(&mut img, &fit(&spec.company, 28.0, w - 80.0), 272.0, 28.0, ink);
            qr_tile(&mut img, &spec.url, (WIDTH - 96) / 2, 318, 96)?;
        }
        "business" => {
            rect(&mut img, 0, 0, 14, HEIGHT, ink);
            draw(&mut img, &fit(&spec.company, 30.0, w - 100.0), 56.0, 80.0, 30.0, ink);
            rect(&mut img, 56, 104, WIDTH - 112, 2, ink);
            draw(&mut img, &fit(&name, 60.0, w - 260.0), 56.0, 210.0, 60.0, ink);
            draw(&mut img, &fit(&spec.title, 26.0, w - 260.0), 56.0, 258.0, 26.0, ink);
            draw(&mut img, &fit(&spec.position, 24.0, w - 260.0), 56.0, 300.0, 24.0, ink);
            qr_tile(&mut img, &spec.url, WIDTH - 56 - 128, 160, 128)?;
        }
        _ => {
            draw(&mut img, &fit(&name, 64.0, w - 100.0), 48.0, 120.0, 64.0, ink);
            draw(&mut img, &fit(&spec.title, 28.0, w - 100.0), 48.0, 172.0, 28.0, ink);
            rect(&mut img, 48, 200, 80, 4, ink);
            draw(&mut img, &fit(&spec.company, 30.0, w - 96.0), 48.0, 262.0, 30.0, ink);
            draw(&mut img, &fit(&spec.position, 24.0, w - 220.0), 48.0, 306.0, 24.0, ink);
            qr_tile(&mut img, &spec.url, WIDTH - 48 - 112, HEIGHT - 48 - 112 - 40, 112)?;
        }
    }
    let footer = fit(&spec.association, 20.0, w - 96.0);
    draw(&mut img, &footer, 48.0, h - 36.0, 20.0, ink);
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), WIDTH, HEIGHT, image::ExtendedColorType::Rgb8)
        .map_err(AppError::internal)?;
    Ok(out)
}

/// The spec of a resolved public card.
pub fn spec_of(card: &PublicCard, association: &str) -> ImageSpec {
    use super::card_model::CardField;
    let colour = |c: Option<&str>| {
        Palette::parse(&format!("{0},{0},{0}", c.unwrap_or("#ffffff"))).map_or([255; 3], |p| p.text)
    };
    let colors = card.card.background.colors.as_ref();
    let image_file_id = card.card.background.image.as_ref().map(|i| i.file_id);
    let palette = if image_file_id.is_some() {
        let p = Palette::IMAGE;
        [p.from, p.to, p.text]
    } else {
        [
            colour(colors.map(|c| c.from.as_str())),
            colour(colors.map(|c| c.to.as_str())),
            colour(colors.map(|c| c.text.as_str())),
        ]
    };
    let value = |f: CardField| card.card.value(f).unwrap_or_default().to_owned();
    ImageSpec {
        layout: card.card.layout.code.clone(),
        palette,
        image_file_id,
        name: card.card.name.clone(),
        title: value(CardField::Title),
        company: value(CardField::Company),
        position: value(CardField::Position),
        association: association.to_owned(),
        url: card.url.clone(),
    }
}

/// The share image of card `card_id` (resolved as `card`): from the cache when what it
/// shows has not changed, else rendered (off the async workers) and kept. Returns the
/// fingerprint (an ETag) and the PNG.
pub async fn share_png(
    db: &Db,
    media: &MediaStore,
    caches: &CardCaches,
    card_id: i64,
    card: &PublicCard,
    association: &str,
) -> Result<(String, Arc<Vec<u8>>), AppError> {
    let spec = spec_of(card, association);
    let fingerprint = spec.fingerprint();
    if let Some(png) = caches.images.get(card_id, &fingerprint) {
        return Ok((fingerprint, png));
    }
    let background = match spec.image_file_id {
        Some(id) => match crate::kernel::media::find(db, id).await {
            Ok(file) => media.read(&file, false).await.ok(),
            Err(_) => None,
        },
        None => None,
    };
    let png = crate::kernel::blocking::cpu(move || render(&spec, background.as_deref())).await?;
    let png = Arc::new(png);
    caches.images.put(card_id, fingerprint.clone(), png.clone());
    Ok((fingerprint, png))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(layout: &str) -> ImageSpec {
        ImageSpec {
            layout: layout.into(),
            palette: [[30, 60, 114], [42, 82, 152], [255, 255, 255]],
            image_file_id: None,
            name: "王小明".into(),
            title: "总经理".into(),
            company: "杭州示例科技有限公司".into(),
            position: "副会长".into(),
            association: "示例商会".into(),
            url: "https://example.org/c/AAAAAAAAAAAAAAAAAAAAAA".into(),
        }
    }

    #[test]
    fn the_font_loads_and_has_hanzi() {
        let font = crate::kernel::font::cjk().expect("font");
        assert_ne!(font.glyph_id('王').0, 0);
        assert_ne!(font.glyph_id('A').0, 0);
    }

    #[test]
    fn every_layout_renders_a_5_by_4_png() {
        for layout in ["classic", "simple", "business"] {
            let png = render(&spec(layout), None).unwrap();
            let img = image::load_from_memory(&png).unwrap();
            assert_eq!((img.width(), img.height()), (WIDTH, HEIGHT));
        }
    }

    #[test]
    fn the_fingerprint_follows_the_text() {
        let a = spec("classic");
        let mut b = a.clone();
        assert_eq!(a.fingerprint(), b.fingerprint());
        b.title = "董事长".into();
        assert_ne!(a.fingerprint(), b.fingerprint());
    }

    #[test]
    fn long_text_is_shortened() {
        let long = "很".repeat(100);
        let short = fit(&long, 30.0, 200.0);
        assert!(short.ends_with('…') && short.chars().count() < 20);
    }
}
